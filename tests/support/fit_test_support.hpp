#pragma once
// Small fit problems for tests: a model from options, a short simulated path, its transitions.
#include <memory>
#include <string>
#include <vector>

#include "msflow/core/grid.hpp"
#include "msflow/core/options.hpp"
#include "msflow/fit/estimator.hpp"
#include "msflow/fit/fit_objective.hpp"
#include "msflow/fit/fit_options.hpp"
#include "msflow/fit/transition_window.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/sde/simulator.hpp"

namespace msflow::testing {

inline Config fit_config(std::vector<std::string> arguments) {
  OptionCatalog catalog;
  declare_model_options(catalog);
  declare_fit_options(catalog);
  // Small and fast unless the test says otherwise.
  const std::vector<std::string> defaults = {"--flow.layers",      "2", "--flow.width", "8",
                                             "--flow.depth",       "1", "--fit.L",      "16",
                                             "--fit.eval_samples", "64"};
  std::vector<std::string> all = defaults;
  all.insert(all.end(), arguments.begin(), arguments.end());
  return Config::parse(catalog, all, {});
}

/// `transitions` transitions of one simulated trajectory (n = 50, Δ = 0.05).
inline TrajectorySet simulated_data(const Model& model, int transitions, std::uint64_t seed = 9) {
  TrajectoryPlan plan{{}, std::vector<double>(static_cast<std::size_t>(model.slow_dim()), 0.1)};
  for (int j = 0; j <= transitions; ++j)
    plan.times.push_back(0.05 * j);
  MultiscaleSettings settings;
  settings.scheme = FastScheme::kEuler;
  settings.dt = 0.2 / model.scale_separation() / model.fast_stiffness();  // stable Euler
  settings.seed = seed;
  TrajectorySet data;
  data.dim = model.slow_dim();
  data.t = plan.times;
  data.x = simulate_multiscale(model, plan, 0, settings);
  data.offsets = {0};
  return data;
}

/// A one-rank fit problem: the model of `config`, `transitions` simulated transitions, their
/// window and box, and an estimator; objective() builds the objective `config` asks for.
struct SmallFitProblem {
  SmallFitProblem(const Config& config, int transitions)
      : model(create_model(config)),
        data(simulated_data(*model, transitions)),
        window(fit::make_transition_window(data, 0, 1)),
        visited(bounding_box(data.x, data.dim)),
        estimator(fit::make_estimator(config, *model, window.total)) {}

  std::unique_ptr<fit::FitObjective> objective(const Config& config) {
    return fit::make_objective(config, MPI_COMM_SELF, *estimator, window, visited);
  }

  std::unique_ptr<Model> model;
  TrajectorySet data;
  fit::TransitionWindow window;
  Box visited;
  std::unique_ptr<fit::AveragedEstimator> estimator;
};

}  // namespace msflow::testing
