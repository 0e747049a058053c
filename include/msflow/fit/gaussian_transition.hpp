#pragma once
// One Euler–Maruyama transition of the averaged model (docs/method.md, "The likelihood"):
//   −ln p = ½ rᵀ (Σ̄Δ)⁻¹ r + ½ ln det(2π Σ̄Δ),   r = Δx − b̄ Δ,
// with its derivatives ∂/∂b̄ = −Σ̄⁻¹ r and ∂/∂Σ̄ = ½ Σ̄⁻¹ − ½ Σ̄⁻¹ r rᵀ Σ̄⁻¹ / Δ.
#include <cmath>

#include "msflow/core/constants.hpp"
#include "msflow/core/small_matrix.hpp"

namespace msflow::fit {

struct TransitionTerm {
  double value = 0;
  double drift_adjoint[kMaxSlowDim] = {0, 0, 0};
  double diffusion_adjoint[kMaxSlowDim * kMaxSlowDim] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
};

/// d ≤ 3. `increment` = x_{k+1} − x_k, `dt` = Δ_k > 0; drift b̄ (d), diffusion Σ̄ (d×d).
inline TransitionTerm gaussian_transition(int d, const double* increment, double dt,
                                          const double* drift, const double* diffusion) {
  double inverse[9], residual[3], solved[3];
  const double log_det = spd_inverse(diffusion, d, inverse);
  for (int a = 0; a < d; ++a)
    residual[a] = increment[a] - drift[a] * dt;
  double quadratic = 0;
  for (int a = 0; a < d; ++a) {
    double sum = 0;
    for (int b = 0; b < d; ++b)
      sum += inverse[a * d + b] * residual[b];
    solved[a] = sum;  // Σ̄⁻¹ r
    quadratic += residual[a] * sum;
  }
  TransitionTerm term;
  term.value = 0.5 * quadratic / dt + 0.5 * (d * (kLogTwoPi + std::log(dt)) + log_det);
  for (int a = 0; a < d; ++a)
    term.drift_adjoint[a] = -solved[a];
  for (int a = 0; a < d; ++a)
    for (int b = 0; b < d; ++b)
      term.diffusion_adjoint[a * d + b] =
          0.5 * inverse[a * d + b] - 0.5 * solved[a] * solved[b] / dt;
  return term;
}

}  // namespace msflow::fit
