#pragma once
// Dense kernels for the tiny d×d (d ≤ 3) matrices of the slow variables: plain loops, no heap.
#include <cmath>

#include "msflow/core/error.hpp"

namespace msflow {

/// Lower Cholesky factor L (row-major d×d) of a symmetric positive definite a; InputError if a
/// is not positive definite.
inline void cholesky_lower(const double* a, int d, double* l) {
  for (int i = 0; i < d * d; ++i)
    l[i] = 0;
  for (int j = 0; j < d; ++j) {
    double diagonal = a[j * d + j];
    for (int k = 0; k < j; ++k)
      diagonal -= l[j * d + k] * l[j * d + k];
    if (!(diagonal > 0)) throw InputError("diffusion matrix is not positive definite");
    l[j * d + j] = std::sqrt(diagonal);
    for (int i = j + 1; i < d; ++i) {
      double sum = a[i * d + j];
      for (int k = 0; k < j; ++k)
        sum -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = sum / l[j * d + j];
    }
  }
}

/// out = L xi for a lower-triangular row-major d×d L.
inline void lower_times(const double* l, int d, const double* xi, double* out) {
  for (int i = 0; i < d; ++i) {
    double sum = 0;
    for (int k = 0; k <= i; ++k)
      sum += l[i * d + k] * xi[k];
    out[i] = sum;
  }
}

/// Inverse (row-major d×d) of a symmetric positive definite a, and ln det a. InputError if a is
/// not positive definite.
inline double spd_inverse(const double* a, int d, double* inverse) {
  double l[9], l_inverse[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  cholesky_lower(a, d, l);
  double log_det = 0;
  for (int i = 0; i < d; ++i)
    log_det += 2 * std::log(l[i * d + i]);
  // L⁻¹ by forward substitution, then a⁻¹ = L⁻ᵀ L⁻¹.
  for (int j = 0; j < d; ++j) {
    l_inverse[j * d + j] = 1 / l[j * d + j];
    for (int i = j + 1; i < d; ++i) {
      double sum = 0;
      for (int k = j; k < i; ++k)
        sum -= l[i * d + k] * l_inverse[k * d + j];
      l_inverse[i * d + j] = sum / l[i * d + i];
    }
  }
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) {
      double sum = 0;
      for (int k = 0; k < d; ++k)
        sum += l_inverse[k * d + i] * l_inverse[k * d + j];
      inverse[i * d + j] = sum;
    }
  return log_det;
}

/// Inverse (row-major d×d) of a general a by cofactors, and det a; `inverse` is left unset when
/// det a = 0 (the caller decides what a singular a means).
inline double general_inverse(const double* a, int d, double* inverse) {
  double det = 0;
  if (d == 1) {
    det = a[0];
    if (det != 0) inverse[0] = 1 / det;
    return det;
  }
  if (d == 2) {
    det = a[0] * a[3] - a[1] * a[2];
    if (det == 0) return det;
    inverse[0] = a[3] / det, inverse[1] = -a[1] / det;
    inverse[2] = -a[2] / det, inverse[3] = a[0] / det;
    return det;
  }
  double cofactor[9];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
      cofactor[i * 3 + j] = a[i1 * 3 + j1] * a[i2 * 3 + j2] - a[i1 * 3 + j2] * a[i2 * 3 + j1];
    }
  det = a[0] * cofactor[0] + a[1] * cofactor[1] + a[2] * cofactor[2];
  if (det == 0) return det;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      inverse[i * 3 + j] = cofactor[j * 3 + i] / det;  // the adjugate is the cofactors' transpose
  return det;
}

}  // namespace msflow
