#pragma once
// "Validate collectively": run a step on every rank; if it throws on any rank, every rank throws
// the same CollectiveError (the message of the lowest failing rank), so no rank is left waiting
// in a later collective and the driver can report once and exit cleanly.
#include <mpi.h>

#include <string>
#include <type_traits>
#include <utility>

#include "msflow/core/error.hpp"

namespace msflow {

/// Agrees on failure: `failed` ranks contribute their message; if any rank failed, every rank
/// throws CollectiveError with the first failing rank's message and exit status.
void agree_on_failure(MPI_Comm comm, bool failed, const std::string& message, int exit_status);

/// What a failed step reports: the message and the exit status of the exception in flight.
struct Failure {
  std::string message;
  int status = kExitSuccess;
};
/// Classifies the current exception (call inside a catch block): CollectiveError keeps its
/// status, InputError is 2, running out of memory and every other exception 1.
Failure current_failure();

template <class Step>
auto collectively(MPI_Comm comm, Step&& step) -> decltype(step()) {
  using Result = decltype(step());
  Failure failure;
  if constexpr (std::is_void_v<Result>) {
    try {
      step();
    } catch (...) {
      failure = current_failure();
    }
    agree_on_failure(comm, failure.status != kExitSuccess, failure.message, failure.status);
  } else {
    Result result{};
    try {
      result = step();
    } catch (...) {
      failure = current_failure();
    }
    agree_on_failure(comm, failure.status != kExitSuccess, failure.message, failure.status);
    return result;
  }
}

}  // namespace msflow
