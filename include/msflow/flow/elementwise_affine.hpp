#pragma once
// ActNorm-style elementwise affine layer: y = exp(s) ⊙ z + t, log-det Σ_i s_i for every sample.
// Parameters (flat order): s (dim), then t (dim). Initialized to the identity (s = t = 0); it
// lets a flow learn the location and scale of the data independently of the couplings.
#include "msflow/flow/layer.hpp"

namespace msflow::flow {

class ElementwiseAffine : public FlowLayer {
 public:
  explicit ElementwiseAffine(Index dim);

  std::unique_ptr<FlowLayer> clone() const override;
  std::string kind() const override { return "elementwise_affine"; }
  Index dim() const override { return log_scale_.size(); }
  Index parameter_count() const override { return 2 * dim(); }
  void get_parameters(double* out) const override;
  void set_parameters(const double* in) override;
  void forward(const Matrix& z, const Matrix& context, Matrix& y, Vector& logdet) override;
  void inverse(const Matrix& y, const Matrix& context, Matrix& z, Vector& logdet) override;
  void backward(const Matrix& grad_output, const Vector& grad_logdet, double* grad_params,
                Matrix& grad_input, Matrix& grad_context) override;

 private:
  Vector log_scale_, shift_;
  Direction direction_ = Direction::kForward;
  Matrix z_;  // the z side of the last call (input of forward, output of inverse)
};

}  // namespace msflow::flow
