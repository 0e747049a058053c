#include "msflow/core/settings.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "msflow/core/error.hpp"
#include "msflow/core/log.hpp"

namespace msflow {

SectionReader::SectionReader(const Config& config, std::string section)
    : config_(config), section_(std::move(section)) {}

std::string SectionReader::name(const std::string& key) const {
  return section_.empty() ? key : section_ + "." + key;
}

bool SectionReader::has(const std::string& key) const {
  return config_.has(name(key)) && !config_.get_string(name(key)).empty();
}

std::string SectionReader::text(const std::string& key) const {
  return config_.get_string(name(key));
}

void SectionReader::reject(const std::string& key, const std::string& what) const {
  throw InputError("option --" + name(key) + ": " + what + ", got '" +
                   (config_.has(name(key)) ? text(key) : std::string()) + "'");
}

std::string SectionReader::choice(const std::string& key,
                                  std::initializer_list<const char*> allowed) const {
  const std::string value = text(key);
  std::string list;
  for (const char* option : allowed) {
    if (value == option) return value;
    list += (list.empty() ? "" : ", ") + std::string(option);
  }
  reject(key, "must be one of " + list);
}

double SectionReader::real(const std::string& key) const {
  const std::string value = text(key);
  char* end = nullptr;
  errno = 0;
  const double number = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(number))
    reject(key, "must be a finite number");
  return number;
}

double SectionReader::positive(const std::string& key) const {
  const double number = real(key);
  if (!(number > 0)) reject(key, "must be > 0");
  return number;
}

double SectionReader::nonnegative(const std::string& key) const {
  const double number = real(key);
  if (!(number >= 0)) reject(key, "must be >= 0");
  return number;
}

double SectionReader::real_in(const std::string& key, double low, double high) const {
  const double number = real(key);
  if (!(number >= low && number <= high))
    reject(key, "must be in [" + format_number(low) + ", " + format_number(high) + "]");
  return number;
}

std::int64_t SectionReader::integer(const std::string& key, std::int64_t low,
                                    std::int64_t high) const {
  const std::string value = text(key);
  const std::string range = "[" + std::to_string(low) + ", " + std::to_string(high) + "]";
  char* end = nullptr;
  errno = 0;
  const long long number = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno == ERANGE)
    reject(key, "must be an integer in " + range);
  if (number < low || number > high) reject(key, "must be an integer in " + range);
  return number;
}

std::optional<std::int64_t> SectionReader::integer_or_auto(const std::string& key, std::int64_t low,
                                                           std::int64_t high) const {
  if (is_auto(key)) return std::nullopt;
  const std::string value = text(key);
  char* end = nullptr;
  errno = 0;
  const long long number = std::strtoll(value.c_str(), &end, 10);
  const std::string range = "[" + std::to_string(low) + ", " + std::to_string(high) + "]";
  if (value.empty() || *end != '\0' || errno == ERANGE || number < low || number > high)
    reject(key, "must be auto or an integer in " + range);
  return number;
}

std::uint64_t SectionReader::seed(const std::string& key) const {
  const std::string value = text(key);
  char* end = nullptr;
  errno = 0;
  const unsigned long long number = std::strtoull(value.c_str(), &end, 10);
  if (value.empty() || value.front() == '-' || value.front() == '+' || *end != '\0' ||
      errno == ERANGE)
    reject(key, "must be a non-negative integer below 2^64");
  return number;
}

bool SectionReader::flag(const std::string& key) const {
  const std::string value = text(key);
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  reject(key, "must be true or false");
}

std::optional<bool> SectionReader::flag_or_auto(const std::string& key) const {
  if (is_auto(key)) return std::nullopt;
  const std::string value = text(key);
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  reject(key, "must be auto, true or false");
}

std::vector<double> SectionReader::numbers(const std::string& key) const {
  std::vector<double> values;
  for (const auto& item : list(key)) {
    char* end = nullptr;
    const double value = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(value))
      reject(key, "'" + item + "' is not a finite number");
    values.push_back(value);
  }
  return values;
}

std::vector<std::string> SectionReader::list(const std::string& key) const {
  std::vector<std::string> names;
  if (!config_.has(name(key))) return names;
  std::stringstream stream(text(key));
  std::string item;
  while (std::getline(stream, item, ',')) {
    item.erase(
        std::remove_if(item.begin(), item.end(), [](char c) { return c == ' ' || c == '\t'; }),
        item.end());
    if (!item.empty()) names.push_back(item);
  }
  return names;
}

}  // namespace msflow
