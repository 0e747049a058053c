// PETSc TAO on frozen Monte Carlo samples (draw 0 throughout: a deterministic objective). TAO
// keeps no resumable state beyond the parameters: a resumed run restarts its quasi-Newton
// memory.
#include <sstream>

#include "msflow/core/log.hpp"
#include "msflow/optim/optimizer.hpp"
#include "msflow/optim/tao_minimizer.hpp"

namespace msflow::optim {

namespace {

class TaoOptimizer final : public Optimizer {
 public:
  explicit TaoOptimizer(OptimizerSettings settings) : settings_(std::move(settings)) {}

  std::string describe() const override {
    return "TAO " + settings_.tao_type + ": at most " + std::to_string(settings_.iterations) +
           " iterations on frozen Monte Carlo samples, gradient tolerance " +
           format_number(settings_.gradient_tolerance);
  }

  OptimizationResult minimize(const ObjectiveFunction& objective, OptimizerState& state,
                              IterationObserver& observer) const override {
    const TaoMinimizer::Objective frozen = [&](const Eigen::VectorXd& parameters,
                                               Eigen::VectorXd& gradient) {
      return objective(parameters, 0, gradient);
    };
    bool stopped = false;
    const std::int64_t offset = state.iteration;
    const TaoMinimizer::Monitor monitor = [&](int iteration, double value, double norm,
                                              const Eigen::VectorXd& parameters) {
      if (iteration == 0) return false;  // TAO's monitor also reports the starting point
      state.iteration = offset + iteration;
      state.parameters = parameters;
      state.history.push(state.iteration - 1, value, norm, 0.0);
      stopped = observer.after_iteration({state.iteration, value, norm, 0.0}, state);
      return stopped;
    };
    const TaoMinimizer minimizer(settings_.tao_type,
                                 static_cast<int>(settings_.iterations - state.iteration),
                                 settings_.gradient_tolerance);
    Eigen::VectorXd parameters = state.parameters;
    const TaoResult result = minimizer.minimize(parameters, frozen, monitor);
    state.parameters = parameters;
    std::ostringstream summary;
    summary << "TAO " << settings_.tao_type << ": " << result.reason << " after "
            << result.iterations << " iterations, J = " << format_number(result.objective)
            << ", |grad J| = " << format_number(result.gradient_norm);
    return {stopped, summary.str()};
  }

 private:
  OptimizerSettings settings_;
};

}  // namespace

std::unique_ptr<Optimizer> make_tao_optimizer(const OptimizerSettings& settings) {
  return std::make_unique<TaoOptimizer>(settings);
}

}  // namespace msflow::optim
