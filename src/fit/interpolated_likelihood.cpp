#include "msflow/fit/interpolated_likelihood.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "msflow/core/constants.hpp"
#include "msflow/core/error.hpp"
#include "msflow/core/small_matrix.hpp"
#include "msflow/fit/gaussian_transition.hpp"
#include "msflow/fit/second_order_transition.hpp"
#include "msflow/parallel/exact_sum.hpp"

namespace msflow::fit {

namespace {

/// −ln L over the local transitions `range` with b̄, Σ̄ interpolated from the nodes; ADDS the
/// adjoints of the node values and widens [first_node, last_node] to the nodes it touched. A
/// diffusion equal at every node (`uniform`, the usual known σ) is inverted once, not per
/// transition.
template <int D>
double interpolated_transitions(const InterpolationGrid& grid, const TransitionWindow& window,
                                IndexRange range, const std::vector<double>& node_drift,
                                const std::vector<double>& node_diffusion, bool uniform,
                                double log_dt_sum, double* drift_adjoint, double* diffusion_adjoint,
                                std::size_t& first_node, std::size_t& last_node) {
  constexpr int kCubic = D == 1 ? 4 : D == 2 ? 16 : 64, kLinear = 1 << D, kEntries = D * D;
  double uniform_inverse[kEntries], uniform_log_det = 0;
  if (uniform) uniform_log_det = spd_inverse(node_diffusion.data(), D, uniform_inverse);
  double value = 0;
  std::size_t cubic_node[kCubic], linear_node[kLinear];
  double cubic_weight[kCubic], linear_weight[kLinear];
  for (std::size_t k = range.begin; k < range.end; ++k) {
    const double* x = &window.start[k * D];
    const double* increment = &window.increment[k * D];
    const double dt = window.dt[k];
    grid.cubic_fixed<D>(x, cubic_node, cubic_weight);
    grid.linear_fixed<D>(x, linear_node, linear_weight);
    // Row-major nodes: a stencil's first node has the lowest index, its last the highest.
    first_node = std::min(first_node, cubic_node[0]);
    last_node = std::max(last_node, cubic_node[kCubic - 1]);
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
      for (int i = 0; i < kLinear; ++i)
        for (int a = 0; a < D; ++a)
          for (int b = 0; b < D; ++b)
            diffusion_adjoint[linear_node[i] * kEntries + a * D + b] +=
                linear_weight[i] *
                (0.5 * uniform_inverse[a * D + b] - 0.5 * solved[a] * solved[b] / dt);
      continue;
    }
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
    value += 0.5 * (D * (kLogTwoPi * static_cast<double>(range.size()) + log_dt_sum) +
                    uniform_log_det * static_cast<double>(range.size()));
  return value;
}

/// As interpolated_transitions, with the second-order density (fit/second_order_transition.hpp)
/// and a Σ̄ equal at every node (the caller has checked; `uniform` is true): b̄, J = ∇b̄ and
/// h = Σ̄:∇²b̄ come from the cubic stencil's weights and their derivatives, so each transition's
/// adjoints reach the node values through all three.
template <int D>
double second_order_transitions(const InterpolationGrid& grid, const TransitionWindow& window,
                                IndexRange range, const std::vector<double>& node_drift,
                                const std::vector<double>& node_diffusion, bool /*uniform*/,
                                double log_dt_sum, double* drift_adjoint, double* diffusion_adjoint,
                                std::size_t& first_node, std::size_t& last_node) {
  constexpr int kCubic = D == 1 ? 4 : D == 2 ? 16 : 64, kLinear = 1 << D, kEntries = D * D;
  const double* sigma = node_diffusion.data();  // uniform: the first node's Σ̄ is every node's
  double inverse[kEntries];
  const double log_det = spd_inverse(sigma, D, inverse);
  double value = 0;
  std::size_t cubic_node[kCubic], linear_node[kLinear];
  double weight[kCubic], gradient[kCubic * D], hessian[kCubic * D * D], linear_weight[kLinear];
  double laplacian[kCubic];  // Σ̄:∇²weight_i
  for (std::size_t k = range.begin; k < range.end; ++k) {
    const double* x = &window.start[k * D];
    const double dt = window.dt[k];
    grid.cubic_derivatives_fixed<D>(x, cubic_node, weight, gradient, hessian);
    grid.linear_fixed<D>(x, linear_node, linear_weight);
    first_node = std::min(first_node, cubic_node[0]);
    last_node = std::max(last_node, cubic_node[kCubic - 1]);
    double drift[D] = {}, jacobian[kEntries] = {}, curvature[D] = {};
    for (int i = 0; i < kCubic; ++i) {
      double sum = 0;
      for (int e = 0; e < kEntries; ++e)
        sum += sigma[e] * hessian[i * kEntries + e];
      laplacian[i] = sum;
      const double* c = &node_drift[cubic_node[i] * D];
      for (int a = 0; a < D; ++a) {
        drift[a] += weight[i] * c[a];
        curvature[a] += laplacian[i] * c[a];
        for (int b = 0; b < D; ++b)
          jacobian[a * D + b] += gradient[i * D + b] * c[a];
      }
    }
    const SecondOrderTerm<D> term = second_order_transition<D>(&window.increment[k * D], dt, drift,
                                                               jacobian, curvature, inverse);
    value += term.value;
    double sigma_adjoint[kEntries];  // ∂/∂Σ̄: the quadratic's, the normalization's, and h's
    for (int a = 0; a < D; ++a)
      for (int b = 0; b < D; ++b)
        sigma_adjoint[a * D + b] =
            0.5 * inverse[a * D + b] - 0.5 * term.solved[a] * term.solved[b] / dt;
    for (int i = 0; i < kCubic; ++i) {
      double* adjoint = &drift_adjoint[cubic_node[i] * D];
      const double* c = &node_drift[cubic_node[i] * D];
      double curvature_weight = 0;  // Σ_a ∂f/∂h_a c_ia, the factor of ∂h/∂Σ̄
      for (int a = 0; a < D; ++a) {
        double sum = weight[i] * term.drift_adjoint[a] + laplacian[i] * term.curvature_adjoint[a];
        for (int b = 0; b < D; ++b)
          sum += gradient[i * D + b] * term.jacobian_adjoint[a * D + b];
        adjoint[a] += sum;
        curvature_weight += term.curvature_adjoint[a] * c[a];
      }
      for (int e = 0; e < kEntries; ++e)
        sigma_adjoint[e] += curvature_weight * hessian[i * kEntries + e];
    }
    for (int i = 0; i < kLinear; ++i)
      for (int e = 0; e < kEntries; ++e)
        diffusion_adjoint[linear_node[i] * kEntries + e] += linear_weight[i] * sigma_adjoint[e];
  }
  value += 0.5 * (D * (kLogTwoPi * static_cast<double>(range.size()) + log_dt_sum) +
                  log_det * static_cast<double>(range.size()));
  return value;
}

}  // namespace

InterpolationError interpolation_error(AveragedModel& model, const InterpolationGrid& grid,
                                       std::uint64_t draw) {
  const int d = grid.dim();
  const std::size_t nodes = grid.node_count();
  const std::vector<double> centres = grid.cell_centres();
  const std::size_t count = centres.size() / d;
  std::vector<double> node_drift(nodes * d), node_diffusion(nodes * d * d), drift(count * d),
      diffusion(count * d * d);
  model.begin(draw);
  model.averages(grid.nodes().data(), nodes, node_drift.data(), node_diffusion.data());
  model.averages(centres.data(), count, drift.data(), diffusion.data());
  InterpolationError error;
  Stencil cubic, linear;
  for (std::size_t j = 0; j < count; ++j) {
    grid.cubic(&centres[j * d], cubic);
    grid.linear(&centres[j * d], linear);
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

InterpolatedLikelihood::InterpolatedLikelihood(MPI_Comm comm,
                                               std::shared_ptr<const TransitionWindow> window,
                                               InterpolationGrid grid, const AveragedModel& model,
                                               TransitionDensity transition)
    : Likelihood(std::move(window)),
      comm_(comm),
      grid_(std::move(grid)),
      nodes_(node_blocks(grid_.node_count())),
      transition_(transition) {
  const TransitionWindow& w = *window_;
  const int d = w.dim;
  int rank = 0, size = 1;
  MPI_Comm_rank(comm_, &rank);
  MPI_Comm_size(comm_, &size);
  my_node_blocks_ = nodes_.blocks_of(rank, size);
  my_nodes_ = nodes_.items_of(rank, size);
  for (int r = 0; r < size; ++r) {
    const IndexRange items = nodes_.items_of(r, size);
    node_counts_.push_back(static_cast<int>(items.size()));
    node_displacements_.push_back(static_cast<int>(items.begin));
  }

  // Each node's share of the observations (linear weights), for the conditional flow's moment
  // penalty (the exact likelihood weighs every observation 1/M), and Σ ln Δ_k per block.
  ExactSum weights(grid_.node_count());
  std::vector<double> partial(grid_.node_count(), 0.0);
  Stencil stencil;
  for (std::size_t b = w.my_blocks.begin; b < w.my_blocks.end; ++b) {
    const IndexRange block = w.local_block(b);
    std::size_t first = grid_.node_count(), last = 0;
    double log_dt = 0;
    for (std::size_t k = block.begin; k < block.end; ++k) {
      grid_.linear(&w.start[k * d], stencil);
      for (int i = 0; i < stencil.count; ++i) {
        partial[stencil.node[i]] += stencil.weight[i];
        first = std::min(first, stencil.node[i]);
        last = std::max(last, stencil.node[i]);
      }
      log_dt += std::log(w.dt[k]);
    }
    block_log_dt_.push_back(log_dt);
    if (first > last) continue;
    weights.add(first, &partial[first], last - first + 1);
    std::fill(partial.begin() + static_cast<std::ptrdiff_t>(first),
              partial.begin() + static_cast<std::ptrdiff_t>(last + 1), 0.0);
  }
  weights.reduce(comm_);
  node_weights_ = weights.values();
  for (double& weight : node_weights_)
    weight /= static_cast<double>(w.total);
  if (transition_ == TransitionDensity::kEuler && model.diffusion_is_fixed() &&
      TransitionMoments::affordable(grid_, w.total))
    moments_.emplace(comm_, grid_, w);
}

void InterpolatedLikelihood::gather_node_averages(AveragedModel& model) {
  const int d = window_->dim;
  const IndexRange mine = my_nodes_;
  std::vector<double> drift(mine.size() * d), diffusion(mine.size() * d * d);
  // One call per fixed block: the batches a conditional flow pushes do not depend on the ranks.
  for (std::size_t b = my_node_blocks_.begin; b < my_node_blocks_.end; ++b) {
    const IndexRange block = nodes_.block(b);
    const std::size_t local = block.begin - mine.begin;
    model.averages(&grid_.nodes()[block.begin * d], block.size(), &drift[local * d],
                   &diffusion[local * d * d]);
  }
  node_drift_.resize(grid_.node_count() * d);
  node_diffusion_.resize(grid_.node_count() * d * d);
  const auto gather = [&](const std::vector<double>& local, std::vector<double>& all,
                          int per_node) {
    std::vector<int> counts(node_counts_), displacements(node_displacements_);
    for (std::size_t r = 0; r < counts.size(); ++r)
      counts[r] *= per_node, displacements[r] *= per_node;
    MPI_Allgatherv(local.data(), static_cast<int>(local.size()), MPI_DOUBLE, all.data(),
                   counts.data(), displacements.data(), MPI_DOUBLE, comm_);
  };
  gather(drift, node_drift_, d);
  gather(diffusion, node_diffusion_, d * d);
}

double InterpolatedLikelihood::pass_over_transitions(std::vector<double>& drift_adjoint,
                                                     std::vector<double>& diffusion_adjoint) const {
  const TransitionWindow& w = *window_;
  const int d = w.dim;
  const std::size_t nodes = grid_.node_count(), drift_size = nodes * d;
  // [−ln L, node drift adjoints, node diffusion adjoints]
  ExactSum sums(1 + drift_size + nodes * d * d);
  std::vector<double> drift(drift_size, 0.0), diffusion(nodes * d * d, 0.0);
  // Every rank holds all node values, so every rank throws here or none does.
  const bool second_order = transition_ == TransitionDensity::kSecondOrder;
  const bool uniform = node_diffusion_is_uniform();
  if (second_order && !uniform)
    throw InputError(
        "option --fit.transition second-order: needs a Σ̄ that does not depend on x (this "
        "model's differs between grid nodes); use --fit.transition euler");
  using Pass = double (*)(const InterpolationGrid&, const TransitionWindow&, IndexRange,
                          const std::vector<double>&, const std::vector<double>&, bool, double,
                          double*, double*, std::size_t&, std::size_t&);
  const Pass pass =
      d == 1   ? (second_order ? second_order_transitions<1> : interpolated_transitions<1>)
      : d == 2 ? (second_order ? second_order_transitions<2> : interpolated_transitions<2>)
               : (second_order ? second_order_transitions<3> : interpolated_transitions<3>);
  for (std::size_t b = w.my_blocks.begin; b < w.my_blocks.end; ++b) {
    const IndexRange block = w.local_block(b);
    const double log_dt = block_log_dt_[b - w.my_blocks.begin];
    std::size_t first = nodes, last = 0;
    const double value = pass(grid_, w, block, node_drift_, node_diffusion_, uniform, log_dt,
                              drift.data(), diffusion.data(), first, last);
    sums.add(0, value);
    if (first > last) continue;
    // Only the nodes this block touched are non-zero.
    const std::size_t count = last - first + 1;
    sums.add(1 + first * d, &drift[first * d], count * d);
    sums.add(1 + drift_size + first * d * d, &diffusion[first * d * d], count * d * d);
    std::fill(drift.begin() + static_cast<std::ptrdiff_t>(first * d),
              drift.begin() + static_cast<std::ptrdiff_t>((last + 1) * d), 0.0);
    std::fill(diffusion.begin() + static_cast<std::ptrdiff_t>(first * d * d),
              diffusion.begin() + static_cast<std::ptrdiff_t>((last + 1) * d * d), 0.0);
  }
  sums.reduce(comm_);
  for (std::size_t i = 0; i < drift_size; ++i)
    drift_adjoint[i] = sums.value(1 + i);
  for (std::size_t i = 0; i < diffusion_adjoint.size(); ++i)
    diffusion_adjoint[i] = sums.value(1 + drift_size + i);
  return sums.value(0);
}

bool InterpolatedLikelihood::node_diffusion_is_uniform() const {
  const std::size_t entries = static_cast<std::size_t>(window_->dim) * window_->dim;
  return std::equal(node_diffusion_.begin() + static_cast<std::ptrdiff_t>(entries),
                    node_diffusion_.end(), node_diffusion_.begin());
}

DataTermSums InterpolatedLikelihood::evaluate(AveragedModel& model) {
  const int d = window_->dim;
  const std::size_t nodes = grid_.node_count();
  gather_node_averages(model);

  std::vector<double> drift_adjoint(nodes * d, 0.0), diffusion_adjoint(nodes * d * d, 0.0);
  DataTermSums result;
  if (moments_ && node_diffusion_is_uniform()) {
    // Σ̄ is fixed, so its adjoint is not needed; the moments are already summed over ranks.
    result.negative_log_likelihood = moments_->negative_log_likelihood(
        node_drift_, node_diffusion_.data(), drift_adjoint.data());
  } else {
    result.negative_log_likelihood = pass_over_transitions(drift_adjoint, diffusion_adjoint);
  }

  // Every rank holds the node adjoints of all nodes and pulls back its own blocks.
  const Eigen::Index size = model.adjoint_size();
  ExactSum sums(1 + static_cast<std::size_t>(size));  // [moment penalty, reducible adjoint]
  Eigen::VectorXd partial(size);
  for (std::size_t b = my_node_blocks_.begin; b < my_node_blocks_.end; ++b) {
    const IndexRange block = nodes_.block(b);
    partial.setZero();
    const PointAdjoint node_adjoint = [&](std::size_t j, const Model::SlowAverages&) {
      const std::size_t node = block.begin + j;
      Model::SlowAverages adjoint;
      std::copy(&drift_adjoint[node * d], &drift_adjoint[node * d] + d, adjoint.drift);
      std::copy(&diffusion_adjoint[node * d * d], &diffusion_adjoint[node * d * d] + d * d,
                adjoint.diffusion);
      return adjoint;
    };
    const double penalty = model.pull_back(&grid_.nodes()[block.begin * d], block.size(),
                                           node_adjoint, &node_weights_[block.begin], partial);
    sums.add(0, penalty);
    sums.add(1, partial.data(), static_cast<std::size_t>(size));
  }
  sums.reduce(comm_);
  result.moment_penalty = sums.value(0);
  result.adjoint.resize(size);
  for (Eigen::Index i = 0; i < size; ++i)
    result.adjoint[i] = sums.value(1 + static_cast<std::size_t>(i));
  return result;
}

std::string InterpolatedLikelihood::describe() const {
  std::ostringstream out;
  out << "averaging interpolated: b̄, Σ̄ by Monte Carlo at " << grid_.node_count() << " nodes ("
      << grid_.intervals() << " intervals per axis over the visited box), cubic (b̄) and linear "
      << "(Σ̄) interpolation to the " << window_->total << " observations";
  if (moments_)
    out << "; fixed Σ̄: likelihood from the transitions' moments in " << moments_->visited_cells()
        << " visited cells";
  out << "; transition density "
      << (transition_ == TransitionDensity::kEuler ? "Euler–Maruyama"
                                                   : "second-order (Itô–Taylor mean and covariance "
                                                     "to O(Δ²))");
  return out.str();
}

}  // namespace msflow::fit
