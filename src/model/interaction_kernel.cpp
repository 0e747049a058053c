#include "interaction_kernel.hpp"

namespace msflow {

void GaussianKernel::add_isotropic_average_force(const double* u, int d, double s2,
                                                 double* drift) const {
  const double ell2 = ell * ell;
  const double spread = ell2 + s2;
  double u2 = 0;
  for (int a = 0; a < d; ++a)
    u2 += u[a] * u[a];
  const double scale =
      A / ell2 * std::pow(ell2 / spread, 0.5 * d + 1) * std::exp(-0.5 * u2 / spread);
  for (int a = 0; a < d; ++a)
    drift[a] -= scale * u[a];
}

void GaussianKernel::add_gaussian_average_force(const double* u, int d, const double* covariance,
                                                double* drift) const {
  // S = Σ + ℓ²I = L Lᵀ (d ≤ 3: plain loops); z = L⁻¹u gives uᵀS⁻¹u = |z|², S⁻¹u = L⁻ᵀz.
  const double ell2 = ell * ell;
  double L[3][3] = {};
  for (int i = 0; i < d; ++i)
    for (int j = 0; j <= i; ++j) {
      double sum = covariance[i * d + j] + (i == j ? ell2 : 0.0);
      for (int k = 0; k < j; ++k)
        sum -= L[i][k] * L[j][k];
      L[i][j] = i == j ? std::sqrt(sum) : sum / L[j][j];
    }
  double z[3], solved[3];
  double quadratic = 0, log_det = 0;
  for (int i = 0; i < d; ++i) {
    double sum = u[i];
    for (int k = 0; k < i; ++k)
      sum -= L[i][k] * z[k];
    z[i] = sum / L[i][i];
    quadratic += z[i] * z[i];
    log_det += 2 * std::log(L[i][i]);
  }
  for (int i = d - 1; i >= 0; --i) {
    double sum = z[i];
    for (int k = i + 1; k < d; ++k)
      sum -= L[k][i] * solved[k];
    solved[i] = sum / L[i][i];
  }
  // A (2πℓ²)^{d/2} N(u; 0, S) = A (ℓ²)^{d/2} det(S)^{-1/2} exp(−uᵀS⁻¹u/2)
  const double scale = A * std::pow(ell2, 0.5 * d) * std::exp(-0.5 * (log_det + quadratic));
  for (int a = 0; a < d; ++a)
    drift[a] -= scale * solved[a];
}

}  // namespace msflow
