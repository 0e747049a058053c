#pragma once
// The coordinates u ∈ R^k the posterior lives in (docs/method.md, "Bayesian inference"):
//   ϑ(u) = ϑ* + B T u,
// ϑ* the fit's optimum, B (D × k) orthonormal directions (unit vectors of the learned physical
// parameters, directions in the flow's parameters — principal or random —, or every parameter),
// and T (k × k) a
// preconditioner from the Hessian of J in the directions of B at ϑ*: with the Laplace
// approximation N(0, (BᵀHB)⁻¹), u is standard normal, so the posterior flow starts at it (the
// identity) and Metropolis proposals start well scaled.
#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "msflow/fit/parameter_layout.hpp"
#include "msflow/infer/infer_settings.hpp"

namespace msflow::infer {

class PosteriorSpace {
 public:
  /// The directions `coverage` asks for on `layout` around `center` (T = I until precondition()):
  /// for a subspace, `subspace` (free_entries(layout).size() × k, orthonormal columns) spans the
  /// non-physical parameters. InputError when there is nothing to cover (physical without learned
  /// parameters) or `all` would be too large.
  PosteriorSpace(const fit::ParameterLayout& layout, Eigen::VectorXd center, Coverage coverage,
                 const Eigen::MatrixXd& subspace = {});

  Eigen::Index dim() const { return basis_.cols(); }
  const Eigen::VectorXd& center() const { return center_; }
  const Eigen::MatrixXd& basis() const { return basis_; }
  const Eigen::MatrixXd& transform() const { return transform_; }
  /// A name per coordinate before preconditioning ("eta.sigma0", "subspace.3", "parameter.17").
  const std::vector<std::string>& directions() const { return directions_; }
  /// The eigenvalues of BᵀHB, ascending, as measured (before any floor).
  const Eigen::VectorXd& curvature() const { return curvature_; }
  /// One line for the log.
  std::string describe() const;

  /// ϑ(u).
  Eigen::VectorXd point(const Eigen::VectorXd& u) const;
  /// ∂J/∂u = (B T)ᵀ ∂J/∂ϑ.
  Eigen::VectorXd pull_back(const Eigen::VectorXd& gradient) const;

  /// How precondition() treats small or negative curvature.
  enum class Curvature {
    kFloored,  ///< max(|λ|, 1e-4 × the largest λ): a start for VI and Metropolis
    kExact,    ///< λ as it is, all > 0 required: u is then exactly the Laplace approximation
  };
  /// Sets T from the symmetric k × k Hessian of J in the coordinates of B (T = I before): with
  /// BᵀHB = V Λ Vᵀ, T = V Λ'^(-1/2). kFloored: Λ' = max(|Λ|, floor), floor = 1e-4 × the largest
  /// eigenvalue (the flat or saddle directions of a noisy optimum get a broad but finite start);
  /// InputError if no eigenvalue is positive. kExact: Λ' = Λ; InputError unless every eigenvalue
  /// is positive (no Laplace approximation exists at a saddle).
  void precondition(const Eigen::MatrixXd& hessian, Curvature curvature = Curvature::kFloored);

 private:
  Eigen::VectorXd center_;
  Eigen::MatrixXd basis_, transform_, map_;  // map = B T
  Eigen::VectorXd curvature_;
  std::vector<std::string> directions_;
  std::string coverage_;
};

/// The entries of ϑ that are not physical parameters (the flow's or the MLP's), in order.
std::vector<Eigen::Index> free_entries(const fit::ParameterLayout& layout);

/// `count` random orthonormal directions in R^n (stream kInferSubspace of `seed`).
Eigen::MatrixXd random_directions(Eigen::Index n, int count, std::uint64_t seed);

/// A Hessian-vector product H v (n entries in, n out); H symmetric.
using HessianProduct = std::function<Eigen::VectorXd(const Eigen::VectorXd& v)>;
/// The `count` eigenvectors of H with the largest eigenvalues (n × count, orthonormal), by
/// `steps` Lanczos steps with full reorthogonalization from `start` (normalized here);
/// `eigenvalues` gets their Ritz values, descending.
Eigen::MatrixXd principal_directions(const Eigen::VectorXd& start, int count, int steps,
                                     const HessianProduct& product, Eigen::VectorXd* eigenvalues);

/// The Hessian of J in the directions of `space` (T = I) at u = 0 by central differences of the
/// projected gradient, step h, symmetrized. `gradients(points)` returns ∂J/∂u at each of the 2k
/// points ±h e_i (the caller may spread them over draw groups and share the results).
Eigen::MatrixXd projected_hessian(
    const PosteriorSpace& space, double h,
    const std::function<std::vector<Eigen::VectorXd>(const std::vector<Eigen::VectorXd>& points)>&
        gradients);

}  // namespace msflow::infer
