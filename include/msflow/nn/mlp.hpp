#pragma once
// A batched multilayer perceptron in double precision with hand-written reverse mode.
//
// Batch layout: a batch is a column-major Eigen::MatrixXd with one SAMPLE PER COLUMN
// (features × batch). A dense layer is then one GEMM for the whole batch, H' = W·H + b·1ᵀ, and
// its reverse mode is two more (dW += G·Hᵀ, dH = Wᵀ·G): Eigen's blocked GEMM does the work.
//
// Parameter order (the flat view): for each linear map l = 0..depth, W_l (out_l × in_l,
// column-major) then b_l (out_l). Hidden maps have `width` outputs, the last one `outputs`.
//
// forward() keeps every layer's input and pre-activation in member workspaces (reused across
// calls of the same batch size, so the hot path does not allocate); backward() is the reverse
// mode of the most recent forward(). An Mlp is therefore not re-entrant: use one per thread.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "msflow/nn/activation.hpp"

namespace msflow::nn {

struct MlpSpec {
  Eigen::Index inputs = 0;  ///< may be 0 (then the output is a learned constant)
  Eigen::Index outputs = 1;
  Eigen::Index width = 64;  ///< hidden units per hidden layer
  Eigen::Index depth = 2;   ///< number of hidden layers (0: a single linear map)
  Activation activation = Activation::kTanh;
};

class Mlp {
 public:
  Mlp() = default;
  /// All parameters zero; see initialize().
  explicit Mlp(const MlpSpec& spec);

  const MlpSpec& spec() const { return spec_; }
  Eigen::Index parameter_count() const { return parameter_count_; }
  void get_parameters(double* out) const;
  void set_parameters(const double* in);

  /// LeCun-normal weights W = normal/√fan_in from the given standard normals (parameter_count()
  /// of them, consumed in the flat order), zero biases; the last linear map is additionally
  /// multiplied by `last_layer_scale` (0 makes the output exactly zero: identity flows).
  void initialize(const double* standard_normals, double last_layer_scale);

  /// Output (outputs × batch) for input (inputs × batch); caches for backward().
  const Eigen::MatrixXd& forward(const Eigen::Ref<const Eigen::MatrixXd>& input);
  const Eigen::MatrixXd& output() const { return output_; }

  /// Reverse mode of the last forward(): adds ∂L/∂θ to grad_params[0..parameter_count()) and,
  /// if grad_input is non-null, writes ∂L/∂input (inputs × batch) to it.
  void backward(const Eigen::Ref<const Eigen::MatrixXd>& grad_output, double* grad_params,
                Eigen::MatrixXd* grad_input);

  /// Multiply-add count of the matrix products of one forward pass per sample (for flop rates).
  std::int64_t multiply_adds_per_sample() const;

 private:
  Eigen::Index maps() const { return static_cast<Eigen::Index>(weights_.size()); }

  MlpSpec spec_;
  Eigen::Index parameter_count_ = 0;
  std::vector<Eigen::MatrixXd> weights_;
  std::vector<Eigen::VectorXd> biases_;
  // Workspaces: inputs_[l] is the input of map l, pre_[l] the pre-activation of hidden layer l.
  std::vector<Eigen::MatrixXd> inputs_, pre_;
  Eigen::MatrixXd output_, grad_a_, grad_b_;
};

}  // namespace msflow::nn
