#include "msflow/infer/metropolis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "msflow/rng/counter_rng.hpp"

namespace msflow::infer {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr double kTargetAcceptance = 0.234;

struct Chain {
  VectorXd u;
  double energy = 0, log_scale = 0;
  std::int64_t accepted = 0;
  MatrixXd samples;
};

double mean_of(const std::vector<double>& x) {
  double s = 0;
  for (const double v : x)
    s += v;
  return s / static_cast<double>(x.size());
}

double gelman_rubin(const std::vector<std::vector<double>>& chains) {
  const std::size_t m = chains.size(), n = chains.front().size();
  if (m < 2 || n < 2) return 1.0;
  std::vector<double> means(m);
  double within = 0;
  for (std::size_t c = 0; c < m; ++c) {
    means[c] = mean_of(chains[c]);
    double v = 0;
    for (const double x : chains[c])
      v += (x - means[c]) * (x - means[c]);
    within += v / static_cast<double>(n - 1);
  }
  within /= static_cast<double>(m);
  const double grand = mean_of(means);
  double between = 0;
  for (const double mu : means)
    between += (mu - grand) * (mu - grand);
  between *= static_cast<double>(n) / static_cast<double>(m - 1);
  const double pooled = (static_cast<double>(n - 1) * within + between) / static_cast<double>(n);
  return within > 0 ? std::sqrt(pooled / within) : 1.0;
}

}  // namespace

MatrixXd ChainSummary::pooled() const {
  if (samples.empty()) return {};
  Index total = 0;
  for (const auto& s : samples)
    total += s.cols();
  MatrixXd all(samples.front().rows(), total);
  Index at = 0;
  for (const auto& s : samples) {
    all.middleCols(at, s.cols()) = s;
    at += s.cols();
  }
  return all;
}

double effective_sample_size(const std::vector<std::vector<double>>& chains) {
  const std::size_t m = chains.size(), n = chains.front().size();
  if (n < 4) return static_cast<double>(m * n);
  // Autocovariances averaged over chains (each about its own mean), normalized by the variance.
  std::vector<double> means(m);
  for (std::size_t c = 0; c < m; ++c)
    means[c] = mean_of(chains[c]);
  auto autocovariance = [&](std::size_t lag) {
    double s = 0;
    for (std::size_t c = 0; c < m; ++c)
      for (std::size_t t = 0; t + lag < n; ++t)
        s += (chains[c][t] - means[c]) * (chains[c][t + lag] - means[c]);
    return s / static_cast<double>(m * n);
  };
  const double variance = autocovariance(0);
  if (!(variance > 0)) return static_cast<double>(m * n);
  // Geyer: sums of adjacent pairs Γ_j = ρ_2j + ρ_2j+1 while positive, made monotone.
  double tau = -1.0, previous = std::numeric_limits<double>::infinity();
  for (std::size_t lag = 0; lag + 1 < n; lag += 2) {
    double pair = (autocovariance(lag) + autocovariance(lag + 1)) / variance;
    if (pair <= 0) break;
    pair = std::min(pair, previous);
    previous = pair;
    tau += 2 * pair;
  }
  tau = std::max(tau, 1.0 / std::log10(static_cast<double>(m * n)));
  return static_cast<double>(m * n) / tau;
}

ChainSummary run_metropolis(const DrawGroups& groups, int dim, const MetropolisSettings& settings,
                            const std::function<double(const VectorXd& u)>& energy,
                            const std::function<bool(std::int64_t step)>& stop) {
  const Index k = dim;
  const std::int64_t total = settings.burnin + settings.steps;
  std::vector<Chain> chains(static_cast<std::size_t>(settings.chains));
  for (int c = 0; c < settings.chains; ++c) {
    if (!groups.owns(c)) continue;
    Chain& chain = chains[static_cast<std::size_t>(c)];
    chain.u.resize(k);
    fill_normals({settings.seed, Purpose::kInferChain}, static_cast<std::uint64_t>(c), 0,
                 chain.u.data(), static_cast<std::size_t>(k));
    chain.energy = energy(chain.u);
    chain.log_scale = std::log(2.38 / std::sqrt(static_cast<double>(k)));
    chain.samples.resize(k, settings.steps);
  }
  std::int64_t done = 0;
  VectorXd step(k);
  for (std::int64_t i = 0; i < total; ++i) {
    if (i % 50 == 0 && i > 0 && stop(i)) break;
    // Chains advance in lockstep, so every group takes the same number of steps.
    for (int c = 0; c < settings.chains; ++c) {
      if (!groups.owns(c)) continue;
      Chain& chain = chains[static_cast<std::size_t>(c)];
      fill_normals({settings.seed, Purpose::kInferChain}, static_cast<std::uint64_t>(c),
                   static_cast<std::uint64_t>(i + 1), step.data(), static_cast<std::size_t>(k));
      double uniform = 0;
      fill_uniforms({settings.seed, Purpose::kInferAccept}, static_cast<std::uint64_t>(c),
                    static_cast<std::uint64_t>(i), &uniform, 1);
      const VectorXd proposal = chain.u + std::exp(chain.log_scale) * step;
      const double proposed = energy(proposal);
      const double log_ratio = chain.energy - proposed;  // NaN rejects
      const bool accept = std::isfinite(proposed) && std::log(uniform) < log_ratio;
      if (accept) {
        chain.u = proposal;
        chain.energy = proposed;
      }
      if (i < settings.burnin) {
        const double probability =
            std::isfinite(log_ratio) ? std::min(1.0, std::exp(log_ratio)) : 0;
        chain.log_scale +=
            (probability - kTargetAcceptance) / std::sqrt(static_cast<double>(i + 1));
      } else {
        chain.samples.col(i - settings.burnin) = chain.u;
        if (accept) ++chain.accepted;
      }
    }
    done = i + 1;
  }
  // Share every chain: samples, acceptance, scale, bit for bit from its owner.
  const std::int64_t kept = std::max<std::int64_t>(0, done - settings.burnin);
  const long long width = static_cast<long long>(k * kept + 2);
  std::vector<double> rows(static_cast<std::size_t>(settings.chains * width), 0.0);
  for (int c = 0; c < settings.chains; ++c) {
    if (!groups.owns(c)) continue;
    const Chain& chain = chains[static_cast<std::size_t>(c)];
    double* row = rows.data() + c * width;
    std::copy(chain.samples.data(), chain.samples.data() + k * kept, row);
    row[k * kept] = kept > 0 ? static_cast<double>(chain.accepted) / static_cast<double>(kept) : 0;
    row[k * kept + 1] = std::exp(chain.log_scale);
  }
  groups.share(rows, settings.chains, width);
  ChainSummary summary;
  for (int c = 0; c < settings.chains; ++c) {
    const double* row = rows.data() + c * width;
    summary.samples.emplace_back(Eigen::Map<const MatrixXd>(row, k, kept));
    summary.acceptance.push_back(row[k * kept]);
    summary.scale.push_back(row[k * kept + 1]);
  }
  summary.ess = VectorXd::Zero(k);
  summary.rhat = VectorXd::Ones(k);
  if (kept >= 2)
    for (Index j = 0; j < k; ++j) {
      std::vector<std::vector<double>> coordinate;
      for (const auto& s : summary.samples) {
        coordinate.emplace_back(static_cast<std::size_t>(kept));
        for (std::int64_t t = 0; t < kept; ++t)
          coordinate.back()[static_cast<std::size_t>(t)] = s(j, t);
      }
      summary.ess(j) = effective_sample_size(coordinate);
      summary.rhat(j) = gelman_rubin(coordinate);
    }
  return summary;
}

}  // namespace msflow::infer
