#include "msflow/flow/rational_quadratic.hpp"

#include <algorithm>
#include <cmath>

namespace msflow::flow::rq {

namespace {

// Knots -B = k_0 < … < k_K = B from bin fractions p (ends pinned exactly).
void cumulate(const double* p, int n, double minimum, double bound, std::vector<double>& k) {
  const double scale = 2.0 * bound * (1.0 - n * minimum), floor = 2.0 * bound * minimum;
  k[0] = -bound;
  for (int i = 1; i < n; ++i)
    k[i] = k[i - 1] + floor + scale * p[i - 1];
  k[n] = bound;
}

// ∂L/∂k_i for the two knots of `bin` → ∂L/∂logits of the softmax behind them.
void knots_backward(const double* p, int n, double minimum, double bound, int bin,
                    double grad_lower, double grad_upper, double* grad_logits) {
  // k_i = -B + Σ_{j<i} 2B(m + (1 - n m) p_j) for 0 < i < n; the end knots are constants.
  const double lower = bin > 0 ? grad_lower : 0.0;
  const double upper = bin + 1 < n ? grad_upper : 0.0;
  const double scale = 2.0 * bound * (1.0 - n * minimum);
  double weighted = 0;
  for (int j = 0; j < n; ++j) {
    const double grad_p = scale * ((j < bin ? lower : 0.0) + (j <= bin ? upper : 0.0));
    grad_logits[j] = grad_p;
    weighted += p[j] * grad_p;
  }
  for (int j = 0; j < n; ++j)
    grad_logits[j] = p[j] * (grad_logits[j] - weighted);
}

// Local geometry of one bin at x.
struct Local {
  double width, height, slope, xi, q, d0, d1, denominator, numerator;
};

Local local(const Knots& k, int bin, double x) {
  Local l;
  l.width = k.x[bin + 1] - k.x[bin];
  l.height = k.y[bin + 1] - k.y[bin];
  l.slope = l.height / l.width;
  l.xi = std::clamp((x - k.x[bin]) / l.width, 0.0, 1.0);
  l.q = l.xi * (1.0 - l.xi);
  l.d0 = k.d[bin];
  l.d1 = k.d[bin + 1];
  l.denominator = l.slope + (l.d1 + l.d0 - 2.0 * l.slope) * l.q;
  l.numerator = l.slope * l.xi * l.xi + l.d0 * l.q;
  return l;
}

double derivative_numerator(const Local& l) {
  const double r = 1.0 - l.xi;
  return l.d1 * l.xi * l.xi + 2.0 * l.slope * l.q + l.d0 * r * r;
}

}  // namespace

double SplineShape::derivative_offset() const {
  return std::log(std::expm1(1.0 - min_derivative));
}

void Knots::assemble(const double* width_p, const double* height_p, const double* interior_d,
                     const double* interior_sigmoid, const SplineShape& shape) {
  const int n = shape.bins;
  if (static_cast<int>(x.size()) != n + 1) x.resize(n + 1), y.resize(n + 1), d.resize(n + 1);
  pw = width_p, ph = height_p, sigmoid = interior_sigmoid;
  cumulate(pw, n, shape.min_bin_width, shape.bound, x);
  cumulate(ph, n, shape.min_bin_height, shape.bound, y);
  d[0] = d[n] = 1.0;
  std::copy(interior_d, interior_d + n - 1, d.begin() + 1);
}

void Knots::build(const double* raw, const SplineShape& shape) {
  const int n = shape.bins;
  storage_.resize(static_cast<std::size_t>(4 * n - 2));
  double* p = storage_.data();               // [pw (n), ph (n), d (n - 1), sigmoid (n - 1)]
  for (int group = 0; group < 2; ++group) {  // max-shifted softmax: no overflow
    const double* logits = raw + group * n;
    double* out = p + group * n;
    const double largest = *std::max_element(logits, logits + n);
    double sum = 0;
    for (int i = 0; i < n; ++i)
      sum += out[i] = std::exp(logits[i] - largest);
    for (int i = 0; i < n; ++i)
      out[i] /= sum;
  }
  const double offset = shape.derivative_offset();
  double* interior_d = p + 2 * n;
  double* interior_sigmoid = interior_d + n - 1;
  for (int i = 0; i < n - 1; ++i) {
    const double v = raw[2 * n + i] + offset;
    const double e = std::exp(-std::abs(v));
    interior_d[i] = shape.min_derivative + std::max(v, 0.0) + std::log1p(e);
    interior_sigmoid[i] = v >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  }
  assemble(p, p + n, interior_d, interior_sigmoid, shape);
}

int Knots::find_bin(const std::vector<double>& knots, double v) {
  // Interior knots only: v = B falls in the last bin, v = -B in the first.
  const auto interior_end = knots.end() - 1;
  return static_cast<int>(std::upper_bound(knots.begin() + 1, interior_end, v) - knots.begin()) - 1;
}

double evaluate(const Knots& k, int bin, double x, double* slope) {
  const Local l = local(k, bin, x);
  if (slope) *slope = l.slope * l.slope * derivative_numerator(l) / (l.denominator * l.denominator);
  return k.y[bin] + l.height * l.numerator / l.denominator;
}

double invert(const Knots& k, int bin, double y) {
  const double width = k.x[bin + 1] - k.x[bin];
  const double height = k.y[bin + 1] - k.y[bin];
  const double slope = height / width;
  const double d0 = k.d[bin], d1 = k.d[bin + 1];
  const double delta = y - k.y[bin];
  const double curvature = d1 + d0 - 2.0 * slope;
  const double a = height * (slope - d0) + delta * curvature;
  const double b = height * d0 - delta * curvature;
  const double c = -slope * delta;
  const double discriminant = std::max(b * b - 4.0 * a * c, 0.0);
  // 2c / (-b - √disc) avoids the cancellation of (-b + √disc) / 2a; -b - √disc < 0 since b > 0.
  const double xi = std::clamp(2.0 * c / (-b - std::sqrt(discriminant)), 0.0, 1.0);
  return k.x[bin] + xi * width;
}

double log_derivative_dx(const Knots& k, int bin, double x) {
  const Local l = local(k, bin, x);
  const double one_minus_2xi = 1.0 - 2.0 * l.xi;
  const double n2_xi =
      2.0 * l.d1 * l.xi + 2.0 * l.slope * one_minus_2xi - 2.0 * l.d0 * (1.0 - l.xi);
  const double den_xi = (l.d1 + l.d0 - 2.0 * l.slope) * one_minus_2xi;
  return (n2_xi / derivative_numerator(l) - 2.0 * den_xi / l.denominator) / l.width;
}

double backward(const Knots& k, const SplineShape& shape, int bin, double x, double a, double b,
                const RawGradient& grad) {
  const int n = shape.bins;
  const Local l = local(k, bin, x);
  const double xi = l.xi, q = l.q, s = l.slope, H = l.height, W = l.width;
  const double den = l.denominator, P = l.numerator, N2 = derivative_numerator(l);
  const double curvature = l.d1 + l.d0 - 2.0 * s;
  const double one_minus_2xi = 1.0 - 2.0 * xi;
  const double den2 = den * den;
  // y = y0 + H P/den (R = P/den); logJ = 2 log s + log N2 - 2 log den.
  const double p_xi = 2.0 * s * xi + l.d0 * one_minus_2xi;
  const double den_xi = curvature * one_minus_2xi;
  const double r_xi = (p_xi * den - P * den_xi) / den2;
  const double r_s = (xi * xi * den - P * (1.0 - 2.0 * q)) / den2;
  const double r_d0 = q * (den - P) / den2;
  const double r_d1 = -P * q / den2;
  const double n2_xi = 2.0 * l.d1 * xi + 2.0 * s * one_minus_2xi - 2.0 * l.d0 * (1.0 - xi);
  const double lj_xi = n2_xi / N2 - 2.0 * den_xi / den;
  const double lj_s = 2.0 / s + 2.0 * q / N2 - 2.0 * (1.0 - 2.0 * q) / den;
  const double lj_d0 = (1.0 - xi) * (1.0 - xi) / N2 - 2.0 * q / den;
  const double lj_d1 = xi * xi / N2 - 2.0 * q / den;

  const double g_xi = a * H * r_xi + b * lj_xi;
  const double g_s = a * H * r_s + b * lj_s;
  const double g_d0 = a * H * r_d0 + b * lj_d0;
  const double g_d1 = a * H * r_d1 + b * lj_d1;
  // ξ = (x - x0)/W, s = H/W, W = x1 - x0, H = y1 - y0.
  const double g_W = -(g_xi * xi + g_s * s) / W;
  const double g_H = a * P / den + g_s / W;
  const double g_x0 = -g_xi / W - g_W, g_x1 = g_W;
  const double g_y0 = a - g_H, g_y1 = g_H;

  knots_backward(k.pw, n, shape.min_bin_width, shape.bound, bin, g_x0, g_x1, grad.width);
  knots_backward(k.ph, n, shape.min_bin_height, shape.bound, bin, g_y0, g_y1, grad.height);
  std::fill(grad.derivative, grad.derivative + n - 1, 0.0);  // interior knots 1..n-1
  if (bin > 0) grad.derivative[bin - 1] = g_d0 * k.sigmoid[bin - 1];
  if (bin + 1 < n) grad.derivative[bin] = g_d1 * k.sigmoid[bin];
  return g_xi / W;
}

}  // namespace msflow::flow::rq
