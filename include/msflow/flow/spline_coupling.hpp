#pragma once
// Rational-quadratic spline coupling (Durkan et al. 2019): each transformed coordinate goes
// through its own monotone RQ spline on [-B, B] (identity outside) whose 3K - 1 raw parameters
// come from the conditioner MLP([z_A; context]). θ rows: coordinate j owns rows
// [j(3K-1), (j+1)(3K-1)) = K width logits, K height logits, K - 1 derivative logits, so one
// sample's spline parameters are contiguous in the column-major θ.
//
// Inputs are clipped into [-B, B] before the spline is evaluated and the result is used only
// for in-range inputs: out-of-range inputs (however large) pass through unchanged with zero
// log-det and can never produce NaN values or gradients.
#include <vector>

#include "msflow/flow/coupling.hpp"
#include "msflow/flow/rational_quadratic.hpp"

namespace msflow::flow {

class SplineCoupling : public CouplingLayer {
 public:
  SplineCoupling(Index dim, CouplingMask mask, Index context_dim, const ConditionerShape& shape,
                 const rq::SplineShape& spline);

  std::unique_ptr<FlowLayer> clone() const override;
  std::string kind() const override { return "spline_coupling"; }
  const rq::SplineShape& spline() const { return spline_; }

 protected:
  void transform(Direction direction, const Matrix& theta, const Eigen::Ref<const Matrix>& in,
                 Eigen::Ref<Matrix> out, Vector& logdet) override;
  void transform_backward(const Matrix& theta, const Eigen::Ref<const Matrix>& grad_out,
                          const Vector& grad_logdet, Matrix& grad_theta,
                          Eigen::Ref<Matrix> grad_in) override;

 private:
  rq::SplineShape spline_;
  rq::Knots knots_;
  // Cache: the x side (z_B) of the last call and each element's bin (-1: outside [-B, B]).
  Matrix x_;
  Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic> bins_;
};

}  // namespace msflow::flow
