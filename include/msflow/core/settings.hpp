#pragma once
// Typed access to the options of one INI section, for components that read their settings once
// into a struct (FlowSettings, OptimizerSettings, ...). Every bad value is an InputError that
// names the option as the user writes it and quotes the value: "option --fit.L: must be an
// integer in [1, 1048576], got '0'". The section is a parameter, so the same component can be
// configured from several sections ([flow] and [posterior], [fit] and [infer]).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "msflow/core/options.hpp"

namespace msflow {

class SectionReader {
 public:
  /// `section` "" reads the general options (out, data).
  SectionReader(const Config& config, std::string section);

  const std::string& section() const { return section_; }
  const Config& config() const { return config_; }
  /// The dotted option name: "fit.L" (general options: "out").
  std::string name(const std::string& key) const;

  bool has(const std::string& key) const;
  std::string text(const std::string& key) const;
  bool is_auto(const std::string& key) const { return text(key) == "auto"; }
  /// One of `allowed`, else an InputError listing them.
  std::string choice(const std::string& key, std::initializer_list<const char*> allowed) const;

  double real(const std::string& key) const;  ///< finite
  double positive(const std::string& key) const;
  double nonnegative(const std::string& key) const;
  /// A finite real in [low, high].
  double real_in(const std::string& key, double low, double high) const;
  /// An integer written as one (no fraction, no exponent) in [low, high].
  std::int64_t integer(const std::string& key, std::int64_t low, std::int64_t high) const;
  /// "auto" or an integer in [low, high].
  std::optional<std::int64_t> integer_or_auto(const std::string& key, std::int64_t low,
                                              std::int64_t high) const;
  std::uint64_t seed(const std::string& key) const;  ///< a non-negative integer < 2^64
  bool flag(const std::string& key) const;           ///< true/false/yes/no/on/off/1/0
  std::optional<bool> flag_or_auto(const std::string& key) const;
  /// A comma-separated list of names, spaces removed, empty entries skipped.
  std::vector<std::string> list(const std::string& key) const;
  /// A comma-separated list of finite numbers (each entry checked, the bad one named).
  std::vector<double> numbers(const std::string& key) const;

  /// Throws InputError("option --<name>: <what>, got '<value>'").
  [[noreturn]] void reject(const std::string& key, const std::string& what) const;

 private:
  const Config& config_;
  std::string section_;
};

}  // namespace msflow
