#pragma once
// Checkpoints of long runs (docs/method.md, "Checkpoints"): separate HDF5 files
// <directory>/<stem>.ckpt.<iteration>.h5, each written under a temporary name and renamed, the
// newest two kept. Each carries the configuration hash; resuming refuses a checkpoint written
// with a different configuration.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>

#include "msflow/io/hdf5.hpp"

namespace msflow {

class CheckpointStore {
 public:
  CheckpointStore(MPI_Comm comm, std::string directory, std::string stem,
                  std::uint64_t config_hash);

  /// Collective: writes checkpoint `iteration` with `write_contents(file)` atomically, then
  /// removes all but the newest two.
  void save(std::int64_t iteration, const std::function<void(hid_t file)>& write_contents) const;

  /// Collective: the newest readable checkpoint ("" if there is none). InputError (on every
  /// rank) if it was written with another configuration.
  std::string newest() const;

  const std::string& directory() const { return directory_; }

 private:
  std::string path_of(std::int64_t iteration) const;
  MPI_Comm comm_;
  std::string directory_, stem_;
  std::uint64_t config_hash_;
};

/// The configuration hash as stored in files (16 hex digits).
std::string format_hash(std::uint64_t hash);

}  // namespace msflow
