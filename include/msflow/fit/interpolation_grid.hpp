#pragma once
// Nodes for `[fit] averaging = interpolated` (DESIGN.md §4): b̄ and Σ̄ are averaged over the
// learned law at the nodes of a uniform tensor grid only and interpolated to the observations,
// so an evaluation costs (nodes × L) pair evaluations instead of (transitions × L). b̄ is
// interpolated with cubic convolution (Catmull–Rom: exact for quadratics, error O(h³)); Σ̄ is
// interpolated multilinearly, whose non-negative weights keep it symmetric positive definite.
// One layer of nodes beyond the box on every side gives every point of the box a full stencil.
#include <array>
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
  std::size_t node_count() const { return nodes_.size() / static_cast<std::size_t>(dim_); }
  const std::vector<double>& nodes() const { return nodes_; }  ///< node_count × d
  /// The centres of the intervals^d cells (where interpolation errors peak), row-major × d.
  std::vector<double> cell_centres() const;

  void cubic(const double* x, Stencil& stencil) const;
  void linear(const double* x, Stencil& stencil) const;

 private:
  /// Cell index c ∈ [0, intervals − 1] and offset s ∈ [0, 1] of x along `axis` (clamped).
  void locate(const double* x, int axis, int& cell, double& offset) const;

  int dim_, intervals_, per_axis_;  ///< per_axis_ = intervals + 3 nodes (one ghost layer each side)
  std::vector<double> lo_, spacing_;
  std::vector<double> nodes_;
};

}  // namespace msflow::fit
