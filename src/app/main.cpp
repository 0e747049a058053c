// msflow: learn effective stochastic models of multiscale systems.
//   msflow <command> [--config FILE.ini] [--section.key value ...] [PETSc options]
#include <mpi.h>

#include <iostream>
#include <optional>
#include <string>

#include "commands.hpp"
#include "msflow/core/error.hpp"
#include "msflow/parallel/environment.hpp"

int main(int argc, char** argv) {
  // Before MPI starts, so that a SIGTERM/SIGUSR1 at start-up is a request to checkpoint (for the
  // commands that checkpoint) rather than the end of one rank.
  std::optional<msflow::StopRequest> stop_request(std::in_place);
  const msflow::SplitArguments arguments = msflow::split_arguments(argc, argv);
  msflow::Environment environment(&argc, &argv, arguments.petsc);
  try {
    return msflow::app::run_command(MPI_COMM_WORLD, arguments.msflow, stop_request);
  } catch (const msflow::CollectiveError& error) {
    // Every rank agreed on this error: report once, exit cleanly with its status.
    if (environment.rank() == 0) std::cerr << "msflow: error: " << error.what() << std::endl;
    return error.exit_status();
  } catch (const std::exception& error) {
    // Raised on some ranks only: the others may be inside a collective, so abort them all.
    std::cerr << "msflow: error (rank " << environment.rank() << "): " << error.what() << std::endl;
    MPI_Abort(MPI_COMM_WORLD, msflow::kExitInternalError);
  }
  return msflow::kExitInternalError;
}
