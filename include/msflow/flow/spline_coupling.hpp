#pragma once
// Rational-quadratic spline coupling (Durkan et al. 2019): each transformed coordinate goes
// through its own monotone RQ spline on [-B, B] (identity outside) whose 3K - 1 raw parameters
// come from the conditioner MLP([z_A; context]). θ rows, grouped by kind so that the
// transcendental functions run vectorized over contiguous blocks of the whole batch:
//   [0, K|B|)            width logits,  coordinate j at rows j·K + [0, K);
//   [K|B|, 2K|B|)        height logits, coordinate j at rows K|B| + j·K + [0, K);
//   [2K|B|, (3K-1)|B|)   derivative logits, coordinate j at rows 2K|B| + j(K-1) + [0, K-1).
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
  /// Knots of coordinate j of sample n from the cached probabilities and derivatives.
  void assemble(Index j, Index n);

  rq::SplineShape spline_;
  double derivative_offset_;
  rq::Knots knots_;
  // Cache of the last call: softmax probabilities (widths then heights, as in θ), interior
  // derivatives and their sigmoids, dy/dx, the x side (z_B) and each element's bin (-1: outside
  // [-B, B]).
  Matrix probabilities_, derivatives_, sigmoids_, slopes_, x_;
  Matrix shifted_logits_;  // workspace: derivative logits + offset
  Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic> bins_;
};

}  // namespace msflow::flow
