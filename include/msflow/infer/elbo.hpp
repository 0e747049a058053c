#pragma once
// The evidence lower bound of a posterior flow u = G_ψ(ε), ε ~ N(0, I_k) (docs/method.md,
// "Bayesian inference"):
//   ELBO(ψ) = E_ε[ −J(ϑ(G_ψ(ε))) − ln q_ψ(G_ψ(ε)) ],   ln q_ψ(G_ψ(ε)) = ln N(ε) − ln|det ∂G/∂ε|,
// J = −ln L − ln p the fit's objective (its priors included) at ϑ(u) of a PosteriorSpace. Each
// evaluation uses K draws ε_1..K of a counter-based stream of the iteration; draw k is computed
// by draw group k mod G on the transitions of its ranks, with base samples of the invariant-law
// flow of its own (resample) or the fit's draw 0. Reparameterization gradient: ∂/∂ψ of
// (1/K) Σ_k [J(ϑ(u_k)) − ln|det ∂G/∂ε|(ε_k)], through J's pull-back to u and the posterior flow's
// reverse pass (its log-determinant included).
#include <Eigen/Core>
#include <cstdint>

#include "msflow/fit/objective.hpp"
#include "msflow/flow/flow.hpp"
#include "msflow/infer/draw_groups.hpp"
#include "msflow/infer/posterior_space.hpp"

namespace msflow::infer {

/// Draws of an approximate posterior with their log-density: the proposals of the importance
/// correction (include/msflow/infer/importance.hpp).
struct Proposals {
  Eigen::MatrixXd u;            ///< k × count
  Eigen::VectorXd log_density;  ///< ln q(u_j), up to a constant common to all j
};

struct ElboEstimate {
  double value = 0;           ///< the Monte Carlo mean of the ELBO
  double standard_error = 0;  ///< its standard error (sd over draws / √K)
};

class Elbo {
 public:
  /// `objective`: this rank's group's (over its transitions); `posterior`: the flow q_ψ over u.
  Elbo(fit::Objective& objective, const PosteriorSpace& space, flow::Flow& posterior,
       const DrawGroups& groups, int draws, bool resample, std::uint64_t seed);

  /// −ELBO at ψ with the draws of `iteration` (an estimate; same bits on every rank and every
  /// layout), its ψ-gradient in `gradient`. Collective over the world.
  double negative(const Eigen::VectorXd& psi, std::uint64_t iteration, Eigen::VectorXd& gradient);
  /// The ELBO at ψ from `draws` draws of its own stream, with the standard error. Collective.
  ElboEstimate estimate(const Eigen::VectorXd& psi, int draws);

  /// u = G_ψ(ε) for the `count` draws of stream (kInferSamples, a = stream): k × count.
  Eigen::MatrixXd sample(const Eigen::VectorXd& psi, std::uint64_t stream, int count);
  /// The same draws of stream (kInferSamples, a = 0) as sample(ψ, 0, count), with ln q_ψ(u).
  Proposals propose(const Eigen::VectorXd& psi, int count);

 private:
  /// Per draw: [J_k, ∂J/∂u_k] computed by the owning groups and shared, and the draws' ln|det|.
  struct Draws {
    Eigen::MatrixXd u;         // k × K
    Eigen::VectorXd logdet;    // K
    Eigen::MatrixXd epsilon;   // k × K
    std::vector<double> rows;  // K × (1 + k)
  };
  Draws evaluate_draws(const Eigen::VectorXd& psi, Eigen::MatrixXd epsilon,
                       const std::function<std::uint64_t(int)>& inner_draw);
  std::uint64_t inner_draw(std::uint64_t iteration, int k) const;

  fit::Objective& objective_;
  const PosteriorSpace& space_;
  flow::Flow& posterior_;
  const DrawGroups& groups_;
  int draws_;
  bool resample_;
  std::uint64_t seed_;
};

}  // namespace msflow::infer
