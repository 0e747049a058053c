#pragma once
#include <stdexcept>
#include <string>

namespace msflow {

/// Process exit statuses (documented in the README).
enum ExitStatus : int {
  kExitSuccess = 0,
  kExitInternalError = 1,  ///< a bug or an environment failure (MPI, I/O)
  kExitInputError = 2,     ///< bad options, bad input files, bad values
  kExitResumeMe = 3,       ///< stopped by SIGTERM/SIGUSR1 after a checkpoint: rerun with resume
};

/// An error the user can fix: bad option, bad file, bad value. One message, exit status 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An error that every rank of a communicator has agreed on (see parallel/collective.hpp), so the
/// driver may report it once and exit normally instead of aborting the communicator.
class CollectiveError : public std::runtime_error {
 public:
  CollectiveError(const std::string& message, int exit_status)
      : std::runtime_error(message), exit_status_(exit_status) {}
  int exit_status() const { return exit_status_; }

 private:
  int exit_status_;
};

/// Throws InputError(message) unless condition holds.
inline void require(bool condition, const std::string& message) {
  if (!condition) throw InputError(message);
}

}  // namespace msflow
