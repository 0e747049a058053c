#include "msflow/flow/coupling.hpp"

#include "msflow/core/error.hpp"

namespace msflow::flow {

CouplingMask CouplingMask::alternating(Index dim, int parity) {
  require(dim >= 1, "coupling: dimension must be positive");
  require(dim > 1 || parity == 0, "coupling: a 1-D coupling must have parity 0");
  const Index half = dim / 2;
  CouplingMask mask;
  if (parity % 2 == 0) {
    mask.conditioning_begin = 0, mask.conditioning_size = half;
    mask.transformed_begin = half, mask.transformed_size = dim - half;
  } else {
    mask.conditioning_begin = half, mask.conditioning_size = dim - half;
    mask.transformed_begin = 0, mask.transformed_size = half;
  }
  return mask;
}

CouplingLayer::CouplingLayer(Index dim, CouplingMask mask, Index context_dim,
                             Index params_per_coordinate, const ConditionerShape& shape)
    : dim_(dim),
      context_dim_(context_dim),
      mask_(mask),
      conditioner_(nn::MlpSpec{mask.conditioning_size + context_dim,
                               params_per_coordinate * mask.transformed_size, shape.width,
                               shape.depth, shape.activation}) {
  require(mask.conditioning_size + mask.transformed_size == dim && mask.transformed_size > 0,
          "coupling: mask does not cover the dimension");
  require(context_dim >= 0, "coupling: negative context dimension");
}

void CouplingLayer::run(Direction direction, const Matrix& in, const Matrix& context, Matrix& out,
                        Vector& logdet) {
  require(in.rows() == dim_, "coupling: input has the wrong dimension");
  require(context.rows() == context_dim_ && (context_dim_ == 0 || context.cols() == in.cols()),
          "coupling: context has the wrong shape");
  direction_ = direction;
  const Index batch = in.cols();
  const CouplingMask& m = mask_;
  conditioner_input_.resize(m.conditioning_size + context_dim_, batch);
  conditioner_input_.topRows(m.conditioning_size) =
      in.middleRows(m.conditioning_begin, m.conditioning_size);
  if (context_dim_ > 0) conditioner_input_.bottomRows(context_dim_) = context;
  const Matrix& theta = conditioner_.forward(conditioner_input_);
  out.resize(dim_, batch);
  out.middleRows(m.conditioning_begin, m.conditioning_size) =
      in.middleRows(m.conditioning_begin, m.conditioning_size);
  transform(direction, theta, in.middleRows(m.transformed_begin, m.transformed_size),
            out.middleRows(m.transformed_begin, m.transformed_size), logdet);
}

void CouplingLayer::forward(const Matrix& z, const Matrix& context, Matrix& y, Vector& logdet) {
  run(Direction::kForward, z, context, y, logdet);
}

void CouplingLayer::inverse(const Matrix& y, const Matrix& context, Matrix& z, Vector& logdet) {
  run(Direction::kInverse, y, context, z, logdet);
}

void CouplingLayer::backward(const Matrix& grad_output, const Vector& grad_logdet,
                             double* grad_params, Matrix& grad_input, Matrix& grad_context) {
  const CouplingMask& m = mask_;
  const Index batch = grad_output.cols();
  grad_input.resize(dim_, batch);
  transform_backward(conditioner_.output(),
                     grad_output.middleRows(m.transformed_begin, m.transformed_size), grad_logdet,
                     grad_theta_, grad_input.middleRows(m.transformed_begin, m.transformed_size));
  conditioner_.backward(grad_theta_, grad_params, &grad_conditioner_input_);
  // The conditioning block reaches the output directly and through the conditioner.
  grad_input.middleRows(m.conditioning_begin, m.conditioning_size) =
      grad_output.middleRows(m.conditioning_begin, m.conditioning_size) +
      grad_conditioner_input_.topRows(m.conditioning_size);
  if (context_dim_ > 0) {
    require(grad_context.rows() == context_dim_ && grad_context.cols() == batch,
            "coupling: context gradient has the wrong shape");
    grad_context += grad_conditioner_input_.bottomRows(context_dim_);
  }
}

}  // namespace msflow::flow
