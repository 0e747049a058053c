#pragma once
// J(ϑ) and ∇J over all ranks' transitions, the same on every rank (DESIGN.md §3.3).
// Parameters are replicated. Two ways to average (`[fit] averaging`, DESIGN.md §4):
//   exact         b̄, Σ̄ by Monte Carlo at every observation: each rank adds its window's part
//                 of [value, gradient], then one Allreduce of [value, gradient].
//   interpolated  b̄, Σ̄ by Monte Carlo at the nodes of a grid over the visited box,
//                 interpolated to the observations. Each rank averages a block of the nodes
//                 (Allgatherv), adds its transitions' part of [value, ∂J/∂(node b̄, Σ̄)]
//                 (Allreduce), pulls its nodes' adjoints back through the estimator
//                 (Allreduce of [penalty, gradient]). With a fixed, uniform Σ̄ (known σ) the
//                 likelihood comes from the transitions' moments per cell, summed over ranks
//                 once (fit/transition_moments.hpp): no pass over the transitions and no
//                 reduction of node adjoints.
#include <mpi.h>

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "msflow/core/grid.hpp"
#include "msflow/core/options.hpp"
#include "msflow/fit/estimator.hpp"
#include "msflow/fit/interpolation_grid.hpp"
#include "msflow/fit/transition_moments.hpp"
#include "msflow/fit/transition_window.hpp"
#include "msflow/parallel/partition.hpp"

namespace msflow::fit {

class FitObjective {
 public:
  virtual ~FitObjective() = default;
  /// Sets the estimator's parameters and returns J with ∇J in `gradient`, the same on every
  /// rank; `draw` selects the base samples (fresh per Adam iteration, fixed for TAO).
  virtual double evaluate(const Eigen::VectorXd& parameters, std::uint64_t draw,
                          Eigen::VectorXd& gradient) = 0;
  /// One line for the log: how b̄, Σ̄ are averaged.
  virtual std::string describe() const = 0;
};

class ExactAveragingObjective : public FitObjective {
 public:
  ExactAveragingObjective(MPI_Comm comm, AveragedEstimator& estimator,
                          const TransitionWindow& window);
  double evaluate(const Eigen::VectorXd& parameters, std::uint64_t draw,
                  Eigen::VectorXd& gradient) override;
  std::string describe() const override;

 private:
  MPI_Comm comm_;
  AveragedEstimator& estimator_;
  const TransitionWindow& window_;
  bool first_rank_;
  Eigen::VectorXd buffer_;  ///< [value, gradient] for the reduction
};

/// Largest |interpolated − Monte Carlo| over the cell centres, of b̄ components and Σ̄ entries.
struct InterpolationError {
  double drift = 0, diffusion = 0;
};

class InterpolatedAveragingObjective : public FitObjective {
 public:
  InterpolatedAveragingObjective(MPI_Comm comm, AveragedEstimator& estimator,
                                 const TransitionWindow& window, InterpolationGrid grid);
  double evaluate(const Eigen::VectorXd& parameters, std::uint64_t draw,
                  Eigen::VectorXd& gradient) override;
  std::string describe() const override;

  const InterpolationGrid& grid() const { return grid_; }
  /// The interpolation error at the estimator's current parameters with base samples `draw`.
  InterpolationError interpolation_error(std::uint64_t draw) const;
  /// interpolation_error(0) at the parameters the estimator had when this was constructed.
  const InterpolationError& start_error() const { return start_error_; }
  /// Whether evaluations use the transitions' moments instead of a pass over them.
  bool uses_moments() const { return moments_.has_value(); }

 private:
  /// The pass over every rank's transitions, then the Allreduce of buffer_.
  void evaluate_transitions(double* drift_adjoint, double* diffusion_adjoint);
  /// node_drift_, node_diffusion_ at all nodes: each rank averages its block, then Allgatherv.
  void gather_node_averages(std::uint64_t draw);

  MPI_Comm comm_;
  AveragedEstimator& estimator_;
  const TransitionWindow& window_;
  InterpolationGrid grid_;
  std::vector<double> node_weights_;  ///< share of the transitions per node (linear weights)
  double log_dt_sum_ = 0;             ///< Σ ln Δ_k over this rank's transitions
  InterpolationError start_error_;
  std::optional<TransitionMoments> moments_;  ///< set when Σ̄ is fixed and they are affordable
  bool first_rank_ = true;
  IndexRange my_nodes_;  ///< this rank's block of nodes
  std::vector<double> my_points_, my_weights_;
  std::vector<int> node_counts_, node_displacements_;  ///< every rank's block
  std::vector<double> node_drift_, node_diffusion_, buffer_;
};

/// The objective chosen by `[fit] averaging`. Interpolated with `[fit] nodes = auto`: the
/// coarsest grid (32, 64, … intervals per axis; d = 3: 16, 32) whose interpolation error at the
/// current parameters is within a tenth of `[fit] tolerance`. `visited`: the observations' bounding
/// box.
std::unique_ptr<FitObjective> make_objective(const Config& config, MPI_Comm comm,
                                             AveragedEstimator& estimator,
                                             const TransitionWindow& window, const Box& visited);

}  // namespace msflow::fit
