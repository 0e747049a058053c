#pragma once
// The paper's estimator (DESIGN.md §1.3–1.4): a normalizing flow T_θ pushes N(0, I_m) to the
// fast invariant law, b̄_θ(x) = (1/L) Σ_l b(x, T_θ(z_l)), Σ̄_θ likewise, with L base samples
// shared by all transitions of an evaluation (common random numbers), optionally conditioned on
// x (y = T_θ(z; x)) and with some physical parameters η of b, σ learned jointly.
#include <vector>

#include "msflow/fit/estimator.hpp"
#include "msflow/flow/flow.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::fit {

class FlowEstimator : public AveragedEstimator {
 public:
  FlowEstimator(const Config& config, Model& model, std::size_t total_transitions);

  std::string kind() const override { return "flow"; }
  Eigen::Index parameter_count() const override;
  Eigen::VectorXd parameters() const override;
  void set_parameters(const Eigen::VectorXd& parameters) override;
  bool diffusion_is_fixed() const override;
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
  std::string describe_physical_parameters() const override;
  std::string describe_penalties() const override;

  const flow::Flow& flow() const { return flow_; }

 private:
  /// m × count base samples of stream (purpose, draw).
  Eigen::MatrixXd base_samples(Purpose purpose, std::uint64_t draw, int count) const;
  /// weight·Σ_l |y_l|^p over the columns of y; its gradient is added to y_adjoint.
  double add_penalty(const Eigen::Ref<const Eigen::MatrixXd>& y, double weight,
                     Eigen::Ref<Eigen::MatrixXd> y_adjoint) const;
  /// (weight_decay/2)·|θ_c|² over the coupling layers' parameters θ_c (not the final elementwise
  /// affine layer); its gradient is added to flow_gradient.
  double add_weight_decay(Eigen::VectorXd& flow_gradient) const;
  /// Conditional flow: y = T(z; x_j) for the `count` points x_j at `points` (count × d), the
  /// L = z.cols() columns of point j at j·L; the flow keeps what backward() needs.
  void push_conditional(const Eigen::MatrixXd& z, const double* points, std::size_t count,
                        Eigen::MatrixXd& y);
  /// Points per batched conditional pass (bounds the workspace to about 8192 samples).
  std::size_t conditional_chunk() const;

  Model& model_;
  flow::Flow flow_;
  bool conditional_;
  int samples_, eval_samples_;
  double lambda_, power_, weight_decay_;
  std::uint64_t seed_;
  std::size_t total_transitions_;
  std::vector<int> learned_;  ///< indices into model_.parameter_names()
};

}  // namespace msflow::fit
