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

template <class Step>
auto collectively(MPI_Comm comm, Step&& step) -> decltype(step()) {
  using Result = decltype(step());
  bool failed = false;
  std::string message;
  int status = kExitSuccess;
  if constexpr (std::is_void_v<Result>) {
    try {
      step();
    } catch (const CollectiveError& e) {
      failed = true, message = e.what(), status = e.exit_status();
    } catch (const InputError& e) {
      failed = true, message = e.what(), status = kExitInputError;
    } catch (const std::exception& e) {
      failed = true, message = e.what(), status = kExitInternalError;
    }
    agree_on_failure(comm, failed, message, status);
  } else {
    Result result{};
    try {
      result = step();
    } catch (const CollectiveError& e) {
      failed = true, message = e.what(), status = e.exit_status();
    } catch (const InputError& e) {
      failed = true, message = e.what(), status = kExitInputError;
    } catch (const std::exception& e) {
      failed = true, message = e.what(), status = kExitInternalError;
    }
    agree_on_failure(comm, failed, message, status);
    return result;
  }
}

}  // namespace msflow
