#pragma once
// Checkpoints of long runs (docs/method.md, "Checkpoints"): separate HDF5 files
//   <directory>/<stem>.<configuration hash>.ckpt.<iteration>.h5,
// written by one rank to a fresh temporary and renamed, each carrying the configuration hash,
// the identity of the input data and a checksum of its own contents. Only this run's
// checkpoints (same stem and configuration) are pruned to the newest two, or removed when the
// run has finished; other runs' files in the same directory are never touched. Resuming takes
// the newest intact one, falls back to an older one if the newest is damaged, and refuses
// clearly when the data or the configuration changed.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "msflow/io/hdf5.hpp"

namespace msflow {

class CheckpointStore {
 public:
  CheckpointStore(MPI_Comm comm, std::string directory, std::string stem, std::uint64_t config_hash,
                  std::string data_identity);

  /// Collective: creates `directory` if needed and checks that it is writable (InputError
  /// naming --run.checkpoint_dir), before any work.
  static void prepare_directory(MPI_Comm comm, const std::string& directory);

  /// Collective: writes checkpoint `iteration` with `write_contents(file)` atomically and
  /// records `checksum` (of the contents), then prunes this run's checkpoints to the newest two.
  void save(std::int64_t iteration, std::uint64_t checksum,
            const std::function<void(hid_t file)>& write_contents) const;

  struct Found {
    std::string path;                  ///< "" if this run has no checkpoint
    std::vector<std::string> skipped;  ///< newer ones that were damaged, with the reason
  };
  /// Collective: the newest intact checkpoint of this run: `read(file)` (which reads the
  /// contents back) returns the checksum stored with it. InputError on every rank if checkpoints
  /// exist but none is intact, if only another configuration's exist, or if they were written
  /// for other input data.
  Found newest(const std::function<std::uint64_t(hid_t file)>& read) const;

  /// Collective: removes this run's checkpoints (a run that finished).
  void remove_all() const;

  const std::string& directory() const { return directory_; }

 private:
  std::string path_of(std::int64_t iteration) const;
  std::string prefix() const;  ///< "<stem>.<hash>.ckpt."
  MPI_Comm comm_;
  std::string directory_, stem_;
  std::uint64_t config_hash_;
  std::string data_identity_;
};

/// The configuration hash as stored in files (16 hex digits).
std::string format_hash(std::uint64_t hash);

}  // namespace msflow
