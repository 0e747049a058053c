#pragma once
// The paper's estimator (docs/method.md, "The flow model"): a normalizing flow T_θ pushes
// N(0, I_m) to the fast invariant law, b̄_θ(x) = (1/L) Σ_l b(x, T_θ(z_l)) and Σ̄_θ likewise, with
// L base samples shared by every point of an evaluation (common random numbers), optionally
// conditioned on x (y = T(z; x)), and with some physical parameters η of b, σ learned jointly.
// The moment penalty λ·(1/L) Σ_l |T(z_l)|^p is the model's sample term: a decoupled flow's is a
// function of ϑ alone (finish()); a conditional flow's is averaged over the points a pull-back
// visits with the weights the caller gives.
#include <Eigen/Core>
#include <memory>
#include <vector>

#include "msflow/fit/averaged_model.hpp"
#include "msflow/flow/flow.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::fit {

class FlowAveragedModel final : public AveragedModel {
 public:
  FlowAveragedModel(const AveragedModelSettings& settings, const Model& model);

  std::string type() const override { return "flow"; }
  std::string describe() const override;
  const ParameterLayout& layout() const override { return layout_; }
  const Model& model() const override { return *model_; }
  Eigen::VectorXd initial_parameters() const override { return initial_; }
  void set_parameters(const Eigen::VectorXd& parameters) override;
  const Eigen::VectorXd& parameters() const override { return parameters_; }
  bool diffusion_is_fixed() const override;
  bool diffusion_is_uniform() const override { return model_->diffusion_is_constant(); }

  void begin(std::uint64_t draw) override;
  void averages(const double* points, std::size_t count, double* drift, double* diffusion) override;
  Eigen::Index adjoint_size() const override;
  double pull_back(const double* points, std::size_t count, const PointAdjoint& adjoint,
                   const double* penalty_weights, Eigen::VectorXd& reducible) override;
  double finish(const Eigen::VectorXd& reduced, Eigen::VectorXd& gradient) override;

  void evaluate(const double* points, std::size_t count, double* drift, double* diffusion) override;
  Eigen::MatrixXd law_samples() override;
  bool law_depends_on_x() const override { return conditional_; }
  void write_state(MPI_Comm comm, hid_t file) const override;
  void read_state(hid_t file) override;

  const flow::Flow& flow() const { return flow_; }
  bool conditional() const { return conditional_; }

 private:
  /// m × count base samples of stream (purpose, draw).
  Eigen::MatrixXd base_samples(Purpose purpose, std::uint64_t draw, int count) const;
  /// weight·Σ_l |y_l|^p over the columns of y; its gradient is added to y_adjoint.
  double add_penalty(const Eigen::Ref<const Eigen::MatrixXd>& y, double weight,
                     Eigen::Ref<Eigen::MatrixXd> y_adjoint) const;
  /// y = T(z; x_j) for the `count` points x_j (count × d), the L = z.cols() columns of point j
  /// at j·L; the flow keeps what backward() needs.
  void push_conditional(const Eigen::MatrixXd& z, const double* points, std::size_t count,
                        Eigen::MatrixXd& y);
  /// Points per batched conditional pass (bounds the workspace to about 8192 samples).
  std::size_t conditional_chunk(int samples) const;
  /// b̄, Σ̄ at points with the samples z (pushed here for a conditional flow; `pushed` holds
  /// T(z) of a decoupled one).
  void averages_with(const Eigen::MatrixXd& z, const Eigen::MatrixXd& pushed, const double* points,
                     std::size_t count, double* drift, double* diffusion);

  std::unique_ptr<Model> model_;
  flow::Flow flow_;
  bool conditional_;
  int samples_, eval_samples_;
  double lambda_, power_;
  std::uint64_t seed_;
  std::vector<int> learned_;  ///< indices into model_->parameter_names()
  std::vector<ParameterDomain> domains_;
  Eigen::Index eta_count_;  ///< all of the model's physical parameters (the kernels' η adjoint)
  ParameterLayout layout_;
  Eigen::VectorXd initial_, parameters_;
  // The current evaluation: base samples, and T(z) when decoupled.
  Eigen::MatrixXd z_, y_;
};

}  // namespace msflow::fit
