#pragma once
// Interpolated averaging (docs/method.md, "Interpolated averaging"): b̄, Σ̄ by Monte Carlo at the
// nodes of a grid over the visited box, cubic (b̄) and linear (Σ̄) interpolation to the
// observations. One evaluation:
//   1. each rank averages its fixed blocks of nodes; Allgatherv of the node values;
//   2. −ln L and ∂(−ln L)/∂(node b̄, Σ̄): from the transitions' moments (fixed, uniform Σ̄; no
//      communication) or by a pass over each rank's transition blocks (ExactSum);
//   3. each rank pulls its node blocks' adjoints back through the model (ExactSum).
// Every sum is exact over fixed blocks: the same bits on any number of ranks.
#include <mpi.h>

#include <memory>
#include <optional>
#include <vector>

#include "msflow/fit/interpolation_grid.hpp"
#include "msflow/fit/likelihood.hpp"
#include "msflow/fit/transition_moments.hpp"

namespace msflow::fit {

/// Largest |interpolated − Monte Carlo| over the cell centres, of b̄ components and Σ̄ entries.
struct InterpolationError {
  double drift = 0, diffusion = 0;
  double largest() const { return drift > diffusion ? drift : diffusion; }
};

/// The interpolation error of `model` at its current parameters with the samples of `draw`
/// (replicated work: the same on every rank). Begins an evaluation of `model`.
InterpolationError interpolation_error(AveragedModel& model, const InterpolationGrid& grid,
                                       std::uint64_t draw);

class InterpolatedLikelihood final : public Likelihood {
 public:
  /// Collective. Uses the transitions' moments when `model`'s Σ̄ is fixed, they are affordable
  /// and the density is Euler's.
  InterpolatedLikelihood(MPI_Comm comm, std::shared_ptr<const TransitionWindow> window,
                         InterpolationGrid grid, const AveragedModel& model,
                         TransitionDensity transition = TransitionDensity::kEuler);
  DataTermSums evaluate(AveragedModel& model) override;
  std::string describe() const override;
  std::string averaging() const override { return "interpolated"; }

  const InterpolationGrid& grid() const { return grid_; }
  bool uses_moments() const { return moments_.has_value(); }

 private:
  /// node_drift_, node_diffusion_ at all nodes: each rank averages its blocks, then Allgatherv.
  void gather_node_averages(AveragedModel& model);
  /// Σ̄ is the same at every node (known σ, or a learned σ0 of a model whose σ is constant).
  bool node_diffusion_is_uniform() const;
  /// −ln L with b̄, Σ̄ interpolated from the nodes by a pass over this rank's transition blocks,
  /// summed exactly over ranks; OVERWRITES the node adjoints.
  double pass_over_transitions(std::vector<double>& drift_adjoint,
                               std::vector<double>& diffusion_adjoint) const;

  MPI_Comm comm_;
  InterpolationGrid grid_;
  BlockLayout nodes_;  ///< fixed blocks of the nodes
  IndexRange my_node_blocks_, my_nodes_;
  std::vector<int> node_counts_, node_displacements_;  ///< every rank's nodes (Allgatherv)
  std::vector<double> node_weights_;  ///< share of the observations per node (linear weights)
  std::vector<double> block_log_dt_;  ///< Σ ln Δ_k per transition block of this rank
  std::optional<TransitionMoments> moments_;
  std::vector<double> node_drift_, node_diffusion_;
  TransitionDensity transition_;
};

}  // namespace msflow::fit
