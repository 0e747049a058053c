#include "msflow/fit/fit_objective.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "msflow/core/error.hpp"
#include "msflow/core/small_matrix.hpp"
#include "msflow/fit/gaussian_transition.hpp"

namespace msflow::fit {

// ---- exact averaging ----------------------------------------------------------------------------

ExactAveragingObjective::ExactAveragingObjective(MPI_Comm comm, AveragedEstimator& estimator,
                                                 const TransitionWindow& window)
    : comm_(comm), estimator_(estimator), window_(window) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  first_rank_ = rank == 0;
}

double ExactAveragingObjective::evaluate(const Eigen::VectorXd& parameters, std::uint64_t draw,
                                         Eigen::VectorXd& gradient) {
  estimator_.set_parameters(parameters);
  const Eigen::Index size = estimator_.parameter_count();
  buffer_.setZero(size + 1);
  Eigen::VectorXd local_gradient = Eigen::VectorXd::Zero(size);
  buffer_[0] = estimator_.local_objective(window_, draw, first_rank_, local_gradient);
  buffer_.tail(size) = local_gradient;
  MPI_Allreduce(MPI_IN_PLACE, buffer_.data(), static_cast<int>(buffer_.size()), MPI_DOUBLE, MPI_SUM,
                comm_);
  gradient = buffer_.tail(size);
  return buffer_[0];
}

std::string ExactAveragingObjective::describe() const {
  return "averaging exact: b̄, Σ̄ by Monte Carlo at every observation";
}

// ---- interpolated averaging ---------------------------------------------------------------------

InterpolatedAveragingObjective::InterpolatedAveragingObjective(MPI_Comm comm,
                                                               AveragedEstimator& estimator,
                                                               const TransitionWindow& window,
                                                               InterpolationGrid grid)
    : comm_(comm), estimator_(estimator), window_(window), grid_(std::move(grid)) {
  // Each node's share of the observations, for the conditional flow's moment penalty (the
  // exact objective averages it over the observations).
  const int d = window_.dim;
  node_weights_.assign(grid_.node_count(), 0.0);
  Stencil stencil;
  for (std::size_t k = 0; k < window_.size(); ++k) {
    grid_.linear(&window_.start[k * d], stencil);
    for (int i = 0; i < stencil.count; ++i)
      node_weights_[stencil.node[i]] += stencil.weight[i];
  }
  MPI_Allreduce(MPI_IN_PLACE, node_weights_.data(), static_cast<int>(node_weights_.size()),
                MPI_DOUBLE, MPI_SUM, comm_);
  for (double& weight : node_weights_)
    weight /= static_cast<double>(window_.total);
  for (const double dt : window_.dt)
    log_dt_sum_ += std::log(dt);
  if (estimator_.diffusion_is_fixed() && TransitionMoments::affordable(grid_, window_.total))
    moments_.emplace(comm_, grid_, window_);

  // Nodes are split into contiguous blocks over ranks for the averages and their pull-back.
  int rank = 0, size = 1;
  MPI_Comm_rank(comm_, &rank);
  MPI_Comm_size(comm_, &size);
  first_rank_ = rank == 0;
  my_nodes_ = block_partition(grid_.node_count(), rank, size);
  my_points_.assign(grid_.nodes().begin() + my_nodes_.begin * d,
                    grid_.nodes().begin() + my_nodes_.end * d);
  my_weights_.assign(node_weights_.begin() + my_nodes_.begin,
                     node_weights_.begin() + my_nodes_.end);
  for (int r = 0; r < size; ++r) {
    const IndexRange block = block_partition(grid_.node_count(), r, size);
    node_counts_.push_back(static_cast<int>(block.size()));
    node_displacements_.push_back(static_cast<int>(block.begin));
  }
  start_error_ = interpolation_error(0);
}

