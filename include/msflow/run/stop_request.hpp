#pragma once
// SIGTERM and SIGUSR1 (what SLURM sends before a time limit, e.g. --signal=B:USR1@120) ask a
// long run to stop cleanly: the handler only sets a flag; at the next iteration boundary all
// ranks agree (one MPI_Allreduce), write a checkpoint and exit with kExitResumeMe.
#include <mpi.h>

namespace msflow {

class StopRequest {
 public:
  /// Installs the handlers (restored by the destructor).
  StopRequest();
  ~StopRequest();
  StopRequest(const StopRequest&) = delete;
  StopRequest& operator=(const StopRequest&) = delete;

  /// Collective: true on every rank if any rank received a signal.
  bool requested_anywhere(MPI_Comm comm) const;
  /// The signal received locally (0 if none).
  static int received_signal();
};

}  // namespace msflow
