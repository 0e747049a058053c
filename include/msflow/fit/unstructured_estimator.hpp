#pragma once
// The paper's baseline (DESIGN.md §1.6): b̂(x) is an MLP in x (and, when asked, Σ̂(x) = L Lᵀ with
// L lower-triangular, its diagonal exp(·) of MLP outputs), fitted with the same
// Euler–Maruyama likelihood, ignoring that b̄ = ∫ b dπ.
#include "msflow/fit/estimator.hpp"
#include "msflow/nn/mlp.hpp"

namespace msflow::fit {

class UnstructuredEstimator : public AveragedEstimator {
 public:
  UnstructuredEstimator(const Config& config, const Model& model);

  std::string kind() const override { return "unstructured"; }
  std::string describe_penalties() const override {
    return "penalties: none (the paper's baseline; --fit.lambda and --fit.weight_decay act on the "
           "flow only)";
  }
  Eigen::Index parameter_count() const override { return mlp_.parameter_count(); }
  Eigen::VectorXd parameters() const override;
  void set_parameters(const Eigen::VectorXd& parameters) override;
  bool diffusion_is_fixed() const override { return !learn_diffusion_; }
  double local_objective(const TransitionWindow& window, std::uint64_t draw,
                         bool count_shared_terms, Eigen::VectorXd& gradient) override;
  void averages_at(const std::vector<double>& points, std::uint64_t draw,
                   std::vector<double>& drift, std::vector<double>& diffusion) override;
  double pull_back_averages(const std::vector<double>& points, std::uint64_t draw,
                            const std::vector<double>& drift_adjoint,
                            const std::vector<double>& diffusion_adjoint,
                            const std::vector<double>& point_weights, bool count_shared_terms,
                            Eigen::VectorXd& gradient) override;
  void evaluate(const std::vector<double>& points, std::vector<double>& drift,
                std::vector<double>& diffusion) override;
  void write(MPI_Comm comm, hid_t file) override;

 private:
  /// b̂ and Σ̂ at x from the MLP outputs there.
  void coefficients(const double* x, const double* output, double* drift, double* diffusion) const;
  /// ∂J/∂output from ∂J/∂b̂ and ∂J/∂Σ̂ (chain rule through Σ̂ = L Lᵀ).
  void output_adjoint(const double* output, const double* drift_adjoint,
                      const double* diffusion_adjoint, double* adjoint) const;

  const Model& model_;
  int dim_;
  bool learn_diffusion_;
  nn::Mlp mlp_;
  std::vector<double> any_fast_state_;  ///< σσᵀ(x, y) does not depend on y when not learned
};

}  // namespace msflow::fit