namespace {

/// This rank's −ln L with b̄, Σ̄ interpolated from the nodes; adds the adjoints of the node
/// values. A diffusion equal at every node (the usual known σ) is inverted once, not per
/// transition.
template <int D>
double interpolated_transitions(const InterpolationGrid& grid, const TransitionWindow& window,
                                const std::vector<double>& node_drift,
                                const std::vector<double>& node_diffusion, double log_dt_sum,
                                double* drift_adjoint, double* diffusion_adjoint) {
  constexpr int kCubic = D == 1 ? 4 : D == 2 ? 16 : 64, kLinear = 1 << D, kEntries = D * D;
  bool uniform = true;
  for (std::size_t i = kEntries; i < node_diffusion.size() && uniform; ++i)
    uniform = node_diffusion[i] == node_diffusion[i - kEntries];
  double uniform_inverse[kEntries], uniform_log_det = 0;
  if (uniform) uniform_log_det = spd_inverse(node_diffusion.data(), D, uniform_inverse);
  constexpr double kLogTwoPi = 1.8378770664093454835606594728112;
  double value = 0;
  std::size_t cubic_node[kCubic], linear_node[kLinear];
  double cubic_weight[kCubic], linear_weight[kLinear];
  for (std::size_t k = 0; k < window.size(); ++k) {
    const double* x = &window.start[k * D];
    const double* increment = &window.increment[k * D];
    const double dt = window.dt[k];
    grid.cubic_fixed<D>(x, cubic_node, cubic_weight);
    double drift[D] = {};
    for (int i = 0; i < kCubic; ++i)
      for (int a = 0; a < D; ++a)
        drift[a] += cubic_weight[i] * node_drift[cubic_node[i] * D + a];
    if (uniform) {
      // −ln p = ½ rᵀ Σ⁻¹ r / Δ + ½ (d ln(2πΔ) + ln det Σ), r = Δx − b̄ Δ.
      double residual[D], solved[D], quadratic = 0;
      for (int a = 0; a < D; ++a)
        residual[a] = increment[a] - drift[a] * dt;
      for (int a = 0; a < D; ++a) {
        double sum = 0;
        for (int b = 0; b < D; ++b)
          sum += uniform_inverse[a * D + b] * residual[b];
        solved[a] = sum;
        quadratic += residual[a] * sum;
      }
      value += 0.5 * quadratic / dt;  // the normalization is added after the loop
      for (int i = 0; i < kCubic; ++i)
        for (int a = 0; a < D; ++a)
          drift_adjoint[cubic_node[i] * D + a] -= cubic_weight[i] * solved[a];
      // ∂/∂Σ̄ = ½ Σ̄⁻¹ − ½ Σ̄⁻¹ r rᵀ Σ̄⁻¹ / Δ, spread over the linear stencil.
      grid.linear_fixed<D>(x, linear_node, linear_weight);
      for (int i = 0; i < kLinear; ++i)
        for (int a = 0; a < D; ++a)
          for (int b = 0; b < D; ++b)
            diffusion_adjoint[linear_node[i] * kEntries + a * D + b] +=
                linear_weight[i] *
                (0.5 * uniform_inverse[a * D + b] - 0.5 * solved[a] * solved[b] / dt);
      continue;
    }
    grid.linear_fixed<D>(x, linear_node, linear_weight);
    double diffusion[kEntries] = {};
    for (int i = 0; i < kLinear; ++i)
      for (int e = 0; e < kEntries; ++e)
        diffusion[e] += linear_weight[i] * node_diffusion[linear_node[i] * kEntries + e];
    const TransitionTerm term = gaussian_transition(D, increment, dt, drift, diffusion);
    value += term.value;
    for (int i = 0; i < kCubic; ++i)
      for (int a = 0; a < D; ++a)
        drift_adjoint[cubic_node[i] * D + a] += cubic_weight[i] * term.drift_adjoint[a];
    for (int i = 0; i < kLinear; ++i)
      for (int e = 0; e < kEntries; ++e)
        diffusion_adjoint[linear_node[i] * kEntries + e] +=
            linear_weight[i] * term.diffusion_adjoint[e];
  }
  if (uniform)
    value += 0.5 * (D * (kLogTwoPi * static_cast<double>(window.size()) + log_dt_sum) +
                    uniform_log_det * static_cast<double>(window.size()));
  return value;
}

}  // namespace

