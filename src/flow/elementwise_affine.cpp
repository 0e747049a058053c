#include "msflow/flow/elementwise_affine.hpp"

#include "msflow/core/error.hpp"

namespace msflow::flow {

ElementwiseAffine::ElementwiseAffine(Index dim)
    : log_scale_(Vector::Zero(dim)), shift_(Vector::Zero(dim)) {
  require(dim >= 1, "elementwise affine: dimension must be positive");
}

std::unique_ptr<FlowLayer> ElementwiseAffine::clone() const {
  return std::make_unique<ElementwiseAffine>(*this);
}

void ElementwiseAffine::get_parameters(double* out) const {
  Eigen::Map<Vector>(out, dim()) = log_scale_;
  Eigen::Map<Vector>(out + dim(), dim()) = shift_;
}

void ElementwiseAffine::set_parameters(const double* in) {
  log_scale_ = Eigen::Map<const Vector>(in, dim());
  shift_ = Eigen::Map<const Vector>(in + dim(), dim());
}

void ElementwiseAffine::forward(const Matrix& z, const Matrix&, Matrix& y, Vector& logdet) {
  require(z.rows() == dim(), "elementwise affine: input has the wrong dimension");
  direction_ = Direction::kForward;
  z_ = z;
  y = (z.array().colwise() * log_scale_.array().exp()).colwise() + shift_.array();
  logdet.setConstant(z.cols(), log_scale_.sum());
}

void ElementwiseAffine::inverse(const Matrix& y, const Matrix&, Matrix& z, Vector& logdet) {
  require(y.rows() == dim(), "elementwise affine: input has the wrong dimension");
  direction_ = Direction::kInverse;
  z = (y.array().colwise() - shift_.array()).colwise() * (-log_scale_.array()).exp();
  z_ = z;
  logdet.setConstant(y.cols(), -log_scale_.sum());
}

void ElementwiseAffine::backward(const Matrix& grad_output, const Vector& grad_logdet,
                                 double* grad_params, Matrix& grad_input, Matrix&) {
  Eigen::Map<Vector> grad_s(grad_params, dim()), grad_t(grad_params + dim(), dim());
  const double total_logdet_weight = grad_logdet.sum();
  if (direction_ == Direction::kForward) {
    // y = e^s z + t: ∂y/∂z = e^s, ∂y/∂s = e^s z = y - t, ∂y/∂t = 1, ∂logdet/∂s = 1.
    grad_input = grad_output.array().colwise() * log_scale_.array().exp();
    grad_s += (grad_input.array() * z_.array()).rowwise().sum().matrix();
    grad_s.array() += total_logdet_weight;
    grad_t += grad_output.rowwise().sum();
  } else {
    // z = (y - t) e^{-s}: ∂z/∂y = e^{-s}, ∂z/∂t = -e^{-s}, ∂z/∂s = -z, ∂logdet/∂s = -1.
    grad_input = grad_output.array().colwise() * (-log_scale_.array()).exp();
    grad_s -= (grad_output.array() * z_.array()).rowwise().sum().matrix();
    grad_s.array() -= total_logdet_weight;
    grad_t -= grad_input.rowwise().sum();
  }
}

}  // namespace msflow::flow
