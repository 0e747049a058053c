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

}  // namespace
}  // namespace msflow::fit
