#pragma once
// Elementwise activations of the conditioner MLPs, applied to whole batches at once.
#include <Eigen/Core>
#include <string>

namespace msflow::nn {

enum class Activation { kTanh, kRelu, kSilu, kSoftplus };

/// "tanh" | "relu" | "silu" | "softplus"; throws InputError otherwise.
Activation parse_activation(const std::string& name);
std::string to_string(Activation activation);

/// post = f(pre), elementwise. Uses Eigen's vectorized exp (tanh via exp(-2|a|)) so the
/// activations do not dominate the matrix products.
void activate(Activation activation, const Eigen::MatrixXd& pre, Eigen::MatrixXd& post);

/// grad ⊙= f'(pre); `post` = f(pre) is passed too because some derivatives are cheaper from it.
void multiply_by_derivative(Activation activation, const Eigen::MatrixXd& pre,
                            const Eigen::MatrixXd& post, Eigen::MatrixXd& grad);

}  // namespace msflow::nn
