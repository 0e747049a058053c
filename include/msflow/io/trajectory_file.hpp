#pragma once
// The trajectory contract of docs/method.md, "Checkpoints": /trajectory/t (M+1), /trajectory/x
// (M+1, d), and an optional /trajectory/offsets marking where each of several concatenated
// trajectories starts.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "msflow/io/hdf5.hpp"

namespace msflow {

struct TrajectorySet {
  int dim = 0;
  std::vector<double> t;               ///< all observation times, concatenated
  std::vector<double> x;               ///< (M+1)×d, row-major
  std::vector<std::uint64_t> offsets;  ///< first row of each trajectory; offsets[0] = 0
  std::size_t rows() const { return t.size(); }
  std::size_t trajectories() const { return offsets.size(); }
  std::size_t begin_of(std::size_t k) const { return offsets[k]; }
  std::size_t end_of(std::size_t k) const {
    return k + 1 < offsets.size() ? offsets[k + 1] : t.size();
  }
  std::size_t transitions() const { return rows() - trajectories(); }
};

/// The shape of a trajectory file: what every reader checks first (from metadata and the small
/// /trajectory/offsets alone, so every rank can afford it).
struct TrajectoryLayout {
  std::size_t rows = 0;  ///< M + number of trajectories
  int dim = 0;
  std::vector<std::uint64_t> offsets;  ///< first row of each trajectory
  std::size_t end_of(std::size_t k) const { return k + 1 < offsets.size() ? offsets[k + 1] : rows; }
};

/// Checks /trajectory/t and /x (presence, rank, shape, d against `expected_dim` if > 0),
/// /trajectory/offsets (integers, increasing, in range, starting at 0) and that every trajectory
/// has at least `min_transitions` transitions. InputError naming the file and dataset.
TrajectoryLayout read_trajectory_layout(hid_t file, const std::string& path, int expected_dim,
                                        std::size_t min_transitions);

/// Reads and validates a trajectory file (collective: every rank reads it). Every problem is an
/// InputError naming the file, the dataset and the index: missing file/group/dataset, not HDF5,
/// wrong rank or shape, NaN/Inf, bad offsets, non-increasing times, fewer than
/// `min_transitions_per_trajectory` transitions, or a slow dimension other than `expected_dim`
/// (0: any).
TrajectorySet read_trajectory_file(MPI_Comm comm, const std::string& path, int expected_dim = 0,
                                   std::size_t min_transitions_per_trajectory = 1);

/// Checks the contents (used by the reader; exposed for tests). `where` names the file.
void validate_trajectory_set(const TrajectorySet& set, const std::string& where, int expected_dim,
                             std::size_t min_transitions_per_trajectory);

/// Writes /trajectory collectively: this rank holds rows [row_begin, row_begin + local_rows) of
/// the `total_rows` rows; `offsets` (all trajectories) is identical on every rank.
void write_trajectory_group(hid_t file, MPI_Comm comm, int dim, std::uint64_t total_rows,
                            std::uint64_t row_begin, const std::vector<double>& local_t,
                            const std::vector<double>& local_x,
                            const std::vector<std::uint64_t>& offsets);

}  // namespace msflow
