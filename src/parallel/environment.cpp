#include "msflow/parallel/environment.hpp"

#include <hdf5.h>
#include <petscsys.h>

#include <cctype>
#include <csignal>
#include <stdexcept>

namespace msflow {

namespace {
bool is_petsc_option(const std::string& token) {
  return token.size() > 1 && token[0] == '-' && std::isalpha(static_cast<unsigned char>(token[1]));
}
bool is_number(const std::string& token) {
  char* end = nullptr;
  std::strtod(token.c_str(), &end);
  return !token.empty() && *end == '\0';
}
}  // namespace

SplitArguments split_arguments(int argc, char** argv) {
  SplitArguments split;
  for (int i = 1; i < argc; ++i) {
    const std::string token = argv[i];
    if (is_petsc_option(token)) {
      split.petsc.push_back(token);
      if (i + 1 < argc && (argv[i + 1][0] != '-' || is_number(argv[i + 1])))
        split.petsc.push_back(argv[++i]);
    } else {
      split.msflow.push_back(token);
    }
  }
  return split;
}

Environment::Environment(int* argc, char*** argv, const std::vector<std::string>& petsc_args)
    : petsc_storage_(petsc_args) {
  petsc_storage_.insert(petsc_storage_.begin(), (argc && *argc > 0) ? (*argv)[0] : "msflow");
  for (auto& arg : petsc_storage_)
    petsc_argv_.push_back(arg.data());
  petsc_argv_.push_back(nullptr);
  int petsc_argc = static_cast<int>(petsc_storage_.size());
  char** petsc_argv = petsc_argv_.data();
  // MPI first so that PETSc does not own MPI_Finalize ordering surprises for HDF5.
  int mpi_initialized = 0;
  MPI_Initialized(&mpi_initialized);
  if (!mpi_initialized) MPI_Init(argc, argv);
  if (PetscInitialize(&petsc_argc, &petsc_argv, nullptr, nullptr) != 0)
    throw std::runtime_error("PetscInitialize failed");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // msflow reports HDF5 failures itself
  // A closed pipe (msflow help | head) is a failed write, not a crash: PETSc's handler would
  // turn SIGPIPE into MPI_Abort with a page of errors.
  std::signal(SIGPIPE, SIG_IGN);
}

std::vector<std::string> petsc_options_left() {
  PetscBool set = PETSC_FALSE, value = PETSC_FALSE;
  if (PetscOptionsGetBool(nullptr, nullptr, "-options_left", &value, &set) != 0 || set) return {};
  PetscInt count = 0;
  char** names = nullptr;
  char** values = nullptr;
  if (PetscOptionsLeftGet(nullptr, &count, &names, &values) != 0) return {};
  std::vector<std::string> left;
  for (PetscInt i = 0; i < count; ++i)
    left.push_back("-" + std::string(names[i]) +
                   (values[i] && values[i][0] ? " " + std::string(values[i]) : std::string()));
  PetscOptionsLeftRestore(nullptr, &count, &names, &values);
  return left;
}

Environment::~Environment() {
  PetscFinalize();
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

int Environment::rank() const {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int Environment::size() const {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

}  // namespace msflow
