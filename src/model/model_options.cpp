#include "model_options.hpp"

#include <climits>
#include <cmath>

#include "msflow/core/error.hpp"

namespace msflow::model_options {

void reject(const Config& config, const std::string& name, const std::string& what) {
  throw InputError("option --" + name + ": " + what + ", got " + config.get_string(name));
}

// Physical parameters beyond these magnitudes only overflow (a·x, A/ℓ², 1/β): refused before work.
constexpr double kLargest = 1e100, kSmallestPositive = 1e-100;

double real(const Config& config, const std::string& name) {
  const double value = config.get_double(name);  // rejects text, NaN and Inf with the name
  if (std::abs(value) > kLargest) reject(config, name, "must be at most 1e100 in magnitude");
  return value;
}

double positive(const Config& config, const std::string& name) {
  const double value = real(config, name);
  if (!(value > 0)) reject(config, name, "must be > 0");
  if (value < kSmallestPositive) reject(config, name, "must be at least 1e-100");
  return value;
}

double nonnegative(const Config& config, const std::string& name) {
  const double value = real(config, name);
  if (!(value >= 0)) reject(config, name, "must be >= 0");
  return value;
}

int integer_in(const Config& config, const std::string& name, long low, long high) {
  const long value = config.get_int(name);
  if (value < low || value > high) {
    const std::string range = high == LONG_MAX
                                  ? ">= " + std::to_string(low)
                                  : "in " + std::to_string(low) + ".." + std::to_string(high);
    reject(config, name, "must be " + range);
  }
  return static_cast<int>(value);
}

int fixed_integer(const Config& config, const std::string& name, long required,
                  const std::string& model) {
  if (!config.is_default(name) && config.get_int(name) != required)
    reject(config, name, model + " requires " + std::to_string(required));
  return static_cast<int>(required);
}

std::vector<double> centre(const Config& config, int d) {
  const std::vector<double> c = config.get_vector("model.c", static_cast<std::size_t>(d));
  for (const double value : c)
    if (std::abs(value) > kLargest) reject(config, "model.c", "must be at most 1e100 in magnitude");
  return c;
}

}  // namespace msflow::model_options
