// Adam with fresh Monte Carlo samples every iteration (draw = iteration) and rollback after a
// non-finite objective (OptimizerState::adam_iteration).
#include <sstream>

#include "msflow/core/error.hpp"
#include "msflow/core/log.hpp"
#include "msflow/optim/optimizer.hpp"

namespace msflow::optim {

namespace {

class AdamOptimizer final : public Optimizer {
 public:
  explicit AdamOptimizer(OptimizerSettings settings) : settings_(std::move(settings)) {}

  std::string describe() const override {
    std::ostringstream out;
    out << "Adam: " << settings_.iterations << " iterations, lr "
        << format_number(settings_.schedule.base) << " (warm-up " << settings_.schedule.warmup_steps
        << ", "
        << (settings_.schedule.decay == Decay::kCosine        ? "cosine"
            : settings_.schedule.decay == Decay::kExponential ? "exponential"
                                                              : "constant")
        << " decay), fresh Monte Carlo samples every iteration";
    return out.str();
  }

  OptimizationResult minimize(const ObjectiveFunction& objective, OptimizerState& state,
                              IterationObserver& observer) const override {
    const OptimizerState::Objective evaluate = objective;
    while (state.iteration < settings_.iterations) {
      const std::int64_t iteration = state.iteration;
      try {
        state.adam_iteration(evaluate, settings_.schedule.at(iteration), settings_.retries,
                             [&](double scale) { observer.rolled_back(iteration, scale); });
      } catch (const CollectiveError& e) {
        throw CollectiveError(std::string(e.what()) + " (--" + settings_.section + ".lr, --" +
                                  settings_.section + ".retries)",
                              e.exit_status());
      }
      const IterationReport report{state.iteration, state.history.objective.back(),
                                   state.history.gradient_norm.back(),
                                   state.history.learning_rate.back()};
      if (observer.after_iteration(report, state)) return {true, ""};
    }
    return {false, ""};
  }

 private:
  OptimizerSettings settings_;
};

}  // namespace

std::unique_ptr<Optimizer> make_adam_optimizer(const OptimizerSettings& settings) {
  return std::make_unique<AdamOptimizer>(settings);
}

}  // namespace msflow::optim
