// msflow infer: Bayesian uncertainty for a fitted model (docs/method.md, "Bayesian inference"):
// a posterior over some of the model's parameters, learned by variational inference through a
// second normalizing flow (ELBO over posterior draws × trajectory windows) or sampled by the
// Metropolis reference; credible bands for b̄ (and Σ̄) and the learned physical parameters.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>

#include "command_context.hpp"
#include "commands.hpp"
#include "msflow/core/checksum.hpp"
#include "msflow/core/error.hpp"
#include "msflow/core/settings.hpp"
#include "msflow/fit/diagnostics.hpp"
#include "msflow/fit/fit_result.hpp"
#include "msflow/fit/fit_settings.hpp"
#include "msflow/fit/objective.hpp"
#include "msflow/fit/transition_reader.hpp"
#include "msflow/flow/flow_io.hpp"
#include "msflow/infer/draw_groups.hpp"
#include "msflow/infer/elbo.hpp"
#include "msflow/infer/importance.hpp"
#include "msflow/infer/infer_settings.hpp"
#include "msflow/infer/metropolis.hpp"
#include "msflow/infer/posterior_space.hpp"
#include "msflow/infer/posterior_summary.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/io/output_path.hpp"
#include "msflow/io/truth_file.hpp"
#include "msflow/optim/optimizer.hpp"
#include "msflow/rng/counter_rng.hpp"
#include "msflow/run/checkpoint_store.hpp"
#include "msflow/run/run_observer.hpp"
#include "msflow/run/stop_request.hpp"
#include "optimizer_checkpoints.hpp"

namespace msflow::app {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << std::hex << value;
  return out.str();
}

class InferProblem {
 public:
  explicit InferProblem(CommandContext& context) : context_(context) {}

  int run() {
    context_.phase("1. setup", [&] { setup(); });
    context_.phase("2. read data", [&] { read_data(); });
    context_.phase("3. build posterior", [&] { build_posterior(); });
    context_.phase("4. resume", [&] { resume_if_asked(); });
    const bool finished = context_.phase("5. infer", [&] {
      switch (settings_.method) {
        case infer::Method::kVariational:
          return run_variational();
        case infer::Method::kMetropolis:
          return run_metropolis();
        case infer::Method::kLaplace:
          return run_laplace();
      }
      return false;
    });
    if (!finished) return kExitResumeMe;
    context_.phase("6. posterior on grid", [&] { posterior_on_grid(); });
    context_.phase("7. write output", [&] { write_output(); });
    context_.print_timings();
    return kExitSuccess;
  }

 private:
  const RootLog& log() const { return context_.log(); }
  bool variational() const { return settings_.method == infer::Method::kVariational; }
  bool importance() const {
    return settings_.method != infer::Method::kMetropolis &&
           settings_.importance == infer::Importance::kPsis;
  }
  bool principal_subspace() const {
    return settings_.params == infer::Coverage::kSubspace &&
           settings_.subspace == infer::InferSettings::Subspace::kPrincipal;
  }
  /// Lanczos steps for the principal directions (auto: 2·subspace_dim + 20).
  int lanczos_steps() const {
    return settings_.lanczos_steps.value_or(2 * settings_.subspace_dim + 20);
  }

  // ---- 1. options and the fit, validated before any work ---------------------------------------
  void setup() {
    const Config& config = context_.config();
    const SectionReader general(config, "");
    settings_ = infer::read_infer_settings(config);
    fitted_ = std::make_unique<fit::FittedModel>(context_.comm(), settings_.from, option_catalog());
    const Config& fit_config = fitted_->config();
    data_path_ = general.has("data") && !general.text("data").empty()
                     ? general.text("data")
                     : fit_config.get_string("data");
    out_path_ =
        general.has("out") && !general.text("out").empty() ? general.text("out") : "infer.h5";
    validate_output_path("out", out_path_, {data_path_, settings_.from});
    groups_count_ =
        settings_.groups.value_or(infer::default_groups(context_.size(), group_items().count));
    if (groups_count_ > context_.size())
      throw InputError("option --infer.groups: " + std::to_string(groups_count_) +
                       " groups need at least as many ranks (this run has " +
                       std::to_string(context_.size()) + ")");
    if (!settings_.groups) context_.config().resolve("infer.groups", std::to_string(groups_count_));
    if (principal_subspace() && !settings_.lanczos_steps)
      context_.config().resolve("infer.lanczos_steps", std::to_string(lanczos_steps()));
    CheckpointStore::prepare_directory(context_.comm(), settings_.run.checkpoint_dir);
    context_.print_options();
    log().print("fit ", settings_.from, ": ", fitted_->averaged_model().describe());
  }

