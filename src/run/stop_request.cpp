#include "msflow/run/stop_request.hpp"

namespace msflow {

namespace {
volatile std::sig_atomic_t g_signal = 0;
extern "C" void record_signal(int number) {
  g_signal = number;
}
// Ctrl-C asks for a checkpoint like SIGTERM; a second Ctrl-C ends the process at once.
extern "C" void record_interrupt(int number) {
  g_signal = number;
  std::signal(SIGINT, SIG_DFL);
}
}  // namespace

StopRequest::StopRequest()
    // The flag is not cleared: a signal that arrived earlier (during start-up) still counts.
    : previous_term_(std::signal(SIGTERM, record_signal)),
      previous_usr1_(std::signal(SIGUSR1, record_signal)),
      previous_int_(std::signal(SIGINT, record_interrupt)) {}

StopRequest::~StopRequest() {
  std::signal(SIGTERM, previous_term_);
  std::signal(SIGUSR1, previous_usr1_);
  std::signal(SIGINT, previous_int_);
}

void StopRequest::release_and_deliver() {
  std::signal(SIGTERM, previous_term_);
  std::signal(SIGUSR1, previous_usr1_);
  std::signal(SIGINT, previous_int_);
  if (g_signal != 0) {
    const int number = g_signal;
    g_signal = 0;
    std::raise(number);  // its ordinary effect, now that the handlers are restored
  }
}

int StopRequest::received_signal() {
  return static_cast<int>(g_signal);
}

bool stop_requested_anywhere(MPI_Comm comm) {
  int flag = g_signal != 0 ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_MAX, comm);
  return flag != 0;
}

}  // namespace msflow
