#pragma once
// The two-level decomposition of `infer` (docs/method.md, "Bayesian inference: parallel"): the
// world is split into G groups over posterior draws (or chains); each group splits the
// transitions over its own ranks. Draw k belongs to group k mod G. Every quantity a draw produces
// is the same bits on any group size (the objective is rank-count independent), so sharing the
// per-draw rows and combining them in draw order gives the same result on any layout.
#include <mpi.h>

#include <vector>

namespace msflow::infer {

class DrawGroups {
 public:
  /// Collective over `world`: `groups` (1 ≤ groups ≤ world size) groups of consecutive ranks.
  DrawGroups(MPI_Comm world, int groups);
  ~DrawGroups();
  DrawGroups(const DrawGroups&) = delete;
  DrawGroups& operator=(const DrawGroups&) = delete;

  MPI_Comm world() const { return world_; }
  MPI_Comm group() const { return group_; }  ///< this rank's group (the transitions' split)
  int groups() const { return groups_; }
  int group_index() const { return index_; }
  int group_size() const { return group_size_; }
  /// Whether draw (or chain, or column) `k` is computed by this rank's group.
  bool owns(long long k) const { return k % groups_ == index_; }
  /// Whether this rank contributes draw k's row when rows are shared (its group's first rank).
  bool contributes(long long k) const { return owns(k) && group_rank_ == 0; }

  /// Collective over the world: `rows` (count × width, row-major) on entry holds the rows this
  /// rank's group computed (others arbitrary); on return every rank holds every row, bit for bit
  /// as its owner computed it (a bitwise OR of the owners' bit patterns against zeros).
  void share(std::vector<double>& rows, long long count, long long width) const;

 private:
  MPI_Comm world_, group_ = MPI_COMM_NULL;
  int groups_ = 1, index_ = 0, group_size_ = 1, group_rank_ = 0;
};

/// As DrawGroups::share, with row r contributed by the rank for which `mine(r)` holds (exactly
/// one rank per row).
template <class Mine>
void share_rows(MPI_Comm comm, std::vector<double>& rows, long long count, long long width,
                Mine&& mine);

/// The default number of groups: min(ranks, work items), rounded down to a divisor of the ranks
/// so that groups have equal sizes.
int default_groups(int ranks, int items);

}  // namespace msflow::infer

#include "msflow/infer/draw_groups_impl.hpp"
