#pragma once
// One transition of the averaged model under the second-order Gaussian density (docs/method.md,
// "Transition densities"). Euler–Maruyama's mean b̄Δ and covariance Σ̄Δ are the first terms of
// the Itô–Taylor expansion; with J = ∇b̄ (J_ab = ∂b̄_a/∂x_b) and h = Σ̄:∇²b̄ at the start, and a
// Σ̄ that does not depend on x, the next terms give the increment's mean and covariance to O(Δ²):
//   μ = B b̄ Δ + ¼ h Δ²,   C = B Σ̄ Bᵀ Δ,   B = I + ½ J Δ,
// so −ln p = ½ sᵀ (Σ̄Δ)⁻¹ s + ln det B + ½ ln det(2π Σ̄Δ),   s = B⁻¹(Δx − ¼ h Δ²) − b̄ Δ.
// Euler's O(Δ) bias of the diffusion (for b̄ = −κx its variance σ²Δ is too large by κΔ) becomes
// O(Δ²). C written as a congruence stays positive definite whenever det B ≠ 0; det B ≤ 0 (a
// step of more than 2/|J|) gives a NaN value, which the optimizers step back from.
#include <cmath>
#include <limits>

#include "msflow/core/small_matrix.hpp"

namespace msflow::fit {

template <int D>
struct SecondOrderTerm {
  double value = 0;  ///< ½ sᵀ Σ̄⁻¹ s / Δ + ln det B (the normalization ½ ln det(2πΣ̄Δ) is not in it)
  double drift_adjoint[D] = {};         ///< ∂/∂b̄ = −Σ̄⁻¹ s
  double jacobian_adjoint[D * D] = {};  ///< ∂/∂J
  double curvature_adjoint[D] = {};     ///< ∂/∂h
  double solved[D] = {};  ///< Σ̄⁻¹ s: ∂/∂Σ̄ of the quadratic is −½ Σ̄⁻¹ s sᵀ Σ̄⁻¹ / Δ
};

/// `increment` Δx (D), `dt` Δ > 0, `drift` b̄ (D), `jacobian` J (D×D, row-major), `curvature` h
/// (D), `inverse_diffusion` Σ̄⁻¹ (D×D).
template <int D>
SecondOrderTerm<D> second_order_transition(const double* increment, double dt, const double* drift,
                                           const double* jacobian, const double* curvature,
                                           const double* inverse_diffusion) {
  SecondOrderTerm<D> term;
  double b[D * D], b_inverse[D * D];
  for (int a = 0; a < D; ++a)
    for (int c = 0; c < D; ++c)
      b[a * D + c] = (a == c ? 1.0 : 0.0) + 0.5 * dt * jacobian[a * D + c];
  const double det = general_inverse(b, D, b_inverse);
  if (!(det > 0)) {
    term.value = std::numeric_limits<double>::quiet_NaN();
    return term;
  }
  // q = B⁻¹(Δx − ¼hΔ²), s = q − b̄Δ.
  double shifted[D], q[D], s[D];
  for (int a = 0; a < D; ++a)
    shifted[a] = increment[a] - 0.25 * curvature[a] * dt * dt;
  for (int a = 0; a < D; ++a) {
    double sum = 0;
    for (int c = 0; c < D; ++c)
      sum += b_inverse[a * D + c] * shifted[c];
    q[a] = sum;
    s[a] = sum - drift[a] * dt;
  }
  double quadratic = 0;
  for (int a = 0; a < D; ++a) {
    double sum = 0;
    for (int c = 0; c < D; ++c)
      sum += inverse_diffusion[a * D + c] * s[c];
    term.solved[a] = sum;
    quadratic += s[a] * sum;
  }
  term.value = 0.5 * quadratic / dt + std::log(det);
  // g = ∂f/∂s = Σ̄⁻¹ s / Δ; v = B⁻ᵀ g = ∂f/∂(Δx − ¼hΔ²); ∂f/∂B = B⁻ᵀ − v qᵀ; J enters as ½ΔJ.
  double v[D];
  for (int a = 0; a < D; ++a) {
    term.drift_adjoint[a] = -term.solved[a];
    double sum = 0;
    for (int c = 0; c < D; ++c)
      sum += b_inverse[c * D + a] * term.solved[c];
    v[a] = sum / dt;
    term.curvature_adjoint[a] = -0.25 * dt * dt * v[a];
  }
  for (int a = 0; a < D; ++a)
    for (int c = 0; c < D; ++c)
      term.jacobian_adjoint[a * D + c] = 0.5 * dt * (b_inverse[c * D + a] - v[a] * q[c]);
  return term;
}

}  // namespace msflow::fit
