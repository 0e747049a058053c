#pragma once
// PETSc TAO (lmvm, bqnls, …) on a deterministic objective of a replicated parameter vector.
// Every rank runs the same TAO on a sequential Vec; the objective does its own MPI reductions,
// so every rank sees identical values and takes identical steps. `-tao_*` options from the
// command line apply (TaoSetFromOptions), e.g. -tao_monitor, -tao_gatol 1e-8.
#include <Eigen/Core>
#include <functional>
#include <string>

namespace msflow::optim {

struct TaoResult {
  int iterations = 0;
  double objective = 0;
  double gradient_norm = 0;
  std::string reason;  ///< PETSc's converged reason, e.g. CONVERGED_GATOL
  bool converged = false;
};

class TaoMinimizer {
 public:
  /// value = objective(parameters, gradient): fills the gradient, returns the value.
  using Objective = std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>;
  /// Called after each TAO iteration with (iteration, value, gradient norm, parameters);
  /// returning true stops TAO (converged reason USER).
  using Monitor = std::function<bool(int, double, double, const Eigen::VectorXd&)>;

  /// type: a TAO type name ("lmvm", "bqnls", "cg", …); unknown names are InputErrors.
  TaoMinimizer(std::string type, int max_iterations, double gradient_tolerance);

  /// InputError unless `type` names a PETSc TAO type (check before any work starts).
  static void validate_type(const std::string& type);

  /// Minimizes from `parameters` (updated in place).
  TaoResult minimize(Eigen::VectorXd& parameters, const Objective& objective,
                     const Monitor& monitor = {}) const;

 private:
  std::string type_;
  int max_iterations_;
  double gradient_tolerance_;
};

}  // namespace msflow::optim
