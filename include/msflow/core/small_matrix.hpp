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

}  // namespace msflow
