#pragma once
// The data term of every objective: the Euler–Maruyama likelihood of the averaged model over all
// ranks' transitions (docs/method.md, "The likelihood"),
//   −ln L(ϑ) = Σ_k ½ r_kᵀ (Σ̄_k Δ_k)⁻¹ r_k + ½ ln det(2π Σ̄_k Δ_k),   r_k = Δx_k − b̄(x_k) Δ_k,
// written once (fit/gaussian_transition.hpp) and evaluated in one of two ways:
//   exact         b̄, Σ̄ by Monte Carlo at every observation;
//   interpolated  b̄, Σ̄ by Monte Carlo at the nodes of a grid over the visited box, interpolated
//                 to the observations (with a fixed Σ̄: from the transitions' moments per cell).
// Every sum goes over fixed blocks (of transitions, of nodes) into an ExactSum, so the result is
// bitwise the same on any number of ranks.
#include <mpi.h>

#include <Eigen/Core>
#include <memory>
#include <string>

#include "msflow/core/grid.hpp"
#include "msflow/fit/averaged_model.hpp"
#include "msflow/fit/transition_window.hpp"

namespace msflow::fit {

/// The density of one transition: Euler–Maruyama (the paper's), or Gaussian with the Itô–Taylor
/// mean and covariance to O(Δ²) (fit/second_order_transition.hpp; interpolated averaging and a
/// Σ̄ that does not depend on x).
enum class TransitionDensity { kEuler, kSecondOrder };

/// What a likelihood evaluation sums over all ranks.
struct DataTermSums {
  double negative_log_likelihood = 0;
  double moment_penalty = 0;  ///< the point-dependent part (conditional flows)
  Eigen::VectorXd adjoint;    ///< the model's reducible adjoint, for AveragedModel::finish
};

class Likelihood {
 public:
  virtual ~Likelihood() = default;
  /// Collective; `model` has begun an evaluation (AveragedModel::begin). The same bits on every
  /// rank.
  virtual DataTermSums evaluate(AveragedModel& model) = 0;
  /// One line for the log: how b̄, Σ̄ are averaged.
  virtual std::string describe() const = 0;
  /// "exact" or "interpolated".
  virtual std::string averaging() const = 0;
  const TransitionWindow& window() const { return *window_; }

 protected:
  explicit Likelihood(std::shared_ptr<const TransitionWindow> window)
      : window_(std::move(window)) {}
  std::shared_ptr<const TransitionWindow> window_;
};

/// b̄, Σ̄ by Monte Carlo at every observation: each rank pulls back its blocks of transitions.
class ExactLikelihood final : public Likelihood {
 public:
  ExactLikelihood(MPI_Comm comm, std::shared_ptr<const TransitionWindow> window);
  DataTermSums evaluate(AveragedModel& model) override;
  std::string describe() const override;
  std::string averaging() const override { return "exact"; }

 private:
  MPI_Comm comm_;
};

}  // namespace msflow::fit
