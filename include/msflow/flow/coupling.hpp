#pragma once
// Shared machinery of coupling layers: the coordinates split into a conditioning block A that
// passes through unchanged and a transformed block B; an MLP conditioner maps [z_A; context] to
// the parameters θ of an elementwise invertible map of z_B. Derived classes supply that map.
//
// Masks are contiguous blocks ("alternating masks"): with h = dim/2, parity 0 conditions on
// rows [0, h) and transforms [h, dim); parity 1 the reverse. Contiguous blocks keep every
// gather a block copy; Permutation layers between couplings provide the mixing.
// Parameter order: the conditioner's (see Mlp).
#include "msflow/flow/layer.hpp"
#include "msflow/nn/mlp.hpp"

namespace msflow::flow {

struct CouplingMask {
  Index conditioning_begin = 0, conditioning_size = 0;
  Index transformed_begin = 0, transformed_size = 0;
  /// parity 0 transforms the upper half; parity 1 the lower half. dim 1 needs parity 0 (the
  /// conditioner then sees only the context, or nothing: its output is a learned constant).
  static CouplingMask alternating(Index dim, int parity);
};

/// Hidden-layer shape of a conditioner (its input/output sizes follow from the layer).
struct ConditionerShape {
  Index width = 64;
  Index depth = 2;
  nn::Activation activation = nn::Activation::kTanh;
};

class CouplingLayer : public FlowLayer {
 public:
  Index dim() const override { return dim_; }
  Index context_dim() const { return context_dim_; }
  const CouplingMask& mask() const { return mask_; }
  const nn::Mlp& conditioner() const { return conditioner_; }
  Index parameter_count() const override { return conditioner_.parameter_count(); }
  void get_parameters(double* out) const override { conditioner_.get_parameters(out); }
  void set_parameters(const double* in) override { conditioner_.set_parameters(in); }
  /// See Mlp::initialize.
  void initialize(const double* standard_normals, double last_layer_scale) {
    conditioner_.initialize(standard_normals, last_layer_scale);
  }

  void forward(const Matrix& z, const Matrix& context, Matrix& y, Vector& logdet) override;
  void inverse(const Matrix& y, const Matrix& context, Matrix& z, Vector& logdet) override;
  void backward(const Matrix& grad_output, const Vector& grad_logdet, double* grad_params,
                Matrix& grad_input, Matrix& grad_context) override;

 protected:
  CouplingLayer(Index dim, CouplingMask mask, Index context_dim, Index params_per_coordinate,
                const ConditionerShape& shape);

  /// The elementwise map of the transformed block in `direction`, with parameters θ
  /// (params_per_coordinate·transformed_size × batch); writes out and logdet, caches.
  virtual void transform(Direction direction, const Matrix& theta,
                         const Eigen::Ref<const Matrix>& in, Eigen::Ref<Matrix> out,
                         Vector& logdet) = 0;
  /// Reverse mode of the last transform(): writes ∂L/∂θ (resized) and ∂L/∂in.
  virtual void transform_backward(const Matrix& theta, const Eigen::Ref<const Matrix>& grad_out,
                                  const Vector& grad_logdet, Matrix& grad_theta,
                                  Eigen::Ref<Matrix> grad_in) = 0;

  Direction direction() const { return direction_; }

 private:
  void run(Direction direction, const Matrix& in, const Matrix& context, Matrix& out,
           Vector& logdet);

  Index dim_, context_dim_;
  CouplingMask mask_;
  nn::Mlp conditioner_;
  Direction direction_ = Direction::kForward;
  Matrix conditioner_input_, grad_theta_, grad_conditioner_input_;
};

}  // namespace msflow::flow