  // ---- 2. data: each group reads all transitions, split over its ranks -------------------------
  void read_data() {
    groups_ = std::make_unique<infer::DrawGroups>(context_.comm(), groups_count_);
    const int d = fitted_->averaged_model().slow_dim();
    observed_ = fit::read_transitions(groups_->group(), data_path_, d, 1);
    truth_ = read_truth(context_.comm(), data_path_, d);
    log().print("data ", data_path_, ": ", observed_.window->total, " transitions; ",
                groups_->groups(), " group", groups_->groups() == 1 ? "" : "s", " of ",
                groups_->group_size(), " rank", groups_->group_size() == 1 ? "" : "s", " over the ",
                group_items().name);
  }

  /// What the draw groups split, and how many of it there are at once.
  struct GroupItems {
    int count;
    const char* name;
  };
  GroupItems group_items() const {
    switch (settings_.method) {
      case infer::Method::kVariational:
        return {settings_.draws, "draws"};
      case infer::Method::kMetropolis:
        return {settings_.chains, "chains"};
      case infer::Method::kLaplace:  // the two gradients of a Lanczos product run at once
        return {2, "gradient evaluations"};
    }
    return {1, "?"};
  }

  // ---- 3. the fit's objective, the posterior's coordinates, the posterior flow -----------------
  void build_posterior() {
    const fit::FitSettings& fit_settings = fitted_->settings();
    std::shared_ptr<fit::AveragedModel> model = fitted_->shared_model();
    const VectorXd center = model->parameters();
    fit::LikelihoodChoice likelihood = fit::make_likelihood(
        fit_settings.likelihood, groups_->group(), observed_.window, observed_.visited, *model);
    averaging_ = likelihood.likelihood->averaging();
    auto terms = fit::make_parameter_terms(fit_settings, model->layout());
    const auto physical = model->layout().with_prefix("eta.");
    if (!physical.empty()) {
      std::vector<std::string> names;
      for (const auto& block : physical)
        names.push_back(block.name);
      terms.push_back(std::make_unique<fit::GaussianPrior>(
          model->layout(), names, 1.0 / (settings_.physical_prior_sd * settings_.physical_prior_sd),
          model->initial_parameters()));
    }
    if (model->layout().find("flow.affine"))
      terms.push_back(std::make_unique<fit::GaussianPrior>(
          model->layout(), std::vector<std::string>{"flow.affine"},
          1.0 / (settings_.affine_prior_sd * settings_.affine_prior_sd)));
    objective_ =
        std::make_unique<fit::Objective>(model, std::move(likelihood.likelihood), std::move(terms));
    log().print(objective_->likelihood().describe());
    log().print(objective_->describe());
    space_ = std::make_unique<infer::PosteriorSpace>(model->layout(), center, settings_.params,
                                                     subspace_directions(center));
    require(!(settings_.method == infer::Method::kMetropolis && space_->dim() > 10),
            "option --infer.method mcmc: the posterior has " + std::to_string(space_->dim()) +
                " coordinates; the Metropolis reference is for at most 10");
    // The Laplace preconditioner: the Hessian of J along the directions, at the fit's optimum.
    const MatrixXd hessian = infer::projected_hessian(
        *space_, 1e-4, [&](const std::vector<VectorXd>& points) { return gradients_at(points); });
    space_->precondition(hessian, settings_.method == infer::Method::kLaplace
                                      ? infer::PosteriorSpace::Curvature::kExact
                                      : infer::PosteriorSpace::Curvature::kFloored);
    log().print(space_->describe());
    if (variational()) {
      posterior_ = std::make_unique<flow::Flow>(
          settings_.posterior_flow.spec(static_cast<int>(space_->dim()), 0));
      posterior_->initialize(
          settings_.seed);  // the identity: q starts at the Laplace approximation
      elbo_ = std::make_unique<infer::Elbo>(*objective_, *space_, *posterior_, *groups_,
                                            settings_.draws, settings_.resample, settings_.seed);
    }
    state_ = std::make_unique<optim::OptimizerState>(variational() ? posterior_->parameters()
                                                                   : VectorXd());
    // The posterior depends on the fit's optimum as much as on the data: both identify the run.
    Checksum fit_identity;
    fit_identity.add(center.data(), static_cast<std::size_t>(center.size()) * sizeof(double));
    checkpoints_ = std::make_unique<CheckpointStore>(
        context_.comm(), settings_.run.checkpoint_dir, stem_of(out_path_), context_.config().hash(),
        observed_.identity() + "; fit parameters " + hex(fit_identity.value()));
    if (variational())
      log().print(
          "posterior flow: ", flow::to_string(posterior_->spec().type), ", ",
          posterior_->spec().layers, " layers, ", posterior_->parameter_count(), " parameters; ",
          settings_.draws, " draws per ELBO evaluation",
          settings_.resample ? ", fresh base samples per draw" : ", the fit's base samples");
  }

