#include "msflow/infer/elbo.hpp"

#include <cmath>

#include "msflow/core/constants.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::infer {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// Base-sample draws of the invariant-law flow: 1 + (iteration·K + k) mod kCycle during the
// optimization, kLast − j for the final estimate, 0 (the fit's) without resampling.
constexpr std::uint64_t kLast = (std::uint64_t{1} << 32) - 1;
constexpr std::uint64_t kCycle = kLast - (std::uint64_t{1} << 20);

MatrixXd normals(std::uint64_t seed, Purpose purpose, std::uint64_t a, Index rows, Index cols) {
  MatrixXd out(rows, cols);
  fill_normals({seed, purpose}, a, 0, out.data(), static_cast<std::size_t>(out.size()));
  return out;
}

double log_standard_normal(const VectorXd& e) {
  return -0.5 * e.squaredNorm() - 0.5 * static_cast<double>(e.size()) * kLogTwoPi;
}

}  // namespace

Elbo::Elbo(fit::Objective& objective, const PosteriorSpace& space, flow::Flow& posterior,
           const DrawGroups& groups, int draws, bool resample, std::uint64_t seed)
    : objective_(objective),
      space_(space),
      posterior_(posterior),
      groups_(groups),
      draws_(draws),
      resample_(resample),
      seed_(seed) {}

std::uint64_t Elbo::inner_draw(std::uint64_t iteration, int k) const {
  if (!resample_) return 0;
  return 1 +
         (iteration * static_cast<std::uint64_t>(draws_) + static_cast<std::uint64_t>(k)) % kCycle;
}

Elbo::Draws Elbo::evaluate_draws(const VectorXd& psi, MatrixXd epsilon,
                                 const std::function<std::uint64_t(int)>& inner) {
  Draws result;
  const Index k = space_.dim();
  const Index count = epsilon.cols();
  posterior_.set_parameters(psi);
  posterior_.forward(epsilon, MatrixXd(), result.u, result.logdet);
  result.epsilon = std::move(epsilon);
  const Index width = 1 + k;
  result.rows.assign(static_cast<std::size_t>(count * width), 0.0);
  VectorXd gradient;
  for (Index j = 0; j < count; ++j) {
    if (!groups_.owns(j)) continue;
    const double value =
        objective_.evaluate(space_.point(result.u.col(j)), inner(static_cast<int>(j)), gradient);
    double* row = result.rows.data() + j * width;
    row[0] = value;
    Eigen::Map<VectorXd>(row + 1, k) = space_.pull_back(gradient);
  }
  groups_.share(result.rows, count, width);
  return result;
}

double Elbo::negative(const VectorXd& psi, std::uint64_t iteration, VectorXd& gradient) {
  const Index k = space_.dim();
  Draws draws = evaluate_draws(psi, normals(seed_, Purpose::kInferPosterior, iteration, k, draws_),
                               [&](int j) { return inner_draw(iteration, j); });
  const Index width = 1 + k;
  const double inverse = 1.0 / draws_;
  double value = 0;
  MatrixXd grad_u(k, draws_);
  VectorXd grad_logdet = VectorXd::Constant(draws_, -inverse);
  for (Index j = 0; j < draws_; ++j) {
    const double* row = draws.rows.data() + j * width;
    value += row[0] - draws.logdet(j) + log_standard_normal(draws.epsilon.col(j));
    grad_u.col(j) = Eigen::Map<const VectorXd>(row + 1, k) * inverse;
  }
  gradient = VectorXd::Zero(posterior_.parameter_count());
  posterior_.backward(grad_u, grad_logdet, gradient, nullptr, nullptr);
  return value * inverse;
}

ElboEstimate Elbo::estimate(const VectorXd& psi, int count) {
  const Index k = space_.dim();
  Draws draws =
      evaluate_draws(psi, normals(seed_, Purpose::kInferSamples, 1, k, count),
                     [&](int j) { return resample_ ? kLast - static_cast<std::uint64_t>(j) : 0; });
  std::vector<double> values(static_cast<std::size_t>(count));
  double mean = 0;
  for (Index j = 0; j < count; ++j) {
    values[static_cast<std::size_t>(j)] =
        -(draws.rows[static_cast<std::size_t>(j * (1 + k))] - draws.logdet(j) +
          log_standard_normal(draws.epsilon.col(j)));
    mean += values[static_cast<std::size_t>(j)];
  }
  mean /= count;
  double variance = 0;
  for (const double v : values)
    variance += (v - mean) * (v - mean);
  variance /= std::max(1, count - 1);
  return {mean, std::sqrt(variance / count)};
}

MatrixXd Elbo::sample(const VectorXd& psi, std::uint64_t stream, int count) {
  posterior_.set_parameters(psi);
  MatrixXd u;
  VectorXd logdet;
  posterior_.forward(normals(seed_, Purpose::kInferSamples, stream, space_.dim(), count),
                     MatrixXd(), u, logdet);
  return u;
}

Proposals Elbo::propose(const VectorXd& psi, int count) {
  posterior_.set_parameters(psi);
  const MatrixXd epsilon = normals(seed_, Purpose::kInferSamples, 0, space_.dim(), count);
  Proposals proposals;
  VectorXd logdet;
  posterior_.forward(epsilon, MatrixXd(), proposals.u, logdet);
  proposals.log_density.resize(count);
  for (Index j = 0; j < count; ++j)
    proposals.log_density(j) = log_standard_normal(epsilon.col(j)) - logdet(j);
  return proposals;
}

}  // namespace msflow::infer
