#pragma once
// The slow confining potential V of the tagged particle (docs/method.md, "Models", option
// --model.V):
//   harmonic     V(x) = (a/2)|x|²        −∇V(x) = −a x
//   double-well  V(x) = (|x|² − 1)²/4    −∇V(x) = −(|x|² − 1) x
#include "msflow/core/options.hpp"

namespace msflow {

struct SlowPotential {
  enum class Kind { kHarmonic, kDoubleWell };
  Kind kind = Kind::kHarmonic;
  double a = 1;  ///< harmonic stiffness (unused by the double well)

  /// Whether V has the learnable parameter a.
  bool has_stiffness() const { return kind == Kind::kHarmonic; }

  /// force += −∇V(x).
  void add_force(const double* x, int d, double* force) const {
    double scale = a;
    if (kind == Kind::kDoubleWell) {
      double x2 = 0;
      for (int i = 0; i < d; ++i)
        x2 += x[i] * x[i];
      scale = x2 - 1;
    }
    for (int i = 0; i < d; ++i)
      force[i] -= scale * x[i];
  }

  /// ∂(w·(−∇V(x)))/∂a = −x·w (harmonic only).
  double stiffness_derivative(const double* x, int d, const double* w) const {
    double xw = 0;
    for (int i = 0; i < d; ++i)
      xw += x[i] * w[i];
    return -xw;
  }
};

/// Reads --model.V and --model.a.
SlowPotential read_slow_potential(const Config& config);

}  // namespace msflow