  /// The subspace's directions in the non-physical parameters (params = subspace).
  MatrixXd subspace_directions(const VectorXd& center) {
    if (settings_.params != infer::Coverage::kSubspace) return {};
    const std::vector<Index> entries = infer::free_entries(objective_->model().layout());
    const auto n = static_cast<Index>(entries.size());
    if (settings_.subspace == infer::InferSettings::Subspace::kRandom)
      return infer::random_directions(n, settings_.subspace_dim, settings_.seed);
    // H v by central differences of ∇J (the fit's draw 0) on the free entries; the two
    // evaluations of a product run on two draw groups at once.
    constexpr double h = 1e-4;
    const infer::HessianProduct product = [&](const VectorXd& v) {
      std::vector<VectorXd> points(2, center);
      for (Index i = 0; i < n; ++i) {
        points[0](entries[static_cast<std::size_t>(i)]) += h * v(i);
        points[1](entries[static_cast<std::size_t>(i)]) -= h * v(i);
      }
      const std::vector<VectorXd> g = full_gradients_at(points);
      VectorXd hv(n);
      for (Index i = 0; i < n; ++i)
        hv(i) = (g[0](entries[static_cast<std::size_t>(i)]) -
                 g[1](entries[static_cast<std::size_t>(i)])) /
                (2 * h);
      return hv;
    };
    const int steps = lanczos_steps();
    VectorXd eigenvalues;
    const MatrixXd directions =
        infer::principal_directions(infer::random_directions(n, 1, settings_.seed).col(0),
                                    settings_.subspace_dim, steps, product, &eigenvalues);
    std::ostringstream line;
    for (Index i = 0; i < eigenvalues.size(); ++i)
      line << (i ? ", " : "") << format_number(eigenvalues(i), 4);
    log().print("principal directions of the Hessian of J (", steps, " Lanczos steps): curvature ",
                line.str());
    return directions;
  }

  /// ∇J at each point ϑ, the points spread over the draw groups (fit's draw 0).
  std::vector<VectorXd> full_gradients_at(const std::vector<VectorXd>& points) {
    const Index size = objective_->model().layout().size();
    std::vector<double> rows(points.size() * static_cast<std::size_t>(size), 0.0);
    VectorXd gradient;
    for (std::size_t j = 0; j < points.size(); ++j) {
      if (!groups_->owns(static_cast<long long>(j))) continue;
      objective_->evaluate(points[j], 0, gradient);
      Eigen::Map<VectorXd>(rows.data() + j * static_cast<std::size_t>(size), size) = gradient;
    }
    groups_->share(rows, static_cast<long long>(points.size()), size);
    std::vector<VectorXd> out;
    for (std::size_t j = 0; j < points.size(); ++j)
      out.emplace_back(
          Eigen::Map<const VectorXd>(rows.data() + j * static_cast<std::size_t>(size), size));
    return out;
  }

  /// ∂J/∂u (T = I) at each point, the points spread over the draw groups (fit's draw 0).
  std::vector<VectorXd> gradients_at(const std::vector<VectorXd>& points) {
    std::vector<VectorXd> at;
    for (const VectorXd& u : points)
      at.push_back(space_->point(u));
    std::vector<VectorXd> gradients = full_gradients_at(at);
    for (VectorXd& gradient : gradients)
      gradient = space_->pull_back(gradient);  // replicated: the same bits on every rank
    return gradients;
  }

  // ---- 4. resume (vi) ---------------------------------------------------------------------------
  void resume_if_asked() {
    if (!settings_.run.resume) return;
    require(variational(), "option --run.resume: only vi runs are checkpointed; rerun this " +
                               infer::to_string(settings_.method) + " run");
    OptimizerCheckpoints(context_, *checkpoints_).resume(*state_, posterior_->parameter_count());
  }

  void save_checkpoint(const optim::OptimizerState& state) {
    OptimizerCheckpoints(context_, *checkpoints_).save(state);
  }

  // ---- 5a. variational inference: Adam on −ELBO through the one optimization loop --------------
  bool run_variational() {
    const std::unique_ptr<optim::Optimizer> optimizer = optim::make_optimizer(settings_.optimizer);
    log().print(optimizer->describe(), " on -ELBO");
    const double transitions = static_cast<double>(observed_.window->total);
    RunObserver observer(context_.comm(), log(),
                         {settings_.optimizer.iterations, settings_.optimizer.progress_interval,
                          transitions, settings_.run.checkpoint_every},
                         state_->iteration,
                         [&](const optim::OptimizerState& state) { save_checkpoint(state); });
    const optim::ObjectiveFunction objective = [&](const VectorXd& psi, std::uint64_t iteration,
                                                   VectorXd& gradient) {
      return elbo_->negative(psi, iteration, gradient);
    };
    optimizer->minimize(objective, *state_, observer);
    if (observer.stopped_by_signal()) {
      OptimizerCheckpoints(context_, *checkpoints_).stop(*state_);
      return false;
    }
    const double done = static_cast<double>(std::max<std::int64_t>(1, observer.iterations_done()));
    const double seconds = observer.seconds();  // the optimization alone, not the estimate below
    context_.record("iterations_this_run", static_cast<double>(observer.iterations_done()));
    context_.record("seconds_per_iteration", seconds / done);
    elbo_estimate_ = elbo_->estimate(state_->parameters, settings_.elbo_draws);
    log().print("ELBO = ", format_number(elbo_estimate_.value, 10), " ± ",
                format_number(elbo_estimate_.standard_error, 3), " (", settings_.elbo_draws,
                " draws) after ", state_->iteration, " iterations, ",
                format_number(seconds / done, 4), " s per iteration; ", context_.peak_memory());
    if (importance())
      correct_by_importance(elbo_->propose(state_->parameters, settings_.proposals));
    else
      draws_ = elbo_->sample(state_->parameters, 0, settings_.samples);
    return true;
  }

