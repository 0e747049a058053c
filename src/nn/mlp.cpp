#include "msflow/nn/mlp.hpp"

#include <cmath>
#include <utility>

#include "msflow/core/error.hpp"

namespace msflow::nn {

using Eigen::Index;
using Eigen::Map;
using Eigen::MatrixXd;
using Eigen::VectorXd;

Mlp::Mlp(const MlpSpec& spec) : spec_(spec) {
  require(spec.inputs >= 0 && spec.outputs >= 1 && spec.depth >= 0 &&
              (spec.depth == 0 || spec.width >= 1),
          "MLP: invalid shape");
  Index in = spec.inputs;
  for (Index l = 0; l <= spec.depth; ++l) {
    const Index out = l == spec.depth ? spec.outputs : spec.width;
    weights_.emplace_back(MatrixXd::Zero(out, in));
    biases_.emplace_back(VectorXd::Zero(out));
    parameter_count_ += out * in + out;
    in = out;
  }
  inputs_.resize(weights_.size());
  pre_.resize(weights_.size() - 1);
}

void Mlp::get_parameters(double* out) const {
  for (Index l = 0; l < maps(); ++l) {
    Map<MatrixXd>(out, weights_[l].rows(), weights_[l].cols()) = weights_[l];
    out += weights_[l].size();
    Map<VectorXd>(out, biases_[l].size()) = biases_[l];
    out += biases_[l].size();
  }
}

void Mlp::set_parameters(const double* in) {
  for (Index l = 0; l < maps(); ++l) {
    weights_[l] = Map<const MatrixXd>(in, weights_[l].rows(), weights_[l].cols());
    in += weights_[l].size();
    biases_[l] = Map<const VectorXd>(in, biases_[l].size());
    in += biases_[l].size();
  }
}

void Mlp::initialize(const double* standard_normals, double last_layer_scale) {
  for (Index l = 0; l < maps(); ++l) {
    const Index fan_in = weights_[l].cols();
    double scale = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 1.0;
    if (l + 1 == maps()) scale *= last_layer_scale;
    weights_[l] = scale * Map<const MatrixXd>(standard_normals, weights_[l].rows(), fan_in);
    standard_normals += weights_[l].size() + biases_[l].size();
    biases_[l].setZero();
  }
}

const MatrixXd& Mlp::forward(const Eigen::Ref<const MatrixXd>& input) {
  require(input.rows() == spec_.inputs, "MLP: input has the wrong number of rows");
  inputs_[0] = input;
  for (Index l = 0; l < maps(); ++l) {
    MatrixXd& target = l + 1 == maps() ? output_ : pre_[l];
    target.resize(weights_[l].rows(), input.cols());
    target.noalias() = weights_[l] * inputs_[l];
    target.colwise() += biases_[l];
    if (l + 1 < maps()) activate(spec_.activation, pre_[l], inputs_[l + 1]);
  }
  return output_;
}

void Mlp::backward(const Eigen::Ref<const MatrixXd>& grad_output, double* grad_params,
                   MatrixXd* grad_input) {
  require(grad_output.rows() == spec_.outputs && grad_output.cols() == output_.cols(),
          "MLP: gradient shape does not match the last forward pass");
  // Offsets of each map's parameters in the flat vector.
  std::vector<Index> offsets(maps());
  Index offset = 0;
  for (Index l = 0; l < maps(); ++l) {
    offsets[l] = offset;
    offset += weights_[l].size() + biases_[l].size();
  }
  // Ping-pong between two member buffers; the first step reads grad_output directly.
  MatrixXd* current = nullptr;
  MatrixXd* next = &grad_a_;
  for (Index l = maps() - 1; l >= 0; --l) {
    const auto& g = current ? Eigen::Ref<const MatrixXd>(*current) : grad_output;
    double* w = grad_params + offsets[l];
    Map<MatrixXd>(w, weights_[l].rows(), weights_[l].cols()).noalias() +=
        g * inputs_[l].transpose();
    Map<VectorXd>(w + weights_[l].size(), biases_[l].size()) += g.rowwise().sum();
    if (l == 0) {
      if (grad_input) grad_input->noalias() = weights_[0].transpose() * g;
      break;
    }
    next->resize(weights_[l].cols(), g.cols());
    next->noalias() = weights_[l].transpose() * g;
    multiply_by_derivative(spec_.activation, pre_[l - 1], inputs_[l], *next);
    current = next;
    next = next == &grad_a_ ? &grad_b_ : &grad_a_;
  }
}

std::int64_t Mlp::multiply_adds_per_sample() const {
  std::int64_t count = 0;
  for (const auto& w : weights_)
    count += w.size();
  return count;
}

}  // namespace msflow::nn
