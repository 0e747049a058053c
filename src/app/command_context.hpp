#pragma once
// What every command's Problem class shares (deal.II-style: run() calls short named phases):
// the communicator, the configuration, rank 0's log, the phase timer, and phase(), which times
// a phase and runs it collectively, so an error on any rank becomes one message on every rank.
#include <mpi.h>

#include <string>
#include <utility>
#include <vector>

#include "msflow/core/log.hpp"
#include "msflow/core/options.hpp"
#include "msflow/core/timer.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/parallel/collective.hpp"

namespace msflow::app {

class CommandContext {
 public:
  CommandContext(MPI_Comm comm, Config& config, std::string command);

  MPI_Comm comm() const { return comm_; }
  Config& config() { return config_; }
  const Config& config() const { return config_; }
  const RootLog& log() const { return log_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  const std::string& command() const { return command_; }

  /// Times `step` as phase `name` and runs it collectively.
  template <class Step>
  auto phase(const std::string& name, Step&& step) {
    const auto scope = timer_.scope(name);
    return collectively(comm_, std::forward<Step>(step));
  }
  PhaseTimer& timer() { return timer_; }

  /// "# effective options" and the configuration, on rank 0.
  void print_options() const;
  /// The root attributes every output carries (schema, version, options, ranks, seeds), and
  /// the group /timings (collective; docs/output.md): the phases so far, the wall time since
  /// start, the peak memory and what record() noted — the one part of an output that is not
  /// reproducible, so comparisons of results skip it (tools/h5_same.py).
  void write_provenance(hid_t file, const std::string& schema, const std::string& seeds) const;
  /// Notes a figure for /timings (for example the seconds per iteration); the maximum over the
  /// ranks is written.
  void record(const std::string& name, double value) { records_.emplace_back(name, value); }
  /// The phase table (collective).
  void print_timings() const;
  /// "peak memory X MiB per rank" (the largest over the ranks; collective).
  std::string peak_memory() const;

 private:
  void write_timings(hid_t file) const;

  MPI_Comm comm_;
  Config& config_;
  RootLog log_;
  PhaseTimer timer_;
  double start_ = 0;
  std::vector<std::pair<std::string, double>> records_;
  int rank_ = 0, size_ = 1;
  std::string command_;
};

/// The file name without directories and a trailing ".h5".
std::string stem_of(const std::string& path);

}  // namespace msflow::app