  // ---- 5b. the Metropolis reference
  // ---------------------------------------------------------------
  bool run_metropolis() {
    infer::MetropolisSettings metropolis{settings_.chains, settings_.steps, settings_.burnin,
                                         settings_.seed};
    log().print("random-walk Metropolis: ", metropolis.chains, " chains of ", metropolis.burnin,
                " adapting + ", metropolis.steps, " steps, the fit's base samples fixed");
    bool stopped = false;
    const double start = MPI_Wtime();
    double last_progress = start;
    const std::int64_t total = metropolis.burnin + metropolis.steps;
    chains_ = infer::run_metropolis(
        *groups_, static_cast<int>(space_->dim()), metropolis,
        [&](const VectorXd& u) {
          VectorXd gradient;
          return objective_->evaluate(space_->point(u), 0, gradient);
        },
        [&](std::int64_t step) {
          const double now = MPI_Wtime();
          if (settings_.mcmc_progress > 0 && now - last_progress >= settings_.mcmc_progress) {
            last_progress = now;  // rank 0 prints; the decision needs no agreement
            log().print("mcmc step ", step, " of ", total,
                        step < metropolis.burnin ? " (adapting)" : "", ", ",
                        format_number(now - start, 3), " s");
          }
          int signalled = StopRequest::received_signal() != 0 ? 1 : 0;
          MPI_Allreduce(MPI_IN_PLACE, &signalled, 1, MPI_INT, MPI_MAX, context_.comm());
          stopped = stopped || signalled != 0;
          return stopped;
        });
    if (stopped) {
      log().print(
          "stopped by a signal; mcmc runs are not checkpointed: nothing written (exit "
          "status 1), rerun the command");
      throw CollectiveError("mcmc stopped by a signal before the end", kExitInternalError);
    }
    std::ostringstream acceptance;
    for (const double a : chains_.acceptance)
      acceptance << (acceptance.tellp() > 0 ? ", " : "") << format_number(a, 3);
    log().print("acceptance per chain: ", acceptance.str(), "; effective sample size from ",
                format_number(chains_.ess.minCoeff(), 4), " to ",
                format_number(chains_.ess.maxCoeff(), 4), ", R-hat at most ",
                format_number(chains_.rhat.maxCoeff(), 4), " (",
                format_number(MPI_Wtime() - start, 3), " s)");
    // S draws evenly spaced through the pooled chains.
    const MatrixXd pooled = chains_.pooled();
    draws_.resize(space_->dim(), settings_.samples);
    for (int s = 0; s < settings_.samples; ++s)
      draws_.col(s) = pooled.col(
          static_cast<Index>((static_cast<long long>(s) * pooled.cols()) / settings_.samples));
    return true;
  }

  // ---- 5c. the Laplace approximation ------------------------------------------------------------
  bool run_laplace() {
    // precondition(kExact) made u standard normal under N(ϑ*, (BᵀHB)⁻¹): the draws are ε itself,
    // from the stream VI's output draws use.
    const int count = importance() ? settings_.proposals : settings_.samples;
    infer::Proposals gaussian{MatrixXd(space_->dim(), count), VectorXd(count)};
    fill_normals({settings_.seed, Purpose::kInferSamples}, 0, 0, gaussian.u.data(),
                 static_cast<std::size_t>(gaussian.u.size()));
    log().print("Laplace approximation: N(fit's optimum, inverse Hessian of J) in the ",
                space_->dim(), " coordinates, curvature from ",
                format_number(space_->curvature()(0), 4), " to ",
                format_number(space_->curvature()(space_->dim() - 1), 4), "; ", count,
                importance() ? " proposals" : " draws");
    if (!importance()) {
      draws_ = std::move(gaussian.u);
      return true;
    }
    for (Index j = 0; j < count; ++j)  // T's constant Jacobian cancels in the weights
      gaussian.log_density(j) = -0.5 * gaussian.u.col(j).squaredNorm();
    correct_by_importance(gaussian);
    return true;
  }

