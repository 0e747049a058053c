#include "msflow/infer/posterior_space.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "msflow/core/error.hpp"
#include "msflow/core/log.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::infer {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr Index kLargestFullPosterior = 2000;

/// Modified Gram–Schmidt, column by column (deterministic; columns of a Gaussian matrix are
/// independent with probability one).
void orthonormalize(MatrixXd& columns) {
  for (Index j = 0; j < columns.cols(); ++j) {
    for (Index i = 0; i < j; ++i)
      columns.col(j) -= columns.col(i).dot(columns.col(j)) * columns.col(i);
    const double norm = columns.col(j).norm();
    if (!(norm > 0)) throw std::logic_error("subspace: dependent random directions");
    columns.col(j) /= norm;
  }
}

}  // namespace

std::vector<Index> free_entries(const fit::ParameterLayout& layout) {
  std::vector<Index> entries;
  for (const auto& block : layout.blocks())
    if (block.name.rfind("eta.", 0) != 0)
      for (Index i = 0; i < block.size; ++i)
        entries.push_back(block.begin + i);
  return entries;
}

MatrixXd random_directions(Index n, int count, std::uint64_t seed) {
  if (count > n)
    throw InputError("option --infer.subspace_dim: at most " + std::to_string(n) +
                     " (the model's parameters)");
  MatrixXd directions(n, count);
  for (Index j = 0; j < count; ++j)
    fill_normals({seed, Purpose::kInferSubspace}, static_cast<std::uint64_t>(j), 0,
                 directions.col(j).data(), static_cast<std::size_t>(n));
  orthonormalize(directions);
  return directions;
}

MatrixXd principal_directions(const VectorXd& start, int count, int steps,
                              const HessianProduct& product, VectorXd* eigenvalues) {
  const Index n = start.size();
  if (count > n)
    throw InputError("option --infer.subspace_dim: at most " + std::to_string(n) +
                     " (the model's parameters)");
  const Index m = std::min<Index>(n, std::max<Index>(steps, count));
  MatrixXd q(n, m);
  VectorXd alpha = VectorXd::Zero(m), beta = VectorXd::Zero(m);
  q.col(0) = start / start.norm();
  Index built = m;
  for (Index j = 0; j < m; ++j) {
    VectorXd w = product(q.col(j));
    alpha(j) = q.col(j).dot(w);
    // Full reorthogonalization, twice (classical Gram–Schmidt is not enough in floating point).
    for (int pass = 0; pass < 2; ++pass)
      for (Index i = 0; i <= j; ++i)
        w -= q.col(i).dot(w) * q.col(i);
    if (j + 1 == m) break;
    beta(j) = w.norm();
    if (!(beta(j) > 1e-12 * std::max(1.0, std::abs(alpha(j))))) {  // an invariant subspace
      built = j + 1;
      break;
    }
    q.col(j + 1) = w / beta(j);
  }
  if (built < count)
    throw InputError("option --infer.subspace_dim: the Hessian has only " + std::to_string(built) +
                     " independent directions from the start vector");
  MatrixXd tridiagonal = MatrixXd::Zero(built, built);
  for (Index j = 0; j < built; ++j) {
    tridiagonal(j, j) = alpha(j);
    if (j + 1 < built) tridiagonal(j, j + 1) = tridiagonal(j + 1, j) = beta(j);
  }
  const Eigen::SelfAdjointEigenSolver<MatrixXd> solver(tridiagonal);
  MatrixXd directions(n, count);
  if (eigenvalues) eigenvalues->resize(count);
  for (int c = 0; c < count; ++c) {
    const Index column = built - 1 - c;  // eigenvalues ascend
    directions.col(c) = q.leftCols(built) * solver.eigenvectors().col(column);
    if (eigenvalues) (*eigenvalues)(c) = solver.eigenvalues()(column);
  }
  orthonormalize(directions);
  return directions;
}

