#include "msflow/core/log.hpp"

#include <cmath>
#include <cstdio>

namespace msflow {

RootLog::RootLog(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  root_ = rank == 0;
}

void RootLog::line(const std::string& text) const {
  if (root_) std::cout << text << std::endl;
}

std::string format_number(double value, int significant_digits) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.*g", significant_digits, value);
  return buffer;
}

std::string format_duration(double seconds) {
  char buffer[64];
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.1f s", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buffer, sizeof buffer, "%d min %02d s", static_cast<int>(seconds / 60),
                  static_cast<int>(std::fmod(seconds, 60.0)));
  } else {
    std::snprintf(buffer, sizeof buffer, "%d h %02d min", static_cast<int>(seconds / 3600),
                  static_cast<int>(std::fmod(seconds, 3600.0) / 60));
  }
  return buffer;
}

}  // namespace msflow
