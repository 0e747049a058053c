// The Metropolis reference on a Gaussian target with a known covariance, its effective sample
// size estimator on processes with known autocorrelation, and the posterior summaries.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <random>

#include <Eigen/LU>

#include "msflow/infer/draw_groups.hpp"
#include "msflow/infer/metropolis.hpp"
#include "msflow/infer/posterior_summary.hpp"

namespace msflow::infer {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

TEST(InferMetropolis, SamplesAGaussianTarget) {
  MatrixXd precision(2, 2);
  precision << 2.0, 0.6, 0.6, 0.5;
  const MatrixXd covariance = precision.inverse();
  const DrawGroups groups(MPI_COMM_SELF, 1);
  const MetropolisSettings settings{4, 20000, 2000, 3};
  const ChainSummary summary = run_metropolis(
      groups, 2, settings, [&](const VectorXd& u) { return 0.5 * u.dot(precision * u); },
      [](std::int64_t) { return false; });
  const MatrixXd all = summary.pooled();
  ASSERT_EQ(all.cols(), 4 * 20000);
  const VectorXd mean = all.rowwise().mean();
  const MatrixXd centred = all.colwise() - mean;
  const MatrixXd sample_covariance = centred * centred.transpose() / (all.cols() - 1.0);
  for (int i = 0; i < 2; ++i) {
    const double standard_error = std::sqrt(covariance(i, i) / summary.ess[i]);
    EXPECT_LT(std::abs(mean[i]), 5 * standard_error) << i;
    EXPECT_NEAR(sample_covariance(i, i), covariance(i, i), 0.08 * covariance(i, i)) << i;
    EXPECT_GT(summary.ess[i], 2000) << i;
    EXPECT_LT(summary.rhat[i], 1.02) << i;
  }
  for (const double a : summary.acceptance) {
    EXPECT_GT(a, 0.15);
    EXPECT_LT(a, 0.5);
  }
}

TEST(InferMetropolis, EffectiveSampleSizeOfKnownProcesses) {
  std::mt19937_64 generator(5);
  std::normal_distribution<double> normal;
  const std::size_t n = 40000;
  for (const double phi : {0.0, 0.5, 0.9}) {
    std::vector<std::vector<double>> chains(2, std::vector<double>(n));
    for (auto& chain : chains) {
      double x = normal(generator) / std::sqrt(1 - phi * phi);
      for (auto& value : chain) {
        x = phi * x + normal(generator);
        value = x;
      }
    }
    const double expected = 2.0 * n * (1 - phi) / (1 + phi);  // AR(1): τ = (1 + φ)/(1 − φ)
    EXPECT_NEAR(effective_sample_size(chains), expected, 0.1 * expected) << "phi " << phi;
  }
}

TEST(InferSummary, QuantilesMeanAndCoverage) {
  FieldDraws draws{5, 2, {1, 10, 2, 20, 3, 30, 4, 40, 5, 50}, {}};
  const auto mean = draws.mean();
  EXPECT_DOUBLE_EQ(mean[0], 3);
  EXPECT_DOUBLE_EQ(mean[1], 30);
  const auto q = draws.quantiles();     // levels 2.5 5 25 50 75 95 97.5 %
  EXPECT_DOUBLE_EQ(q[3 * 2 + 0], 3);    // median
  EXPECT_DOUBLE_EQ(q[2 * 2 + 1], 20);   // 25 %: position 1 exactly
  EXPECT_DOUBLE_EQ(q[0 * 2 + 0], 1.1);  // 2.5 %: position 0.1
  const auto coverage = band_coverage(q, 2, {2.5, 45.5}, {});
  EXPECT_DOUBLE_EQ(coverage[0], 0.5);  // 50 %: [2, 4] holds 2.5; [20, 40] misses 45.5
  EXPECT_DOUBLE_EQ(coverage[2], 1.0);  // 95 %: [1.1, 4.9] and [11, 49]
  const auto masked = band_coverage(q, 2, {2.5, 45.5}, {0, 1});
  EXPECT_DOUBLE_EQ(masked[0], 0.0);
}

TEST(InferSummary, RecentreMovesTheMeanAndKeepsTheSpread) {
  FieldDraws draws{4, 2, {1, 10, 2, 20, 3, 30, 6, 60}, {}};  // means 3 and 30
  const auto before = draws.quantiles();
  draws.recentre({0.5, -7});
  const auto mean = draws.mean();
  EXPECT_NEAR(mean[0], 0.5, 1e-15);
  EXPECT_NEAR(mean[1], -7, 1e-14);
  const auto after = draws.quantiles();
  for (std::size_t level = 0; level < after.size() / 2; ++level) {
    EXPECT_NEAR(after[2 * level] - before[2 * level], 0.5 - 3, 1e-14);
    EXPECT_NEAR(after[2 * level + 1] - before[2 * level + 1], -7 - 30, 1e-13);
  }
}

TEST(InferSummary, ParameterSummary) {
  const ParameterPosterior p = summarize_parameter("a", {1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(p.mean, 2.5);
  EXPECT_NEAR(p.sd, std::sqrt(5.0 / 3.0), 1e-15);
  EXPECT_DOUBLE_EQ(p.lower, 1.075);
  EXPECT_DOUBLE_EQ(p.upper, 3.925);
}

TEST(InferSummary, WeightedQuantilesFollowHazensRule) {
  // Points at cumulative weight − half the own weight: 0.1, 0.3, 0.6, 0.9 for weights
  // 0.2, 0.2, 0.4, 0.2; linear between them, constant beyond.
  const std::vector<double> values = {1, 2, 4, 8}, weights = {0.2, 0.2, 0.4, 0.2};
  EXPECT_DOUBLE_EQ(weighted_sorted_quantile(values, weights, 0.05), 1);
  EXPECT_DOUBLE_EQ(weighted_sorted_quantile(values, weights, 0.2), 1.5);
  EXPECT_DOUBLE_EQ(weighted_sorted_quantile(values, weights, 0.45), 3);
  EXPECT_DOUBLE_EQ(weighted_sorted_quantile(values, weights, 0.75), 6);
  EXPECT_DOUBLE_EQ(weighted_sorted_quantile(values, weights, 0.95), 8);
  // A value of weight 0 is not part of the distribution.
  EXPECT_DOUBLE_EQ(weighted_sorted_quantile({1, 2, 3}, {0.5, 0, 0.5}, 0.5), 2);
  EXPECT_DOUBLE_EQ(weighted_sorted_quantile({1, 2, 3}, {0.5, 0, 0.5}, 0.4), 1.6);
}

TEST(InferSummary, WeightedDrawsAgreeWithRepeatedDraws) {
  // Weights 1/4, 1/2, 1/4 against the middle draw repeated: the same mean and, at levels the
  // repetition's Hazen points share, the same quantiles.
  FieldDraws weighted{3, 1, {1, 5, 7}, {0.25, 0.5, 0.25}};
  const FieldDraws repeated = weighted.select({0, 1, 1, 2});
  EXPECT_TRUE(repeated.weights.empty());
  EXPECT_EQ(repeated.values, (std::vector<double>{1, 5, 5, 7}));
  EXPECT_DOUBLE_EQ(weighted.mean()[0], 4.5);
  EXPECT_DOUBLE_EQ(repeated.mean()[0], 4.5);
  const auto q = weighted.quantiles();  // levels 2.5 5 25 50 75 95 97.5 %
  EXPECT_DOUBLE_EQ(q[0], 1);            // below the first point (0.125)
  EXPECT_DOUBLE_EQ(q[3], 5);            // the median is the middle point (0.5)
  EXPECT_DOUBLE_EQ(q[2], 1 + (0.25 - 0.125) / 0.375 * 4);
  EXPECT_DOUBLE_EQ(q[6], 7);
  weighted.recentre({0});
  EXPECT_NEAR(weighted.mean()[0], 0, 1e-15);
}

TEST(InferSummary, WeightedParameterSummary) {
  // Equal weights give the unweighted mean and sd (the 1 − Σw² divisor is n − 1 there).
  const std::vector<double> draws = {1, 2, 3, 4};
  const ParameterPosterior equal = summarize_parameter("a", draws, {0.25, 0.25, 0.25, 0.25});
  EXPECT_DOUBLE_EQ(equal.mean, 2.5);
  EXPECT_NEAR(equal.sd, std::sqrt(5.0 / 3.0), 1e-15);
  const ParameterPosterior tilted = summarize_parameter("a", draws, {0.1, 0.2, 0.3, 0.4});
  EXPECT_DOUBLE_EQ(tilted.mean, 3);
  const double variance = (0.1 * 4 + 0.2 * 1 + 0 + 0.4 * 1) / (1 - 0.3);
  EXPECT_NEAR(tilted.sd, std::sqrt(variance), 1e-15);
  EXPECT_DOUBLE_EQ(tilted.lower, 1);  // 2.5 % lies below the first point (0.05)
  EXPECT_DOUBLE_EQ(tilted.upper, 4);  // 97.5 % beyond the last (0.8)
}

}  // namespace
}  // namespace msflow::infer
