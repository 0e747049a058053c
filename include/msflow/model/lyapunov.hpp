#pragma once
// Covariances of the two-dimensional linear (Ornstein–Uhlenbeck) process
//   dY = −M (Y − c) dt + Q^{1/2} dW   (M stable: eigenvalues with positive real part).
#include <Eigen/Core>

namespace msflow {

/// The stationary covariance: the symmetric Σ with M Σ + Σ Mᵀ = Q (3 linear equations for the
/// 3 unknowns of Σ, solved exactly). Throws std::domain_error if M is not stable.
Eigen::Matrix2d solve_lyapunov_2x2(const Eigen::Matrix2d& M, const Eigen::Matrix2d& Q);

/// The transition over time τ: Y(τ) − c = decay (Y(0) − c) + N(0, covariance), with
/// decay = e^{−Mτ} and covariance = ∫_0^τ e^{−Ms} Q e^{−Mᵀs} ds (Van Loan's block exponential,
/// accurate also when τ is tiny, where Σ − e^{−Mτ} Σ e^{−Mᵀτ} would cancel).
struct OuTransition2 {
  Eigen::Matrix2d decay;
  Eigen::Matrix2d covariance;
};
OuTransition2 ou_transition_2x2(const Eigen::Matrix2d& M, const Eigen::Matrix2d& Q, double tau);

}  // namespace msflow
