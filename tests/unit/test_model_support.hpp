#pragma once
// Helpers shared by the model tests: building a model from command-line style options,
// addressing normal draws, and Monte Carlo statistics with standard errors.
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "msflow/core/options.hpp"
#include "msflow/model/model.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::test {

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
