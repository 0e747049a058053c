// msflow simulate: the multiscale system of docs/method.md (or its averaged model) on K
// independent trajectories partitioned over MPI ranks, written to one HDF5 file with the exact
// averaged drift on a grid over the visited region.
#include <algorithm>
#include <cmath>
#include <memory>

#include "command_context.hpp"
#include "commands.hpp"
#include "msflow/core/error.hpp"
#include "msflow/core/grid.hpp"
#include "msflow/core/log.hpp"
#include "msflow/core/settings.hpp"
#include "msflow/core/timer.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/io/output_path.hpp"
#include "msflow/io/provenance.hpp"
#include "msflow/io/trajectory_file.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/parallel/collective.hpp"
#include "msflow/parallel/partition.hpp"
#include "msflow/sde/simulator.hpp"

namespace msflow::app {

namespace {

std::string format_number4(double value) {
  return format_number(value, 4);
}

/// Fine steps a burn-in may take (and, ×100, a whole simulation): beyond, a run never ends.
constexpr double kMaxSteps = 1e12;

class SimulateProblem {
 public:
  explicit SimulateProblem(CommandContext& context)
      : context_(context),
        comm_(context.comm()),
        config_(context.config()),
        log_(context.log()),
        rank_(context.rank()),
        size_(context.size()) {}

  int run() {
    context_.phase("1. setup", [&] { setup(); });
    context_.phase("2. plan", [&] { plan_trajectories(); });
    announce();
    context_.phase("3. simulate", [&] { simulate(); });
    context_.phase("4. truth on grid", [&] { tabulate_truth(); });
    context_.phase("5. write output", [&] { write_output(); });
    context_.print_timings();
    return kExitSuccess;
  }

 private:
  // ---- 1. model and options -----------------------------------------------------------------
  void setup() {
    const SectionReader options(config_, "simulate");
    model_ = create_model(config_);
    averaged_ = options.flag("averaged");
    const double n = model_->scale_separation();
    if (!averaged_) {
      scheme_ = parse_fast_scheme(options.choice("scheme", {"auto", "exact", "euler"}), *model_);
      config_.resolve("simulate.scheme", to_string(scheme_));
    }
    if (options.is_auto("dt")) {
      const double dt_obs = options.positive("dt_obs");
      dt_ = averaged_                       ? dt_obs / 20
            : scheme_ == FastScheme::kExact ? 0.1 / n
                                            : 0.02 / (n * model_->fast_stiffness());
      if (!(std::isfinite(dt_) && dt_ > 0))
        throw InputError("option --simulate.dt auto: the model's time scales give a fine step of " +
                         format_number4(dt_) + "; set --simulate.dt");
      config_.resolve("simulate.dt", format_number4(dt_));
    } else {
      dt_ = options.positive("dt");
    }
    seed_ = options.seed("seed");
    burnin_ = options.nonnegative("burnin");
    // The burn-in (only without a sampler of the invariant law) takes burnin/(n dt) fast steps:
    // refuse what would never end.
    std::vector<double> x(static_cast<std::size_t>(model_->slow_dim()), 0.0),
        xi(static_cast<std::size_t>(model_->fast_dim()), 0.0), y(xi.size());
    const bool needs_burnin = !model_->sample_invariant(x.data(), xi.data(), y.data());
    if (!averaged_ && needs_burnin && burnin_ / (n * dt_) > kMaxSteps)
      options.reject("burnin", "needs " + format_number4(burnin_ / (n * dt_)) +
                                   " fine steps per trajectory, more than " +
                                   format_number4(kMaxSteps));
    progress_interval_ = options.nonnegative("progress");
    const int d = model_->slow_dim();
    grid_points_ = static_cast<int>(options.integer_or_auto("grid", 2, 100000)
                                        .value_or(d == 1   ? 101
                                                  : d == 2 ? 41
                                                           : 17));
    if (std::pow(static_cast<double>(grid_points_), d) > 1e8)
      options.reject("grid", "gives " + format_number4(std::pow(grid_points_, d)) +
                                 " points for d = " + std::to_string(d) + ", more than 1e8");
    out_path_ = config_.has("out") ? config_.get_string("out") : "simulate.h5";
    validate_output_path("out", out_path_,
                         {config_.has("data") ? config_.get_string("data") : std::string()});
  }

