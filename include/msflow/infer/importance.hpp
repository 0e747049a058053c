#pragma once
// Importance correction of an approximate posterior (docs/method.md, "Bayesian inference:
// importance correction"): draws u_j of a proposal q (the posterior flow, or the Laplace
// Gaussian) are weighted by r_j = p(u_j)/q(u_j), p ∝ exp(−J), and the weights are stabilized by
// Pareto smoothing (PSIS: Vehtari, Simpson, Gelman, Yao & Gabry, "Pareto smoothed importance
// sampling", JMLR 25, 2024): the largest M = ⌈min(S/5, 3√S)⌉ ratios are replaced by the expected
// order statistics of a generalized Pareto distribution fitted to them (Zhang & Stephens 2009,
// with the weakly informative prior on its shape), then capped at the largest raw ratio. The
// fitted shape k̂ is the diagnostic: below min(1 − 1/log10 S, 0.7) the corrected estimates are
// reliable; above it q misses too much of the posterior's tails for any reweighting to repair.
#include <cstddef>
#include <vector>

namespace msflow::infer {

/// A generalized Pareto distribution of exceedances x ≥ 0: F(x) = 1 − (1 + k x/σ)^(−1/k).
struct GeneralizedPareto {
  double k = 0;      ///< shape (> 0: heavy tail with finite moments of order < 1/k)
  double sigma = 0;  ///< scale
  /// The quantile at probability p in [0, 1).
  double quantile(double p) const;
};

/// The Zhang–Stephens estimate of (k, σ) from positive exceedances (at least 5), shrunk towards
/// k = 1/2 by the weakly informative prior of PSIS (weight 10 draws). Throws std::invalid_argument
/// on fewer than 5 values, a non-finite one or a non-positive largest one.
GeneralizedPareto fit_generalized_pareto(std::vector<double> exceedances);

/// The fewest draws pareto_smoothed_weights takes: its tail of ⌈min(S/5, 3√S)⌉ draws must hold
/// the 5 values the Pareto fit needs.
inline constexpr std::size_t kMinimumDraws = 25;

struct ImportanceWeights {
  std::vector<double> weights;  ///< normalized (sum 1), in the order of the log ratios
  double pareto_k = 0;          ///< k̂ of the tail; −∞ if the tail is flat (all ratios equal)
  double effective_size = 0;    ///< 1 / Σ w², of the smoothed weights
  double raw_effective_size = 0;  ///< the same for the unsmoothed weights
};

/// Pareto-smoothed normalized weights of the log ratios ln p(u_j) − ln q(u_j) (any common
/// constant cancels; −∞ where p is 0 gives weight 0). Needs at least kMinimumDraws values of
/// which 10 finite; throws std::invalid_argument otherwise and on NaN or +∞.
ImportanceWeights pareto_smoothed_weights(const std::vector<double>& log_ratios);

/// The k̂ above which the corrected estimates from `draws` draws are unreliable:
/// min(1 − 1/log10(draws), 0.7).
double pareto_k_threshold(std::size_t draws);

/// Systematic resampling: `count` indices into `weights` (normalized), the i-th at the point
/// (i + uniform)/count of the cumulative weights, uniform in [0, 1). Index j appears
/// ⌊count·w_j⌋ or ⌈count·w_j⌉ times (up to rounding); the indices are non-decreasing.
std::vector<std::size_t> systematic_resample(const std::vector<double>& weights, std::size_t count,
                                             double uniform);

}  // namespace msflow::infer
