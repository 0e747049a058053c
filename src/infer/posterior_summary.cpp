#include "msflow/infer/posterior_summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace msflow::infer {
namespace {

// `values` in ascending order with their `weights` carried along (stable: ties keep their order).
void sort_with_weights(const std::vector<double>& values, const std::vector<double>& weights,
                       std::vector<double>& sorted, std::vector<double>& sorted_weights) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  sorted.resize(order.size());
  sorted_weights.resize(order.size());
  for (std::size_t j = 0; j < order.size(); ++j)
    sorted[j] = values[order[j]], sorted_weights[j] = weights[order[j]];
}

}  // namespace

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

double weighted_sorted_quantile(const std::vector<double>& sorted,
                                const std::vector<double>& weights, double level) {
  double below = 0;  // the weight of the values before the current one
  bool started = false;
  double previous_point = 0, previous_value = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (!(weights[i] > 0)) continue;  // weight 0: not part of the distribution
    const double point = below + 0.5 * weights[i];
    below += weights[i];
    if (level <= point) {
      if (!started) return sorted[i];
      const double fraction = (level - previous_point) / (point - previous_point);
      return previous_value + fraction * (sorted[i] - previous_value);
    }
    started = true;
    previous_point = point;
    previous_value = sorted[i];
  }
  return previous_value;  // beyond the last point
}

std::vector<double> FieldDraws::mean() const {
  std::vector<double> out(static_cast<std::size_t>(size), 0.0);
  for (Eigen::Index s = 0; s < draws; ++s) {
    const double w = weights.empty() ? 1.0 : weights[static_cast<std::size_t>(s)];
    for (Eigen::Index i = 0; i < size; ++i)
      out[static_cast<std::size_t>(i)] += w * values[static_cast<std::size_t>(s * size + i)];
  }
  if (weights.empty())
    for (double& v : out)
      v /= static_cast<double>(draws);
  return out;
}

FieldDraws FieldDraws::select(const std::vector<std::size_t>& rows) const {
  FieldDraws out{static_cast<Eigen::Index>(rows.size()), size, {}, {}};
  out.values.reserve(rows.size() * static_cast<std::size_t>(size));
  for (const std::size_t r : rows)
    out.values.insert(
        out.values.end(),
        values.begin() + static_cast<std::ptrdiff_t>(r * static_cast<std::size_t>(size)),
        values.begin() + static_cast<std::ptrdiff_t>((r + 1) * static_cast<std::size_t>(size)));
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
  std::vector<double> column(static_cast<std::size_t>(draws)), sorted, sorted_weights;
  for (Eigen::Index i = 0; i < size; ++i) {
    for (Eigen::Index s = 0; s < draws; ++s)
      column[static_cast<std::size_t>(s)] = values[static_cast<std::size_t>(s * size + i)];
    if (weights.empty()) {
      std::sort(column.begin(), column.end());
      for (std::size_t l = 0; l < levels.size(); ++l)
        out[l * static_cast<std::size_t>(size) + static_cast<std::size_t>(i)] =
            sorted_quantile(column, levels[l]);
      continue;
    }
    sort_with_weights(column, weights, sorted, sorted_weights);
    for (std::size_t l = 0; l < levels.size(); ++l)
      out[l * static_cast<std::size_t>(size) + static_cast<std::size_t>(i)] =
          weighted_sorted_quantile(sorted, sorted_weights, levels[l]);
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

ParameterPosterior summarize_parameter(const std::string& name, std::vector<double> draws,
                                       const std::vector<double>& weights) {
  ParameterPosterior p;
  p.name = name;
  p.draws = draws;
  if (weights.empty()) {
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
  double sum_of_squares = 0;
  for (std::size_t j = 0; j < draws.size(); ++j) {
    p.mean += weights[j] * draws[j];
    sum_of_squares += weights[j] * weights[j];
  }
  for (std::size_t j = 0; j < draws.size(); ++j)
    p.sd += weights[j] * (draws[j] - p.mean) * (draws[j] - p.mean);
  p.sd = std::sqrt(p.sd / std::max(1e-300, 1 - sum_of_squares));
  std::vector<double> sorted, sorted_weights;
  sort_with_weights(draws, weights, sorted, sorted_weights);
  p.lower = weighted_sorted_quantile(sorted, sorted_weights, 0.025);
  p.upper = weighted_sorted_quantile(sorted, sorted_weights, 0.975);
  return p;
}

}  // namespace msflow::infer
