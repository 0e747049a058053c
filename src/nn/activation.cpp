#include "msflow/nn/activation.hpp"

#include "msflow/core/error.hpp"

namespace msflow::nn {

Activation parse_activation(const std::string& name) {
  if (name == "tanh") return Activation::kTanh;
  if (name == "relu") return Activation::kRelu;
  if (name == "silu") return Activation::kSilu;
  if (name == "softplus") return Activation::kSoftplus;
  throw InputError("unknown activation '" + name + "' (expected tanh, relu, silu or softplus)");
}

std::string to_string(Activation activation) {
  switch (activation) {
    case Activation::kTanh:
      return "tanh";
    case Activation::kRelu:
      return "relu";
    case Activation::kSilu:
      return "silu";
    case Activation::kSoftplus:
      return "softplus";
  }
  return "unknown";
}

void activate(Activation activation, const Eigen::MatrixXd& pre, Eigen::MatrixXd& post) {
  post.resize(pre.rows(), pre.cols());
  const auto a = pre.array();
  auto h = post.array();
  switch (activation) {
    case Activation::kTanh:
      // Eigen's tanh is scalar for double; tanh(a) = sign(a)(1 - e)/(1 + e), e = exp(-2|a|),
      // vectorizes and is accurate to a few ulps (e ∈ (0, 1], so nothing overflows).
      h = (-2.0 * a.abs()).exp();
      h = a.sign() * (1.0 - h) / (1.0 + h);
      break;
    case Activation::kRelu:
      h = a.max(0.0);
      break;
    case Activation::kSilu:
      h = a / (1.0 + (-a).exp());
      break;
    case Activation::kSoftplus:
      // max(a, 0) + log(1 + exp(-|a|)) never overflows.
      h = a.max(0.0) + (1.0 + (-a.abs()).exp()).log();
      break;
  }
}

void multiply_by_derivative(Activation activation, const Eigen::MatrixXd& pre,
                            const Eigen::MatrixXd& post, Eigen::MatrixXd& grad) {
  const auto a = pre.array();
  auto g = grad.array();
  switch (activation) {
    case Activation::kTanh:
      g *= 1.0 - post.array().square();
      break;
    case Activation::kRelu:
      g *= (a > 0.0).cast<double>();
      break;
    case Activation::kSilu: {
      // d/da [a σ(a)] = σ(a) (1 + a (1 - σ(a))); σ recomputed (post/a is unsafe at a = 0).
      g *= (1.0 + a * (1.0 - 1.0 / (1.0 + (-a).exp()))) / (1.0 + (-a).exp());
      break;
    }
    case Activation::kSoftplus:
      g /= 1.0 + (-a).exp();
      break;
  }
}

}  // namespace msflow::nn
