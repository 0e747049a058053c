#include "msflow/flow/affine_coupling.hpp"

#include "msflow/core/error.hpp"

namespace msflow::flow {

AffineCoupling::AffineCoupling(Index dim, CouplingMask mask, Index context_dim,
                               const ConditionerShape& shape, double scale_bound)
    : CouplingLayer(dim, mask, context_dim, 2, shape), scale_bound_(scale_bound) {
  require(scale_bound > 0, "affine coupling: the log-scale bound must be positive");
}

std::unique_ptr<FlowLayer> AffineCoupling::clone() const {
  return std::make_unique<AffineCoupling>(*this);
}

void AffineCoupling::transform(Direction direction, const Matrix& theta,
                               const Eigen::Ref<const Matrix>& in, Eigen::Ref<Matrix> out,
                               Vector& logdet) {
  const Index size = in.rows();
  const auto shift = theta.bottomRows(size).array();
  raw_scaled_ = theta.topRows(size) / scale_bound_;
  nn::activate(nn::Activation::kTanh, raw_scaled_, tanh_);
  exp_s_ = (scale_bound_ * tanh_.array()).exp();
  const double sign = direction == Direction::kForward ? 1.0 : -1.0;
  logdet = sign * scale_bound_ * tanh_.colwise().sum().transpose();
  if (direction == Direction::kForward) {
    z_b_ = in;
    out = (in.array() * exp_s_.array() + shift).matrix();
  } else {
    out = ((in.array() - shift) / exp_s_.array()).matrix();
    z_b_ = out;
  }
}

void AffineCoupling::transform_backward(const Matrix&, const Eigen::Ref<const Matrix>& grad_out,
                                        const Vector& grad_logdet, Matrix& grad_theta,
                                        Eigen::Ref<Matrix> grad_in) {
  const Index size = grad_out.rows();
  grad_theta.resize(2 * size, grad_out.cols());
  auto grad_s = grad_theta.topRows(size).array();
  auto grad_t = grad_theta.bottomRows(size).array();
  const auto logdet_weight = grad_logdet.transpose().array();
  if (direction() == Direction::kForward) {
    // y = e^s z + t: ∂y/∂z = e^s, ∂y/∂s = e^s z, ∂y/∂t = 1, ∂logdet/∂s = 1.
    grad_in = (grad_out.array() * exp_s_.array()).matrix();
    grad_t = grad_out.array();
    grad_s = grad_in.array() * z_b_.array();
    grad_s.rowwise() += logdet_weight;
  } else {
    // z = (y - t) e^-s: ∂z/∂y = e^-s, ∂z/∂t = -e^-s, ∂z/∂s = -z, ∂logdet/∂s = -1.
    grad_in = (grad_out.array() / exp_s_.array()).matrix();
    grad_t = -grad_in.array();
    grad_s = -grad_out.array() * z_b_.array();
    grad_s.rowwise() -= logdet_weight;
  }
  // s = α tanh(s_raw/α): ∂s/∂s_raw = 1 - tanh².
  grad_s *= 1.0 - tanh_.array().square();
}

}  // namespace msflow::flow
