#pragma once
// Small fit problems for tests: a model from options, a short simulated path, its transitions,
// the averaged model and the objective the options ask for.
#include <memory>
#include <string>
#include <vector>

#include "msflow/core/grid.hpp"
#include "msflow/core/options.hpp"
#include "msflow/fit/averaged_model.hpp"
#include "msflow/fit/fit_settings.hpp"
#include "msflow/fit/objective.hpp"
#include "msflow/fit/transition_window.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/sde/simulator.hpp"

namespace msflow::testing {

inline OptionCatalog fit_catalog() {
  OptionCatalog catalog;
  declare_model_options(catalog);
  fit::declare_fit_options(catalog);
  return catalog;
}

inline Config fit_config(std::vector<std::string> arguments) {
  // Small and fast unless the test says otherwise.
  const std::vector<std::string> defaults = {"--flow.layers",      "2", "--flow.width", "8",
                                             "--flow.depth",       "1", "--fit.L",      "16",
                                             "--fit.eval_samples", "64"};
  std::vector<std::string> all = defaults;
  all.insert(all.end(), arguments.begin(), arguments.end());
  return Config::parse(fit_catalog(), all, {});
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

/// A fit problem on `comm`: the model of `config`, `transitions` simulated transitions (or
/// `data`), this rank's window and the box, the averaged model; objective() builds the
/// objective `config` asks for.
struct SmallFitProblem {
  SmallFitProblem(const Config& config, int transitions, MPI_Comm comm = MPI_COMM_SELF)
      : SmallFitProblem(config, nullptr, transitions, comm) {}
  SmallFitProblem(const Config& config, const TrajectorySet& trajectories,
                  MPI_Comm comm = MPI_COMM_SELF)
      : SmallFitProblem(config, &trajectories, 0, comm) {}

  std::unique_ptr<fit::Objective> objective() {
    auto likelihood =
        fit::make_likelihood(settings.likelihood, comm, window, visited, *averaged).likelihood;
    return std::make_unique<fit::Objective>(
        averaged, std::move(likelihood), fit::make_parameter_terms(settings, averaged->layout()));
  }

  MPI_Comm comm;
  fit::FitSettings settings;
  std::unique_ptr<Model> model;
  TrajectorySet data;
  std::shared_ptr<const fit::TransitionWindow> window;
  Box visited;
  std::shared_ptr<fit::AveragedModel> averaged;

 private:
  SmallFitProblem(const Config& config, const TrajectorySet* given, int transitions,
                  MPI_Comm communicator)
      : comm(communicator),
        settings(fit::read_fit_settings(config)),
        model(create_model(config)),
        data(given ? *given : simulated_data(*model, transitions)),
        window(std::make_shared<fit::TransitionWindow>(
            fit::make_transition_window(data, rank_of(communicator), size_of(communicator)))),
        visited(bounding_box(data.x, data.dim)),
        averaged(fit::make_averaged_model(settings.model, *model)) {}

  static int rank_of(MPI_Comm c) {
    int rank = 0;
    MPI_Comm_rank(c, &rank);
    return rank;
  }
  static int size_of(MPI_Comm c) {
    int size = 1;
    MPI_Comm_size(c, &size);
    return size;
  }
};

}  // namespace msflow::testing