  // ---- 5d. importance correction of vi's and laplace's draws -----------------------------------
  /// Weights the proposals by exp(−J(ϑ(u)))/q(u) — J with the fit's base samples, the target the
  /// Metropolis reference samples —, Pareto-smooths the weights and resamples the S output draws
  /// (docs/method.md, "Importance correction").
  void correct_by_importance(const infer::Proposals& proposals) {
    const Index count = proposals.u.cols();
    const std::vector<double> energy = energies_at(proposals.u);
    std::vector<double> log_ratios(static_cast<std::size_t>(count));
    Index excluded = 0;
    for (Index j = 0; j < count; ++j) {
      const double e = energy[static_cast<std::size_t>(j)];
      // J undefined or infinite (a proposal outside the model's domain): posterior density 0.
      log_ratios[static_cast<std::size_t>(j)] = std::isfinite(e)
                                                    ? -e - proposals.log_density(j)
                                                    : -std::numeric_limits<double>::infinity();
      if (!std::isfinite(e)) ++excluded;
    }
    importance_excluded_ = excluded;
    if (count - importance_excluded_ < 10)  // pareto_smoothed_weights needs 10 finite ratios
      throw CollectiveError("importance correction: the objective is not finite at " +
                                std::to_string(importance_excluded_) + " of " +
                                std::to_string(count) +
                                " proposals; rerun with --infer.importance none",
                            kExitInternalError);
    importance_ = infer::pareto_smoothed_weights(log_ratios);
    double uniform = 0;
    fill_uniforms({settings_.seed, Purpose::kInferResample}, 0, 0, &uniform, 1);
    resampled_ = infer::systematic_resample(importance_->weights,
                                            static_cast<std::size_t>(settings_.samples), uniform);
    draws_.resize(space_->dim(), settings_.samples);
    for (int s = 0; s < settings_.samples; ++s)
      draws_.col(s) = proposals.u.col(static_cast<Index>(resampled_[static_cast<std::size_t>(s)]));
    proposals_ = proposals.u;
    log_ratios_ = std::move(log_ratios);
    const double threshold = infer::pareto_k_threshold(static_cast<std::size_t>(count));
    log().print("importance correction: ", count, " proposals weighted by the posterior",
                importance_excluded_
                    ? " (" + std::to_string(importance_excluded_) + " outside its support)"
                    : std::string(),
                "; Pareto k-hat ", format_number(importance_->pareto_k, 3), " (reliable below ",
                format_number(threshold, 3), "), effective sample size ",
                format_number(importance_->effective_size, 4), " (",
                format_number(importance_->raw_effective_size, 4), " unsmoothed); ",
                settings_.samples, " draws resampled");
    if (importance_->pareto_k > threshold)
      log().print("warning: k-hat ", format_number(importance_->pareto_k, 3), " > ",
                  format_number(threshold, 3),
                  ": the approximation misses much of the posterior's tails and the corrected "
                  "draws are noisy; ",
                  variational()
                      ? "train q better (--infer.iterations, --qflow.layers, --qflow.bins) or "
                      : "",
                  "use more --infer.proposals, or compare with --infer.method mcmc");
  }

  /// J(ϑ(u_j)) for the columns of `u`, spread over the draw groups (the fit's draw 0).
  std::vector<double> energies_at(const MatrixXd& u) {
    std::vector<double> rows(static_cast<std::size_t>(u.cols()), 0.0);
    VectorXd gradient;
    for (Index j = 0; j < u.cols(); ++j)
      if (groups_->owns(j))
        rows[static_cast<std::size_t>(j)] =
            objective_->evaluate(space_->point(u.col(j)), 0, gradient);
    groups_->share(rows, u.cols(), 1);
    return rows;
  }