PosteriorSpace::PosteriorSpace(const fit::ParameterLayout& layout, VectorXd center,
                               Coverage coverage, const MatrixXd& subspace)
    : center_(std::move(center)), coverage_(to_string(coverage)) {
  const Index size = layout.size();
  if (center_.size() != size) throw std::logic_error("PosteriorSpace: center size");
  std::vector<std::pair<Index, std::string>> units;  // unit directions
  if (coverage == Coverage::kAll) {
    if (size > kLargestFullPosterior)
      throw InputError("option --infer.params all: the model has " + std::to_string(size) +
                       " parameters, more than " + std::to_string(kLargestFullPosterior) +
                       "; use --infer.params subspace or a smaller flow");
    for (Index i = 0; i < size; ++i)
      units.emplace_back(i, "parameter." + std::to_string(i));
  } else {
    for (const auto& block : layout.with_prefix("eta."))
      units.emplace_back(block.begin, block.name);
    if (coverage == Coverage::kPhysical && units.empty())
      throw InputError(
          "option --infer.params physical: the fit learned no physical parameter (fit with "
          "--fit.learn NAME, or use --infer.params subspace)");
  }
  const std::vector<Index> entries = free_entries(layout);
  const Index random = coverage == Coverage::kSubspace ? subspace.cols() : 0;
  if (random > 0 && subspace.rows() != static_cast<Index>(entries.size()))
    throw std::logic_error("PosteriorSpace: subspace rows");
  basis_ = MatrixXd::Zero(size, static_cast<Index>(units.size()) + random);
  Index column = 0;
  for (Index j = 0; j < random; ++j, ++column) {
    for (std::size_t i = 0; i < entries.size(); ++i)
      basis_(entries[i], column) = subspace(static_cast<Index>(i), j);
    directions_.push_back("subspace." + std::to_string(j));
  }
  for (const auto& [entry, name] : units) {
    basis_(entry, column++) = 1.0;
    directions_.push_back(name);
  }
  transform_ = MatrixXd::Identity(basis_.cols(), basis_.cols());
  map_ = basis_;
}

std::string PosteriorSpace::describe() const {
  std::ostringstream out;
  out << "posterior over " << dim() << " coordinate" << (dim() == 1 ? "" : "s") << " (" << coverage_
      << ":";
  for (std::size_t i = 0; i < directions_.size() && i < 6; ++i)
    out << (i ? ", " : " ") << directions_[i];
  if (directions_.size() > 6) out << ", ...";
  out << ") through the fit's optimum";
  if (curvature_.size() > 0)
    out << "; Laplace curvature from " << format_number(curvature_(0)) << " to "
        << format_number(curvature_(curvature_.size() - 1));
  return out.str();
}

VectorXd PosteriorSpace::point(const VectorXd& u) const {
  return center_ + map_ * u;
}

VectorXd PosteriorSpace::pull_back(const VectorXd& gradient) const {
  return map_.transpose() * gradient;
}

void PosteriorSpace::precondition(const MatrixXd& hessian, Curvature curvature) {
  const Index k = dim();
  if (hessian.rows() != k || hessian.cols() != k)
    throw std::logic_error("PosteriorSpace::precondition: size");
  const Eigen::SelfAdjointEigenSolver<MatrixXd> solver(0.5 * (hessian + hessian.transpose()));
  curvature_ = solver.eigenvalues();
  const double largest = curvature_(k - 1);
  if (!(largest > 0) || !std::isfinite(largest))
    throw InputError(
        "infer: the objective has no positive curvature at the fit's optimum in the posterior's "
        "directions (largest Hessian eigenvalue " +
        format_number(largest) + "); is the fit output finished?");
  if (curvature == Curvature::kExact && !(curvature_(0) > 0))
    throw InputError(
        "option --infer.method laplace: the Hessian of J at the fit's optimum is not positive "
        "definite in the posterior's " +
        std::to_string(k) + " coordinates (eigenvalues from " + format_number(curvature_(0)) +
        " to " + format_number(largest) +
        "), so there is no Laplace approximation; is the fit finished? --infer.method vi or mcmc "
        "do not need one");
  // A saddle or flat direction of a noisy optimum: its |curvature| is still the local scale.
  const double floor = curvature == Curvature::kExact ? 0.0 : 1e-4 * largest;
  VectorXd scale(k);
  for (Index i = 0; i < k; ++i)
    scale(i) = 1.0 / std::sqrt(std::max(std::abs(curvature_(i)), floor));
  transform_ = solver.eigenvectors() * scale.asDiagonal();
  map_ = basis_ * transform_;
}

MatrixXd projected_hessian(
    const PosteriorSpace& space, double h,
    const std::function<std::vector<VectorXd>(const std::vector<VectorXd>& points)>& gradients) {
  const Index k = space.dim();
  std::vector<VectorXd> points;
  for (Index i = 0; i < k; ++i)
    for (const double sign : {1.0, -1.0}) {
      VectorXd u = VectorXd::Zero(k);
      u(i) = sign * h;
      points.push_back(u);
    }
  const std::vector<VectorXd> g = gradients(points);
  MatrixXd hessian(k, k);
  for (Index i = 0; i < k; ++i)
    hessian.col(i) = (g[2 * i] - g[2 * i + 1]) / (2 * h);
  return 0.5 * (hessian + hessian.transpose());
}

}  // namespace msflow::infer
