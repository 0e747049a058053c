#pragma once
// The one iteration loop's duties besides the step itself: rank 0's progress line at a steady
// cadence (objective per transition, its change, |∇J|, time per iteration, ETA), checkpoints at
// a fixed iteration cadence, and the collective stop agreement after SIGTERM/SIGUSR1.
#include <mpi.h>

#include <cstdint>
#include <functional>

#include "msflow/core/log.hpp"
#include "msflow/optim/optimizer.hpp"

namespace msflow {

struct ProgressSettings {
  std::int64_t iterations = 0;  ///< the run's last iteration (for the ETA)
  double interval = 10;         ///< seconds between progress lines (0: none)
  double per = 1;               ///< the objective is printed divided by this (transitions M)
  std::int64_t checkpoint_every = 0;
};

class RunObserver final : public optim::IterationObserver {
 public:
  using Save = std::function<void(const optim::OptimizerState& state)>;
  /// `first_iteration`: where this run (fresh or resumed) starts.
  RunObserver(MPI_Comm comm, const RootLog& log, ProgressSettings settings,
              std::int64_t first_iteration, Save save_checkpoint);

  bool after_iteration(const optim::IterationReport& report,
                       const optim::OptimizerState& state) override;
  void rolled_back(std::int64_t iteration, double scale) override;

  /// Whether the loop stopped because a signal asked for it.
  bool stopped_by_signal() const { return stopped_by_signal_; }
  /// Wall seconds since construction and iterations done since then.
  double seconds() const { return MPI_Wtime() - start_; }
  std::int64_t iterations_done() const { return last_iteration_ - first_iteration_; }

 private:
  MPI_Comm comm_;
  const RootLog& log_;
  ProgressSettings settings_;
  std::int64_t first_iteration_, last_iteration_;
  Save save_;
  double start_, last_report_;
  double last_reported_value_ = 0;
  std::int64_t last_reported_iteration_ = -1;
  bool stopped_by_signal_ = false;
};

}  // namespace msflow