  // ---- 6. S draws of b̄ (and Σ̄) on the fit's grid; bands; parameters ----------------------------
  void posterior_on_grid() {
    fit::AveragedModel& model = objective_->model();
    const int d = model.slow_dim();
    const BoxGrid& grid = fitted_->grid();
    const Index g = static_cast<Index>(grid.size());
    const bool learned_diffusion = !model.diffusion_is_fixed() || !space_physical().empty();
    const Index drift_size = g * d, diffusion_size = learned_diffusion ? g * d * d : 0;
    const auto physical = space_physical();
    const Index width = drift_size + diffusion_size + static_cast<Index>(physical.size());
    // psis: every proposal is evaluated and weighted (more precise bands than the S resampled
    // draws alone); the S stored draws are the resampled rows.
    const MatrixXd& points = importance_ ? proposals_ : draws_;
    const auto samples = static_cast<int>(points.cols());
    const std::vector<double> no_weights,
        &weights = importance_ ? importance_->weights : no_weights;
    std::vector<double> rows(static_cast<std::size_t>(samples * width), 0.0);
    std::vector<double> drift(static_cast<std::size_t>(drift_size)),
        diffusion(static_cast<std::size_t>(g * d * d));
    for (int s = 0; s < samples; ++s) {  // draw s on world rank s mod P
      if (s % context_.size() != context_.rank()) continue;
      const VectorXd parameters = space_->point(points.col(s));
      model.set_parameters(parameters);
      model.evaluate(grid.points.data(), static_cast<std::size_t>(g), drift.data(),
                     diffusion.data());
      double* row = rows.data() + static_cast<std::size_t>(s) * width;
      std::copy(drift.begin(), drift.end(), row);
      if (learned_diffusion) std::copy(diffusion.begin(), diffusion.end(), row + drift_size);
      for (std::size_t p = 0; p < physical.size(); ++p)
        row[drift_size + diffusion_size + static_cast<Index>(p)] =
            physical[p].domain.from_unconstrained(parameters(physical[p].begin));
    }
    infer::share_rows(context_.comm(), rows, samples, width,
                      [&](long long s) { return s % context_.size() == context_.rank(); });
    model.set_parameters(space_->center());
    auto field = [&](Index offset, Index size) {
      infer::FieldDraws draws{
          samples, size, std::vector<double>(static_cast<std::size_t>(samples * size)), weights};
      for (int s = 0; s < samples; ++s)
        std::copy_n(rows.begin() + static_cast<std::ptrdiff_t>(s * width + offset), size,
                    draws.values.begin() + static_cast<std::ptrdiff_t>(s * size));
      return draws;
    };
    drift_draws_ = field(0, drift_size);
    // The posterior is skewed where the data are sparse, and its mean sits off the mode there
    // (docs/studies/calibration.md): bands = the posterior's spread about b̄ at ϑ*.
    if (settings_.bands == infer::Bands::kMode) {
      std::vector<double> mode_drift(static_cast<std::size_t>(drift_size));
      model.evaluate(grid.points.data(), static_cast<std::size_t>(g), mode_drift.data(),
                     diffusion.data());  // the model is at ϑ* again (set above)
      drift_draws_.recentre(mode_drift);
    }
    if (learned_diffusion) diffusion_draws_ = field(drift_size, diffusion_size);
    for (std::size_t p = 0; p < physical.size(); ++p) {
      std::vector<double> values(static_cast<std::size_t>(samples));
      for (int s = 0; s < samples; ++s)
        values[static_cast<std::size_t>(s)] = rows[static_cast<std::size_t>(
            s * width + drift_size + diffusion_size + static_cast<Index>(p))];
      parameters_.push_back(
          infer::summarize_parameter(physical[p].name.substr(4), values, weights));
      if (importance_) {  // the stored draws: the resampled ones
        std::vector<double>& stored = parameters_.back().draws;
        stored.clear();
        for (const std::size_t j : resampled_)
          stored.push_back(values[j]);
      }
    }
    // The draws' mean is the estimate: the posterior mean, or b̄ at ϑ* with bands = mode.
    estimate_.grid = grid;
    estimate_.drift = drift_draws_.mean();
    estimate_.diffusion = learned_diffusion ? diffusion_draws_->mean() : fitted_->diffusion();
    drift_quantiles_ = drift_draws_.quantiles();
    if (diffusion_draws_) diffusion_quantiles_ = diffusion_draws_->quantiles();
    if (importance_) {  // from here on: the S resampled draws, equally weighted
      drift_draws_ = drift_draws_.select(resampled_);
      if (diffusion_draws_) diffusion_draws_ = diffusion_draws_->select(resampled_);
    }
    for (const auto& p : parameters_)
      log().print("posterior of ", p.name, ": mean ", format_number(p.mean, 6), ", sd ",
                  format_number(p.sd, 4), ", 95% interval [", format_number(p.lower, 6), ", ",
                  format_number(p.upper, 6), "]");
    double width95 = 0;
    for (Index i = 0; i < drift_size; ++i)
      width95 += drift_quantiles_[static_cast<std::size_t>(6 * drift_size + i)] -
                 drift_quantiles_[static_cast<std::size_t>(i)];
    mean_band_width_ = width95 / static_cast<double>(drift_size);
    log().print("mean width of the 95% band of b̄: ", format_number(mean_band_width_, 4));
    if (!truth_ || grid.points != truth_->grid) return;
    estimate_.drift_mse =
        fit::mean_squared_error(estimate_.drift, truth_->drift, static_cast<std::size_t>(g));
    coverage_ = infer::band_coverage(drift_quantiles_, static_cast<std::size_t>(drift_size),
                                     truth_->drift, {});
    std::ostringstream line;
    for (std::size_t b = 0; b < coverage_.size(); ++b)
      line << (b ? ", " : "") << format_number(100 * infer::central_bands()[b].level, 3)
           << "%: " << format_number(100 * coverage_[b], 4) << "%";
    log().print(settings_.bands == infer::Bands::kMode ? "drift MSE of b̄ at the fit's optimum"
                                                       : "posterior-mean drift MSE",
                " against /truth: ", format_number(*estimate_.drift_mse, 4),
                "; coverage of the exact b̄ by the bands (", line.str(), ")");
  }

