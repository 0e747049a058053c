#include "msflow/infer/importance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace msflow::infer {

namespace {

double log_sum_exp(const std::vector<double>& values) {
  const double top = *std::max_element(values.begin(), values.end());
  double sum = 0;
  for (const double v : values)
    sum += std::exp(v - top);
  return top + std::log(sum);
}

double inverse_simpson(const std::vector<double>& normalized) {
  double sum = 0;
  for (const double w : normalized)
    sum += w * w;
  return 1.0 / sum;
}

std::vector<double> normalized(std::vector<double> weights) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  for (double& w : weights)
    w /= total;
  return weights;
}

}  // namespace

double GeneralizedPareto::quantile(double p) const {
  // −σ ln(1 − p) at k = 0; expm1/log1p keep small k and small p accurate.
  const double log_tail = std::log1p(-p);
  if (std::abs(k) < 1e-12) return -sigma * log_tail;
  return sigma * std::expm1(-k * log_tail) / k;
}

GeneralizedPareto fit_generalized_pareto(std::vector<double> x) {
  const std::size_t n = x.size();
  if (n < 5) throw std::invalid_argument("generalized Pareto fit: fewer than 5 exceedances");
  for (const double v : x)
    if (!std::isfinite(v)) throw std::invalid_argument("generalized Pareto fit: non-finite value");
  std::sort(x.begin(), x.end());
  if (!(x.back() > 0)) throw std::invalid_argument("generalized Pareto fit: no positive value");
  // Zhang & Stephens (2009): a grid of θ = −k/σ from the quartile prior, weighted by the profile
  // likelihood; the posterior mean of θ gives k = mean ln(1 − θ x) and σ = −k/θ.
  constexpr double kPrior = 3;
  const std::size_t grid = 30 + static_cast<std::size_t>(std::sqrt(static_cast<double>(n)));
  const double quartile = x[static_cast<std::size_t>(static_cast<double>(n) / 4 + 0.5) - 1];
  // A first quartile of 0 (exceedances tied at the threshold) would collapse the grid onto one
  // point; the largest exceedance sets the scale instead.
  const double first_quartile = quartile > 0 ? quartile : x.back();
  std::vector<double> theta(grid), log_likelihood(grid);
  for (std::size_t j = 0; j < grid; ++j) {
    theta[j] = 1 / x.back() +
               (1 - std::sqrt(static_cast<double>(grid) / (static_cast<double>(j + 1) - 0.5))) /
                   (kPrior * first_quartile);
    double mean_log = 0;
    for (const double v : x)
      mean_log += std::log1p(-theta[j] * v);
    mean_log /= static_cast<double>(n);
    log_likelihood[j] = static_cast<double>(n) * (std::log(-theta[j] / mean_log) - mean_log - 1);
  }
  const double normalizer = log_sum_exp(log_likelihood);
  double theta_hat = 0;
  for (std::size_t j = 0; j < grid; ++j)
    theta_hat += theta[j] * std::exp(log_likelihood[j] - normalizer);
  double k = 0;
  for (const double v : x)
    k += std::log1p(-theta_hat * v);
  k /= static_cast<double>(n);
  GeneralizedPareto fit;
  fit.sigma = -k / theta_hat;
  // PSIS's weakly informative prior: as if 10 more draws had come from k = 1/2.
  constexpr double kPriorDraws = 10;
  fit.k = (static_cast<double>(n) * k + kPriorDraws * 0.5) / (static_cast<double>(n) + kPriorDraws);
  return fit;
}

double pareto_k_threshold(std::size_t draws) {
  return std::min(1 - 1 / std::log10(static_cast<double>(draws)), 0.7);
}

ImportanceWeights pareto_smoothed_weights(const std::vector<double>& log_ratios) {
  const std::size_t s = log_ratios.size();
  if (s < kMinimumDraws)  // the tail, min(s/5, 3√s), must hold the 5 values the Pareto fit needs
    throw std::invalid_argument("importance weights: fewer than " + std::to_string(kMinimumDraws) +
                                " draws");
  std::size_t finite = 0;
  for (const double r : log_ratios) {
    if (std::isnan(r) || r == std::numeric_limits<double>::infinity())
      throw std::invalid_argument("importance weights: a log ratio is NaN or +inf");
    finite += std::isfinite(r) ? 1 : 0;
  }
  if (finite < 10) throw std::invalid_argument("importance weights: fewer than 10 finite ratios");
  const double top = *std::max_element(log_ratios.begin(), log_ratios.end());
  std::vector<double> raw(s);
  for (std::size_t j = 0; j < s; ++j)
    raw[j] = std::exp(log_ratios[j] - top);  // the largest is 1
  ImportanceWeights result;
  result.raw_effective_size = inverse_simpson(normalized(raw));

  const double sd = static_cast<double>(s);
  const auto tail = static_cast<std::size_t>(std::ceil(std::min(0.2 * sd, 3 * std::sqrt(sd))));
  std::vector<std::size_t> order(s);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return raw[a] < raw[b]; });
  const double cutoff = raw[order[s - tail - 1]];  // the largest ratio below the tail
  std::vector<double> exceedances(tail);
  for (std::size_t i = 0; i < tail; ++i)
    exceedances[i] = raw[order[s - tail + i]] - cutoff;  // ascending
  std::vector<double> smoothed = raw;
  if (exceedances.back() > 0) {
    const GeneralizedPareto fit = fit_generalized_pareto(exceedances);
    result.pareto_k = fit.k;
    for (std::size_t i = 0; i < tail; ++i) {
      const double p = (static_cast<double>(i) + 0.5) / static_cast<double>(tail);
      smoothed[order[s - tail + i]] = std::min(1.0, cutoff + fit.quantile(p));
    }
  } else {
    result.pareto_k = -std::numeric_limits<double>::infinity();  // bounded ratios: nothing to fit
  }
  result.weights = normalized(std::move(smoothed));
  result.effective_size = inverse_simpson(result.weights);
  return result;
}

std::vector<std::size_t> systematic_resample(const std::vector<double>& weights, std::size_t count,
                                             double uniform) {
  std::vector<std::size_t> indices;
  indices.reserve(count);
  double cumulative = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double point = (static_cast<double>(i) + uniform) / static_cast<double>(count);
    while (j + 1 < weights.size() && cumulative + weights[j] <= point)
      cumulative += weights[j++];
    indices.push_back(j);
  }
  return indices;
}

}  // namespace msflow::infer
