#pragma once
// Helpers shared by the model tests: building a model from command-line style options,
// addressing normal draws, and Monte Carlo statistics with standard errors.
#include <cmath>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "msflow/core/options.hpp"
#include "msflow/model/model.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::test {

using Args = std::vector<std::string>;

/// A named set of model options: the parameter of the parameterized model tests.
struct ModelCase {
  std::string label;
  Args args;
};
inline std::ostream& operator<<(std::ostream& out, const ModelCase& c) {
  return out << c.label;
}

/// Non-default slow parameters, so that no derivative vanishes by accident, with ell and
/// ell_sigma comparable to the spread of the particles so that every particle contributes.
inline const Args kNonDefaultSlowParameters = {"--model.a",         "1.3", "--model.A",      "0.8",
                                               "--model.ell",       "0.7", "--model.sigma0", "0.6",
                                               "--model.ell_sigma", "0.9"};

/// args followed by more.
inline Args with(Args args, const Args& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

inline Config model_config(const std::vector<std::string>& args) {
  OptionCatalog catalog;
  declare_model_options(catalog);
  return Config::parse(catalog, args, {});
}

inline std::unique_ptr<Model> make_model(const std::vector<std::string>& args) {
  return create_model(model_config(args));
}

/// Standard normals of the test stream (seed, a, b).
inline std::vector<double> normals(std::uint64_t seed, std::uint64_t a, std::size_t n,
                                   std::uint64_t b = 0) {
  std::vector<double> out(n);
  fill_normals(StreamKey{seed, Purpose::kTest}, a, b, out.data(), n);
  return out;
}

/// Mean and variance of a scalar sample (Welford), with the standard error of the mean.
class RunningStats {
 public:
  void add(double value) {
    ++count_;
    const double delta = value - mean_;
    mean_ += delta / count_;
    m2_ += delta * (value - mean_);
  }
  double mean() const { return mean_; }
  double variance() const { return m2_ / (count_ - 1); }
  double standard_error() const { return std::sqrt(variance() / count_); }
  long count() const { return count_; }

 private:
  long count_ = 0;
  double mean_ = 0;
  double m2_ = 0;
};

}  // namespace msflow::test
