#pragma once
// RAII for the process-wide runtime: PETSc (which initializes MPI) and HDF5 error printing.
#include <mpi.h>

#include <string>
#include <vector>

namespace msflow {

class Environment {
 public:
  /// Initializes PETSc with the PETSc options found in petsc_args (e.g. "-log_view").
  Environment(int* argc, char*** argv, const std::vector<std::string>& petsc_args = {});
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  MPI_Comm world() const { return MPI_COMM_WORLD; }
  int rank() const;
  int size() const;

 private:
  std::vector<std::string> petsc_storage_;
  std::vector<char*> petsc_argv_;
};

/// Splits argv into msflow's own arguments (the command, --section.key value) and PETSc's
/// (single-dash options such as -log_view or -tao_type lmvm, with their values).
struct SplitArguments {
  std::vector<std::string> msflow;
  std::vector<std::string> petsc;
};
SplitArguments split_arguments(int argc, char** argv);

/// The PETSc options given but never queried (what -options_left lists), with a leading dash;
/// empty when the user set -options_left (PETSc then reports them itself at the end).
std::vector<std::string> petsc_options_left();

}  // namespace msflow
