#pragma once
// Rank-0 console output: every rank may call; only rank 0 of the communicator prints.
#include <mpi.h>

#include <iostream>
#include <sstream>
#include <string>

namespace msflow {

class RootLog {
 public:
  explicit RootLog(MPI_Comm comm);
  bool is_root() const { return root_; }
  /// Prints one line (a newline is appended) on rank 0 and flushes.
  void line(const std::string& text) const;
  template <class... Args>
  void print(const Args&... args) const {
    if (!root_) return;
    std::ostringstream out;
    (out << ... << args);
    line(out.str());
  }

 private:
  bool root_ = false;
};

/// A number in %g style with the given significant digits ("0.001", "6.3e+07").
std::string format_number(double value, int significant_digits = 6);

/// Seconds as a short human string ("3.2 s", "4 min 10 s", "2 h 5 min").
std::string format_duration(double seconds);

}  // namespace msflow
