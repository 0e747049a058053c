#pragma once
// Scalar kernels of the monotone rational-quadratic spline of Durkan et al. (2019), "Neural
// Spline Flows", on [-B, B] with K bins, and their exact reverse mode.
//
// Raw parameters of one spline (3K - 1 numbers): K width logits, K height logits, K - 1 interior
// derivative logits. Bin widths are 2B·(w_min + (1 - K w_min)·softmax), likewise heights, knots
// are their cumulative sums with the end knots pinned at exactly ±B, and interior derivatives
// are d_min + softplus(u + c) with c chosen so that zero logits give d = 1; the boundary
// derivatives are 1 so that the spline joins the identity tails with a continuous slope. Zero
// logits therefore give the identity map.
//
// The transcendental part (softmax, softplus) is done by the caller for a whole batch at once
// (vectorized, see SplineCoupling) or by Knots::build for one spline; Knots::assemble turns the
// resulting probabilities and derivatives into knots with additions only.
#include <vector>

namespace msflow::flow::rq {

struct SplineShape {
  int bins = 8;
  double bound = 5.0;
  double min_bin_width = 1e-3;
  double min_bin_height = 1e-3;
  double min_derivative = 1e-3;
  int raw_size() const { return 3 * bins - 1; }
  /// c with d_min + softplus(0 + c) = 1.
  double derivative_offset() const;
};

/// Knots of one spline plus what the reverse mode needs. Reused across calls (no allocation
/// once sized).
struct Knots {
  std::vector<double> x, y, d;      ///< K + 1 knot positions, values and derivatives
  const double* pw = nullptr;       ///< softmax of the width logits (K)
  const double* ph = nullptr;       ///< softmax of the height logits (K)
  const double* sigmoid = nullptr;  ///< σ(u + c) of the K - 1 derivative logits

  /// From softmax probabilities, interior derivatives (K - 1) and their sigmoids; the pointers
  /// must outlive the use of the knots.
  void assemble(const double* width_p, const double* height_p, const double* interior_d,
                const double* interior_sigmoid, const SplineShape& shape);
  /// From raw parameters (3K - 1, the layout above), computing the transcendentals here.
  void build(const double* raw, const SplineShape& shape);
  /// The bin k with knots[k] <= v < knots[k + 1] (v = B lands in the last bin); knots is x or y.
  static int find_bin(const std::vector<double>& knots, double v);

 private:
  std::vector<double> storage_;  // probabilities etc. for build()
};

/// Value y of the spline at x ∈ [-B, B] in `bin`, and dy/dx if slope is non-null.
double evaluate(const Knots& k, int bin, double x, double* slope);
/// The x ∈ [x_bin, x_bin+1] with evaluate(x) = y, for y in [y_bin, y_bin+1] (the quadratic root
/// in its cancellation-free form).
double invert(const Knots& k, int bin, double y);
/// ∂(log dy/dx)/∂x at x.
double log_derivative_dx(const Knots& k, int bin, double x);

/// Where the reverse mode writes ∂/∂raw: K width logits, K height logits, K - 1 derivative logits.
struct RawGradient {
  double* width;
  double* height;
  double* derivative;
};

/// Reverse mode at fixed x: gradient of a·y(x; raw) + b·log dy/dx(x; raw) with respect to the
/// raw parameters (written) and to x (returned).
double backward(const Knots& k, const SplineShape& shape, int bin, double x, double a, double b,
                const RawGradient& grad);

}  // namespace msflow::flow::rq
