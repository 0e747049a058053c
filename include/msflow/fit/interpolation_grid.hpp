#pragma once
// Nodes for `[fit] averaging = interpolated` (docs/method.md, "Interpolated averaging"): b̄ and Σ̄
// are averaged over the learned law at the nodes of a uniform tensor grid only and interpolated to
// the observations, so an evaluation costs (nodes × L) pair evaluations instead of (transitions ×
// L). b̄ is interpolated with cubic convolution (Catmull–Rom: exact for quadratics, error O(h³)); Σ̄
// is interpolated multilinearly, whose non-negative weights keep it symmetric positive definite.
// One layer of nodes beyond the box on every side gives every point of the box a full stencil.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "msflow/core/grid.hpp"

namespace msflow::fit {

/// The nodes and weights that interpolate at one point: value = Σ_i weight[i]·f(node[i]).
struct Stencil {
  int count = 0;
  std::array<std::size_t, 64> node{};  ///< 4^d for cubic, 2^d for linear (d ≤ 3)
  std::array<double, 64> weight{};
};

class InterpolationGrid {
 public:
  /// `intervals` ≥ 1 cells per axis over `box` (d ≤ 3); a degenerate axis is widened slightly.
  InterpolationGrid(const Box& box, int intervals);

  int dim() const { return dim_; }
  int intervals() const { return intervals_; }
  int nodes_per_axis() const { return per_axis_; }  ///< intervals + 3 (ghost layers included)
  std::size_t node_count() const { return nodes_.size() / static_cast<std::size_t>(dim_); }
  const std::vector<double>& nodes() const { return nodes_; }  ///< node_count × d
  /// The centres of the intervals^d cells (where interpolation errors peak), row-major × d.
  std::vector<double> cell_centres() const;

  void cubic(const double* x, Stencil& stencil) const;
  void linear(const double* x, Stencil& stencil) const;

  /// Fixed-dimension stencils for hot loops: the same nodes and weights as cubic()/linear().
  template <int D>
  void cubic_fixed(const double* x, std::size_t* node, double* weight) const;
  template <int D>
  void linear_fixed(const double* x, std::size_t* node, double* weight) const;
  /// cubic_fixed's nodes and weights with their derivatives in x, for the interpolant's
  /// gradient and Hessian: gradient[i·D + b] = ∂weight[i]/∂x_b, hessian[(i·D + b)·D + c] =
  /// ∂²weight[i]/∂x_b∂x_c (Catmull–Rom: the gradient is continuous, the Hessian jumps at cell
  /// faces).
  template <int D>
  void cubic_derivatives_fixed(const double* x, std::size_t* node, double* weight, double* gradient,
                               double* hessian) const;

 private:
  /// Cell index c ∈ [0, intervals − 1] and offset s ∈ [0, 1] of x along `axis` (clamped).
  void locate(const double* x, int axis, int& cell, double& offset) const;

