#pragma once
// The block of observed transitions (x_k → x_{k+1} over Δ_k) that one rank owns. Transitions
// never cross the boundary between concatenated trajectories; the blocks are contiguous in the
// global transition order, so the same run on any number of ranks sums the same terms.
#include <cstddef>
#include <vector>

#include "msflow/io/trajectory_file.hpp"
#include "msflow/parallel/partition.hpp"

namespace msflow::fit {

struct TransitionWindow {
  int dim = 0;
  std::size_t total = 0;          ///< transitions over all ranks
  IndexRange range;               ///< this rank's global transitions
  std::vector<double> start;      ///< x_k, count × d
  std::vector<double> increment;  ///< x_{k+1} − x_k, count × d
  std::vector<double> dt;         ///< Δ_k
  std::size_t size() const { return dt.size(); }
};

TransitionWindow make_transition_window(const TrajectorySet& data, int rank, int size);

}  // namespace msflow::fit