  std::vector<fit::ParameterBlock> space_physical() const {
    return objective_->model().layout().with_prefix("eta.");
  }

  // ---- 7. output ------------------------------------------------------------------------------
  void write_output() {
    const MPI_Comm comm = context_.comm();
    h5::AtomicOutput output(comm, out_path_);
    const hid_t file = output.file().id();
    context_.write_provenance(file, "msflow.infer/1",
                              "infer.seed=" + std::to_string(settings_.seed));
    h5::write_attribute(h5::open_group(file, "/"), "fit_options", fitted_->config().to_ini(true));
    fit::AveragedModel& model = objective_->model();
    fit::write_fit_result(
        comm, file, model, fitted_->settings().model, averaging_, estimate_, model.law_samples(),
        state_->history,
        {data_path_, observed_.window->total, observed_.trajectories, observed_.identity()});
    write_posterior(file);
    output.commit();
    log().print("wrote ", out_path_);
    if (!settings_.run.keep_checkpoints) checkpoints_->remove_all();
  }

  void write_posterior(hid_t file) {
    const MPI_Comm comm = context_.comm();
    const h5::Handle group = h5::create_group(file, "posterior");
    const auto k = static_cast<hsize_t>(space_->dim());
    const auto size = static_cast<hsize_t>(space_->center().size());
    const auto s = static_cast<hsize_t>(settings_.samples);
    const int d = objective_->model().slow_dim();
    const auto g = static_cast<hsize_t>(fitted_->grid().size());
    const auto dim = static_cast<hsize_t>(d);
    h5::write_attribute(group, "method", infer::to_string(settings_.method));
    h5::write_attribute(group, "params", infer::to_string(settings_.params));
    h5::write_attribute(group, "from", settings_.from);
    h5::write_attribute(group, "bands",
                        std::string(settings_.bands == infer::Bands::kMode ? "mode" : "posterior"));
    std::string directions;
    for (const auto& name : space_->directions())
      directions += (directions.empty() ? "" : ",") + name;
    h5::write_attribute(group, "directions", directions);
    h5::write_attribute(group, "description",
                        std::string("theta(u) = center + basis * transform * u; u_samples: the S "
                                    "posterior draws of u; drift_samples: b̄ at /estimate/grid "
                                    "per draw (bands = mode: shifted pointwise so that their "
                                    "mean is b̄ at center); drift_quantiles at the levels of "
                                    "quantile_levels; coverage: fraction of the grid entries "
                                    "whose exact b̄ lies in the central 50/90/95% bands"));
    h5::write_replicated(comm, group, "center", {size}, space_->center().data());
    const MatrixXd& basis_rows =
        space_->basis();  // D × k column-major: row i of (k × D) is B's column i
    h5::write_replicated(comm, group, "basis", {k, size}, basis_rows.data());
    const MatrixXd transform_rows = space_->transform().transpose();  // row-major T
    h5::write_replicated(comm, group, "transform", {k, k}, transform_rows.data());
    h5::write_replicated(comm, group, "curvature", {k}, space_->curvature().data());
    h5::write_replicated(comm, group, "u_samples", {s, k}, draws_.data());
    h5::write_replicated(comm, group, "drift_samples", {s, g, dim}, drift_draws_.values.data());
    h5::write_replicated(comm, group, "drift_mean", {g, dim}, estimate_.drift.data());
    const auto levels = infer::quantile_levels();
    h5::write_replicated(comm, group, "quantile_levels", {levels.size()}, levels.data());
    h5::write_replicated(comm, group, "drift_quantiles", {levels.size(), g, dim},
                         drift_quantiles_.data());
    if (diffusion_draws_) {
      h5::write_replicated(comm, group, "diffusion_samples", {s, g, dim, dim},
                           diffusion_draws_->values.data());
      h5::write_replicated(comm, group, "diffusion_quantiles", {levels.size(), g, dim, dim},
                           diffusion_quantiles_.data());
    }
    h5::write_attribute(group, "drift_band95_mean_width", mean_band_width_);
    if (!coverage_.empty()) {
      std::vector<double> nominal;
      for (const auto& band : infer::central_bands())
        nominal.push_back(band.level);
      h5::write_replicated(comm, group, "coverage_levels", {nominal.size()}, nominal.data());
      h5::write_replicated(comm, group, "coverage", {coverage_.size()}, coverage_.data());
    }
    h5::write_attribute(
        group, "importance",
        infer::to_string(importance() ? infer::Importance::kPsis : infer::Importance::kNone));
    if (importance_) write_importance(group);
    if (variational()) {
      h5::write_attribute(group, "elbo", elbo_estimate_.value);
      h5::write_attribute(group, "elbo_standard_error", elbo_estimate_.standard_error);
      h5::write_attribute(group, "draws_per_iteration", static_cast<std::int64_t>(settings_.draws));
      flow::write_flow(comm, group, "flow", *posterior_);
    } else if (settings_.method == infer::Method::kMetropolis) {
      const h5::Handle mcmc = h5::create_group(group, "mcmc");
      const MatrixXd pooled = chains_.pooled();
      h5::write_replicated(comm, mcmc, "samples", {static_cast<hsize_t>(pooled.cols()), k},
                           pooled.data());
      h5::write_attribute(mcmc, "chains", static_cast<std::int64_t>(settings_.chains));
      h5::write_attribute(mcmc, "acceptance", chains_.acceptance);
      h5::write_attribute(mcmc, "proposal_scale", chains_.scale);
      h5::write_replicated(comm, mcmc, "ess", {k}, chains_.ess.data());
      h5::write_replicated(comm, mcmc, "rhat", {k}, chains_.rhat.data());
    }
    if (!parameters_.empty()) {
      const h5::Handle params = h5::create_group(group, "parameters");
      for (const auto& p : parameters_) {
        const h5::Handle one = h5::create_group(params, p.name);
        h5::write_attribute(one, "mean", p.mean);
        h5::write_attribute(one, "sd", p.sd);
        h5::write_attribute(one, "lower95", p.lower);
        h5::write_attribute(one, "upper95", p.upper);
        h5::write_replicated(comm, one, "samples", {p.draws.size()}, p.draws.data());
      }
    }
  }