  int dim_, intervals_, per_axis_;  ///< per_axis_ = intervals + 3 nodes (one ghost layer each side)
  std::vector<double> lo_, spacing_, inverse_spacing_;
  std::vector<double> nodes_;
};

template <int D>
void InterpolationGrid::cubic_fixed(const double* x, std::size_t* node, double* weight) const {
  std::size_t first[D];
  double w[D][4];
  for (int a = 0; a < D; ++a) {
    int cell;
    double s;
    locate(x, a, cell, s);
    first[a] = static_cast<std::size_t>(cell);
    const double s2 = s * s, s3 = s2 * s;
    w[a][0] = 0.5 * (-s3 + 2 * s2 - s);
    w[a][1] = 0.5 * (3 * s3 - 5 * s2 + 2);
    w[a][2] = 0.5 * (-3 * s3 + 4 * s2 + s);
    w[a][3] = 0.5 * (s3 - s2);
  }
  constexpr int kCount = D == 1 ? 4 : D == 2 ? 16 : 64;
  const auto stride = static_cast<std::size_t>(per_axis_);
  for (int i = 0; i < kCount; ++i) {
    std::size_t index = 0;
    double product = 1;
    int rest = i;
    for (int a = 0; a < D; ++a) {
      const int k = rest % 4;
      rest /= 4;
      index = index * stride + first[a] + static_cast<std::size_t>(k);
      product *= w[a][k];
    }
    node[i] = index;
    weight[i] = product;
  }
}

template <int D>
void InterpolationGrid::cubic_derivatives_fixed(const double* x, std::size_t* node, double* weight,
                                                double* gradient, double* hessian) const {
  std::size_t first[D];
  double w[D][4], w1[D][4], w2[D][4];  // the 1-D weights and their first and second x-derivatives
  for (int a = 0; a < D; ++a) {
    int cell;
    double s;
    locate(x, a, cell, s);
    first[a] = static_cast<std::size_t>(cell);
    const double s2 = s * s, s3 = s2 * s, h = inverse_spacing_[a], h2 = h * h;
    w[a][0] = 0.5 * (-s3 + 2 * s2 - s);
    w[a][1] = 0.5 * (3 * s3 - 5 * s2 + 2);
    w[a][2] = 0.5 * (-3 * s3 + 4 * s2 + s);
    w[a][3] = 0.5 * (s3 - s2);
    w1[a][0] = 0.5 * (-3 * s2 + 4 * s - 1) * h;
    w1[a][1] = 0.5 * (9 * s2 - 10 * s) * h;
    w1[a][2] = 0.5 * (-9 * s2 + 8 * s + 1) * h;
    w1[a][3] = 0.5 * (3 * s2 - 2 * s) * h;
    w2[a][0] = (-3 * s + 2) * h2;
    w2[a][1] = (9 * s - 5) * h2;
    w2[a][2] = (-9 * s + 4) * h2;
    w2[a][3] = (3 * s - 1) * h2;
  }
  constexpr int kCount = D == 1 ? 4 : D == 2 ? 16 : 64;
  const auto stride = static_cast<std::size_t>(per_axis_);
  for (int i = 0; i < kCount; ++i) {
    std::size_t index = 0;
    int k[D], rest = i;
    for (int a = 0; a < D; ++a) {
      k[a] = rest % 4;
      rest /= 4;
      index = index * stride + first[a] + static_cast<std::size_t>(k[a]);
    }
    node[i] = index;
    // A product over the axes with axis b (and c) differentiated.
    const auto product = [&](int b, int c) {
      double value = 1;
      for (int a = 0; a < D; ++a) {
        const int order = (a == b) + (a == c);
        value *= order == 0 ? w[a][k[a]] : order == 1 ? w1[a][k[a]] : w2[a][k[a]];
      }
      return value;
    };
    weight[i] = product(-1, -1);
    for (int b = 0; b < D; ++b) {
      gradient[i * D + b] = product(b, -1);
      for (int c = 0; c < D; ++c)
        hessian[(i * D + b) * D + c] = product(b, c);
    }
  }
}

template <int D>
void InterpolationGrid::linear_fixed(const double* x, std::size_t* node, double* weight) const {
  std::size_t first[D];
  double w[D][2];
  for (int a = 0; a < D; ++a) {
    int cell;
    double s;
    locate(x, a, cell, s);
    first[a] = static_cast<std::size_t>(cell) + 1;
    w[a][0] = 1 - s;
    w[a][1] = s;
  }
  const auto stride = static_cast<std::size_t>(per_axis_);
  for (int i = 0; i < (1 << D); ++i) {
    std::size_t index = 0;
    double product = 1;
    for (int a = 0; a < D; ++a) {
      const int k = (i >> a) & 1;
      index = index * stride + first[a] + static_cast<std::size_t>(k);
      product *= w[a][k];
    }
    node[i] = index;
    weight[i] = product;
  }
}

inline void InterpolationGrid::locate(const double* x, int axis, int& cell, double& offset) const {
  const double t = (x[axis] - lo_[axis]) * inverse_spacing_[axis];
  cell = std::clamp(static_cast<int>(std::floor(t)), 0, intervals_ - 1);
  offset = std::clamp(t - cell, 0.0, 1.0);
}

}  // namespace msflow::fit
