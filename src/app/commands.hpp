#pragma once
#include <mpi.h>

#include <string>
#include <vector>

#include <optional>

#include "msflow/core/options.hpp"
#include "msflow/run/stop_request.hpp"

namespace msflow::app {

/// A sub-command of msflow (simulate, fit, ...): its option sections and its driver.
struct Command {
  std::string name;
  std::string summary;
  std::vector<std::string> sections;  ///< INI sections it reads
  int (*run)(MPI_Comm comm, Config& config);
  /// Whether SIGTERM/SIGUSR1 mean "checkpoint and stop" (else they terminate as usual).
  bool checkpoints = false;
};

const std::vector<Command>& commands();
/// The catalogue of every option of every command.
const OptionCatalog& option_catalog();
/// Parses the arguments (without argv[0] and PETSc options) and runs the command; collective.
/// `stop_request`: the signal guard main installed; released here for commands that do not
/// checkpoint.
int run_command(MPI_Comm comm, const std::vector<std::string>& arguments,
                std::optional<StopRequest>& stop_request);

// Drivers (one file each).
int run_simulate(MPI_Comm comm, Config& config);
int run_fit(MPI_Comm comm, Config& config);
int run_infer(MPI_Comm comm, Config& config);
int run_forecast(MPI_Comm comm, Config& config);
int run_report(MPI_Comm comm, Config& config);
int run_fp(MPI_Comm comm, Config& config);

}  // namespace msflow::app
