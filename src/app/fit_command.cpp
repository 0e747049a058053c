// msflow fit: learn the averaged drift b̄ and diffusion Σ̄ of a multiscale system from one slow
// trajectory (docs/method.md): the flow model of Saha & Ganguly or the unstructured baseline,
// on transitions split over MPI ranks; restartable; checked against /truth if the input has it.
#include <algorithm>
#include <memory>
#include <optional>
#include <sstream>

#include "command_context.hpp"
#include "commands.hpp"
#include "msflow/core/error.hpp"
#include "msflow/core/grid.hpp"
#include "msflow/core/memory.hpp"
#include "msflow/core/settings.hpp"
#include "msflow/fit/diagnostics.hpp"
#include "msflow/fit/fit_result.hpp"
#include "msflow/fit/fit_settings.hpp"
#include "msflow/fit/interpolated_likelihood.hpp"
#include "msflow/fit/objective.hpp"
#include "msflow/fit/transition_reader.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/io/output_path.hpp"
#include "msflow/io/provenance.hpp"
#include "msflow/io/truth_file.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/optim/optimizer.hpp"
#include "msflow/run/checkpoint_store.hpp"
#include "msflow/run/run_observer.hpp"
#include "optimizer_checkpoints.hpp"

namespace msflow::app {

namespace {

class FitProblem {
 public:
  explicit FitProblem(CommandContext& context) : context_(context) {}

  int run() {
    context_.phase("1. setup", [&] { setup(); });
    context_.phase("2. read data", [&] { read_data(); });
    context_.phase("3. build model", [&] { build_model(); });
    context_.phase("4. resume", [&] { resume_if_asked(); });
    const bool finished = context_.phase("5. optimize", [&] { return optimize(); });
    if (!finished) return kExitResumeMe;
    context_.phase("6. estimate on grid", [&] { estimate_on_grid(); });
    context_.phase("7. write output", [&] { write_output(); });
    context_.print_timings();
    return kExitSuccess;
  }

 private:
  const RootLog& log() const { return context_.log(); }

  // ---- 1. options, validated before any work ---------------------------------------------------
  void setup() {
    const Config& config = context_.config();
    const SectionReader general(config, "");
    settings_ = fit::read_fit_settings(config);
    model_ = create_model(config);
    fit::check_memory(settings_.model, *model_, available_bytes());
    require(general.has("data"), "fit needs an input trajectory: --data FILE.h5");
    data_path_ = general.text("data");
    out_path_ = general.has("out") ? general.text("out") : "fit.h5";
    truth_path_ = general.has("truth") ? general.text("truth") : "";
    validate_output_path("out", out_path_, {data_path_, settings_.init, truth_path_});
    if (!truth_path_.empty()) truth_ = read_required_truth(context_.comm(), truth_path_, *model_);
    if (!settings_.init.empty())
      init_ = std::make_unique<fit::FittedModel>(context_.comm(), settings_.init, option_catalog());
    CheckpointStore::prepare_directory(context_.comm(), settings_.run.checkpoint_dir);
    context_.print_options();
  }

  // ---- 2. data: each rank reads its own blocks of transitions ---------------------------------
  void read_data() {
    const int d = model_->slow_dim();
    observed_ = fit::read_transitions(context_.comm(), data_path_, d, 1);
    if (truth_path_.empty()) truth_ = read_truth(context_.comm(), data_path_, d);
    checkpoints_ = std::make_unique<CheckpointStore>(context_.comm(), settings_.run.checkpoint_dir,
                                                     stem_of(out_path_), context_.config().hash(),
                                                     observed_.identity());
    const std::size_t trajectories = observed_.trajectories;
    log().print("data ", data_path_, ": ", observed_.window->total, " transitions in ",
                trajectories, " trajector", trajectories == 1 ? "y" : "ies", ", d = ", d,
                truth_path_.empty() ? (truth_ ? ", with /truth" : ", no /truth")
                                    : ", /truth from " + truth_path_,
                "; ", observed_.window->blocks.blocks(), " blocks of ",
                observed_.window->blocks.block_size(), " transitions");
  }

  // ---- 3. the averaged model and the objective ----------------------------------------------
  void build_model() {
    auto averaged = std::shared_ptr<fit::AveragedModel>(
        fit::make_averaged_model(settings_.model, *model_).release());
    fit::LikelihoodChoice likelihood = fit::make_likelihood(
        settings_.likelihood, context_.comm(), observed_.window, observed_.visited, *averaged);
    if (const auto* interpolated =
            dynamic_cast<const fit::InterpolatedLikelihood*>(likelihood.likelihood.get()))
      context_.config().resolve("fit.nodes", std::to_string(interpolated->grid().intervals()));
    averaging_ = likelihood.likelihood->averaging();
    if (context_.config().get_string("fit.averaging") == "auto")
      context_.config().resolve("fit.averaging", averaging_);
    if (context_.config().get_string("fit.transition") == "auto")
      context_.config().resolve("fit.transition", fit::transition_name(likelihood.transition));
    objective_ =
        std::make_unique<fit::Objective>(averaged, std::move(likelihood.likelihood),
                                         fit::make_parameter_terms(settings_, averaged->layout()));
    state_ = std::make_unique<optim::OptimizerState>(starting_parameters(*averaged));
    optimizer_ = optim::make_optimizer(settings_.optimizer);
    log().print(averaged->describe(), "; model ", model_->name(), " (d = ", model_->slow_dim(),
                ", m = ", model_->fast_dim(), ")");
    log().print(objective_->likelihood().describe());
    if (!likelihood.note.empty()) log().print(likelihood.note);
    log().print(objective_->describe());
    print_resolved_options();
  }