  /// The options (all read by now: setup and the plan) and what will be simulated.
  void announce() const {
    context_.print_options();
    log_.print("model ", model_->name(), ": d = ", model_->slow_dim(), ", m = ", model_->fast_dim(),
               ", n = ", model_->scale_separation(),
               averaged_ ? ", simulating the averaged model"
                         : std::string(", fast scheme ") + to_string(scheme_));
  }

  // ---- 2. observation schedule ----------------------------------------------------------------
  void plan_trajectories() {
    const int d = model_->slow_dim();
    if (config_.has("data")) {
      // Replay an observed file: its times and initial states, one plan per trajectory.
      const TrajectorySet data = read_trajectory_file(comm_, config_.get_string("data"), d);
      for (std::size_t k = 0; k < data.trajectories(); ++k) {
        const auto begin = data.begin_of(k), end = data.end_of(k);
        plans_.push_back({{data.t.begin() + begin, data.t.begin() + end},
                          {data.x.begin() + begin * d, data.x.begin() + (begin + 1) * d}});
      }
      double steps = 0;
      for (const auto& plan : plans_)
        for (std::size_t j = 0; j + 1 < plan.times.size(); ++j)
          steps += (plan.times[j + 1] - plan.times[j]) / dt_;
      if (!(steps <= kMaxSteps * 100))
        throw InputError("option --data " + config_.get_string("data") + ": replaying its times " +
                         "needs " + format_number4(steps) + " fine steps of --simulate.dt " +
                         format_number4(dt_) + ", more than " + format_number4(kMaxSteps * 100));
      log_.print("replaying ", plans_.size(), " trajectories of ", config_.get_string("data"));
      return;
    }
    const SectionReader options(config_, "simulate");
    const double horizon = options.positive("T");
    const double dt_obs = options.positive("dt_obs");
    const std::int64_t trajectories = options.integer("trajectories", 1, 1000000000);
    require(dt_obs <= horizon,
            "option --simulate.dt_obs: must be in (0, T], got '" + options.text("dt_obs") + "'");
    const double ratio = horizon / dt_obs;
    // Observations must fit in memory, fine steps in a lifetime.
    if (ratio * static_cast<double>(trajectories) > 1e10)
      options.reject("T", "gives " + format_number4(ratio * trajectories) +
                              " observations in all (T/dt_obs × trajectories), more than 1e10");
    if (horizon / dt_ * static_cast<double>(trajectories) > kMaxSteps * 100)
      options.reject(options.is_auto("dt") ? "T" : "dt",
                     "needs " + format_number4(horizon / dt_ * trajectories) +
                         " fine steps of --simulate.dt " + format_number4(dt_) +
                         " in all, more than " + format_number4(kMaxSteps * 100));
    const auto intervals = static_cast<std::size_t>(std::llround(ratio));
    require(std::abs(ratio - static_cast<double>(intervals)) < 1e-9 * ratio,
            "option --simulate.T: must be a whole multiple of --simulate.dt_obs");
    const std::vector<double> x0 = config_.get_vector("simulate.x0", d);
    std::vector<double> times(intervals + 1);
    for (std::size_t j = 0; j <= intervals; ++j)
      times[j] = static_cast<double>(j) * dt_obs;
    plans_.assign(static_cast<std::size_t>(trajectories), TrajectoryPlan{times, x0});
  }

