// msflow fit: learn the averaged drift b̄ and diffusion Σ̄ of a multiscale system from one slow
// trajectory (DESIGN.md §1.3–1.6), the flow estimator of Saha & Ganguly or the unstructured
// baseline, on transitions split over MPI ranks; restartable; checked against /truth if the
// input has it.
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "msflow/core/error.hpp"
#include "msflow/core/grid.hpp"
#include "msflow/core/log.hpp"
#include "msflow/core/memory.hpp"
#include "msflow/core/timer.hpp"
#include "msflow/fit/estimator.hpp"
#include "msflow/fit/fit_objective.hpp"
#include "msflow/fit/training_state.hpp"
#include "msflow/fit/transition_window.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/io/provenance.hpp"
#include "msflow/io/trajectory_file.hpp"
#include "msflow/io/truth_file.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/optim/lr_schedule.hpp"
#include "msflow/optim/tao_minimizer.hpp"
#include "msflow/parallel/collective.hpp"
#include "msflow/run/checkpoint_store.hpp"
#include "msflow/run/stop_request.hpp"

namespace msflow::app {

namespace {

using fit::TrainingState;

std::string stem_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.size() > 3 && name.substr(name.size() - 3) == ".h5") name.resize(name.size() - 3);
  return name;
}

class FitProblem {
 public:
  FitProblem(MPI_Comm comm, Config& config) : comm_(comm), config_(config), log_(comm) {
    MPI_Comm_rank(comm, &rank_);
    MPI_Comm_size(comm, &size_);
  }

  int run() {
    log_.print("msflow fit on ", size_, " MPI rank", size_ > 1 ? "s" : "");
    collectively(comm_, [&] { setup(); });
    collectively(comm_, [&] { read_data(); });
    collectively(comm_, [&] { build_estimator(); });
    collectively(comm_, [&] { resume_if_asked(); });
    const bool finished = optimizer_ == "tao" ? optimize_with_tao() : optimize_with_adam();
    if (!finished) return kExitResumeMe;
    estimate_on_grid();
    collectively(comm_, [&] { write_output(); });
    log_.line(timer_.summary(comm_));
    return kExitSuccess;
  }

 private:
  // ---- 1. options ------------------------------------------------------------------------------
  void setup() {
    const auto scope = timer_.scope("1. setup");
    model_ = create_model(config_);
    require(config_.has("data"), "fit needs an input trajectory: --data FILE.h5");
    data_path_ = config_.get_string("data");
    out_path_ = config_.has("out") ? config_.get_string("out") : "fit.h5";
    optimizer_ = config_.get_string("fit.optimizer");
    require(optimizer_ == "adam" || optimizer_ == "tao",
            "option --fit.optimizer: '" + optimizer_ + "' is not adam or tao");
    if (optimizer_ == "tao") optim::TaoMinimizer::validate_type(config_.get_string("fit.tao_type"));
    iterations_ = config_.get_int("fit.iterations");
    require(iterations_ >= 1, "option --fit.iterations: must be >= 1");
    schedule_.base = config_.get_double("fit.lr");
    schedule_.decay = optim::parse_decay(config_.get_string("fit.lr_decay"));
    schedule_.warmup_steps = config_.get_int("fit.warmup");
    schedule_.total_steps = iterations_;
    schedule_.final_fraction = config_.get_double("fit.lr_final");
    require(schedule_.warmup_steps < iterations_,
            "options --fit.warmup (" + std::to_string(schedule_.warmup_steps) +
                ") and --fit.iterations (" + std::to_string(iterations_) +
                "): the warm-up must be shorter than the run");
    schedule_.validate();
    retries_ = static_cast<int>(config_.get_int("fit.retries"));
    require(retries_ >= 0, "option --fit.retries: must be >= 0");
    progress_interval_ = config_.get_double("fit.progress");
    checkpoint_every_ = config_.get_int("run.checkpoint_every");
    require(checkpoint_every_ >= 0, "option --run.checkpoint_every: must be >= 0");
    checkpoints_ = std::make_unique<CheckpointStore>(
        comm_, config_.get_string("run.checkpoint_dir"), stem_of(out_path_), config_.hash());
    log_.line("\n# effective options\n" + config_.to_ini());
  }

  // ---- 2. data ---------------------------------------------------------------------------------
  void read_data() {
    const auto scope = timer_.scope("2. read data");
    const int d = model_->slow_dim();
    const TrajectorySet data = read_trajectory_file(comm_, data_path_, d, 1);
    window_ = fit::make_transition_window(data, rank_, size_);
    trajectories_ = data.trajectories();
    truth_ = read_truth(comm_, data_path_, d);
    visited_ = bounding_box(data.x, d);
    log_.print("data ", data_path_, ": ", window_.total, " transitions in ", trajectories_,
               " trajector", trajectories_ == 1 ? "y" : "ies", ", d = ", d,
               truth_ ? ", with /truth" : ", no /truth");
  }

