#pragma once
#include <mpi.h>

namespace msflow {
/// Peak resident set size of this process in bytes (VmHWM from /proc/self/status; 0 if unknown).
double peak_resident_bytes();
/// The largest peak_resident_bytes() over the ranks of comm (collective).
double max_peak_resident_bytes(MPI_Comm comm);
/// What this process may still allocate, in bytes: the machine's MemAvailable, and no more than
/// the address-space limit (ulimit -v) leaves above the current size (+inf if unknown).
double available_bytes();
}  // namespace msflow
