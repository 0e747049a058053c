#pragma once
// The common interface of the layers of a normalizing flow.
//
// Conventions (shared by every layer and by Flow):
//  - a batch is a column-major matrix with one sample per column (dim × batch);
//  - the "forward" direction is the sampling direction z → y, the "inverse" direction y → z;
//  - logdet(n) is log|det ∂output/∂input| of sample n in the direction that was run, so the
//    inverse returns minus the forward log-determinant at the corresponding point;
//  - context (context_dim × batch) is the conditioning input x of y = T(z; x); layers without
//    a conditioner ignore it, and an unconditional flow passes an empty matrix;
//  - forward()/inverse() store in the layer what backward() needs; backward() is the reverse
//    mode of the most recent of the two. Layers are therefore stateful and not re-entrant.
#include <Eigen/Core>
#include <memory>
#include <string>

namespace msflow::flow {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;
using Eigen::Index;

enum class Direction { kForward, kInverse };

class FlowLayer {
 public:
  virtual ~FlowLayer() = default;
  virtual std::unique_ptr<FlowLayer> clone() const = 0;
  virtual std::string kind() const = 0;
  virtual Index dim() const = 0;

  virtual Index parameter_count() const = 0;
  /// Copies the parameters to out[0..parameter_count()) in the layer's documented order.
  virtual void get_parameters(double* out) const = 0;
  virtual void set_parameters(const double* in) = 0;

  /// z → y with logdet(n) = log|det ∂y/∂z|(n).
  virtual void forward(const Matrix& z, const Matrix& context, Matrix& y, Vector& logdet) = 0;
  /// y → z with logdet(n) = log|det ∂z/∂y|(n).
  virtual void inverse(const Matrix& y, const Matrix& context, Matrix& z, Vector& logdet) = 0;

  /// Reverse mode of the most recent forward() or inverse(). Given ∂L/∂output (dim × batch)
  /// and ∂L/∂logdet (batch): ADDS ∂L/∂θ to grad_params[0..parameter_count()), WRITES ∂L/∂input
  /// to grad_input (resized) and ADDS ∂L/∂context to grad_context (context_dim × batch, only
  /// touched by conditioned layers). grad_input must not alias grad_output.
  virtual void backward(const Matrix& grad_output, const Vector& grad_logdet, double* grad_params,
                        Matrix& grad_input, Matrix& grad_context) = 0;
};

}  // namespace msflow::flow