double InterpolatedAveragingObjective::evaluate(const Eigen::VectorXd& parameters,
                                                std::uint64_t draw, Eigen::VectorXd& gradient) {
  estimator_.set_parameters(parameters);
  const int d = window_.dim;
  const std::size_t nodes = grid_.node_count();
  gather_node_averages(draw);

  // buffer = [value, ∂J/∂b̄ at the nodes (nodes × d), ∂J/∂Σ̄ at the nodes (nodes × d × d)]
  buffer_.assign(1 + nodes * d * (1 + d), 0.0);
  double* const drift_adjoint = buffer_.data() + 1;
  double* const diffusion_adjoint = drift_adjoint + nodes * d;
  if (moments_ &&
      std::equal(node_diffusion_.begin() + d * d, node_diffusion_.end(), node_diffusion_.begin())) {
    // Σ̄ is fixed, so its adjoint is not needed; the moments are already summed over ranks.
    buffer_[0] =
        moments_->negative_log_likelihood(node_drift_, node_diffusion_.data(), drift_adjoint);
  } else {
    evaluate_transitions(drift_adjoint, diffusion_adjoint);
  }
  // Every rank now holds the node adjoints of all nodes and pulls back those of its own block;
  // one Allreduce sums [penalty, gradient].
  const std::vector<double> drift_nodes(drift_adjoint + my_nodes_.begin * d,
                                        drift_adjoint + my_nodes_.end * d);
  const std::vector<double> diffusion_nodes(diffusion_adjoint + my_nodes_.begin * d * d,
                                            diffusion_adjoint + my_nodes_.end * d * d);
  const double value = buffer_[0];
  const Eigen::Index size = estimator_.parameter_count();
  Eigen::VectorXd local_gradient = Eigen::VectorXd::Zero(size);
  const double penalty = estimator_.pull_back_averages(
      my_points_, draw, drift_nodes, diffusion_nodes, my_weights_, first_rank_, local_gradient);
  buffer_.resize(1 + static_cast<std::size_t>(size));
  buffer_[0] = penalty;
  std::copy(local_gradient.data(), local_gradient.data() + size, buffer_.begin() + 1);
  MPI_Allreduce(MPI_IN_PLACE, buffer_.data(), static_cast<int>(buffer_.size()), MPI_DOUBLE, MPI_SUM,
                comm_);
  gradient = Eigen::Map<const Eigen::VectorXd>(buffer_.data() + 1, size);
  return value + buffer_[0];
}

void InterpolatedAveragingObjective::gather_node_averages(std::uint64_t draw) {
  const int d = window_.dim;
  std::vector<double> drift, diffusion;
  estimator_.averages_at(my_points_, draw, drift, diffusion);
  node_drift_.resize(grid_.node_count() * d);
  node_diffusion_.resize(grid_.node_count() * d * d);
  const auto gather = [&](const std::vector<double>& mine, std::vector<double>& all, int per_node) {
    std::vector<int> counts(node_counts_), displacements(node_displacements_);
    for (std::size_t r = 0; r < counts.size(); ++r)
      counts[r] *= per_node, displacements[r] *= per_node;
    MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(),
                   counts.data(), displacements.data(), MPI_DOUBLE, comm_);
  };
  gather(drift, node_drift_, d);
  gather(diffusion, node_diffusion_, d * d);
}

void InterpolatedAveragingObjective::evaluate_transitions(double* drift_adjoint,
                                                          double* diffusion_adjoint) {
  const int d = window_.dim;
  switch (d) {
    case 1:
      buffer_[0] = interpolated_transitions<1>(grid_, window_, node_drift_, node_diffusion_,
                                               log_dt_sum_, drift_adjoint, diffusion_adjoint);
      break;
    case 2:
      buffer_[0] = interpolated_transitions<2>(grid_, window_, node_drift_, node_diffusion_,
                                               log_dt_sum_, drift_adjoint, diffusion_adjoint);
      break;
    default:
      buffer_[0] = interpolated_transitions<3>(grid_, window_, node_drift_, node_diffusion_,
                                               log_dt_sum_, drift_adjoint, diffusion_adjoint);
  }
  MPI_Allreduce(MPI_IN_PLACE, buffer_.data(), static_cast<int>(buffer_.size()), MPI_DOUBLE, MPI_SUM,
                comm_);
}

