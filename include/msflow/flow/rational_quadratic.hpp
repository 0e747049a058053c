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
#include <vector>

namespace msflow::flow::rq {

struct SplineShape {
  int bins = 8;
  double bound = 5.0;
  double min_bin_width = 1e-3;
  double min_bin_height = 1e-3;
  double min_derivative = 1e-3;
  int raw_size() const { return 3 * bins - 1; }
};

/// Knots of one spline plus what the reverse mode needs. Reused across calls (no allocation
/// once sized).
struct Knots {
  std::vector<double> x, y, d;          ///< K + 1 knot positions, values and derivatives
  std::vector<double> pw, ph, sigmoid;  ///< softmax of widths and heights; σ of derivative logits
  void build(const double* raw, const SplineShape& shape);
  /// The bin k with knots[k] <= v < knots[k + 1] (v = B lands in the last bin); knots is x or y.
  static int find_bin(const std::vector<double>& knots, double v);
};

/// Value y and log dy/dx of the spline at x ∈ [-B, B] in `bin`.
double evaluate(const Knots& k, int bin, double x, double* log_derivative);
/// The x ∈ [x_bin, x_bin+1] with evaluate(x) = y, for y in [y_bin, y_bin+1] (the quadratic root
/// in its cancellation-free form).
double invert(const Knots& k, int bin, double y);
/// ∂(log dy/dx)/∂x at x.
double log_derivative_dx(const Knots& k, int bin, double x);

/// Reverse mode at fixed x: gradient of a·y(x; raw) + b·log dy/dx(x; raw) with respect to the
/// raw parameters (written, raw_size() values) and to x (returned).
double backward(const Knots& k, const SplineShape& shape, int bin, double x, double a, double b,
                double* grad_raw);

}  // namespace msflow::flow::rq
