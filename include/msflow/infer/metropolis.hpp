#pragma once
// The reference sampler (docs/method.md, "Bayesian inference: the Metropolis reference"):
// random-walk Metropolis on the posterior exp(−J(ϑ(u))) in the preconditioned coordinates u of a
// PosteriorSpace (the Laplace approximation is N(0, I) there), with the fit's base samples
// (draw 0) fixed, so the target is a fixed density. Chain c starts at a draw of N(0, I), is run
// by draw group c mod G, and adapts its proposal scale during the burn-in towards an acceptance
// of 0.234 (Robbins–Monro on ln s); after the burn-in the chain is a plain Metropolis chain.
// Every number is keyed by (chain, step), so the chains are the same bits on any layout.
#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <vector>

#include "msflow/infer/draw_groups.hpp"

namespace msflow::infer {

struct MetropolisSettings {
  int chains = 4;
  std::int64_t steps = 2000, burnin = 500;
  std::uint64_t seed = 1;
};

struct ChainSummary {
  std::vector<Eigen::MatrixXd> samples;  ///< per chain: k × steps after the burn-in
  std::vector<double> acceptance;        ///< per chain, after the burn-in
  std::vector<double> scale;             ///< per chain: the adapted proposal scale
  Eigen::VectorXd ess;                   ///< per coordinate, over all chains (Geyer)
  Eigen::VectorXd rhat;                  ///< per coordinate (Gelman–Rubin; 1 with one chain)
  Eigen::MatrixXd pooled() const;        ///< k × (chains · steps)
};

/// `energy(u)`: J(ϑ(u)) on this rank's group (collective over the group). Collective over the
/// world; the same result on every rank. `stop()`: polled on every rank every 50 steps
/// (collectively agreed), returns true to stop early (the summary then covers fewer steps).
ChainSummary run_metropolis(const DrawGroups& groups, int dim, const MetropolisSettings& settings,
                            const std::function<double(const Eigen::VectorXd& u)>& energy,
                            const std::function<bool(std::int64_t step)>& stop);

/// Effective sample size of one coordinate over chains of equal length: Geyer's initial
/// monotone positive sequence on the chains' averaged autocorrelations.
double effective_sample_size(const std::vector<std::vector<double>>& chains);

}  // namespace msflow::infer
