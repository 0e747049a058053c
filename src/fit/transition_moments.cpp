#include "msflow/fit/transition_moments.hpp"

#include <algorithm>
#include <cmath>

#include "msflow/core/small_matrix.hpp"

namespace msflow::fit {

namespace {

int cubic_stencil_size(int d) {
  return d == 1 ? 4 : d == 2 ? 16 : 64;
}

/// Doubles per node key in the dense accumulation: [count, G (K×K), g (K×d)].
std::size_t per_key(int d) {
  const auto K = static_cast<std::size_t>(cubic_stencil_size(d));
  return 1 + K * K + K * static_cast<std::size_t>(d);
}

}  // namespace

bool TransitionMoments::affordable(const InterpolationGrid& grid, std::size_t total_transitions) {
  const double dense = static_cast<double>(grid.node_count() * per_key(grid.dim()));
  const double transitions = static_cast<double>(total_transitions) * (2 * grid.dim() + 1);
  return dense <= std::max(transitions, double{1 << 20});
}

template <int D>
void TransitionMoments::accumulate(const InterpolationGrid& grid, const TransitionWindow& window,
                                   std::vector<double>& dense) const {
  constexpr int K = D == 1 ? 4 : D == 2 ? 16 : 64;
  const std::size_t stride = per_key(D), tail = node_count_ * stride;
  std::size_t node[K];
  double weight[K];
  for (std::size_t k = 0; k < window.size(); ++k) {
    const double* x = &window.start[k * D];
    const double* increment = &window.increment[k * D];
    const double dt = window.dt[k];
    grid.cubic_fixed<D>(x, node, weight);
    double* cell = &dense[node[0] * stride];  // the stencil's first node names the cell
    cell[0] += 1;
    double* gram = cell + 1;
    for (int i = 0; i < K; ++i) {
      const double scaled = dt * weight[i];
      for (int j = i; j < K; ++j)  // upper triangle; mirrored when the cells are kept
        gram[i * K + j] += scaled * weight[j];
    }
    double* weighted = gram + K * K;
    for (int i = 0; i < K; ++i)
      for (int a = 0; a < D; ++a)
        weighted[i * D + a] += weight[i] * increment[a];
    for (int a = 0; a < D; ++a)
      for (int b = 0; b < D; ++b)
        dense[tail + a * D + b] += increment[a] * increment[b] / dt;
    dense[tail + D * D] += std::log(dt);
  }
}

TransitionMoments::TransitionMoments(MPI_Comm comm, const InterpolationGrid& grid,
                                     const TransitionWindow& window)
    : dim_(grid.dim()), stencil_(cubic_stencil_size(grid.dim())), node_count_(grid.node_count()) {
  const int d = dim_, K = stencil_;
  const std::size_t stride = per_key(d), tail = node_count_ * stride;
  std::vector<double> dense(tail + d * d + 1, 0.0);
  switch (d) {
    case 1:
      accumulate<1>(grid, window, dense);
      break;
    case 2:
      accumulate<2>(grid, window, dense);
      break;
    default:
      accumulate<3>(grid, window, dense);
  }
  MPI_Allreduce(MPI_IN_PLACE, dense.data(), static_cast<int>(dense.size()), MPI_DOUBLE, MPI_SUM,
                comm);
  transitions_ = static_cast<double>(window.total);
  std::copy(&dense[tail], &dense[tail] + d * d, increment_moment_.begin());
  log_dt_sum_ = dense[tail + d * d];

  // Stencil node i has digit k_a = (i / 4^a) mod 4 on axis a; axis 0 is the slowest index
  // (InterpolationGrid::cubic_fixed).
  const auto per_axis = static_cast<std::size_t>(grid.nodes_per_axis());
  stencil_offset_.resize(K);
  for (int i = 0; i < K; ++i) {
    std::size_t offset = 0;
    for (int a = 0, rest = i; a < d; ++a, rest /= 4) {
      std::size_t place = 1;
      for (int b = a + 1; b < d; ++b)
        place *= per_axis;
      offset += static_cast<std::size_t>(rest % 4) * place;
    }
    stencil_offset_[i] = offset;
  }

  // Keep the visited cells only, with G made symmetric.
  for (std::size_t key = 0; key < node_count_; ++key) {
    const double* cell = &dense[key * stride];
    if (cell[0] == 0) continue;
    first_node_.push_back(key);
    const double* gram = cell + 1;
    for (int i = 0; i < K; ++i)
      for (int j = 0; j < K; ++j)
        gram_.push_back(i <= j ? gram[i * K + j] : gram[j * K + i]);
    weighted_increment_.insert(weighted_increment_.end(), gram + K * K, gram + K * K + K * d);
  }
}

double TransitionMoments::negative_log_likelihood(const std::vector<double>& node_drift,
                                                  const double* diffusion,
                                                  double* drift_adjoint) const {
  const int d = dim_, K = stencil_;
  double inverse[9];
  const double log_det = spd_inverse(diffusion, d, inverse);
  std::fill(drift_adjoint, drift_adjoint + node_count_ * d, 0.0);
  double value = 0;
  for (int e = 0; e < d * d; ++e)
    value += 0.5 * inverse[e] * increment_moment_[e];
  std::vector<double> drift(K * d), product(K * d);
  for (std::size_t c = 0; c < first_node_.size(); ++c) {
    for (int i = 0; i < K; ++i)
      for (int a = 0; a < d; ++a)
        drift[i * d + a] = node_drift[(first_node_[c] + stencil_offset_[i]) * d + a];
    const double* gram = &gram_[c * K * K];
    const double* weighted = &weighted_increment_[c * K * d];
    for (int i = 0; i < K; ++i)
      for (int a = 0; a < d; ++a) {
        double sum = 0;
        for (int j = 0; j < K; ++j)
          sum += gram[i * K + j] * drift[j * d + a];
        product[i * d + a] = sum;  // (G B)_i
      }
    // Per node i: value += B_iᵀ Σ⁻¹ (½ (G B)_i − g_i),  adjoint_i += Σ⁻¹ ((G B)_i − g_i).
    for (int i = 0; i < K; ++i) {
      double* adjoint = drift_adjoint + (first_node_[c] + stencil_offset_[i]) * d;
      for (int a = 0; a < d; ++a) {
        double half = 0, full = 0;
        for (int b = 0; b < d; ++b) {
          half += inverse[a * d + b] * (0.5 * product[i * d + b] - weighted[i * d + b]);
          full += inverse[a * d + b] * (product[i * d + b] - weighted[i * d + b]);
        }
        value += drift[i * d + a] * half;
        adjoint[a] += full;
      }
    }
  }
  constexpr double kLogTwoPi = 1.8378770664093454835606594728112;
  return value + 0.5 * (d * (kLogTwoPi * transitions_ + log_dt_sum_) + transitions_ * log_det);
}

}  // namespace msflow::fit
