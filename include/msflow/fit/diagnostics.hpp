#pragma once
// What is learned, summarized: statistics of the learned fast law and errors against a truth.
#include <Eigen/Core>
#include <optional>
#include <vector>

namespace msflow::fit {

/// The pooled one-particle marginal of samples of the fast law, when the fast vector is a list
/// of particles of dimension d (m a multiple of d). b̄ sees the law only through a kernel of
/// range ℓ, so samples far from every x are not constrained by the data and can inflate the
/// moments; the median and the interquartile spread describe the bulk that b̄ does see.
struct ParticleLawStatistics {
  Eigen::MatrixXd pooled;  ///< d × (samples · particles)
  std::vector<double> mean, variance, median;
  std::vector<double> iqr_variance;  ///< (interquartile range / 1.349)², a normal's variance
};

/// `samples`: m × S. Empty if m is not a multiple of d.
std::optional<ParticleLawStatistics> particle_law_statistics(const Eigen::MatrixXd& samples, int d);

/// Mean over `points` grid points of the squared differences of a and b (each points × k values:
/// |b̂ − b̄|² for drifts, the squared Frobenius norm for diffusions).
double mean_squared_error(const std::vector<double>& a, const std::vector<double>& b,
                          std::size_t points);

}  // namespace msflow::fit
