#include "msflow/fit/transition_moments.hpp"

#include <algorithm>
#include <cmath>

#include "msflow/core/constants.hpp"
#include "msflow/core/small_matrix.hpp"
#include "msflow/parallel/exact_sum.hpp"

namespace msflow::fit {

namespace {

int cubic_stencil_size(int d) {
  return d == 1 ? 4 : d == 2 ? 16 : 64;
}

/// Entries of the upper triangle of a K × K symmetric matrix.
std::size_t packed(int K) {
  return static_cast<std::size_t>(K) * (K + 1) / 2;
}

/// Doubles per node key in the dense accumulation: [count, G (upper, packed), g (K×d)].
std::size_t per_key(int d) {
  const int K = cubic_stencil_size(d);
  return 1 + packed(K) + static_cast<std::size_t>(K) * d;
}

}  // namespace

bool TransitionMoments::affordable(const InterpolationGrid& grid, std::size_t total_transitions) {
  // Each dense entry costs a double and its ExactSum (ExactSum::kStride int64).
  const double bytes =
      static_cast<double>(grid.node_count() * per_key(grid.dim())) * 8.0 * (1 + ExactSum::kStride);
  const double transitions = static_cast<double>(total_transitions) * (2 * grid.dim() + 1) * 8.0;
  return bytes <= std::max(transitions, 64.0 * 1048576);
}

template <int D>
void TransitionMoments::accumulate(const InterpolationGrid& grid, const TransitionWindow& window,
                                   IndexRange range, std::vector<double>& dense,
                                   std::size_t& first_key, std::size_t& last_key) const {
  constexpr int K = D == 1 ? 4 : D == 2 ? 16 : 64;
  const std::size_t stride = per_key(D), tail = node_count_ * stride;
  std::size_t node[K];
  double weight[K];
  for (std::size_t k = range.begin; k < range.end; ++k) {
    const double* x = &window.start[k * D];
    const double* increment = &window.increment[k * D];
    const double dt = window.dt[k];
    grid.cubic_fixed<D>(x, node, weight);
    first_key = std::min(first_key, node[0]);
    last_key = std::max(last_key, node[0]);
    double* cell = &dense[node[0] * stride];  // the stencil's first node names the cell
    cell[0] += 1;
    double* gram = cell + 1;
    for (int i = 0; i < K; ++i) {
      const double scaled = dt * weight[i];
      for (int j = i; j < K; ++j)
        *gram++ += scaled * weight[j];
    }
    double* weighted = cell + 1 + packed(K);
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
  const std::size_t size = tail + d * d + 1;
  std::vector<double> dense(size, 0.0);  // one block's partial sums
  ExactSum sums(size);
  for (std::size_t b = window.my_blocks.begin; b < window.my_blocks.end; ++b) {
    std::size_t first_key = node_count_, last_key = 0;
    const IndexRange block = window.local_block(b);
    switch (d) {
      case 1:
        accumulate<1>(grid, window, block, dense, first_key, last_key);
        break;
      case 2:
        accumulate<2>(grid, window, block, dense, first_key, last_key);
        break;
      default:
        accumulate<3>(grid, window, block, dense, first_key, last_key);
    }
    if (first_key <= last_key) {  // only the cells this block touched
      const std::size_t begin = first_key * stride, count = (last_key - first_key + 1) * stride;
      sums.add(begin, &dense[begin], count);
      std::fill(dense.begin() + static_cast<std::ptrdiff_t>(begin),
                dense.begin() + static_cast<std::ptrdiff_t>(begin + count), 0.0);
    }
    sums.add(tail, &dense[tail], size - tail);
    std::fill(dense.begin() + static_cast<std::ptrdiff_t>(tail), dense.end(), 0.0);
  }
  sums.reduce(comm);
  transitions_ = static_cast<double>(window.total);
  for (int e = 0; e < d * d; ++e)
    increment_moment_[e] = sums.value(tail + e);
  log_dt_sum_ = sums.value(tail + d * d);

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

  // Keep the visited cells only, with G unpacked to a full symmetric matrix.
  std::vector<double> upper(packed(K));
  for (std::size_t key = 0; key < node_count_; ++key) {
    if (sums.value(key * stride) == 0) continue;
    first_node_.push_back(key);
    for (std::size_t e = 0; e < upper.size(); ++e)
      upper[e] = sums.value(key * stride + 1 + e);
    for (int i = 0; i < K; ++i)
      for (int j = 0; j < K; ++j) {
        const int r = std::min(i, j), c = std::max(i, j);
        gram_.push_back(
            upper[static_cast<std::size_t>(r) * K - static_cast<std::size_t>(r) * (r - 1) / 2 +
                  static_cast<std::size_t>(c - r)]);
      }
    for (int e = 0; e < K * d; ++e)
      weighted_increment_.push_back(sums.value(key * stride + 1 + packed(K) + e));
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
  return value + 0.5 * (d * (kLogTwoPi * transitions_ + log_dt_sum_) + transitions_ * log_det);
}

}  // namespace msflow::fit
