// The transitions' moments of interpolated averaging with a fixed diffusion: −ln L and its
// gradient with respect to the node drifts must equal a direct pass over the transitions
// (interpolating b̄ at every x_k) for d = 1, 2, 3, and the gradient must match central
// differences.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <random>

#include "msflow/core/small_matrix.hpp"
#include "msflow/fit/transition_moments.hpp"

namespace msflow::fit {
namespace {

// Random transitions in [−1, 2]^d with spacings 0.01–0.03 (some observations on the box edge).
TransitionWindow random_window(int d, std::size_t count, std::mt19937_64& generator) {
  std::uniform_real_distribution<double> position(-1.0, 2.0), spacing(0.01, 0.03);
  std::normal_distribution<double> normal(0.0, 1.0);
  TransitionWindow window;
  window.dim = d;
  window.total = count;
  window.blocks = transition_blocks(count);
  window.my_blocks = window.blocks.blocks_of(0, 1);
  window.range = {0, count};
  for (std::size_t k = 0; k < count; ++k) {
    const double dt = spacing(generator);
    for (int a = 0; a < d; ++a) {
      window.start.push_back(k == 0 ? -1.0 : k == 1 ? 2.0 : position(generator));
      window.increment.push_back(0.3 * dt + 0.5 * std::sqrt(dt) * normal(generator));
    }
    window.dt.push_back(dt);
  }
  return window;
}

// −ln L by interpolating b̄ at every observation; `adjoint` (nodes × d) gets ∂/∂B.
double direct(const InterpolationGrid& grid, const TransitionWindow& window,
              const std::vector<double>& node_drift, const double* diffusion,
              std::vector<double>& adjoint) {
  const int d = window.dim;
  double inverse[9];
  const double log_det = spd_inverse(diffusion, d, inverse);
  adjoint.assign(node_drift.size(), 0.0);
  double value = 0;
  Stencil stencil;
  for (std::size_t k = 0; k < window.size(); ++k) {
    grid.cubic(&window.start[k * d], stencil);
    const double dt = window.dt[k];
    double residual[3];
    for (int a = 0; a < d; ++a) {
      double drift = 0;
      for (int i = 0; i < stencil.count; ++i)
        drift += stencil.weight[i] * node_drift[stencil.node[i] * d + a];
      residual[a] = window.increment[k * d + a] - drift * dt;
    }
    for (int a = 0; a < d; ++a) {
      double solved = 0;
      for (int b = 0; b < d; ++b)
        solved += inverse[a * d + b] * residual[b];
      value += 0.5 * residual[a] * solved / dt;
      for (int i = 0; i < stencil.count; ++i)
        adjoint[stencil.node[i] * d + a] -= stencil.weight[i] * solved;
    }
    value += 0.5 * (d * std::log(2 * M_PI * dt) + log_det);
  }
  return value;
}

void expect_moments_match_direct(int d, int intervals) {
  std::mt19937_64 generator(41 + d);
  const TransitionWindow window = random_window(d, 3000, generator);
  Box box{std::vector<double>(d, -1.0), std::vector<double>(d, 2.0)};
  const InterpolationGrid grid(box, intervals);
  ASSERT_TRUE(TransitionMoments::affordable(grid, window.total));
  const TransitionMoments moments(MPI_COMM_WORLD, grid, window);

  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> node_drift(grid.node_count() * d);
  for (double& value : node_drift)
    value = normal(generator);
  // An anisotropic, correlated diffusion.
  double diffusion[9] = {};
  for (int a = 0; a < d; ++a)
    for (int b = 0; b < d; ++b)
      diffusion[a * d + b] = (a == b ? 0.3 + 0.1 * a : 0.05);

  std::vector<double> expected_adjoint, adjoint(node_drift.size(), 7.0);  // must be overwritten
  const double expected = direct(grid, window, node_drift, diffusion, expected_adjoint);
  const double value = moments.negative_log_likelihood(node_drift, diffusion, adjoint.data());
  EXPECT_NEAR(value, expected, 1e-11 * std::abs(expected)) << "d = " << d;
  double scale = 0;
  for (const double a : expected_adjoint)
    scale = std::max(scale, std::abs(a));
  for (std::size_t i = 0; i < adjoint.size(); ++i)
    EXPECT_NEAR(adjoint[i], expected_adjoint[i], 1e-10 * scale) << "d = " << d << ", entry " << i;

  // Central differences on a few node values (−ln L is quadratic in them: exact up to rounding).
  std::vector<double> unused(node_drift.size());
  for (int trial = 0; trial < 6; ++trial) {
    const std::size_t i = (trial * 7919u) % node_drift.size();
    std::vector<double> plus = node_drift, minus = node_drift;
    const double h = 1e-3;
    plus[i] += h, minus[i] -= h;
    const double difference = (moments.negative_log_likelihood(plus, diffusion, unused.data()) -
                               moments.negative_log_likelihood(minus, diffusion, unused.data())) /
                              (2 * h);
    EXPECT_NEAR(adjoint[i], difference, 1e-6 * std::max(1.0, std::abs(difference)))
        << "d = " << d << ", entry " << i;
  }
}

TEST(TransitionMoments, MatchDirectPassOneDimension) {
  expect_moments_match_direct(1, 37);
}
TEST(TransitionMoments, MatchDirectPassTwoDimensions) {
  expect_moments_match_direct(2, 9);
}
TEST(TransitionMoments, MatchDirectPassThreeDimensions) {
  expect_moments_match_direct(3, 3);
}

TEST(TransitionMoments, KeepOnlyVisitedCells) {
  std::mt19937_64 generator(5);
  TransitionWindow window = random_window(1, 200, generator);
  for (double& x : window.start)
    x = std::min(x, 0.0);  // the upper half of the box stays empty
  const InterpolationGrid grid(Box{{-1.0}, {2.0}}, 30);
  const TransitionMoments moments(MPI_COMM_WORLD, grid, window);
  EXPECT_GT(moments.visited_cells(), 5u);
  EXPECT_LE(moments.visited_cells(), 11u);  // cells of [−1, 0], plus the cell at 0
}

// The moments (with their exact sums, 80 bytes per dense entry) may not need more memory than
// the transitions themselves or 64 MiB: d = 3 with 16 intervals per axis holds 1.25 GB.
TEST(TransitionMoments, AffordableOnlyWhenNoLargerThanTheTransitions) {
  const Box box{{0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}};
  EXPECT_TRUE(TransitionMoments::affordable(InterpolationGrid(box, 3), 10));
  EXPECT_TRUE(TransitionMoments::affordable(InterpolationGrid(box, 16), 30'000'000));
  EXPECT_FALSE(TransitionMoments::affordable(InterpolationGrid(box, 16), 6'000'000));
  EXPECT_FALSE(TransitionMoments::affordable(InterpolationGrid(box, 32), 30'000'000));
}

}  // namespace
}  // namespace msflow::fit