  /// The effective options were printed before the data were read; what "auto" became since.
  void print_resolved_options() const {
    std::string line;
    for (const std::string& entry : context_.config().resolved())
      line += (line.empty() ? "" : ", ") + entry;
    if (!line.empty()) log().print("resolved from auto: ", line);
  }

  /// The model's initialization, or the parameters of --fit.init when its layout is the same.
  Eigen::VectorXd starting_parameters(const fit::AveragedModel& model) const {
    if (!init_) return model.initial_parameters();
    const auto& mine = model.layout().blocks();
    const auto& theirs = init_->averaged_model().layout().blocks();
    bool same = mine.size() == theirs.size();
    for (std::size_t i = 0; same && i < mine.size(); ++i)
      same = mine[i].name == theirs[i].name && mine[i].size == theirs[i].size;
    require(same && model.type() == init_->averaged_model().type(),
            "option --fit.init: " + settings_.init + " holds a " +
                init_->averaged_model().describe() + ", not this run's " + model.describe() +
                " (the model, flow architecture and learned parameters must match)");
    log().print("starting from the parameters of ", settings_.init);
    return init_->averaged_model().parameters();
  }

  // ---- 4. resume --------------------------------------------------------------------------------
  void resume_if_asked() {
    if (!settings_.run.resume) return;
    OptimizerCheckpoints(context_, *checkpoints_)
        .resume(*state_, objective_->model().layout().size());
  }

  void save_checkpoint(const optim::OptimizerState& state) {
    OptimizerCheckpoints(context_, *checkpoints_).save(state);
  }

  // ---- 5. optimization: the one loop (optimizer + observer) ---------------------------------
  bool optimize() {
    log().print(optimizer_->describe());
    const fit::TransitionWindow& window = objective_->likelihood().window();
    const std::int64_t first = state_->iteration;
    RunObserver observer(context_.comm(), log(),
                         {settings_.optimizer.iterations, settings_.optimizer.progress_interval,
                          static_cast<double>(window.total), settings_.run.checkpoint_every},
                         first,
                         [&](const optim::OptimizerState& state) { save_checkpoint(state); });
    const optim::ObjectiveFunction objective = [&](const Eigen::VectorXd& parameters,
                                                   std::uint64_t draw, Eigen::VectorXd& gradient) {
      return objective_->evaluate(parameters, draw, gradient);
    };
    const optim::OptimizationResult result = optimizer_->minimize(objective, *state_, observer);
    objective_->model().set_parameters(state_->parameters);
    if (observer.stopped_by_signal()) {
      OptimizerCheckpoints(context_, *checkpoints_).stop(*state_);
      return false;
    }
    const double seconds = observer.seconds();
    const double done = static_cast<double>(std::max<std::int64_t>(1, observer.iterations_done()));
    context_.record("iterations_this_run", static_cast<double>(observer.iterations_done()));
    context_.record("seconds_per_iteration", seconds / done);
    if (!result.summary.empty()) log().print(result.summary);
    if (objective_->likelihood().averaging() == "exact" && objective_->model().type() == "flow")
      log().print("objective + gradient: ", format_number(seconds / done), " s per evaluation, ",
                  format_number(static_cast<double>(window.total) * settings_.model.samples * done /
                                seconds),
                  " (transition, sample) pairs/s on ", context_.size(), " rank",
                  context_.size() > 1 ? "s" : "");
    // The terms of J at the final parameters (draw 0): what the objective is made of.
    std::vector<fit::TermValue> terms;
    Eigen::VectorXd gradient;
    const double value = objective_->evaluate(state_->parameters, 0, gradient, &terms);
    std::ostringstream parts;
    for (const auto& term : terms)
      parts << (parts.tellp() > 0 ? ", " : "") << term.name << " " << format_number(term.value, 8);
    log().print("optimized: J/M = ", format_number(value / static_cast<double>(window.total), 8),
                " after ", state_->iteration, " iterations (", parts.str(), "), ",
                format_number(seconds / done, 4), " s per iteration; ", context_.peak_memory());
    objective_->model().set_parameters(state_->parameters);
    return true;
  }

