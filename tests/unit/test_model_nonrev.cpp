// The non-reversible fast processes (docs/method.md, "Models"): nonrev-ou's Lyapunov covariance,
// its exact-in-law step and its exact b̄ (Monte Carlo tolerances: 5 standard errors from the sample
// variance, fixed seeds); nonrev-ring's capabilities.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <unsupported/Eigen/MatrixFunctions>
#include <vector>

#include "msflow/model/lyapunov.hpp"
#include "test_model_support.hpp"

namespace msflow {
namespace {

using test::RunningStats;

/// M = H − ωJ with H = diag(h1, h2), J = [[0, −1], [1, 0]].
Eigen::Matrix2d drift_matrix(double h1, double h2, double omega) {
  Eigen::Matrix2d J;
  J << 0, -1, 1, 0;
  return Eigen::Vector2d(h1, h2).asDiagonal().toDenseMatrix() - omega * J;
}

struct Agreement {
  double worst = 0;
  void check(const RunningStats& stats, double exact, const std::string& what) {
    const double z = std::abs(stats.mean() - exact) / stats.standard_error();
    worst = std::max(worst, z);
    EXPECT_LE(z, 5) << what << ": Monte Carlo " << stats.mean() << " ± " << stats.standard_error()
                    << ", exact " << exact;
  }
};

/// Mean and covariance of 2-vectors, for comparison against exact values.
struct PairStats {
  RunningStats mean[2], covariance[3];  // covariance: (0,0), (1,0), (1,1) about the exact mean
  void add(const double* y, const Eigen::Vector2d& exact_mean) {
    const double u0 = y[0] - exact_mean[0], u1 = y[1] - exact_mean[1];
    mean[0].add(y[0]);
    mean[1].add(y[1]);
    covariance[0].add(u0 * u0);
    covariance[1].add(u1 * u0);
    covariance[2].add(u1 * u1);
  }
  double check(const Eigen::Vector2d& exact_mean, const Eigen::Matrix2d& exact_covariance,
               const std::string& what) const {
    Agreement agreement;
    agreement.check(mean[0], exact_mean[0], what + " mean 0");
    agreement.check(mean[1], exact_mean[1], what + " mean 1");
    agreement.check(covariance[0], exact_covariance(0, 0), what + " covariance 00");
    agreement.check(covariance[1], exact_covariance(1, 0), what + " covariance 10");
    agreement.check(covariance[2], exact_covariance(1, 1), what + " covariance 11");
    std::cout << "[ agreement ] " << what << ": max |error|/SE = " << agreement.worst << "\n";
    return agreement.worst;
  }
};

TEST(ModelNonrevOu, LyapunovSolutionSatisfiesTheEquation) {
  for (const double omega : {0.0, 1.0, -3.0, 10.0})
    for (const double beta : {0.5, 2.0}) {
      const Eigen::Matrix2d M = drift_matrix(1.0, 2.0, omega);
      const Eigen::Matrix2d Q = 2 / beta * Eigen::Matrix2d::Identity();
      const Eigen::Matrix2d sigma = solve_lyapunov_2x2(M, Q);
      const Eigen::Matrix2d residual = M * sigma + sigma * M.transpose() - Q;
      EXPECT_LT(residual.cwiseAbs().maxCoeff(), 1e-12) << "omega " << omega;
      EXPECT_EQ(sigma(0, 1), sigma(1, 0));
      EXPECT_GT(sigma.determinant(), 0);
      if (omega == 0) {  // reversible: the Gibbs law, Σ = H⁻¹/β
        EXPECT_NEAR(sigma(0, 0), 1 / beta, 1e-14);
        EXPECT_NEAR(sigma(1, 1), 0.5 / beta, 1e-14);
        EXPECT_NEAR(sigma(0, 1), 0, 1e-14);
      }
    }
  // A general (non-symmetric, non-normal) stable M and a full Q.
  Eigen::Matrix2d M, Q;
  M << 2, 3, -0.5, 1;
  Q << 2, 0.3, 0.3, 1;
  const Eigen::Matrix2d sigma = solve_lyapunov_2x2(M, Q);
  EXPECT_LT((M * sigma + sigma * M.transpose() - Q).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_THROW(solve_lyapunov_2x2(-M, Q), std::domain_error);
}

TEST(ModelNonrevOu, TransitionCovarianceMatchesTheLyapunovDifference) {
  const Eigen::Matrix2d M = drift_matrix(1.0, 2.0, 1.5);
  const Eigen::Matrix2d Q = Eigen::Matrix2d::Identity();
  const Eigen::Matrix2d sigma = solve_lyapunov_2x2(M, Q);
  for (const double tau : {0.05, 0.7, 4.0}) {
    const OuTransition2 t = ou_transition_2x2(M, Q, tau);
    const Eigen::Matrix2d decay = (-M * tau).exp();
    EXPECT_LT((t.decay - decay).cwiseAbs().maxCoeff(), 1e-13) << tau;
    const Eigen::Matrix2d expected = sigma - decay * sigma * decay.transpose();
    EXPECT_LT((t.covariance - expected).cwiseAbs().maxCoeff(), 1e-12) << tau;
  }
  // Tiny τ: the covariance is Qτ to first order (where Σ − e^{−Mτ}Σe^{−Mτ}ᵀ would cancel).
  const double tau = 1e-10;
  const OuTransition2 t = ou_transition_2x2(M, Q, tau);
  EXPECT_LT((t.covariance / tau - Q).cwiseAbs().maxCoeff(), 1e-8);
}

const std::vector<std::string> kOu = {"--model.name", "nonrev-ou", "--model.h1",    "0.8",
                                      "--model.h2",   "2.5",       "--model.omega", "1.7",
                                      "--model.beta", "1.6",       "--model.c",     "0.3,-0.4"};

TEST(ModelNonrevOu, InvariantSamplesHaveTheLyapunovCovariance) {
  const auto model = test::make_model(kOu);
  const Eigen::Vector2d c(0.3, -0.4);
  const Eigen::Matrix2d sigma =
      solve_lyapunov_2x2(drift_matrix(0.8, 2.5, 1.7), 2 / 1.6 * Eigen::Matrix2d::Identity());
  const int samples = 200000;
  const auto xi = test::normals(71, 0, 2 * samples);
  const double x[2] = {0, 0};
  PairStats stats;
  double y[2];
  for (int s = 0; s < samples; ++s) {
    ASSERT_TRUE(model->sample_invariant(x, xi.data() + 2 * s, y));
    stats.add(y, c);
  }
  stats.check(c, sigma, "nonrev-ou invariant samples");
}

TEST(ModelNonrevOu, ExactStepMatchesTheOuTransition) {
  const auto model = test::make_model(kOu);
  const Eigen::Vector2d c(0.3, -0.4), y0(2.0, 1.0);
  const Eigen::Matrix2d M = drift_matrix(0.8, 2.5, 1.7);
  const Eigen::Matrix2d sigma = solve_lyapunov_2x2(M, 2 / 1.6 * Eigen::Matrix2d::Identity());
  const double x[2] = {0, 0};
  for (const double tau : {0.1, 0.8}) {
    const auto step = model->exact_fast_step(tau);
    ASSERT_TRUE(step);
    const Eigen::Matrix2d decay = (-M * tau).exp();
    const Eigen::Vector2d mean = c + decay * (y0 - c);
    const Eigen::Matrix2d covariance = sigma - decay * sigma * decay.transpose();
    const int samples = 200000;
    const auto xi = test::normals(72, static_cast<std::uint64_t>(tau * 10), 2 * samples);
    PairStats stats;
    for (int s = 0; s < samples; ++s) {
      double y[2] = {y0[0], y0[1]};
      step(x, xi.data() + 2 * s, y);
      stats.add(y, mean);
    }
    stats.check(mean, covariance, "nonrev-ou exact step, tau " + std::to_string(tau));
  }
}

TEST(ModelNonrevOu, RepeatedExactStepsKeepTheLyapunovCovariance) {
  const auto model = test::make_model(kOu);
  const Eigen::Vector2d c(0.3, -0.4);
  const Eigen::Matrix2d sigma =
      solve_lyapunov_2x2(drift_matrix(0.8, 2.5, 1.7), 2 / 1.6 * Eigen::Matrix2d::Identity());
  const auto step = model->exact_fast_step(0.3);
  const int chains = 50000, steps = 40;
  const double x[2] = {0, 0};
  PairStats stats;
  for (int chain = 0; chain < chains; ++chain) {
    const auto xi = test::normals(73, chain, 2 * (steps + 1));
    double y[2];
    model->sample_invariant(x, xi.data(), y);
    for (int s = 1; s <= steps; ++s)
      step(x, xi.data() + 2 * s, y);
    stats.add(y, c);
  }
  stats.check(c, sigma, "nonrev-ou after 40 exact steps from pi0");
}

TEST(ModelNonrevOu, ExactAverageMatchesMonteCarlo) {
  std::vector<std::string> args = kOu;
  args.insert(args.end(), {"--model.A", "1.4", "--model.ell", "0.6", "--model.V", "double-well"});
  const auto model = test::make_model(args);
  ASSERT_TRUE(model->has_exact_average());
  Agreement agreement;
  const std::vector<std::vector<double>> points = {
      {0.3, -0.4}, {1.0, 0.2}, {-0.8, -1.2}, {2.0, 1.0}};
  for (std::size_t p = 0; p < points.size(); ++p) {
    const double* x = points[p].data();
    const int samples = 200000;
    const auto xi = test::normals(74, p, 2 * samples);
    RunningStats stats[2];
    double y[2], b[2];
    for (int s = 0; s < samples; ++s) {
      model->sample_invariant(x, xi.data() + 2 * s, y);
      model->slow_drift(x, y, b);
      stats[0].add(b[0]);
      stats[1].add(b[1]);
    }
    double exact[2], diffusion[4];
    model->exact_average(x, exact, diffusion);
    for (int a = 0; a < 2; ++a)
      agreement.check(stats[a], exact[a],
                      "drift " + std::to_string(a) + " at point " + std::to_string(p));
    EXPECT_EQ(diffusion[0], 0.25);  // σ0² I with the default sigma0 = 0.5
    EXPECT_EQ(diffusion[1], 0.0);
    EXPECT_EQ(diffusion[3], 0.25);
  }
  std::cout << "[ agreement ] nonrev-ou exact average: max |error|/SE = " << agreement.worst
            << "\n";
}

TEST(ModelNonrevOu, StiffnessBoundsTheDriftMatrix) {
  const auto model = test::make_model(kOu);
  const Eigen::Vector2cd eigenvalues = drift_matrix(0.8, 2.5, 1.7).eigenvalues();
  EXPECT_GE(model->fast_stiffness(), eigenvalues.cwiseAbs().maxCoeff());
}

TEST(ModelNonrevRing, HasNoClosedFormPieces) {
  const auto model = test::make_model({"--model.name", "nonrev-ring"});
  EXPECT_FALSE(model->exact_fast_step(0.1));
  const double x[2] = {0, 0}, xi[2] = {0.1, 0.2};
  double y[2];
  EXPECT_FALSE(model->sample_invariant(x, xi, y));
  EXPECT_FALSE(model->has_exact_average());
  double drift[2];
  EXPECT_THROW(model->exact_average(x, drift, nullptr), std::logic_error);
  EXPECT_GT(model->fast_stiffness(), 0);
}

}  // namespace
}  // namespace msflow
