#include "msflow/parallel/collective.hpp"

#include <new>
#include <vector>

namespace msflow {

Failure current_failure() {
  try {
    throw;
  } catch (const CollectiveError& e) {
    return {e.what(), e.exit_status()};
  } catch (const InputError& e) {
    return {e.what(), kExitInputError};
  } catch (const std::bad_alloc&) {
    return {
        "out of memory (a rank could not allocate what this run needs; use fewer samples, "
        "a smaller grid, or more memory per rank)",
        kExitInternalError};
  } catch (const std::exception& e) {
    return {e.what(), kExitInternalError};
  } catch (...) {
    return {"unknown error", kExitInternalError};
  }
}

void agree_on_failure(MPI_Comm comm, bool failed, const std::string& message, int exit_status) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int first_failed = failed ? rank : size;
  MPI_Allreduce(MPI_IN_PLACE, &first_failed, 1, MPI_INT, MPI_MIN, comm);
  if (first_failed == size) return;
  int header[2] = {static_cast<int>(message.size()), exit_status};
  MPI_Bcast(header, 2, MPI_INT, first_failed, comm);
  std::vector<char> text(message.begin(), message.end());
  text.resize(static_cast<std::size_t>(header[0]));
  MPI_Bcast(text.data(), header[0], MPI_CHAR, first_failed, comm);
  throw CollectiveError(std::string(text.begin(), text.end()), header[1]);
}

}  // namespace msflow