  // ---- 3. simulation --------------------------------------------------------------------------
  void simulate() {
    const IndexRange mine = block_partition(plans_.size(), rank_, size_);
    std::uint64_t local_steps = 0;
    for (std::size_t k = mine.begin; k < mine.end; ++k)
      local_steps += count_fine_steps(plans_[k], dt_);
    std::uint64_t total_steps = local_steps;
    MPI_Allreduce(MPI_IN_PLACE, &total_steps, 1, MPI_UINT64_T, MPI_SUM, comm_);
    log_.print("simulating ", plans_.size(), " trajectories, ", total_steps, " fine steps of ",
               format_number4(dt_), " in all");

    // Rank 0 reports from its own share (all ranks have nearly equal shares).
    const double start = MPI_Wtime();
    double last_report = start;
    std::uint64_t done = 0;
    const ProgressCallback progress = [&](std::uint64_t steps) {
      done += steps;
      const double now = MPI_Wtime();
      if (!log_.is_root() || progress_interval_ <= 0 || now - last_report < progress_interval_)
        return;
      last_report = now;
      const double fraction = static_cast<double>(done) / static_cast<double>(local_steps);
      log_.print("  simulate: ", format_number4(100 * fraction), "% of rank 0's steps, ",
                 format_number4(static_cast<double>(done) / (now - start)), " steps/s, ETA ",
                 format_duration((now - start) * (1 - fraction) / fraction));
    };

    const MultiscaleSettings settings{scheme_, dt_, burnin_, seed_};
    const AveragedDynamics averaged =
        averaged_ ? collectively(comm_, [&] { return exact_averaged_dynamics(*model_); })
                  : AveragedDynamics{};
    // A path that blows up is never written: the first one on any rank is reported by all.
    std::string blown_up;
    for (std::size_t k = mine.begin; k < mine.end && blown_up.empty(); ++k) {
      const std::vector<double> path =
          averaged_ ? simulate_averaged(averaged, plans_[k], k, dt_, seed_, progress)
                    : simulate_multiscale(*model_, plans_[k], k, settings, progress);
      for (std::size_t i = 0; i < path.size() && blown_up.empty(); ++i)
        if (!std::isfinite(path[i])) {
          const std::size_t j = i / static_cast<std::size_t>(model_->slow_dim());
          blown_up = "simulate: trajectory " + std::to_string(k) + " is not finite at " +
                     "observation " + std::to_string(j) +
                     " (t = " + format_number4(plans_[k].times[j]) +
                     "): the dynamics blew up; check the [model] parameters or use a smaller "
                     "--simulate.dt";
        }
      local_x_.insert(local_x_.end(), path.begin(), path.end());
      local_t_.insert(local_t_.end(), plans_[k].times.begin(), plans_[k].times.end());
    }
    agree_on_failure(comm_, !blown_up.empty(), blown_up, kExitInputError);
    const double seconds = MPI_Wtime() - start;
    double slowest = seconds;
    MPI_Allreduce(MPI_IN_PLACE, &slowest, 1, MPI_DOUBLE, MPI_MAX, comm_);
    const double variables = averaged_ ? model_->slow_dim() : model_->fast_dim();
    const double updates = static_cast<double>(total_steps) * variables;
    log_.print(
        "simulated in ", format_duration(slowest), ": ", format_number4(updates / slowest / size_),
        averaged_ ? " slow-variable updates" : " fast-variable updates", " per second per rank");
  }

