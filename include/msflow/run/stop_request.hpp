#pragma once
// SIGTERM, SIGUSR1 (what SLURM sends before a time limit, e.g. --signal=B:USR1@120) and a first
// SIGINT (Ctrl-C; a second one ends the process) ask a long run to stop cleanly: the handler only
// sets a flag; at the next iteration boundary all ranks agree (one MPI_Allreduce), write a
// checkpoint and exit with kExitResumeMe. One guard is installed per process, for the whole run of
// a checkpointing command (app/commands.cpp).
#include <mpi.h>

#include <csignal>

namespace msflow {

class StopRequest {
 public:
  /// Installs the handlers; the destructor restores the ones it replaced.
  StopRequest();
  ~StopRequest();
  StopRequest(const StopRequest&) = delete;
  StopRequest& operator=(const StopRequest&) = delete;

  /// Restores the previous handlers now and gives a signal recorded meanwhile its ordinary
  /// effect (for commands that do not checkpoint, once they know it).
  void release_and_deliver();

  /// The signal received in this process so far (0 if none).
  static int received_signal();

 private:
  using Handler = void (*)(int);
  Handler previous_term_, previous_usr1_, previous_int_;
};

/// Collective: true on every rank if any rank has received SIGTERM or SIGUSR1 (while a
/// StopRequest is installed).
bool stop_requested_anywhere(MPI_Comm comm);

}  // namespace msflow
