// The interpolation grid of `[fit] averaging = interpolated`: stencils reproduce what they
// should exactly (cubic: quadratics; linear: affine functions), weights sum to one, linear
// weights are non-negative, and the cubic error falls at third order or better.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "msflow/fit/interpolation_grid.hpp"

namespace msflow::fit {
namespace {

using Function = std::function<double(const double*)>;

double interpolate(const InterpolationGrid& grid, const Stencil& stencil, const Function& f) {
  double value = 0;
  for (int i = 0; i < stencil.count; ++i)
    value += stencil.weight[i] * f(&grid.nodes()[stencil.node[i] * grid.dim()]);
  return value;
}

// Points spread over the box, including its corners.
std::vector<double> probe_points(const Box& box, int per_axis) {
  return make_box_grid(box.lo, box.hi, per_axis).points;
}

TEST(InterpolationGrid, CubicReproducesQuadraticsInThreeDimensions) {
  const Box box{{-1.0, 0.0, 2.0}, {0.5, 1.0, 2.7}};
  const InterpolationGrid grid(box, 4);
  EXPECT_EQ(grid.node_count(), 7u * 7u * 7u);
  const Function quadratic = [](const double* x) {
    return 1 + x[0] - 2 * x[1] + 0.5 * x[2] + x[0] * x[0] - x[0] * x[2] + 3 * x[1] * x[1];
  };
  const auto points = probe_points(box, 9);
  Stencil stencil;
  for (std::size_t j = 0; j < points.size() / 3; ++j) {
    grid.cubic(&points[j * 3], stencil);
    ASSERT_EQ(stencil.count, 64);
    double sum = 0;
    for (int i = 0; i < stencil.count; ++i)
      sum += stencil.weight[i];
    EXPECT_NEAR(sum, 1.0, 1e-14);
    EXPECT_NEAR(interpolate(grid, stencil, quadratic), quadratic(&points[j * 3]), 1e-12);
  }
}

TEST(InterpolationGrid, LinearIsAConvexCombinationExactForAffineFunctions) {
  const Box box{{-2.0, 1.0}, {2.0, 1.5}};
  const InterpolationGrid grid(box, 5);
  const Function affine = [](const double* x) { return 0.3 - 1.5 * x[0] + 2 * x[1]; };
  const auto points = probe_points(box, 13);
  Stencil stencil;
  for (std::size_t j = 0; j < points.size() / 2; ++j) {
    grid.linear(&points[j * 2], stencil);
    ASSERT_EQ(stencil.count, 4);
    double sum = 0;
    for (int i = 0; i < stencil.count; ++i) {
      EXPECT_GE(stencil.weight[i], 0.0);
      sum += stencil.weight[i];
    }
    EXPECT_NEAR(sum, 1.0, 1e-14);
    EXPECT_NEAR(interpolate(grid, stencil, affine), affine(&points[j * 2]), 1e-12);
  }
}

TEST(InterpolationGrid, CubicErrorFallsAtLeastAtThirdOrder) {
  const Box box{{-1.0}, {1.5}};
  const Function smooth = [](const double* x) { return x[0] * std::exp(-x[0] * x[0] / 0.5); };
  auto max_error = [&](int intervals) {
    const InterpolationGrid grid(box, intervals);
    const auto centres = grid.cell_centres();
    double error = 0;
    Stencil stencil;
    for (const double x : centres) {
      grid.cubic(&x, stencil);
      error = std::max(error, std::abs(interpolate(grid, stencil, smooth) - smooth(&x)));
    }
    return error;
  };
  const double coarse = max_error(32), fine = max_error(64);
  EXPECT_GT(coarse / fine, 7.0) << coarse << " -> " << fine;
  EXPECT_LT(fine, 1e-4);
}

TEST(InterpolationGrid, ADegenerateAxisStillHasCells) {
  const Box box{{0.25}, {0.25}};
  const InterpolationGrid grid(box, 4);
  Stencil stencil;
  const double x = 0.25;
  grid.cubic(&x, stencil);
  const Function constant = [](const double*) { return 2.0; };
  EXPECT_NEAR(interpolate(grid, stencil, constant), 2.0, 1e-14);
}

// The derivative weights are the derivatives of the cubic interpolant: against central
// differences of cubic_fixed's interpolant at points inside cells (d = 2 and 3).
template <int D>
void expect_derivative_weights_differentiate_the_interpolant() {
  Box box;
  for (int a = 0; a < D; ++a)
    box.lo.push_back(-1.0 + 0.2 * a), box.hi.push_back(0.8 + 0.3 * a);
  const InterpolationGrid grid(box, 5);
  const auto f = [](const double* x) {
    double value = 0;
    for (int a = 0; a < D; ++a)
      value += std::sin(1.3 * x[a] + a) * std::cos(0.7 * x[(a + 1) % D]);
    return value;
  };
  constexpr int K = D == 2 ? 16 : 64;
  const auto interpolant = [&](const double* x) {
    std::size_t node[K];
    double weight[K], value = 0;
    grid.cubic_fixed<D>(x, node, weight);
    for (int i = 0; i < K; ++i)
      value += weight[i] * f(&grid.nodes()[node[i] * D]);
    return value;
  };
  const double x[3] = {-0.37, 0.41, 0.93};
  std::size_t node[K], plain_node[K];
  double weight[K], plain_weight[K], gradient[K * D], hessian[K * D * D];
  grid.cubic_derivatives_fixed<D>(x, node, weight, gradient, hessian);
  grid.cubic_fixed<D>(x, plain_node, plain_weight);
  const double h = 1e-4;
  for (int i = 0; i < K; ++i) {
    EXPECT_EQ(node[i], plain_node[i]);
    EXPECT_EQ(weight[i], plain_weight[i]);
  }
  for (int b = 0; b < D; ++b) {
    double value = 0;
    for (int i = 0; i < K; ++i)
      value += gradient[i * D + b] * f(&grid.nodes()[node[i] * D]);
    double plus[3] = {x[0], x[1], x[2]}, minus[3] = {x[0], x[1], x[2]};
    plus[b] += h, minus[b] -= h;
    EXPECT_NEAR(value, (interpolant(plus) - interpolant(minus)) / (2 * h), 1e-7) << b;
    for (int c = 0; c < D; ++c) {
      double second = 0;
      for (int i = 0; i < K; ++i)
        second += hessian[(i * D + b) * D + c] * f(&grid.nodes()[node[i] * D]);
      // ∂_c of the analytic ∂_b, by central differences of the gradient weights.
      const auto derivative = [&](const double* at) {
        std::size_t n[K];
        double w[K], g[K * D], hh[K * D * D], sum = 0;
        grid.cubic_derivatives_fixed<D>(at, n, w, g, hh);
        for (int i = 0; i < K; ++i)
          sum += g[i * D + b] * f(&grid.nodes()[n[i] * D]);
        return sum;
      };
      double up[3] = {x[0], x[1], x[2]}, down[3] = {x[0], x[1], x[2]};
      up[c] += h, down[c] -= h;
      EXPECT_NEAR(second, (derivative(up) - derivative(down)) / (2 * h), 1e-6) << b << c;
    }
  }
}

TEST(InterpolationGrid, DerivativeWeightsDifferentiateTheInterpolant) {
  expect_derivative_weights_differentiate_the_interpolant<2>();
  expect_derivative_weights_differentiate_the_interpolant<3>();
}

}  // namespace
}  // namespace msflow::fit
