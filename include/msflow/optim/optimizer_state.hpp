#pragma once
// Everything an optimization needs to continue bitwise after a restart (docs/method.md,
// "Checkpoints"): the
// parameters, the optimizer state, the iteration, the step scale after non-finite rollbacks,
// the state before the latest step (for the next rollback) and the history so far. Base
// samples are keyed by iteration, so no generator state is needed.
#include <mpi.h>

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <vector>

#include "msflow/io/hdf5.hpp"
#include "msflow/optim/adam.hpp"

namespace msflow::optim {

struct History {
  std::vector<double> iteration, objective, gradient_norm, learning_rate;
  void push(std::int64_t at, double value, double norm, double rate) {
    iteration.push_back(static_cast<double>(at));
    objective.push_back(value);
    gradient_norm.push_back(norm);
    learning_rate.push_back(rate);
  }
  std::size_t size() const { return iteration.size(); }
  void write(MPI_Comm comm, hid_t parent, const std::string& name) const;
  static History read(hid_t parent, const std::string& name);
};

struct OptimizerState {
  explicit OptimizerState(const Eigen::VectorXd& initial)
      : parameters(initial), adam(initial.size()), previous_adam(initial.size()) {}

  /// J(parameters) with ∇J in `gradient`, base samples of draw `draw`.
  using Objective = std::function<double(const Eigen::VectorXd& parameters, std::uint64_t draw,
                                         Eigen::VectorXd& gradient)>;

  /// One Adam iteration at learning rate `rate` × step_scale, recorded in the history
  /// (docs/method.md, "Bad values"): if J or ∇J is not finite, restores the state before the
  /// previous step, halves step_scale, redoes that step and evaluates again, at most `retries`
  /// times in a row; then (or at once, with no previous step) CollectiveError. `on_rollback` gets
  /// the new step scale. The objective must give the same answer on every rank (it is reduced), so
  /// every rank takes the same branch.
  void adam_iteration(const Objective& objective, double rate, int retries,
                      const std::function<void(double)>& on_rollback);

  std::int64_t iteration = 0;  ///< iterations completed
  double step_scale = 1;       ///< halved at each rollback after a non-finite objective
  Eigen::VectorXd parameters;
  Adam adam;
  bool has_previous = false;  ///< the state before the latest step:
  Eigen::VectorXd previous_parameters, previous_gradient;
  Adam previous_adam;
  double previous_learning_rate = 0;
  History history;

  /// FNV-1a over every number of the state (what a checkpoint must give back bit for bit).
  std::uint64_t checksum() const;
  /// Collective write into `file` (replicated state: rank 0's data is written).
  void write(MPI_Comm comm, hid_t file) const;
  /// Reads a state written by write(); InputError if the parameter count differs.
  static OptimizerState read(hid_t file, Eigen::Index parameter_count);
};

}  // namespace msflow::optim
