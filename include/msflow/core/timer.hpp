#pragma once
// Phase timers in the spirit of deal.II's TimerOutput: named phases accumulate wall time and a
// summary table is printed by rank 0 at the end of a run.
#include <mpi.h>

#include <string>
#include <utility>
#include <vector>

namespace msflow {

class PhaseTimer {
 public:
  /// Starts timing `name` until the returned Scope is destroyed.
  class Scope {
   public:
    Scope(PhaseTimer& timer, std::string name);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    PhaseTimer& timer_;
    std::string name_;
    double start_;
  };
  Scope scope(std::string name) { return Scope(*this, std::move(name)); }
  void add(const std::string& name, double seconds);
  /// Each phase's wall time, the maximum over ranks (call on every rank; collective).
  std::vector<std::pair<std::string, double>> max_over_ranks(MPI_Comm comm) const;
  /// max_over_ranks() as a table (collective).
  std::string summary(MPI_Comm comm) const;

 private:
  std::vector<std::pair<std::string, double>> phases_;
};

}  // namespace msflow
