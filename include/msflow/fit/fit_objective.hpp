#pragma once
// J(ϑ) and ∇J over all ranks' transitions: each rank adds its window's part, then one
// MPI_Allreduce of [value, gradient] (DESIGN.md §3.3). Parameters are replicated.
#include <mpi.h>

#include <Eigen/Core>
#include <cstdint>

#include "msflow/fit/estimator.hpp"
#include "msflow/fit/transition_window.hpp"

namespace msflow::fit {

class FitObjective {
 public:
  FitObjective(MPI_Comm comm, AveragedEstimator& estimator, const TransitionWindow& window);

  /// Sets the estimator's parameters and returns J with ∇J in `gradient`, the same on every
  /// rank; `draw` selects the base samples (fresh per Adam iteration, fixed for TAO).
  double evaluate(const Eigen::VectorXd& parameters, std::uint64_t draw, Eigen::VectorXd& gradient);

 private:
  MPI_Comm comm_;
  AveragedEstimator& estimator_;
  const TransitionWindow& window_;
  bool first_rank_;
  Eigen::VectorXd buffer_;  ///< [value, gradient] for the reduction
};

}  // namespace msflow::fit
