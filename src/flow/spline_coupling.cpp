#include "msflow/flow/spline_coupling.hpp"

#include <algorithm>
#include <cmath>

#include "msflow/core/error.hpp"

namespace msflow::flow {

SplineCoupling::SplineCoupling(Index dim, CouplingMask mask, Index context_dim,
                               const ConditionerShape& shape, const rq::SplineShape& spline)
    : CouplingLayer(dim, mask, context_dim, spline.raw_size(), shape),
      spline_(spline),
      derivative_offset_(spline.derivative_offset()) {
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

void SplineCoupling::assemble(Index j, Index n) {
  const Index bins = spline_.bins, size = x_.rows();
  const double* p = probabilities_.col(n).data();
  knots_.assemble(p + j * bins, p + (size + j) * bins, derivatives_.col(n).data() + j * (bins - 1),
                  sigmoids_.col(n).data() + j * (bins - 1), spline_);
}

void SplineCoupling::transform(Direction direction, const Matrix& theta,
                               const Eigen::Ref<const Matrix>& in, Eigen::Ref<Matrix> out,
                               Vector& logdet) {
  const Index size = in.rows(), batch = in.cols(), bins = spline_.bins;
  const Index logit_rows = 2 * bins * size, derivative_rows = (bins - 1) * size;
  const double bound = spline_.bound;

  // Softmax of every width/height group: max-shift (scalar), exp (vectorized), normalize.
  probabilities_ = theta.topRows(logit_rows);
  for (Index n = 0; n < batch; ++n) {
    double* column = probabilities_.col(n).data();
    for (Index g = 0; g < 2 * size; ++g) {
      double* group = column + g * bins;
      const double largest = *std::max_element(group, group + bins);
      for (Index i = 0; i < bins; ++i)
        group[i] -= largest;
    }
  }
  probabilities_.array() = probabilities_.array().exp();
  for (Index n = 0; n < batch; ++n) {
    double* column = probabilities_.col(n).data();
    for (Index g = 0; g < 2 * size; ++g) {
      double* group = column + g * bins;
      double sum = 0;
      for (Index i = 0; i < bins; ++i)
        sum += group[i];
      const double inverse = 1.0 / sum;
      for (Index i = 0; i < bins; ++i)
        group[i] *= inverse;
    }
  }
  // Interior derivatives d = d_min + softplus(v) and σ(v), v = u + c, overflow-free forms.
  shifted_logits_ = theta.bottomRows(derivative_rows).array() + derivative_offset_;
  const auto v = shifted_logits_.array();
  sigmoids_ = (-v.abs()).exp().matrix();  // e = exp(-|v|) ∈ (0, 1]
  derivatives_ = (spline_.min_derivative + v.max(0.0) + (1.0 + sigmoids_.array()).log()).matrix();
  sigmoids_ = (v >= 0.0).select(1.0 / (1.0 + sigmoids_.array()),
                                sigmoids_.array() / (1.0 + sigmoids_.array()));

  x_.resize(size, batch);
  bins_.resize(size, batch);
  slopes_.resize(size, batch);
  for (Index n = 0; n < batch; ++n) {
    for (Index j = 0; j < size; ++j) {
      const double value = in(j, n);
      const bool inside = std::abs(value) <= bound;
      const double clipped = std::clamp(value, -bound, bound);
      assemble(j, n);
      double result = value, slope = 1.0;
      int bin = -1;
      if (direction == Direction::kForward) {
        const int b = rq::Knots::find_bin(knots_.x, clipped);
        const double y = rq::evaluate(knots_, b, clipped, &slope);
        if (inside) result = y, bin = b;
        x_(j, n) = value;
      } else {
        const int b = rq::Knots::find_bin(knots_.y, clipped);
        const double x = rq::invert(knots_, b, clipped);
        rq::evaluate(knots_, b, x, &slope);
        if (inside) result = x, bin = b;
        x_(j, n) = result;
      }
      slopes_(j, n) = inside ? slope : 1.0;
      out(j, n) = result;
      bins_(j, n) = bin;
    }
  }
  const double sign = direction == Direction::kForward ? 1.0 : -1.0;
  logdet = sign * slopes_.array().log().colwise().sum().transpose();
}

void SplineCoupling::transform_backward(const Matrix& theta,
                                        const Eigen::Ref<const Matrix>& grad_out,
                                        const Vector& grad_logdet, Matrix& grad_theta,
                                        Eigen::Ref<Matrix> grad_in) {
  const Index size = grad_out.rows(), batch = grad_out.cols(), bins = spline_.bins;
  grad_theta.resize(theta.rows(), batch);
  for (Index n = 0; n < batch; ++n) {
    double* column = grad_theta.col(n).data();
    for (Index j = 0; j < size; ++j) {
      const rq::RawGradient grad{column + j * bins, column + (size + j) * bins,
                                 column + 2 * bins * size + j * (bins - 1)};
      const int bin = bins_(j, n);
      const double g = grad_out(j, n);
      if (bin < 0) {  // identity tail: no dependence on θ
        std::fill(grad.width, grad.width + bins, 0.0);
        std::fill(grad.height, grad.height + bins, 0.0);
        std::fill(grad.derivative, grad.derivative + bins - 1, 0.0);
        grad_in(j, n) = g;
        continue;
      }
      assemble(j, n);
      const double x = x_(j, n), logdet_weight = grad_logdet(n);
      if (direction() == Direction::kForward) {
        grad_in(j, n) = rq::backward(knots_, spline_, bin, x, g, logdet_weight, grad);
      } else {
        // x = f⁻¹(y; θ), logdet = -log f'(x; θ). Implicit differentiation: dx/dy = 1/f',
        // dx/dθ = -(∂f/∂θ)/f'. The total weight on x is g - w ∂log f'/∂x.
        const double inverse_slope = 1.0 / slopes_(j, n);
        const double total = g - logdet_weight * rq::log_derivative_dx(knots_, bin, x);
        grad_in(j, n) = total * inverse_slope;
        rq::backward(knots_, spline_, bin, x, -total * inverse_slope, -logdet_weight, grad);
      }
    }
  }
}

}  // namespace msflow::flow