  // ---- 3. estimator ----------------------------------------------------------------------------
  void build_estimator() {
    const auto scope = timer_.scope("3. build estimator");
    estimator_ = fit::make_estimator(config_, *model_, window_.total);
    objective_ = fit::make_objective(config_, comm_, *estimator_, window_, visited_);
    state_ = std::make_unique<TrainingState>(estimator_->parameters());
    log_.print("estimator ", estimator_->kind(), " with ", estimator_->parameter_count(),
               " parameters; model ", model_->name(), " (m = ", model_->fast_dim(), ")");
    log_.print(estimator_->describe_penalties());
    log_.print(objective_->describe());
    if (const auto* interpolated = interpolated_objective()) {
      config_.resolve("fit.nodes", std::to_string(interpolated->grid().intervals()));
      const fit::InterpolationError& error = interpolated->start_error();
      log_.print("interpolation error at the start: ", format_number(error.drift), " (b̄), ",
                 format_number(error.diffusion), " (Σ̄); tolerance ",
                 format_number(config_.get_double("fit.tolerance")));
    }
  }

  const fit::InterpolatedAveragingObjective* interpolated_objective() const {
    return dynamic_cast<const fit::InterpolatedAveragingObjective*>(objective_.get());
  }

  // ---- 4. resume
  // ---------------------------------------------------------------------------------
  void resume_if_asked() {
    if (!config_.get_bool("run.resume")) return;
    const std::string path = checkpoints_->newest();
    if (path.empty()) {
      log_.print("resume: no checkpoint in ", checkpoints_->directory(), ", starting afresh");
      return;
    }
    const h5::File file = h5::File::open_read(comm_, path);
    *state_ = TrainingState::read(file.id(), estimator_->parameter_count());
    estimator_->set_parameters(state_->parameters);
    log_.print("resumed from ", path, " at iteration ", state_->iteration);
  }

  void save_checkpoint() {
    const auto scope = timer_.scope("checkpoints");
    checkpoints_->save(state_->iteration, [&](hid_t file) { state_->write(comm_, file); });
  }

  // Rank 0's progress line at a steady cadence.
  void report_progress(std::int64_t iteration, double value, double norm, double start) {
    const double now = MPI_Wtime();
    const bool last = iteration + 1 == iterations_;
    if (!log_.is_root() || progress_interval_ <= 0) return;
    if (!last && now - last_report_ < progress_interval_) return;
    last_report_ = now;
    const double done = static_cast<double>(iteration + 1 - first_iteration_);
    const double per_iteration = (now - start) / done;
    log_.print("  it ", iteration + 1, "/", iterations_, "  J = ", format_number(value),
               "  |grad J| = ", format_number(norm), "  ", format_number(per_iteration),
               " s/it  ETA ", format_duration(per_iteration * (iterations_ - iteration - 1)));
  }

  // ---- 5. optimization
  // ---------------------------------------------------------------------------
  bool optimize_with_adam() {
    const auto scope = timer_.scope("5. optimize (adam)");
    const StopRequest stop;
    TrainingState& s = *state_;
    first_iteration_ = s.iteration;
    const double start = MPI_Wtime();
    last_report_ = start;
    log_.print("Adam: ", iterations_, " iterations, lr ", schedule_.base,
               ", L = ", config_.get_int("fit.L"), " fresh base samples per iteration");
    const TrainingState::Objective objective = [&](const Eigen::VectorXd& parameters,
                                                   std::uint64_t draw, Eigen::VectorXd& gradient) {
      return objective_->evaluate(parameters, draw, gradient);
    };
    while (s.iteration < iterations_) {
      s.adam_iteration(objective, schedule_.at(s.iteration), retries_, [&](double scale) {
        log_.print("  it ", s.iteration, ": non-finite objective; rolling back, step scale ",
                   scale);
      });
      report_progress(s.iteration - 1, s.history.objective.back(), s.history.gradient_norm.back(),
                      start);
      if (stop.requested_anywhere(comm_)) {
        save_checkpoint();
        log_.print("stopped by a signal at iteration ", s.iteration, "; checkpoint written to ",
                   checkpoints_->directory(), ". Rerun with --run.resume true (exit status ",
                   static_cast<int>(kExitResumeMe), ")");
        return false;
      }
      if (checkpoint_every_ > 0 && s.iteration % checkpoint_every_ == 0 &&
          s.iteration < iterations_)
        save_checkpoint();
    }
    estimator_->set_parameters(s.parameters);
    const double seconds = MPI_Wtime() - start;
    const double evaluations = static_cast<double>(s.iteration - first_iteration_);
    const double pairs = static_cast<double>(window_.total) *
                         static_cast<double>(config_.get_int("fit.L")) * evaluations;
    if (estimator_->kind() == "flow" && evaluations > 0 && !interpolated_objective())
      log_.print("objective + gradient: ", format_number(seconds / evaluations), " s per ",
                 "evaluation, ", format_number(pairs / seconds),
                 " (transition, sample) pairs/s on ", size_, " rank", size_ > 1 ? "s" : "");
    log_.print("optimized: J = ", format_number(s.history.objective.back()), " after ", s.iteration,
               " iterations, ",
               format_number(seconds / std::max<double>(1, s.iteration - first_iteration_)),
               " s per iteration; ", peak_memory());
    return true;
  }

