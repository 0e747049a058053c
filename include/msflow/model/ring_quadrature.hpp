#pragma once
// Quadrature for expectations under the one-particle law of `tagged-dw` (docs/method.md, "Models"),
//   p1(y) ∝ exp(−β h (|y − c|² − r0²)²/4),   d = 1 (a double well) or d = 2 (a ring).
// d = 1: the trapezoid rule on [−R, R]; d = 2: polar coordinates about c, the trapezoid rule in
// angle and Gauss–Legendre in radius (the radial integrand r p1(r) does not vanish with its odd
// derivatives at r = 0, so the radial trapezoid rule would only be second order). R truncates
// where β U1 = 46 (p1 below 1e-20 of its peak). The integrand e^{−βU1} f is smooth and decays
// at ±R, so both rules converge spectrally; the spacing is a quarter of the smallest length on
// which p1 or f vary (in angle: of f's, as p1 is isotropic), which makes E[f] accurate to about
// 1e-13 (checked against closed-form normalizations and by doubling the nodes).
#include <cstddef>
#include <vector>

namespace msflow {

class RingLawQuadrature {
 public:
  /// `resolution`: the smallest length scale on which integrands f vary (e.g. the kernel
  /// range ℓ); `refinement` multiplies the number of nodes per axis (for convergence checks).
  RingLawQuadrature(int d, double h, double r0, double beta, double resolution,
                    double refinement = 1);

  int dim() const { return d_; }
  std::size_t size() const { return weights_.size(); }
  /// Node j as the offset y − c (d values).
  const double* node(std::size_t j) const { return nodes_.data() + j * d_; }
  /// Normalized weights: Σ_j weight(j) = 1, E[f(Y − c)] ≈ Σ_j weight(j) f(node(j)).
  double weight(std::size_t j) const { return weights_[j]; }
  /// Σ_j of the unnormalized weights: ∫ exp(−β U1(y)) dy.
  double normalization() const { return normalization_; }

 private:
  int d_;
  std::vector<double> nodes_;
  std::vector<double> weights_;
  double normalization_ = 0;
};

}  // namespace msflow
