// Pareto-smoothed importance weights: the generalized Pareto fit against samples of known shape,
// the k̂ diagnostic against the known tail of Gaussian proposals, importance-corrected moments of
// a known target, and systematic resampling.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "msflow/infer/importance.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::infer {
namespace {

std::vector<double> uniforms(std::uint64_t stream, std::size_t n) {
  std::vector<double> u(n);
  fill_uniforms({17, Purpose::kTest}, stream, 0, u.data(), n);
  return u;
}

std::vector<double> normals(std::uint64_t stream, std::size_t n) {
  std::vector<double> z(n);
  fill_normals({17, Purpose::kTest}, stream, 0, z.data(), n);
  return z;
}

TEST(InferImportance, GeneralizedParetoQuantileInvertsTheDistribution) {
  for (const double k : {-0.3, 0.0, 0.4, 1.2}) {
    const GeneralizedPareto law{k, 1.7};
    for (const double p : {0.0, 0.1, 0.5, 0.9, 0.999}) {
      const double x = law.quantile(p);
      const double cdf =
          k == 0 ? 1 - std::exp(-x / law.sigma) : 1 - std::pow(1 + k * x / law.sigma, -1 / k);
      EXPECT_NEAR(cdf, p, 1e-12) << "k " << k << ", p " << p;
    }
  }
}

TEST(InferImportance, GeneralizedParetoFitRecoversTheShape) {
  // Asymptotic standard deviations of the maximum-likelihood estimates: (1 + k)/√n for k and
  // √(2(1 + k)/n) for ln σ; the Zhang–Stephens estimate is close to them. Four of them allowed.
  const std::size_t n = 2000;
  std::uint64_t stream = 0;
  for (const double k : {0.2, 0.5, 0.8}) {
    const GeneralizedPareto truth{k, 2.5};
    std::vector<double> x;
    for (const double u : uniforms(stream++, n))
      x.push_back(truth.quantile(u));
    const GeneralizedPareto fit = fit_generalized_pareto(x);
    const double root_n = std::sqrt(static_cast<double>(n));
    EXPECT_NEAR(fit.k, k, 4 * (1 + k) / root_n) << "k " << k;
    EXPECT_NEAR(std::log(fit.sigma), std::log(truth.sigma), 4 * std::sqrt(2 * (1 + k)) / root_n)
        << "k " << k;
  }
}

TEST(InferImportance, GeneralizedParetoFitRefusesUnusableExceedances) {
  EXPECT_THROW(fit_generalized_pareto({1, 2, 3, 4}), std::invalid_argument);
  EXPECT_THROW(fit_generalized_pareto({1, 2, 3, 4, std::nan("")}), std::invalid_argument);
  EXPECT_THROW(fit_generalized_pareto({0, 0, 0, 0, 0}), std::invalid_argument);
}

/// Log ratios of p = N(0, 1) to q = N(0, s²) at draws of q.
std::vector<double> gaussian_log_ratios(double s, std::uint64_t stream, std::size_t n,
                                        std::vector<double>* draws = nullptr) {
  std::vector<double> ratios;
  for (const double z : normals(stream, n)) {
    const double x = s * z;
    if (draws) draws->push_back(x);
    ratios.push_back(-0.5 * x * x + 0.5 * z * z + std::log(s));
  }
  return ratios;
}

TEST(InferImportance, ParetoShapeDiagnosesTheProposalsTail) {
  // For q = N(0, s²) and p = N(0, 1) the ratios have a Pareto tail of shape 1 − s² when s < 1
  // and are bounded when s ≥ 1. Over repeated runs at 20000 draws k̂ scatters by about 0.04
  // (s = 0.9) and 0.08 (s = 0.4) around slightly less than 1 − s².
  const std::size_t n = 20000;
  EXPECT_LT(pareto_smoothed_weights(gaussian_log_ratios(1.3, 1, n)).pareto_k, 0);
  EXPECT_LT(pareto_smoothed_weights(gaussian_log_ratios(0.9, 2, n)).pareto_k, 0.5);
  EXPECT_GT(pareto_smoothed_weights(gaussian_log_ratios(0.4, 3, n)).pareto_k,
            pareto_k_threshold(n) - 0.2);
  EXPECT_DOUBLE_EQ(pareto_k_threshold(n), 0.7);
  EXPECT_NEAR(pareto_k_threshold(1000), 1 - 1 / 3.0, 1e-12);
}

TEST(InferImportance, WeightsCorrectTheMomentsOfAKnownTarget) {
  // q = N(0, 1), p = N(0.5, 0.9²): the weighted mean and variance estimate p's within a few
  // importance-sampling standard errors (sd/√ESS).
  const std::size_t n = 20000;
  std::vector<double> x, ratios;
  for (const double z : normals(4, n)) {
    const double r = (z - 0.5) / 0.9;
    x.push_back(z);
    ratios.push_back(-0.5 * r * r - std::log(0.9) + 0.5 * z * z);
  }
  const ImportanceWeights w = pareto_smoothed_weights(ratios);
  EXPECT_LT(w.pareto_k, 0.5);
  EXPECT_NEAR(std::accumulate(w.weights.begin(), w.weights.end(), 0.0), 1.0, 1e-12);
  double mean = 0, second = 0;
  for (std::size_t j = 0; j < n; ++j) {
    mean += w.weights[j] * x[j];
    second += w.weights[j] * x[j] * x[j];
  }
  const double variance = second - mean * mean;
  const double standard_error = 0.9 / std::sqrt(w.effective_size);
  EXPECT_NEAR(mean, 0.5, 5 * standard_error);
  EXPECT_NEAR(variance, 0.81, 5 * 0.81 * std::sqrt(2 / w.effective_size));
  EXPECT_GT(w.effective_size, 0.5 * static_cast<double>(n));
  EXPECT_LE(w.effective_size, static_cast<double>(n));
}

TEST(InferImportance, SmoothingKeepsTheOrderAndCapsAtTheLargestRawWeight) {
  const std::vector<double> ratios = gaussian_log_ratios(0.5, 5, 4000);
  const ImportanceWeights w = pareto_smoothed_weights(ratios);
  const auto top =
      static_cast<std::size_t>(std::max_element(ratios.begin(), ratios.end()) - ratios.begin());
  for (std::size_t j = 0; j < ratios.size(); ++j)
    EXPECT_LE(w.weights[j], w.weights[top]) << j;
  // Below the tail the weights are the raw ones, rescaled by one common factor.
  std::vector<double> sorted = ratios;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  const auto middle =
      static_cast<std::size_t>(std::find(ratios.begin(), ratios.end(), median) - ratios.begin());
  const double reference = std::exp(ratios[middle]) / w.weights[middle];
  std::size_t compared = 0;
  for (std::size_t j = 0; j < ratios.size(); ++j)
    if (ratios[j] <= median) {
      EXPECT_NEAR(std::exp(ratios[j]) / w.weights[j], reference, 1e-9 * reference) << j;
      ++compared;
    }
  EXPECT_GT(compared, ratios.size() / 3);
  EXPECT_LT(w.effective_size, static_cast<double>(ratios.size()));
  EXPECT_GT(w.effective_size, w.raw_effective_size);  // the smoothed tail is lighter
}

TEST(InferImportance, ConstantRatiosGiveUniformWeights) {
  const ImportanceWeights w = pareto_smoothed_weights(std::vector<double>(50, -3.25));
  EXPECT_EQ(w.weights.size(), 50u);
  for (const double v : w.weights)
    EXPECT_DOUBLE_EQ(v, 1.0 / 50);
  EXPECT_EQ(w.pareto_k, -std::numeric_limits<double>::infinity());
  EXPECT_NEAR(w.effective_size, 50, 1e-9);
}

TEST(InferImportance, AConstantShiftOfTheLogRatiosChangesNothing) {
  const std::vector<double> ratios = gaussian_log_ratios(0.7, 6, 1000);
  std::vector<double> shifted = ratios;
  for (double& r : shifted)
    r += 12345.0;
  const ImportanceWeights a = pareto_smoothed_weights(ratios), b = pareto_smoothed_weights(shifted);
  EXPECT_NEAR(a.pareto_k, b.pareto_k, 1e-6);
  for (std::size_t j = 0; j < ratios.size(); ++j)
    EXPECT_NEAR(a.weights[j], b.weights[j], 1e-9 * a.weights[j]) << j;
}

TEST(InferImportance, RefusesTooFewOrUndefinedRatios) {
  EXPECT_THROW(pareto_smoothed_weights(std::vector<double>(kMinimumDraws - 1, 0.0)),
               std::invalid_argument);
  EXPECT_NO_THROW(pareto_smoothed_weights(gaussian_log_ratios(0.7, 9, kMinimumDraws)));
  std::vector<double> ratios(kMinimumDraws, 0.0);
  ratios[3] = std::numeric_limits<double>::infinity();
  EXPECT_THROW(pareto_smoothed_weights(ratios), std::invalid_argument);
  ratios[3] = std::nan("");
  EXPECT_THROW(pareto_smoothed_weights(ratios), std::invalid_argument);
  ratios[3] = 0;
  for (std::size_t j = 0; j < kMinimumDraws - 9; ++j)
    ratios[j] = -std::numeric_limits<double>::infinity();
  EXPECT_THROW(pareto_smoothed_weights(ratios), std::invalid_argument);  // 9 finite
}

TEST(InferImportance, ZeroDensityGivesZeroWeight) {
  std::vector<double> ratios = gaussian_log_ratios(0.8, 8, 500);
  ratios[7] = ratios[400] = -std::numeric_limits<double>::infinity();
  const ImportanceWeights w = pareto_smoothed_weights(ratios);
  EXPECT_EQ(w.weights[7], 0.0);
  EXPECT_EQ(w.weights[400], 0.0);
  EXPECT_NEAR(std::accumulate(w.weights.begin(), w.weights.end(), 0.0), 1.0, 1e-12);
}

TEST(InferImportance, SystematicResamplingKeepsEachWeightsShare) {
  std::vector<double> weights = uniforms(7, 37);
  weights[5] = 0;  // never drawn
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  for (double& w : weights)
    w /= total;
  for (const double uniform : {0.0, 0.3, 0.999999}) {
    const std::size_t count = 200;
    const std::vector<std::size_t> indices = systematic_resample(weights, count, uniform);
    ASSERT_EQ(indices.size(), count);
    EXPECT_TRUE(std::is_sorted(indices.begin(), indices.end()));
    for (std::size_t j = 0; j < weights.size(); ++j) {
      const auto copies = static_cast<double>(std::count(indices.begin(), indices.end(), j));
      const double expected = static_cast<double>(count) * weights[j];
      EXPECT_GE(copies, std::floor(expected - 1e-9)) << j << " at " << uniform;
      EXPECT_LE(copies, std::ceil(expected + 1e-9)) << j << " at " << uniform;
    }
  }
  const std::vector<double> uniform_weights(10, 0.1);
  const std::vector<std::size_t> all = systematic_resample(uniform_weights, 10, 0.5);
  for (std::size_t j = 0; j < 10; ++j)
    EXPECT_EQ(all[j], j);
}

}  // namespace
}  // namespace msflow::infer
