#pragma once
// A parameterized averaged model: parameters ϑ ↦ b̄_ϑ(x), Σ̄_ϑ(x), and its share of the fit
// objective J(ϑ) = −ln L(ϑ) (+ penalty) over one rank's transitions (DESIGN.md §1.4, §1.6).
#include <mpi.h>

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "msflow/core/options.hpp"
#include "msflow/fit/transition_window.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/model/model.hpp"

namespace msflow::fit {

class AveragedEstimator {
 public:
  virtual ~AveragedEstimator() = default;
  virtual std::string kind() const = 0;  ///< "flow" or "unstructured"
  virtual Eigen::Index parameter_count() const = 0;
  virtual Eigen::VectorXd parameters() const = 0;
  virtual void set_parameters(const Eigen::VectorXd& parameters) = 0;

  /// This rank's part of J over `window`, using base-sample draw `draw`; ADDS its part of ∇J
  /// to `gradient`. Terms that must be counted once (the decoupled flow's moment penalty, the
  /// weight decay) are added only when `count_shared_terms` (rank 0).
  virtual double local_objective(const TransitionWindow& window, std::uint64_t draw,
                                 bool count_shared_terms, Eigen::VectorXd& gradient) = 0;

  /// Whether Σ̄ is the same for every ϑ (the usual known σ): then ∂J/∂Σ̄ is never needed.
  virtual bool diffusion_is_fixed() const = 0;

  /// b̄ (K×d) and Σ̄ (K×d×d) at `points` (K×d) with the training base samples of `draw`: the
  /// averages that local_objective uses, for interpolated averaging (fit/fit_objective.hpp).
  virtual void averages_at(const std::vector<double>& points, std::uint64_t draw,
                           std::vector<double>& drift, std::vector<double>& diffusion) = 0;

  /// Reverse mode of averages_at: ADDS Σ_j ⟨adjoint_j, ∂(b̄_j, Σ̄_j)/∂ϑ⟩ to `gradient`, plus the
  /// moment penalty and its gradient (a conditional flow's penalty is the sum over the points
  /// weighted by `point_weights`, which sum to 1 over all ranks' points; a decoupled flow's is
  /// added only when `count_shared_terms`) and the weight decay (only when
  /// `count_shared_terms`); returns the penalties.
  virtual double pull_back_averages(const std::vector<double>& points, std::uint64_t draw,
                                    const std::vector<double>& drift_adjoint,
                                    const std::vector<double>& diffusion_adjoint,
                                    const std::vector<double>& point_weights,
                                    bool count_shared_terms, Eigen::VectorXd& gradient) = 0;

  /// b̄ (G×d) and Σ̄ (G×d×d) at `points` (G×d), with the evaluation samples.
  virtual void evaluate(const std::vector<double>& points, std::vector<double>& drift,
                        std::vector<double>& diffusion) = 0;

  /// Stores what was learned under `file` (collective; the estimator is replicated).
  virtual void write(MPI_Comm comm, hid_t file) = 0;

  /// One line per learned physical parameter, "A = 1.02", for the log (empty if none).
  virtual std::string describe_physical_parameters() const { return ""; }

  /// The terms added to −ln L, one line for the log ("penalties: moment 1·mean|T(z)|^2 …").
  virtual std::string describe_penalties() const = 0;
};

/// The estimator chosen by --fit.model for `model` (which it may modify: learned η).
std::unique_ptr<AveragedEstimator> make_estimator(const Config& config, Model& model,
                                                  std::size_t total_transitions);

}  // namespace msflow::fit
