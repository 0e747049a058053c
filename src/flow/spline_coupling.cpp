#include "msflow/flow/spline_coupling.hpp"

#include <algorithm>
#include <cmath>

#include "msflow/core/error.hpp"

namespace msflow::flow {

SplineCoupling::SplineCoupling(Index dim, CouplingMask mask, Index context_dim,
                               const ConditionerShape& shape, const rq::SplineShape& spline)
    : CouplingLayer(dim, mask, context_dim, spline.raw_size(), shape), spline_(spline) {
  require(spline.bins >= 2, "spline coupling: need at least 2 bins");
  require(spline.bound > 0, "spline coupling: the bound must be positive");
  require(spline.min_bin_width > 0 && spline.min_bin_width * spline.bins < 1 &&
              spline.min_bin_height > 0 && spline.min_bin_height * spline.bins < 1 &&
              spline.min_derivative > 0 && spline.min_derivative < 1,
          "spline coupling: invalid minimum bin width/height/derivative");
}

std::unique_ptr<FlowLayer> SplineCoupling::clone() const {
  return std::make_unique<SplineCoupling>(*this);
}

void SplineCoupling::transform(Direction direction, const Matrix& theta,
                               const Eigen::Ref<const Matrix>& in, Eigen::Ref<Matrix> out,
                               Vector& logdet) {
  const Index size = in.rows(), batch = in.cols();
  const int raw_size = spline_.raw_size();
  const double bound = spline_.bound;
  x_.resize(size, batch);
  bins_.resize(size, batch);
  logdet.setZero(batch);
  for (Index n = 0; n < batch; ++n) {
    double sum = 0;
    for (Index j = 0; j < size; ++j) {
      const double v = in(j, n);
      const bool inside = std::abs(v) <= bound;
      const double clipped = std::clamp(v, -bound, bound);
      knots_.build(theta.col(n).data() + j * raw_size, spline_);
      double result = v, log_derivative = 0;
      int bin = -1;
      if (direction == Direction::kForward) {
        const int b = rq::Knots::find_bin(knots_.x, clipped);
        const double y = rq::evaluate(knots_, b, clipped, &log_derivative);
        if (inside) result = y, bin = b, sum += log_derivative;
        x_(j, n) = v;
      } else {
        const int b = rq::Knots::find_bin(knots_.y, clipped);
        const double x = rq::invert(knots_, b, clipped);
        rq::evaluate(knots_, b, x, &log_derivative);
        if (inside) result = x, bin = b, sum -= log_derivative;
        x_(j, n) = result;
      }
      out(j, n) = result;
      bins_(j, n) = bin;
    }
    logdet(n) = sum;
  }
}

void SplineCoupling::transform_backward(const Matrix& theta,
                                        const Eigen::Ref<const Matrix>& grad_out,
                                        const Vector& grad_logdet, Matrix& grad_theta,
                                        Eigen::Ref<Matrix> grad_in) {
  const Index size = grad_out.rows(), batch = grad_out.cols();
  const int raw_size = spline_.raw_size();
  grad_theta.resize(theta.rows(), batch);
  for (Index n = 0; n < batch; ++n) {
    for (Index j = 0; j < size; ++j) {
      double* grad_raw = grad_theta.col(n).data() + j * raw_size;
      const int bin = bins_(j, n);
      const double g = grad_out(j, n);
      if (bin < 0) {  // identity tail: no dependence on θ
        std::fill(grad_raw, grad_raw + raw_size, 0.0);
        grad_in(j, n) = g;
        continue;
      }
      knots_.build(theta.col(n).data() + j * raw_size, spline_);
      const double x = x_(j, n), logdet_weight = grad_logdet(n);
      if (direction() == Direction::kForward) {
        grad_in(j, n) = rq::backward(knots_, spline_, bin, x, g, logdet_weight, grad_raw);
      } else {
        // x = f⁻¹(y; θ), logdet = -log f'(x; θ). Implicit differentiation: dx/dy = 1/f',
        // dx/dθ = -(∂f/∂θ)/f'. The total weight on x is g - w ∂log f'/∂x.
        double log_derivative = 0;
        rq::evaluate(knots_, bin, x, &log_derivative);
        const double inverse_slope = std::exp(-log_derivative);
        const double total = g - logdet_weight * rq::log_derivative_dx(knots_, bin, x);
        grad_in(j, n) = total * inverse_slope;
        rq::backward(knots_, spline_, bin, x, -total * inverse_slope, -logdet_weight, grad_raw);
      }
    }
  }
}

}  // namespace msflow::flow
