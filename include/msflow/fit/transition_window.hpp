#pragma once
// The observed transitions (x_k → x_{k+1} over Δ_k) that one rank owns. Transitions never cross
// the boundary between concatenated trajectories. The global transition order is cut into fixed
// blocks (parallel/block_layout.hpp) chosen from M alone; each rank owns a contiguous run of whole
// blocks, so the same run on any number of ranks computes the same block partial sums.
#include <cstddef>
#include <vector>

#include "msflow/io/trajectory_file.hpp"
#include "msflow/parallel/block_layout.hpp"

namespace msflow::fit {

struct TransitionWindow {
  int dim = 0;
  std::size_t total = 0;          ///< transitions over all ranks (M)
  BlockLayout blocks;             ///< fixed blocks of the global transition order
  IndexRange my_blocks;           ///< this rank's blocks
  IndexRange range;               ///< this rank's global transitions (the items of my_blocks)
  std::vector<double> start;      ///< x_k, count × d
  std::vector<double> increment;  ///< x_{k+1} − x_k, count × d
  std::vector<double> dt;         ///< Δ_k
  std::size_t size() const { return dt.size(); }
  /// The local indices of global block b (one of my_blocks).
  IndexRange local_block(std::size_t b) const {
    const IndexRange global = blocks.block(b);
    return {global.begin - range.begin, global.end - range.begin};
  }
};

/// The window of `rank` of `size` over all transitions of `data`.
TransitionWindow make_transition_window(const TrajectorySet& data, int rank, int size);

}  // namespace msflow::fit