  void write_importance(hid_t posterior) {
    const MPI_Comm comm = context_.comm();
    const h5::Handle group = h5::create_group(posterior, "importance");
    const auto count = static_cast<hsize_t>(log_ratios_.size());
    h5::write_attribute(group, "pareto_k", importance_->pareto_k);
    h5::write_attribute(group, "pareto_k_threshold",
                        infer::pareto_k_threshold(static_cast<std::size_t>(count)));
    h5::write_attribute(group, "effective_size", importance_->effective_size);
    h5::write_attribute(group, "raw_effective_size", importance_->raw_effective_size);
    h5::write_attribute(group, "proposals", static_cast<std::int64_t>(count));
    h5::write_attribute(group, "outside_support", static_cast<std::int64_t>(importance_excluded_));
    h5::write_attribute(
        group, "description",
        std::string(
            "the S draws of /posterior are resampled (systematic resampling) from proposals "
            "of the approximation weighted by exp(-J)/q with Pareto-smoothed weights; "
            "log_ratios: ln p - ln q per proposal (-inf: J not finite), weights: the "
            "smoothed normalized weights, proposal_index: the proposal of each draw"));
    h5::write_replicated(comm, group, "log_ratios", {count}, log_ratios_.data());
    h5::write_replicated(comm, group, "weights", {count}, importance_->weights.data());
    const std::vector<std::uint64_t> index(resampled_.begin(), resampled_.end());
    h5::write_replicated(comm, group, "proposal_index", {index.size()}, index.data());
  }

  CommandContext& context_;
  infer::InferSettings settings_;
  std::unique_ptr<fit::FittedModel> fitted_;
  std::string data_path_, out_path_, averaging_;
  int groups_count_ = 1;
  std::unique_ptr<infer::DrawGroups> groups_;
  fit::ObservedTransitions observed_;
  std::optional<TruthOnGrid> truth_;
  std::unique_ptr<fit::Objective> objective_;
  std::unique_ptr<infer::PosteriorSpace> space_;
  std::unique_ptr<flow::Flow> posterior_;
  std::unique_ptr<infer::Elbo> elbo_;
  std::unique_ptr<optim::OptimizerState> state_;
  std::unique_ptr<CheckpointStore> checkpoints_;
  infer::ElboEstimate elbo_estimate_;
  infer::ChainSummary chains_;
  MatrixXd draws_;                                      // k × S
  MatrixXd proposals_;                                  // psis: k × proposals
  std::optional<infer::ImportanceWeights> importance_;  // psis: the proposals' weights
  std::vector<double> log_ratios_;                      // psis: ln p − ln q per proposal
  std::vector<std::size_t> resampled_;                  // psis: the proposal of each draw
  Index importance_excluded_ = 0;                       // psis: proposals with J not finite
  infer::FieldDraws drift_draws_;
  std::optional<infer::FieldDraws> diffusion_draws_;
  std::vector<double> drift_quantiles_, diffusion_quantiles_, coverage_;
  double mean_band_width_ = 0;
  std::vector<infer::ParameterPosterior> parameters_;
  fit::GridEstimate estimate_;
};

}  // namespace

int run_infer(MPI_Comm comm, Config& config) {
  CommandContext context(comm, config, "infer");
  return InferProblem(context).run();
}

}  // namespace msflow::app
