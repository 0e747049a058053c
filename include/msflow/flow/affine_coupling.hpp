#pragma once
// Affine coupling (RealNVP) with a bounded log-scale:
//   y_B = exp(s) ⊙ z_B + t,   s = α·tanh(s_raw/α),   [s_raw; t] = MLP([z_A; context]),
// log-det Σ s. The soft clamp keeps every layer's scale in [e^-α, e^α], so a bad step of the
// optimizer cannot produce an overflowing or singular map. θ rows: s_raw (|B|), then t (|B|).
#include "msflow/flow/coupling.hpp"

namespace msflow::flow {

class AffineCoupling : public CouplingLayer {
 public:
  AffineCoupling(Index dim, CouplingMask mask, Index context_dim, const ConditionerShape& shape,
                 double scale_bound);

  std::unique_ptr<FlowLayer> clone() const override;
  std::string kind() const override { return "affine_coupling"; }
  double scale_bound() const { return scale_bound_; }

 protected:
  void transform(Direction direction, const Matrix& theta, const Eigen::Ref<const Matrix>& in,
                 Eigen::Ref<Matrix> out, Vector& logdet) override;
  void transform_backward(const Matrix& theta, const Eigen::Ref<const Matrix>& grad_out,
                          const Vector& grad_logdet, Matrix& grad_theta,
                          Eigen::Ref<Matrix> grad_in) override;

 private:
  double scale_bound_;
  // Cache: tanh(s_raw/α), exp(s), and z_B (the input of forward, the output of inverse).
  Matrix raw_scaled_, tanh_, exp_s_, z_b_;
};

}  // namespace msflow::flow
