#pragma once
// A normalizing flow y = T_θ(z; x) pushing N(0, I_m) forward, built from a FlowSpec.
//
// Layer stack in the sampling direction z → y: couplings 0..L-1 with alternating masks
// (parity l mod 2), a fixed seeded Permutation after every odd coupling except the last when
// m > 2, one Permutation undoing their product (so that zero conditioner outputs give exactly
// the identity), and (optionally) a final ElementwiseAffine. The stack is a pure function of
// the spec.
//
// Flat parameters: the layers' parameters concatenated in stack order (each layer's own order:
// Mlp for couplings — W_0, b_0, W_1, b_1, … column-major —, s then t for ElementwiseAffine).
//
// Batches are column-major, one sample per column (m × batch; context: context_dim × batch).
// forward()/inverse()/log_density() keep what backward() needs; backward() is the reverse mode
// of the most recent of them. A Flow is a value (copyable) but not re-entrant: one per thread.
//
// How a training loss uses it (reparameterized sampling):
//   flow.forward(z, x, y, logdet);                    // y = T(z; x), logdet = log|det ∂y/∂z|
//   … compute L(y, logdet), dL_dy (m × batch), dL_dlogdet (batch) …
//   grad.setZero(flow.parameter_count());
//   flow.backward(dL_dy, dL_dlogdet, grad, &dL_dz, &dL_dx);  // grad += ∂L/∂θ
// and maximum likelihood: logq = flow.log_density(y, x); flow.log_density_backward(dL_dlogq, …).
#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "msflow/flow/flow_spec.hpp"
#include "msflow/flow/layer.hpp"

namespace msflow::flow {

class Flow {
 public:
  /// Builds the stack with the identity parameters (zero conditioner outputs, s = t = 0) —
  /// all-zero weights; call initialize() for a trainable start.
  explicit Flow(const FlowSpec& spec);
  Flow(const Flow& other);
  Flow& operator=(const Flow& other);
  Flow(Flow&&) noexcept = default;
  Flow& operator=(Flow&&) noexcept = default;
  ~Flow() = default;

  const FlowSpec& spec() const { return spec_; }
  Index dim() const { return spec_.dim; }
  Index context_dim() const { return spec_.context_dim; }
  Index parameter_count() const { return parameter_count_; }
  const std::vector<std::unique_ptr<FlowLayer>>& layers() const { return layers_; }

  Vector parameters() const;
  void set_parameters(const Vector& parameters);

  /// Deterministic random initialization from `seed` (counter-based stream
  /// (seed, kFlowInit, layer)): LeCun-normal conditioner weights, zero biases; the last map of each
  /// conditioner is scaled by `last_layer_scale` (0, the default, starts the flow as the
  /// identity). The elementwise affine layer starts at the identity.
  void initialize(std::uint64_t seed, double last_layer_scale = 0.0);

  /// Sampling direction y = T(z; x); logdet(n) = log|det ∂y/∂z|. Pass an empty context when
  /// context_dim() == 0.
  void forward(const Matrix& z, const Matrix& context, Matrix& y, Vector& logdet);
  /// z = T⁻¹(y; x); logdet(n) = log|det ∂z/∂y|.
  void inverse(const Matrix& y, const Matrix& context, Matrix& z, Vector& logdet);
  /// log q(y | x) = log N(T⁻¹(y; x); 0, I) + log|det ∂z/∂y| per sample (runs inverse()).
  Vector log_density(const Matrix& y, const Matrix& context);

  /// Reverse mode of the most recent forward() or inverse(): given ∂L/∂output (m × batch) and
  /// ∂L/∂logdet (batch), ADDS ∂L/∂θ to grad_params (size parameter_count()), and writes
  /// ∂L/∂input and ∂L/∂context (context_dim × batch) if the pointers are non-null.
  void backward(const Matrix& grad_output, const Vector& grad_logdet, Vector& grad_params,
                Matrix* grad_input, Matrix* grad_context);
  /// Reverse mode of the most recent log_density(): given ∂L/∂log q (batch), adds ∂L/∂θ and
  /// writes ∂L/∂y and ∂L/∂context if requested.
  void log_density_backward(const Vector& grad_log_density, Vector& grad_params, Matrix* grad_y,
                            Matrix* grad_context);

  /// Multiply-adds of the conditioners' matrix products per sample, one forward pass.
  std::int64_t multiply_adds_per_sample() const;

 private:
  void check_batch(const Matrix& input, const Matrix& context) const;

  FlowSpec spec_;
  std::vector<std::unique_ptr<FlowLayer>> layers_;
  std::vector<Index> offsets_;  // start of each layer's parameters in the flat vector
  Index parameter_count_ = 0;
  Direction direction_ = Direction::kForward;
  bool log_density_cached_ = false;  // the last call was log_density() (base_ holds its z)
  // Workspaces: outputs of each layer in the direction run, gradient ping-pong buffers.
  std::vector<Matrix> states_;
  Vector layer_logdet_;
  Matrix grad_a_, grad_b_, grad_context_, base_;
};

}  // namespace msflow::flow
