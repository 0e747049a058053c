#pragma once
#include <mpi.h>

namespace msflow {
/// Peak resident set size of this process in bytes (VmHWM from /proc/self/status; 0 if unknown).
double peak_resident_bytes();
/// The largest peak_resident_bytes() over the ranks of comm (collective).
double max_peak_resident_bytes(MPI_Comm comm);
}  // namespace msflow
