#include "msflow/run/stop_request.hpp"

#include <csignal>

namespace msflow {

namespace {
volatile std::sig_atomic_t g_signal = 0;
extern "C" void record_signal(int number) {
  g_signal = number;
}
using Handler = void (*)(int);
Handler g_previous_term = SIG_DFL, g_previous_usr1 = SIG_DFL;
}  // namespace

StopRequest::StopRequest() {
  // The flag is not cleared: a signal that arrived earlier (during start-up) still counts.
  g_previous_term = std::signal(SIGTERM, record_signal);
  g_previous_usr1 = std::signal(SIGUSR1, record_signal);
}

StopRequest::~StopRequest() {
  std::signal(SIGTERM, g_previous_term);
  std::signal(SIGUSR1, g_previous_usr1);
}

bool StopRequest::requested_anywhere(MPI_Comm comm) const {
  int flag = g_signal != 0 ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_MAX, comm);
  return flag != 0;
}

int StopRequest::received_signal() {
  return static_cast<int>(g_signal);
}

}  // namespace msflow
