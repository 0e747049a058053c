// The simulators: Euler–Maruyama convergence orders, the observation schedule, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "msflow/sde/simulator.hpp"

namespace msflow {
namespace {

// Strong error E|X_T − X_T^h| of Euler–Maruyama for step sizes T/2^k, all driven by the same
// Brownian paths (coarse increments are sums of fine ones), against `exact(path increments)`.
template <class Exact>
std::vector<double> strong_errors(const AveragedDynamics& dynamics, double x0, double horizon,
                                  int finest_level, const std::vector<int>& levels, int paths,
                                  Exact exact) {
  std::mt19937_64 generator(2024);
  std::normal_distribution<double> normal;
  const int fine_steps = 1 << finest_level;
  const double fine_h = horizon / fine_steps;
  std::vector<double> errors(levels.size(), 0.0), increments(fine_steps);
  for (int p = 0; p < paths; ++p) {
    for (auto& dw : increments)
      dw = std::sqrt(fine_h) * normal(generator);
    const double reference = exact(increments, fine_h);
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const int steps = 1 << levels[l], group = fine_steps / steps;
      double x = x0;
      for (int s = 0; s < steps; ++s) {
        double dw = 0;
        for (int i = 0; i < group; ++i)
          dw += increments[s * group + i];
        euler_maruyama_step(dynamics, &x, horizon / steps, &dw);
      }
      errors[l] += std::abs(x - reference) / paths;
    }
  }
  return errors;
}

// Least-squares slope of log(error) against log(step).
double observed_order(const std::vector<double>& errors, const std::vector<int>& levels) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double count = static_cast<double>(levels.size());
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const double lx = -levels[l] * std::log(2.0), ly = std::log(errors[l]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
  }
  return (count * sxy - sx * sy) / (count * sxx - sx * sx);
}

// Geometric Brownian motion dX = μX dt + sX dW: multiplicative noise, strong order 1/2; exact
// solution X_T = x0 exp((μ − s²/2)T + s W_T).
TEST(SimulatorEulerMaruyama, StrongOrderOneHalfWithMultiplicativeNoise) {
  const double mu = 0.5, s = 0.8, x0 = 1.0, horizon = 1.0;
  const AveragedDynamics gbm{1, [&](const double* x, double* b, double* a) {
                               b[0] = mu * x[0];
                               a[0] = s * s * x[0] * x[0];
                             }};
  const std::vector<int> levels = {2, 3, 4, 5, 6};
  const auto errors =
      strong_errors(gbm, x0, horizon, 12, levels, 2000, [&](const std::vector<double>& dw, double) {
        double w = 0;
        for (double v : dw)
          w += v;
        return x0 * std::exp((mu - 0.5 * s * s) * horizon + s * w);
      });
  const double order = observed_order(errors, levels);
  EXPECT_NEAR(order, 0.5, 0.12) << "errors from " << errors.front() << " to " << errors.back();
}

// Ornstein–Uhlenbeck dX = −θX dt + s dW. With additive noise Euler–Maruyama coincides with the
// Milstein scheme, so its strong order is 1 (not 1/2). Reference: the exact OU transition
// driven by the same Brownian path, X ← e^{−θh}X + s ∫ e^{−θ(h−u)} dW(u), the integral taken
// on the finest grid with the exponential midpoint weight (error O(h_fine^1.5), negligible).
TEST(SimulatorEulerMaruyama, StrongOrderOneForOrnsteinUhlenbeck) {
  const double theta = 1.5, s = 0.7, x0 = 1.0, horizon = 1.0;
  const AveragedDynamics ou{1, [&](const double* x, double* b, double* a) {
                              b[0] = -theta * x[0];
                              a[0] = s * s;
                            }};
  const std::vector<int> levels = {2, 3, 4, 5, 6};
  const auto errors = strong_errors(
      ou, x0, horizon, 13, levels, 2000, [&](const std::vector<double>& dw, double h) {
        double x = x0;
        for (double v : dw)
          x = std::exp(-theta * h) * x + s * std::exp(-theta * h / 2) * v;
        return x;
      });
  const double order = observed_order(errors, levels);
  EXPECT_NEAR(order, 1.0, 0.15) << "errors from " << errors.front() << " to " << errors.back();
}

// The averaged simulator reproduces the OU stationary variance s²/(2θ) and mean decay.
TEST(SimulatorAveraged, OrnsteinUhlenbeckMomentsOverManyTrajectories) {
  const double theta = 2.0, s = 1.0;
  const AveragedDynamics ou{1, [&](const double* x, double* b, double* a) {
                              b[0] = -theta * x[0];
                              a[0] = s * s;
                            }};
  const TrajectoryPlan plan{{0.0, 0.25, 0.5}, {1.0}};
  const int trajectories = 20000;
  double mean = 0, second = 0;
  for (int k = 0; k < trajectories; ++k) {
    const auto path = simulate_averaged(ou, plan, k, 1e-3, 7);
    ASSERT_EQ(path.size(), 3u);
    EXPECT_EQ(path[0], 1.0);
    mean += path[2] / trajectories, second += path[2] * path[2] / trajectories;
  }
  const double exact_mean = std::exp(-theta * 0.5);
  const double exact_variance = s * s / (2 * theta) * (1 - std::exp(-2 * theta * 0.5));
  const double variance = second - mean * mean;
  EXPECT_NEAR(mean, exact_mean, 5 * std::sqrt(exact_variance / trajectories));
  EXPECT_NEAR(variance, exact_variance, 5 * exact_variance * std::sqrt(2.0 / trajectories) + 2e-3);
}

TEST(SimulatorAveraged, SameIndexSameSeedGivesTheSamePath) {
  const AveragedDynamics ou{1, [](const double* x, double* b, double* a) {
                              b[0] = -x[0];
                              a[0] = 1;
                            }};
  const TrajectoryPlan plan{{0.0, 0.1, 0.3, 0.35}, {0.2}};
  EXPECT_EQ(simulate_averaged(ou, plan, 3, 0.01, 5), simulate_averaged(ou, plan, 3, 0.01, 5));
  EXPECT_NE(simulate_averaged(ou, plan, 3, 0.01, 5), simulate_averaged(ou, plan, 4, 0.01, 5));
  EXPECT_NE(simulate_averaged(ou, plan, 3, 0.01, 5), simulate_averaged(ou, plan, 3, 0.01, 6));
}

TEST(SimulatorSchedule, FineStepsDivideEachObservationIntervalEvenly) {
  const TrajectoryPlan plan{{0.0, 0.1, 0.25, 0.26}, {0.0}};
  // 0.1/0.03 → 4 steps, 0.15/0.03 → 5 steps, 0.01/0.03 → 1 step.
  EXPECT_EQ(count_fine_steps(plan, 0.03), 10u);
  EXPECT_EQ(count_fine_steps(plan, 0.05), 2u + 3u + 1u);
}

}  // namespace
}  // namespace msflow