  // ---- 4. exact averaged coefficients on the visited region ----------------------------------
  void tabulate_truth() {
    if (!model_->has_exact_average()) {
      log_.print("model ", model_->name(), " has no closed-form averaged drift: no /truth");
      return;
    }
    const int d = model_->slow_dim();
    Box box = bounding_box(local_x_, d);  // of this rank's paths, then of all
    MPI_Allreduce(MPI_IN_PLACE, box.lo.data(), d, MPI_DOUBLE, MPI_MIN, comm_);
    MPI_Allreduce(MPI_IN_PLACE, box.hi.data(), d, MPI_DOUBLE, MPI_MAX, comm_);
    grid_ = make_box_grid(box.lo, box.hi, grid_points_);
    grid_rows_ = block_partition(grid_.size(), rank_, size_);
    for (std::size_t g = grid_rows_.begin; g < grid_rows_.end; ++g) {
      std::vector<double> drift(d), diffusion(d * d);
      model_->exact_average(&grid_.points[g * d], drift.data(), diffusion.data());
      truth_drift_.insert(truth_drift_.end(), drift.begin(), drift.end());
      truth_diffusion_.insert(truth_diffusion_.end(), diffusion.begin(), diffusion.end());
    }
    bool finite = true;
    for (const double value : truth_drift_)
      finite = finite && std::isfinite(value);
    for (const double value : truth_diffusion_)
      finite = finite && std::isfinite(value);
    agree_on_failure(comm_, !finite,
                     "simulate: the exact averaged drift or diffusion of " + model_->name() +
                         " is not finite on the visited region: check the [model] parameters",
                     kExitInputError);
  }

  // ---- 5. output ------------------------------------------------------------------------------
  void write_output() {
    const int d = model_->slow_dim();
    const IndexRange mine = block_partition(plans_.size(), rank_, size_);
    std::vector<std::uint64_t> offsets;
    std::uint64_t rows = 0;
    for (const auto& plan : plans_)
      offsets.push_back(rows), rows += plan.times.size();
    const std::uint64_t row_begin = mine.begin < offsets.size() ? offsets[mine.begin] : rows;

    h5::AtomicOutput output(comm_, out_path_);
    const hid_t file = output.file().id();
    context_.write_provenance(file, "msflow.simulate/1", "simulate.seed=" + std::to_string(seed_));
    write_trajectory_group(file, comm_, d, rows, row_begin, local_t_, local_x_, offsets);
    {
      const h5::Handle group = h5::open_group(file, "trajectory");
      h5::write_attribute(group, "fine_step", dt_);
      h5::write_attribute(group, "dynamics", std::string(averaged_ ? "averaged" : "multiscale"));
      if (!averaged_) h5::write_attribute(group, "fast_scheme", std::string(to_string(scheme_)));
    }
    write_model_group(file, *model_);
    if (grid_.size() > 0) {
      const h5::Handle truth = h5::create_group(file, "truth");
      const hsize_t g = grid_.size(), dim = static_cast<hsize_t>(d);
      h5::write_replicated(comm_, truth, "grid", {g, dim}, grid_.points.data());
      h5::write_rows(comm_, truth, "drift", {g, dim}, grid_rows_.begin, grid_rows_.size(),
                     truth_drift_.data());
      h5::write_rows(comm_, truth, "diffusion", {g, dim, dim}, grid_rows_.begin, grid_rows_.size(),
                     truth_diffusion_.data());
      h5::write_attribute(truth, "description",
                          std::string("exact averaged drift and diffusion (docs/method.md, Models) "
                                      "on a tensor grid over the bounding box of the paths"));
      h5::write_attribute(truth, "points_per_axis", static_cast<std::int64_t>(grid_points_));
    }
    output.commit();
    log_.print("wrote ", out_path_, " (", rows, " observations of ", plans_.size(),
               " trajectories)");
  }

  CommandContext& context_;
  MPI_Comm comm_;
  Config& config_;
  const RootLog& log_;
  int rank_ = 0, size_ = 1;

  std::unique_ptr<Model> model_;
  bool averaged_ = false;
  FastScheme scheme_ = FastScheme::kEuler;
  double dt_ = 0, burnin_ = 0, progress_interval_ = 10;
  std::uint64_t seed_ = 1;
  int grid_points_ = 101;
  std::string out_path_;

  std::vector<TrajectoryPlan> plans_;
  std::vector<double> local_t_, local_x_;
  BoxGrid grid_;
  IndexRange grid_rows_;
  std::vector<double> truth_drift_, truth_diffusion_;
};

}  // namespace

int run_simulate(MPI_Comm comm, Config& config) {
  CommandContext context(comm, config, "simulate");
  return SimulateProblem(context).run();
}

}  // namespace msflow::app
