#pragma once
// The Gaussian interaction kernel of the tagged-particle family (docs/method.md, "Models"):
//   Φ(r) = −A exp(−|r|²/(2ℓ²)),   ∇Φ(r) = (A/ℓ²) r e(r),   e(r) = exp(−|r|²/(2ℓ²)),
//   ∇²Φ(r) = (A/ℓ²) e(r) (I − r rᵀ/ℓ²),
// its mean force on the tagged particle, −(1/N) Σ_i ∇Φ(x − y_i), the derivatives of that force,
// and its exact average over Gaussian particle laws.
#include <cmath>

namespace msflow {

struct GaussianKernel {
  double A = 1;
  double ell = 0.5;

  /// drift += −(1/N) Σ_i ∇Φ(x − y_i) for N particles of D coordinates (particle-major y).
  template <int D>
  void add_mean_force(const double* x, const double* y, int N, double* drift) const {
    const double inv_ell2 = 1 / (ell * ell);
    double sum[D] = {};
    for (int i = 0; i < N; ++i) {
      double r[D];
      double r2 = 0;
      for (int a = 0; a < D; ++a) {
        r[a] = x[a] - y[i * D + a];
        r2 += r[a] * r[a];
      }
      const double e = std::exp(-0.5 * inv_ell2 * r2);
      for (int a = 0; a < D; ++a)
        sum[a] += e * r[a];
    }
    const double scale = A * inv_ell2 / N;
    for (int a = 0; a < D; ++a)
      drift[a] -= scale * sum[a];
  }

  /// Reverse mode of add_mean_force for the cotangent w (D): accumulates
  ///   y_adjoint_i += (1/N) ∇²Φ(r_i) w,   *dA += ∂(w·f)/∂A,   *dell += ∂(w·f)/∂ℓ,
  /// where f is the mean force; null outputs are skipped.
  template <int D>
  void mean_force_vjp(const double* x, const double* y, int N, const double* w, double* y_adjoint,
                      double* dA, double* dell) const {
    const double inv_ell2 = 1 / (ell * ell);
    const double scale = A * inv_ell2 / N;
    double sum_erw = 0;     // Σ e_i (r_i·w)
    double sum_erw_r2 = 0;  // Σ e_i (r_i·w) |r_i|²
    for (int i = 0; i < N; ++i) {
      double r[D];
      double r2 = 0;
      double rw = 0;
      for (int a = 0; a < D; ++a) {
        r[a] = x[a] - y[i * D + a];
        r2 += r[a] * r[a];
        rw += r[a] * w[a];
      }
      const double e = std::exp(-0.5 * inv_ell2 * r2);
      sum_erw += e * rw;
      sum_erw_r2 += e * rw * r2;
      if (y_adjoint) {
        const double along = rw * inv_ell2;
        for (int a = 0; a < D; ++a)
          y_adjoint[i * D + a] += scale * e * (w[a] - along * r[a]);
      }
    }
    // w·f = −(A/(Nℓ²)) Σ e_i (r_i·w);  ∂e_i/∂ℓ = e_i |r_i|²/ℓ³.
    if (dA) *dA -= inv_ell2 / N * sum_erw;
    if (dell)
      *dell -= A / N * (sum_erw_r2 * inv_ell2 * inv_ell2 / ell - 2 * sum_erw * inv_ell2 / ell);
  }

  /// drift += −E[∇Φ(x − Y)] for Y ~ N(x − u, s² I_d):
  ///   −(A/ℓ²) (ℓ²/(ℓ² + s²))^{d/2+1} u exp(−|u|²/(2(ℓ² + s²))).
  void add_isotropic_average_force(const double* u, int d, double s2, double* drift) const;

  /// drift += −E[∇Φ(x − Y)] for Y ~ N(x − u, Σ) (Σ d×d symmetric positive definite, d <= 3):
  ///   −A (2πℓ²)^{d/2} N(u; 0, S) S⁻¹ u,   S = Σ + ℓ² I.
  void add_gaussian_average_force(const double* u, int d, const double* covariance,
                                  double* drift) const;
};

}  // namespace msflow
