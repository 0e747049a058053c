#include "msflow/core/timer.hpp"

#include <cstdio>

namespace msflow {

PhaseTimer::Scope::Scope(PhaseTimer& timer, std::string name)
    : timer_(timer), name_(std::move(name)), start_(MPI_Wtime()) {}

PhaseTimer::Scope::~Scope() {
  timer_.add(name_, MPI_Wtime() - start_);
}

void PhaseTimer::add(const std::string& name, double seconds) {
  for (auto& [phase, total] : phases_)
    if (phase == name) {
      total += seconds;
      return;
    }
  phases_.emplace_back(name, seconds);
}

std::string PhaseTimer::summary(MPI_Comm comm) const {
  std::vector<double> local, global(phases_.size());
  double all = 0;
  for (const auto& phase : phases_)
    local.push_back(phase.second), all += phase.second;
  MPI_Allreduce(local.data(), global.data(), static_cast<int>(local.size()), MPI_DOUBLE, MPI_MAX,
                comm);
  MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_DOUBLE, MPI_MAX, comm);
  std::string table = "phase                              wall time (max over ranks)\n";
  char row[128];
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    std::snprintf(row, sizeof row, "  %-32s %10.3f s  %5.1f%%\n", phases_[i].first.c_str(),
                  global[i], all > 0 ? 100 * global[i] / all : 0.0);
    table += row;
  }
  return table;
}

}  // namespace msflow
