#include "msflow/run/run_observer.hpp"

#include <cmath>

#include "msflow/run/stop_request.hpp"

namespace msflow {

RunObserver::RunObserver(MPI_Comm comm, const RootLog& log, ProgressSettings settings,
                         std::int64_t first_iteration, Save save_checkpoint)
    : comm_(comm),
      log_(log),
      settings_(settings),
      first_iteration_(first_iteration),
      last_iteration_(first_iteration),
      save_(std::move(save_checkpoint)),
      start_(MPI_Wtime()),
      last_report_(start_) {}

bool RunObserver::after_iteration(const optim::IterationReport& report,
                                  const optim::OptimizerState& state) {
  last_iteration_ = report.iteration;
  const double now = MPI_Wtime();
  const bool last = report.iteration >= settings_.iterations;
  if (log_.is_root() && settings_.interval > 0 &&
      (last || now - last_report_ >= settings_.interval)) {
    last_report_ = now;
    const double per_iteration =
        (now - start_) / static_cast<double>(report.iteration - first_iteration_);
    const double scaled = report.value / settings_.per;
    std::string change;
    if (last_reported_iteration_ >= 0 && report.iteration > last_reported_iteration_)
      change = "  (" +
               format_number((scaled - last_reported_value_) /
                                 static_cast<double>(report.iteration - last_reported_iteration_),
                             2) +
               " per it)";
    log_.print("  it ", report.iteration, "/", settings_.iterations,
               "  J/M = ", format_number(scaled, 8), change,
               "  |grad J| = ", format_number(report.gradient_norm, 3), "  ",
               format_number(per_iteration, 3), " s/it  ETA ",
               format_duration(per_iteration *
                               static_cast<double>(settings_.iterations - report.iteration)));
    last_reported_value_ = scaled;
    last_reported_iteration_ = report.iteration;
  }
  if (stop_requested_anywhere(comm_)) {
    stopped_by_signal_ = true;
    return true;
  }
  if (settings_.checkpoint_every > 0 && report.iteration % settings_.checkpoint_every == 0 && !last)
    save_(state);
  return false;
}

void RunObserver::rolled_back(std::int64_t iteration, double scale) {
  log_.print("  it ", iteration, ": non-finite objective; rolled back, step scale ",
             format_number(scale));
}

}  // namespace msflow