  bool optimize_with_tao() {
    const auto scope = timer_.scope("5. optimize (tao)");
    const StopRequest stop;
    TrainingState& s = *state_;
    first_iteration_ = s.iteration;
    const double start = MPI_Wtime();
    last_report_ = start;
    const std::string type = config_.get_string("fit.tao_type");
    log_.print("TAO ", type, ": at most ", iterations_ - s.iteration, " iterations on frozen ",
               "base samples (L = ", config_.get_int("fit.L"), ")");
    // Frozen samples: draw 0 throughout; the history comes from TAO's monitor.
    const optim::TaoMinimizer::Objective objective = [&](const Eigen::VectorXd& parameters,
                                                         Eigen::VectorXd& gradient) {
      return objective_->evaluate(parameters, 0, gradient);
    };
    bool stopped = false;
    const std::int64_t offset = s.iteration;
    const optim::TaoMinimizer::Monitor monitor = [&](int iteration, double value, double norm,
                                                     const Eigen::VectorXd& parameters) {
      if (iteration == 0) return false;  // TAO's monitor also reports the starting point
      s.iteration = offset + iteration;
      s.parameters = parameters;
      s.history.push(s.iteration - 1, value, norm, 0.0);
      report_progress(s.iteration - 1, value, norm, start);
      stopped = stop.requested_anywhere(comm_);
      if (!stopped && checkpoint_every_ > 0 && s.iteration % checkpoint_every_ == 0)
        save_checkpoint();
      return stopped;
    };
    const optim::TaoMinimizer minimizer(type, static_cast<int>(iterations_ - s.iteration),
                                        config_.get_double("fit.gradient_tolerance"));
    Eigen::VectorXd parameters = s.parameters;
    const optim::TaoResult result = minimizer.minimize(parameters, objective, monitor);
    s.parameters = parameters;
    estimator_->set_parameters(s.parameters);
    if (stopped) {
      save_checkpoint();
      log_.print("stopped by a signal at iteration ", s.iteration,
                 "; rerun with --run.resume true (TAO restarts from the checkpointed parameters"
                 " with a fresh quasi-Newton memory)");
      return false;
    }
    log_.print("TAO ", type, ": ", result.reason, " after ", result.iterations,
               " iterations, J = ", format_number(result.objective),
               ", |grad J| = ", format_number(result.gradient_norm), "; ", peak_memory());
    return true;
  }

  /// "peak memory X MiB per rank" (the largest over the ranks; collective).
  std::string peak_memory() const {
    return "peak memory " + format_number(max_peak_resident_bytes(comm_) / 1048576.0) +
           " MiB per rank";
  }

  // ---- 6. estimate on a grid over the visited region
  // ---------------------------------------------
  void estimate_on_grid() {
    const auto scope = timer_.scope("6. estimate on grid");
    const int d = model_->slow_dim();
    const std::string grid_option = config_.get_string("fit.grid");
    if (grid_option == "auto" && truth_) {
      grid_ = BoxGrid{d, truth_->grid};
    } else {
      const int points = grid_option == "auto" ? (d == 1   ? 101
                                                  : d == 2 ? 41
                                                           : 17)
                                               : static_cast<int>(config_.get_int("fit.grid"));
      grid_ = make_box_grid(visited_.lo, visited_.hi, points);
    }
    estimator_->evaluate(grid_.points, drift_, diffusion_);
    if (const auto* interpolated = interpolated_objective()) {
      // The learned law may give b̄ sharper features than the starting one did.
      interpolation_error_ = interpolated->interpolation_error(0);
      const double tolerance = config_.get_double("fit.tolerance");
      log_.print("interpolation error at the end: ", format_number(interpolation_error_->drift),
                 " (b̄), ", format_number(interpolation_error_->diffusion), " (Σ̄)",
                 std::max(interpolation_error_->drift, interpolation_error_->diffusion) > tolerance
                     ? "; WARNING: above --fit.tolerance " + format_number(tolerance) +
                           ", rerun with a larger --fit.nodes"
                     : "");
    }
    if (!truth_ || grid_.points != truth_->grid) return;
    // Mean over the grid of |b̂ − b̄|² (and of the squared Frobenius norm for Σ̄).
    const std::size_t g = grid_.size();
    auto mean_squared_error = [g](const std::vector<double>& a, const std::vector<double>& b) {
      double sum = 0;
      for (std::size_t i = 0; i < a.size(); ++i)
        sum += (a[i] - b[i]) * (a[i] - b[i]);
      return sum / static_cast<double>(g);
    };
    drift_mse_ = mean_squared_error(drift_, truth_->drift);
    if (!truth_->diffusion.empty())
      diffusion_mse_ = mean_squared_error(diffusion_, truth_->diffusion);
    log_.print("drift MSE against /truth over the visited region: ", format_number(*drift_mse_),
               diffusion_mse_ ? ", diffusion MSE: " + format_number(*diffusion_mse_) : "");
    const std::string learned = estimator_->describe_physical_parameters();
    if (!learned.empty()) log_.print("learned physical parameters: ", learned);
  }

