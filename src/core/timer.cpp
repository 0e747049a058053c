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

std::vector<std::pair<std::string, double>> PhaseTimer::max_over_ranks(MPI_Comm comm) const {
  std::vector<double> seconds;
  for (const auto& phase : phases_)
    seconds.push_back(phase.second);
  MPI_Allreduce(MPI_IN_PLACE, seconds.data(), static_cast<int>(seconds.size()), MPI_DOUBLE, MPI_MAX,
                comm);
  std::vector<std::pair<std::string, double>> phases;
  for (std::size_t i = 0; i < phases_.size(); ++i)
    phases.emplace_back(phases_[i].first, seconds[i]);
  return phases;
}

std::string PhaseTimer::summary(MPI_Comm comm) const {
  const auto phases = max_over_ranks(comm);
  double all = 0;
  for (const auto& phase : phases_)
    all += phase.second;
  MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_DOUBLE, MPI_MAX, comm);
  std::string table = "phase                              wall time (max over ranks)\n";
  char row[128];
  for (const auto& [name, seconds] : phases) {
    std::snprintf(row, sizeof row, "  %-32s %10.3f s  %5.1f%%\n", name.c_str(), seconds,
                  all > 0 ? 100 * seconds / all : 0.0);
    table += row;
  }
  return table;
}

}  // namespace msflow