InterpolationError InterpolatedAveragingObjective::interpolation_error(std::uint64_t draw) const {
  const int d = window_.dim;
  std::vector<double> node_drift, node_diffusion, drift, diffusion;
  estimator_.averages_at(grid_.nodes(), draw, node_drift, node_diffusion);
  const std::vector<double> centres = grid_.cell_centres();
  estimator_.averages_at(centres, draw, drift, diffusion);
  InterpolationError error;
  Stencil cubic, linear;
  for (std::size_t j = 0; j < centres.size() / d; ++j) {
    grid_.cubic(&centres[j * d], cubic);
    grid_.linear(&centres[j * d], linear);
    for (int a = 0; a < d; ++a) {
      double value = 0;
      for (int i = 0; i < cubic.count; ++i)
        value += cubic.weight[i] * node_drift[cubic.node[i] * d + a];
      error.drift = std::max(error.drift, std::abs(value - drift[j * d + a]));
    }
    for (int e = 0; e < d * d; ++e) {
      double value = 0;
      for (int i = 0; i < linear.count; ++i)
        value += linear.weight[i] * node_diffusion[linear.node[i] * d * d + e];
      error.diffusion = std::max(error.diffusion, std::abs(value - diffusion[j * d * d + e]));
    }
  }
  return error;
}

std::string InterpolatedAveragingObjective::describe() const {
  std::ostringstream out;
  out << "averaging interpolated: b̄, Σ̄ by Monte Carlo at " << grid_.node_count() << " nodes ("
      << grid_.intervals() << " intervals per axis over the visited box), cubic (b̄) and linear "
      << "(Σ̄) interpolation to the " << window_.total << " observations";
  if (moments_)
    out << "; fixed Σ̄: likelihood from the transitions' moments in " << moments_->visited_cells()
        << " visited cells";
  return out.str();
}

// ---- choice ------------------------------------------------------------------------------------

std::unique_ptr<FitObjective> make_objective(const Config& config, MPI_Comm comm,
                                             AveragedEstimator& estimator,
                                             const TransitionWindow& window, const Box& visited) {
  const std::string averaging = config.get_string("fit.averaging");
  if (averaging == "exact")
    return std::make_unique<ExactAveragingObjective>(comm, estimator, window);
  require(averaging == "interpolated",
          "option --fit.averaging: '" + averaging + "' is not exact or interpolated");
  require(window.dim <= 3, "option --fit.averaging interpolated: needs d <= 3 (d = " +
                               std::to_string(window.dim) + ")");
  const double tolerance = config.get_double("fit.tolerance");
  require(tolerance > 0, "option --fit.tolerance: must be > 0");
  if (config.get_string("fit.nodes") != "auto") {
    const auto intervals = config.get_int("fit.nodes");
    require(intervals >= 1 && intervals <= 100000, "option --fit.nodes: must be auto or >= 1");
    return std::make_unique<InterpolatedAveragingObjective>(comm, estimator, window,
                                                            InterpolationGrid(visited, intervals));
  }
  // Coarse to fine; the caps keep the node count (intervals + 3)^d near 4e3–3e4. The start
  // is checked against a tenth of the tolerance: the starting law N(0, I) is broad, and the
  // learned one usually gives b̄ sharper features (the error is checked again after the fit).
  const int cap = window.dim == 1 ? 4096 : window.dim == 2 ? 128 : 32;
  // Fewer than 32 (16 for d = 3) is never worth the risk: nodes are cheap next to transitions.
  for (int intervals = window.dim == 3 ? 16 : 32;; intervals *= 2) {
    auto objective = std::make_unique<InterpolatedAveragingObjective>(
        comm, estimator, window, InterpolationGrid(visited, intervals));
    const InterpolationError& error = objective->start_error();
    if (std::max(error.drift, error.diffusion) <= tolerance / 10) return objective;
    if (intervals * 2 > cap) {
      std::ostringstream message;
      message << "option --fit.tolerance " << tolerance << ": interpolation error "
              << std::max(error.drift, error.diffusion) << " with " << intervals
              << " intervals per axis, the most that --fit.nodes auto tries for d = " << window.dim
              << "; set --fit.nodes, a larger --fit.tolerance, or --fit.averaging "
              << "exact";
      throw InputError(message.str());
    }
  }
}

}  // namespace msflow::fit
