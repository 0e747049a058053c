#pragma once
// Sufficient statistics of the transitions for interpolated averaging with a fixed diffusion
// Σ equal at every node (the usual known σ). The interpolated b̄(x) = Σ_i w_i(x) B_i is linear
// in the node values B_i, so
//   −ln L = ½ Σ_k |Δx_k − b̄(x_k) Δ_k|²_{Σ⁻¹} / Δ_k + ½ Σ_k (d ln 2πΔ_k + ln det Σ)
// is a quadratic form in the B_i whose coefficients are sums over each grid cell's transitions,
//   G_c = Σ_k Δ_k w(x_k) w(x_k)ᵀ   and   g_c = Σ_k w(x_k) Δx_kᵀ,
// plus Q = Σ_k Δx_k Δx_kᵀ / Δ_k. They are summed once over all ranks (per fixed transition
// block, exactly: the same bits on any number of ranks); an evaluation then costs
// O(visited cells × 16^d) on every rank, independent of the number of transitions, and needs
// no communication.
#include <mpi.h>

#include <array>
#include <cstddef>
#include <vector>

#include "msflow/fit/interpolation_grid.hpp"
#include "msflow/fit/transition_window.hpp"

namespace msflow::fit {

class TransitionMoments {
 public:
  /// Collective: accumulates every rank's window and sums over `comm`.
  TransitionMoments(MPI_Comm comm, const InterpolationGrid& grid, const TransitionWindow& window);

  /// Whether accumulating the moments (dense over the grid's cells, with their exact sums)
  /// needs no more memory than the transitions themselves hold, or 64 MiB.
  static bool affordable(const InterpolationGrid& grid, std::size_t total_transitions);

  /// −ln L over all ranks' transitions with b̄ = `node_drift` (nodes × d) and the uniform
  /// `diffusion` (d × d, SPD); OVERWRITES `drift_adjoint` (nodes × d) with ∂(−ln L)/∂B.
  double negative_log_likelihood(const std::vector<double>& node_drift, const double* diffusion,
                                 double* drift_adjoint) const;

  std::size_t visited_cells() const { return first_node_.size(); }

 private:
  template <int D>
  void accumulate(const InterpolationGrid& grid, const TransitionWindow& window, IndexRange range,
                  std::vector<double>& dense, std::size_t& first_key, std::size_t& last_key) const;

  int dim_;
  int stencil_;  ///< 4^d nodes per cubic stencil
  std::size_t node_count_;
  double transitions_ = 0;                    ///< M over all ranks
  double log_dt_sum_ = 0;                     ///< Σ_k ln Δ_k
  std::array<double, 9> increment_moment_{};  ///< Q = Σ_k Δx_k Δx_kᵀ / Δ_k
  std::vector<std::size_t> stencil_offset_;   ///< node index − the cell's first node
  std::vector<std::size_t> first_node_;       ///< per visited cell: its stencil's first node
  std::vector<double> gram_;                  ///< per visited cell: G_c, stencil × stencil
  std::vector<double> weighted_increment_;    ///< per visited cell: g_c, stencil × d
};

}  // namespace msflow::fit
