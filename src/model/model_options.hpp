#pragma once
// Validated access to the [model] options: every bad value is an InputError that names the
// option and quotes the value as the user wrote it.
#include <string>
#include <vector>

#include "msflow/core/options.hpp"

namespace msflow::model_options {

/// A finite real ("model.A").
double real(const Config& config, const std::string& name);
/// A real > 0.
double positive(const Config& config, const std::string& name);
/// A real >= 0.
double nonnegative(const Config& config, const std::string& name);
/// An integer in [low, high].
int integer_in(const Config& config, const std::string& name, long low, long high);
/// An integer option a model fixes: `required` when defaulted; a different value set by the user
/// is an InputError ("option --model.d: nonrev-ou requires 2, got 3").
int fixed_integer(const Config& config, const std::string& name, long required,
                  const std::string& model);
/// The solvent centre c: d finite values (a single value is broadcast).
std::vector<double> centre(const Config& config, int d);
/// Throws InputError("option --<name>: <what>, got <value as written>").
[[noreturn]] void reject(const Config& config, const std::string& name, const std::string& what);

}  // namespace msflow::model_options
