#include "msflow/core/memory.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <string>

namespace msflow {

double peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      double kibibytes = 0;
      status >> kibibytes;
      return kibibytes * 1024;
    }
    std::getline(status, key);
  }
  return 0;
}

namespace {
/// The value of `key` (in kB) in a /proc file, in bytes (negative if absent).
double proc_kilobytes(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string name;
  while (in >> name) {
    if (name == key) {
      double kibibytes = 0;
      in >> kibibytes;
      return kibibytes * 1024;
    }
    std::getline(in, name);
  }
  return -1;
}
}  // namespace

double available_bytes() {
  double available = std::numeric_limits<double>::infinity();
  const double free = proc_kilobytes("/proc/meminfo", "MemAvailable:");
  if (free >= 0) available = free;
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const double size = std::max(0.0, proc_kilobytes("/proc/self/status", "VmSize:"));
    available = std::min(available, static_cast<double>(limit.rlim_cur) - size);
  }
  return available;
}

double max_peak_resident_bytes(MPI_Comm comm) {
  double peak = peak_resident_bytes();
  MPI_Allreduce(MPI_IN_PLACE, &peak, 1, MPI_DOUBLE, MPI_MAX, comm);
  return peak;
}

}  // namespace msflow