  // ---- 6. the estimate on a grid over the visited region ------------------------------------
  void estimate_on_grid() {
    fit::AveragedModel& model = objective_->model();
    const int d = model_->slow_dim();
    if (!settings_.grid && truth_) {
      estimate_.grid = BoxGrid{d, truth_->grid};
    } else {
      const int points = settings_.grid.value_or(d == 1 ? 101 : d == 2 ? 41 : 17);
      estimate_.grid = make_box_grid(observed_.visited.lo, observed_.visited.hi, points);
    }
    const std::size_t g = estimate_.grid.size();
    estimate_.drift.assign(g * d, 0.0);
    estimate_.diffusion.assign(g * d * d, 0.0);
    model.evaluate(estimate_.grid.points.data(), g, estimate_.drift.data(),
                   estimate_.diffusion.data());
    if (const auto* interpolated =
            dynamic_cast<const fit::InterpolatedLikelihood*>(&objective_->likelihood())) {
      // The learned law may give b̄ sharper features than the starting one did.
      const fit::InterpolationError error =
          fit::interpolation_error(model, interpolated->grid(), 0);
      estimate_.interpolation_error_drift = error.drift;
      estimate_.interpolation_error_diffusion = error.diffusion;
      estimate_.interpolation_intervals = interpolated->grid().intervals();
      const double tolerance = settings_.likelihood.tolerance;
      log().print("interpolation error at the end: ", format_number(error.drift), " (b̄), ",
                  format_number(error.diffusion), " (Σ̄)",
                  error.largest() > tolerance
                      ? "; WARNING: above --fit.tolerance " + format_number(tolerance) +
                            ", rerun with a larger --fit.nodes"
                      : "");
    }
    report_learned();
    if (!truth_ || estimate_.grid.points != truth_->grid) return;
    estimate_.drift_mse = fit::mean_squared_error(estimate_.drift, truth_->drift, g);
    if (!truth_->diffusion.empty())
      estimate_.diffusion_mse = fit::mean_squared_error(estimate_.diffusion, truth_->diffusion, g);
    const bool diffusion_known = model.diffusion_is_fixed() && model.physical_parameters().empty();
    log().print("drift MSE against /truth over the visited region: ",
                format_number(*estimate_.drift_mse, 4),
                estimate_.diffusion_mse
                    ? ", diffusion MSE: " + format_number(*estimate_.diffusion_mse, 4) +
                          (diffusion_known ? " (σ known, not learned)" : "")
                    : std::string());
  }

  /// What was learned, for the log: physical parameters and the learned law's bulk.
  void report_learned() {
    fit::AveragedModel& model = objective_->model();
    std::ostringstream learned;
    for (const auto& [name, value] : model.physical_parameters())
      learned << (learned.tellp() > 0 ? ", " : "") << name << " = " << format_number(value);
    if (learned.tellp() > 0) log().print("learned physical parameters: ", learned.str());
    law_samples_ = model.law_samples();
    if (const auto stats = fit::particle_law_statistics(law_samples_, model_->slow_dim())) {
      std::ostringstream law;
      for (std::size_t a = 0; a < stats->mean.size(); ++a)
        law << (a ? "; " : "") << "mean " << format_number(stats->mean[a], 4) << ", median "
            << format_number(stats->median[a], 4) << ", variance "
            << format_number(stats->variance[a], 4) << ", IQR variance "
            << format_number(stats->iqr_variance[a], 4);
      log().print("learned one-particle law (pooled", model.law_depends_on_x() ? ", at x = 0" : "",
                  "): ", law.str());
    }
  }

  // ---- 7. output ------------------------------------------------------------------------------
  void write_output() {
    const MPI_Comm comm = context_.comm();
    h5::AtomicOutput output(comm, out_path_);
    const hid_t file = output.file().id();
    context_.write_provenance(file, "msflow.fit/1",
                              "fit.seed=" + std::to_string(settings_.model.seed));
    fit::write_fit_result(comm, file, objective_->model(), settings_.model, averaging_, estimate_,
                          law_samples_, state_->history,
                          {data_path_, objective_->likelihood().window().total,
                           observed_.trajectories, observed_.identity()});
    output.commit();
    log().print("wrote ", out_path_);
    if (!settings_.run.keep_checkpoints) checkpoints_->remove_all();
  }

  CommandContext& context_;
  fit::FitSettings settings_;
  std::unique_ptr<Model> model_;
  std::string data_path_, out_path_, truth_path_, averaging_;
  std::unique_ptr<CheckpointStore> checkpoints_;
  std::unique_ptr<fit::FittedModel> init_;
  fit::ObservedTransitions observed_;
  std::optional<TruthOnGrid> truth_;
  std::unique_ptr<fit::Objective> objective_;
  std::unique_ptr<optim::OptimizerState> state_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  fit::GridEstimate estimate_;
  Eigen::MatrixXd law_samples_;
};

}  // namespace

int run_fit(MPI_Comm comm, Config& config) {
  CommandContext context(comm, config, "fit");
  return FitProblem(context).run();
}

}  // namespace msflow::app
