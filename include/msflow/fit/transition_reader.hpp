#pragma once
// Reads the observed transitions in parallel (docs/method.md, "Parallel decomposition"): every
// rank reads the small metadata (shapes, /trajectory/offsets) and then only the rows of its own
// transition blocks (plus the one row each block's last transition ends on), with HDF5
// hyperslabs. Memory per rank falls like 1/P. Validation stays collective: every problem is one
// InputError naming the file, the dataset and the global index.
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>

#include "msflow/core/grid.hpp"
#include "msflow/fit/transition_window.hpp"

namespace msflow::fit {

struct ObservedTransitions {
  std::shared_ptr<const TransitionWindow> window;  ///< this rank's transitions
  Box visited;           ///< bounding box of every observation (all ranks)
  std::size_t rows = 0;  ///< observations M + trajectories
  std::size_t trajectories = 0;
  /// A checksum of every transition (its global index, x_k, x_{k+1} − x_k, Δ_k), summed modulo
  /// 2^64 over ranks: the same for the same data on any number of ranks.
  std::uint64_t checksum = 0;
  /// "M transitions, K trajectories, d = D, checksum X": what identifies the input data (stored
  /// in checkpoints and outputs; a resumed run refuses other data).
  std::string identity() const;
};

/// Collective. `expected_dim` is the model's d; each trajectory needs at least
/// `min_transitions` transitions.
ObservedTransitions read_transitions(MPI_Comm comm, const std::string& path, int expected_dim,
                                     std::size_t min_transitions = 1);

}  // namespace msflow::fit