  // ---- 7. output
  // ---------------------------------------------------------------------------------
  void write_output() {
    const auto scope = timer_.scope("7. write output");
    const int d = model_->slow_dim();
    h5::AtomicOutput output(comm_, out_path_);
    const hid_t file = output.file().id();
    write_provenance(file, comm_, "msflow.fit/1", "fit", config_,
                     "fit.seed=" + std::to_string(config_.get_uint64("fit.seed")));
    write_model_group(file, *model_);
    estimator_->write(comm_, file);
    state_->history.write(comm_, file, "history");
    {
      const h5::Handle estimate = h5::create_group(file, "estimate");
      const hsize_t g = grid_.size(), dim = static_cast<hsize_t>(d);
      h5::write_replicated(comm_, estimate, "grid", {g, dim}, grid_.points.data());
      h5::write_replicated(comm_, estimate, "drift", {g, dim}, drift_.data());
      h5::write_replicated(comm_, estimate, "diffusion", {g, dim, dim}, diffusion_.data());
      h5::write_attribute(estimate, "estimator", estimator_->kind());
      h5::write_attribute(estimate, "L", static_cast<std::int64_t>(config_.get_int("fit.L")));
      h5::write_attribute(estimate, "eval_samples",
                          static_cast<std::int64_t>(config_.get_int("fit.eval_samples")));
      h5::write_attribute(estimate, "averaging", config_.get_string("fit.averaging"));
      if (interpolation_error_) {
        h5::write_attribute(
            estimate, "interpolation_intervals",
            static_cast<std::int64_t>(interpolated_objective()->grid().intervals()));
        h5::write_attribute(estimate, "interpolation_error_drift", interpolation_error_->drift);
        h5::write_attribute(estimate, "interpolation_error_diffusion",
                            interpolation_error_->diffusion);
      }
      if (drift_mse_) h5::write_attribute(estimate, "drift_mse", *drift_mse_);
      if (diffusion_mse_) h5::write_attribute(estimate, "diffusion_mse", *diffusion_mse_);
      h5::write_attribute(estimate, "description",
                          std::string("learned averaged drift and diffusion on a grid over the "
                                      "region the data visit; drift_mse = mean over the grid of "
                                      "|b_est - b_true|^2"));
    }
    {
      const h5::Handle data = h5::create_group(file, "data");
      h5::write_attribute(data, "source", data_path_);
      h5::write_attribute(data, "transitions", static_cast<std::int64_t>(window_.total));
      h5::write_attribute(data, "trajectories", static_cast<std::int64_t>(trajectories_));
    }
    output.commit();
    log_.print("wrote ", out_path_);
  }

  MPI_Comm comm_;
  Config& config_;
  RootLog log_;
  PhaseTimer timer_;
  int rank_ = 0, size_ = 1;

  std::unique_ptr<Model> model_;
  std::string data_path_, out_path_, optimizer_;
  std::int64_t iterations_ = 0, checkpoint_every_ = 0, first_iteration_ = 0;
  optim::LrSchedule schedule_;
  int retries_ = 5;
  double progress_interval_ = 10, last_report_ = 0;
  std::unique_ptr<CheckpointStore> checkpoints_;

  fit::TransitionWindow window_;
  std::size_t trajectories_ = 0;
  std::optional<TruthOnGrid> truth_;
  Box visited_;  ///< bounding box of the observed path

  std::unique_ptr<fit::AveragedEstimator> estimator_;
  std::unique_ptr<fit::FitObjective> objective_;
  std::unique_ptr<TrainingState> state_;

  BoxGrid grid_;
  std::vector<double> drift_, diffusion_;
  std::optional<double> drift_mse_, diffusion_mse_;
  std::optional<fit::InterpolationError> interpolation_error_;
};

}  // namespace

int run_fit(MPI_Comm comm, Config& config) {
  return FitProblem(comm, config).run();
}

}  // namespace msflow::app
