#pragma once
// Optimizers behind one interface, registered by type string (as the models are), driven by
// one loop: the optimizer iterates; after every iteration it hands an IterationReport to the
// observer, which owns progress lines, checkpoints and the stop agreement (run/run_observer.hpp).
// Adding an optimizer is one file and one line in optimizer_registry().
#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "msflow/optim/optimizer_settings.hpp"
#include "msflow/optim/optimizer_state.hpp"

namespace msflow::optim {

/// J(ϑ) with ∇J in `gradient`, the same on every rank; `draw` selects the Monte Carlo samples.
using ObjectiveFunction = std::function<double(const Eigen::VectorXd& parameters,
                                               std::uint64_t draw, Eigen::VectorXd& gradient)>;

struct IterationReport {
  std::int64_t iteration = 0;  ///< iterations completed (1 after the first)
  double value = 0;            ///< J at the parameters before the step
  double gradient_norm = 0;
  double learning_rate = 0;  ///< 0 where it has no meaning (TAO)
};

class IterationObserver {
 public:
  virtual ~IterationObserver() = default;
  /// After each completed iteration, on every rank (`state` updated); returns true to stop.
  /// Must return the same on every rank (the observer agrees collectively).
  virtual bool after_iteration(const IterationReport& report, const OptimizerState& state) = 0;
  /// A non-finite objective at `iteration` was rolled back; steps are scaled by `scale` now.
  virtual void rolled_back(std::int64_t /*iteration*/, double /*scale*/) {}
};

struct OptimizationResult {
  bool stopped = false;  ///< the observer asked to stop before the end
  std::string summary;   ///< for the log ("TAO lmvm: CONVERGED_GATOL after 87 iterations")
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// One line for the log.
  virtual std::string describe() const = 0;
  /// Iterates from state.iteration to the settings' iteration count (or until stopped).
  virtual OptimizationResult minimize(const ObjectiveFunction& objective, OptimizerState& state,
                                      IterationObserver& observer) const = 0;
};

struct OptimizerEntry {
  std::string name, summary;
  bool follows_monte_carlo_objective;  ///< false: needs the same objective at every call
  std::function<std::unique_ptr<Optimizer>(const OptimizerSettings&)> create;
};
const std::vector<OptimizerEntry>& optimizer_registry();
/// The optimizer `settings.type` names (InputError listing the known ones otherwise).
std::unique_ptr<Optimizer> make_optimizer(const OptimizerSettings& settings);

}  // namespace msflow::optim
