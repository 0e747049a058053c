#include "msflow/infer/posterior_summary.hpp"

#include <algorithm>
#include <cmath>

namespace msflow::infer {

const std::vector<double>& quantile_levels() {
  static const std::vector<double> levels = {0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975};
  return levels;
}

const std::vector<Band>& central_bands() {
  static const std::vector<Band> bands = {{0.5, 2, 4}, {0.9, 1, 5}, {0.95, 0, 6}};
  return bands;
}

double sorted_quantile(const std::vector<double>& sorted, double level) {
  const double position = level * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

std::vector<double> FieldDraws::mean() const {
  std::vector<double> out(static_cast<std::size_t>(size), 0.0);
  for (Eigen::Index s = 0; s < draws; ++s)
    for (Eigen::Index i = 0; i < size; ++i)
      out[static_cast<std::size_t>(i)] += values[static_cast<std::size_t>(s * size + i)];
  for (double& v : out)
    v /= static_cast<double>(draws);
  return out;
}

void FieldDraws::recentre(const std::vector<double>& centre) {
  const std::vector<double> current = mean();
  for (Eigen::Index s = 0; s < draws; ++s)
    for (Eigen::Index i = 0; i < size; ++i) {
      const auto k = static_cast<std::size_t>(i);
      values[static_cast<std::size_t>(s * size + i)] += centre[k] - current[k];
    }
}

std::vector<double> FieldDraws::quantiles() const {
  const auto& levels = quantile_levels();
  std::vector<double> out(levels.size() * static_cast<std::size_t>(size));
  std::vector<double> column(static_cast<std::size_t>(draws));
  for (Eigen::Index i = 0; i < size; ++i) {
    for (Eigen::Index s = 0; s < draws; ++s)
      column[static_cast<std::size_t>(s)] = values[static_cast<std::size_t>(s * size + i)];
    std::sort(column.begin(), column.end());
    for (std::size_t l = 0; l < levels.size(); ++l)
      out[l * static_cast<std::size_t>(size) + static_cast<std::size_t>(i)] =
          sorted_quantile(column, levels[l]);
  }
  return out;
}

std::vector<double> band_coverage(const std::vector<double>& quantiles, std::size_t n,
                                  const std::vector<double>& truth,
                                  const std::vector<char>& included) {
  std::vector<double> coverage;
  for (const Band& band : central_bands()) {
    std::size_t inside = 0, counted = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!included.empty() && !included[i]) continue;
      ++counted;
      const double lower = quantiles[static_cast<std::size_t>(band.lower) * n + i];
      const double upper = quantiles[static_cast<std::size_t>(band.upper) * n + i];
      if (truth[i] >= lower && truth[i] <= upper) ++inside;
    }
    coverage.push_back(counted ? static_cast<double>(inside) / static_cast<double>(counted) : 0);
  }
  return coverage;
}

ParameterPosterior summarize_parameter(const std::string& name, std::vector<double> draws) {
  ParameterPosterior p;
  p.name = name;
  p.draws = draws;
  const double n = static_cast<double>(draws.size());
  for (const double v : draws)
    p.mean += v;
  p.mean /= n;
  for (const double v : draws)
    p.sd += (v - p.mean) * (v - p.mean);
  p.sd = std::sqrt(p.sd / std::max(1.0, n - 1));
  std::sort(draws.begin(), draws.end());
  p.lower = sorted_quantile(draws, 0.025);
  p.upper = sorted_quantile(draws, 0.975);
  return p;
}

}  // namespace msflow::infer
