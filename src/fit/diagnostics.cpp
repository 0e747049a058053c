#include "msflow/fit/diagnostics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace msflow::fit {

std::optional<ParticleLawStatistics> particle_law_statistics(const Eigen::MatrixXd& samples,
                                                             int d) {
  const Eigen::Index m = samples.rows();
  if (m == 0 || m % d != 0) return std::nullopt;
  ParticleLawStatistics stats;
  const Eigen::Index particles = m / d;
  stats.pooled = Eigen::Map<const Eigen::MatrixXd>(samples.data(), d, samples.cols() * particles);
  const Eigen::VectorXd mean = stats.pooled.rowwise().mean();
  const Eigen::MatrixXd centred = stats.pooled.colwise() - mean;
  const Eigen::VectorXd variance =
      centred.rowwise().squaredNorm() / static_cast<double>(stats.pooled.cols());
  for (int a = 0; a < d; ++a) {
    stats.mean.push_back(mean[a]);
    stats.variance.push_back(variance[a]);
    std::vector<double> axis(static_cast<std::size_t>(stats.pooled.cols()));
    for (Eigen::Index j = 0; j < stats.pooled.cols(); ++j)
      axis[static_cast<std::size_t>(j)] = stats.pooled(a, j);
    std::sort(axis.begin(), axis.end());
    const auto quantile = [&axis](double q) {
      return axis[static_cast<std::size_t>(q * static_cast<double>(axis.size() - 1))];
    };
    stats.median.push_back(quantile(0.5));
    stats.iqr_variance.push_back(
        std::pow((quantile(0.75) - quantile(0.25)) / 1.3489795003921634, 2));
  }
  return stats;
}

double mean_squared_error(const std::vector<double>& a, const std::vector<double>& b,
                          std::size_t points) {
  if (a.size() != b.size() || points == 0)
    throw std::logic_error("mean_squared_error: sizes differ");
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum / static_cast<double>(points);
}

}  // namespace msflow::fit
