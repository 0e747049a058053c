#pragma once
// The paper's baseline (docs/method.md, "The unstructured baseline"): b̂(x) is an MLP in x (and,
// when asked, Σ̂(x) = L Lᵀ with L lower-triangular, its diagonal exp(·) of MLP outputs), fitted
// with the same Euler–Maruyama likelihood, ignoring that b̄ = ∫ b dπ. It has no Monte Carlo
// samples and no fast law; its reducible adjoint is the MLP gradient itself.
#include <memory>

#include "msflow/fit/averaged_model.hpp"
#include "msflow/nn/mlp.hpp"

namespace msflow::fit {

class UnstructuredModel final : public AveragedModel {
 public:
  UnstructuredModel(const AveragedModelSettings& settings, const Model& model);

  std::string type() const override { return "unstructured"; }
  std::string describe() const override;
  const ParameterLayout& layout() const override { return layout_; }
  const Model& model() const override { return *model_; }
  Eigen::VectorXd initial_parameters() const override { return initial_; }
  void set_parameters(const Eigen::VectorXd& parameters) override;
  const Eigen::VectorXd& parameters() const override { return parameters_; }
  bool diffusion_is_fixed() const override { return !learn_diffusion_; }
  bool diffusion_is_uniform() const override {
    return !learn_diffusion_ && model_->diffusion_is_constant();
  }

  void begin(std::uint64_t) override {}
  void averages(const double* points, std::size_t count, double* drift, double* diffusion) override;
  Eigen::Index adjoint_size() const override { return mlp_.parameter_count(); }
  double pull_back(const double* points, std::size_t count, const PointAdjoint& adjoint,
                   const double* penalty_weights, Eigen::VectorXd& reducible) override;
  double finish(const Eigen::VectorXd& reduced, Eigen::VectorXd& gradient) override;

  void evaluate(const double* points, std::size_t count, double* drift,
                double* diffusion) override {
    averages(points, count, drift, diffusion);
  }
  Eigen::MatrixXd law_samples() override { return {}; }
  void write_state(MPI_Comm comm, hid_t file) const override;
  void read_state(hid_t file) override;

 private:
  /// b̂ and Σ̂ at x from the MLP outputs there.
  void coefficients(const double* x, const double* output, double* drift, double* diffusion) const;
  /// ∂J/∂output from ∂J/∂b̂ and ∂J/∂Σ̂ (chain rule through Σ̂ = L Lᵀ).
  void output_adjoint(const double* output, const double* drift_adjoint,
                      const double* diffusion_adjoint, double* adjoint) const;

  std::unique_ptr<Model> model_;
  int dim_;
  bool learn_diffusion_;
  nn::Mlp mlp_;
  std::vector<double> any_fast_state_;  ///< σσᵀ(x, y) does not depend on y when not learned
  ParameterLayout layout_;
  Eigen::VectorXd initial_, parameters_;
};

}  // namespace msflow::fit
