#include "msflow/core/memory.hpp"

#include <fstream>
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

double max_peak_resident_bytes(MPI_Comm comm) {
  double peak = peak_resident_bytes();
  MPI_Allreduce(MPI_IN_PLACE, &peak, 1, MPI_DOUBLE, MPI_MAX, comm);
  return peak;
}

}  // namespace msflow
