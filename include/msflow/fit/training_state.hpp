#pragma once
// Everything an Adam fit needs to continue bitwise after a restart (DESIGN.md §3.4): the
// parameters, the optimizer state, the iteration, the step scale after non-finite rollbacks,
// the state before the latest step (for the next rollback) and the history so far. Base
// samples are keyed by iteration, so no generator state is needed.
#include <mpi.h>

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "msflow/io/hdf5.hpp"
#include "msflow/optim/adam.hpp"

namespace msflow::fit {

struct TrainingHistory {
  std::vector<double> iteration, objective, gradient_norm, learning_rate;
  void push(std::int64_t at, double value, double norm, double rate) {
    iteration.push_back(static_cast<double>(at));
    objective.push_back(value);
    gradient_norm.push_back(norm);
    learning_rate.push_back(rate);
  }
  std::size_t size() const { return iteration.size(); }
  void write(MPI_Comm comm, hid_t parent, const std::string& name) const;
  static TrainingHistory read(hid_t parent, const std::string& name);
};

struct TrainingState {
  explicit TrainingState(const Eigen::VectorXd& initial)
      : parameters(initial), adam(initial.size()), previous_adam(initial.size()) {}

  std::int64_t iteration = 0;  ///< iterations completed
  double step_scale = 1;       ///< halved at each rollback after a non-finite objective
  Eigen::VectorXd parameters;
  optim::Adam adam;
  bool has_previous = false;  ///< the state before the latest step:
  Eigen::VectorXd previous_parameters, previous_gradient;
  optim::Adam previous_adam;
  double previous_learning_rate = 0;
  TrainingHistory history;

  /// Collective write into `file` (replicated state: rank 0's data is written).
  void write(MPI_Comm comm, hid_t file) const;
  /// Reads a state written by write(); InputError if the parameter count differs.
  static TrainingState read(hid_t file, Eigen::Index parameter_count);
};

}  // namespace msflow::fit
