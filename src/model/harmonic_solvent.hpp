#pragma once
// The tagged particle in a harmonic solvent (docs/method.md, "Models"): N particles tethered with
// stiffness k to a centre c(x) = offset + γx and pulled together by springs k_s,
//   U(y) = Σ_i (k/2)|y_i − c(x)|² + (k_s/2) Σ_{i<j} |y_i − y_j|²,   B = −∇U,   α = √(2/β) I.
// `tagged` tethers to the fixed c (γ = 0), `tagged-coupled` to γx. The dynamics is linear: the
// centre-of-mass mode relaxes at rate k and the N − 1 relative modes at rate k + k_s N, so the
// invariant law is Gaussian (every particle: mean c(x), variance s² I), the step is exact in law,
// and b̄ is the Gaussian kernel average.
#include <array>
#include <memory>
#include <string>

#include "tagged_family.hpp"

namespace msflow {

class HarmonicSolventModel : public TaggedFamily {
 public:
  /// Reads d, N, k, ks and c (coupled = false) or gamma (coupled = true).
  HarmonicSolventModel(const Config& config, std::string name, bool coupled);

  std::string name() const override { return name_; }
  std::unique_ptr<Model> clone() const override {
    return std::make_unique<HarmonicSolventModel>(*this);
  }
  void fast_drift(const double* x, const double* y, double* drift) const override;
  double fast_stiffness() const override { return relative_rate(); }
  FastStep exact_fast_step(double tau) const override;
  bool sample_invariant(const double* x, const double* xi, double* y) const override;
  bool has_exact_average() const override { return true; }
  void exact_average(const double* x, double* drift, double* diffusion) const override;
  bool fast_law_depends_on_slow() const override { return gamma_ != 0; }

  /// s² = [(1 − 1/N)/(k + k_s N) + 1/(k N)]/β, the variance of each particle coordinate.
  double stationary_variance() const;

 protected:
  /// u = x − c(x), the tagged particle's offset from the mean of π_x.
  void offset_from_centre(const double* x, double* u) const;

 private:
  double relative_rate() const { return k_ + ks_ * particles(); }
  /// The exact step over fast time τ (τ = ∞: a draw from π_x) for D = slow_dim().
  template <int D>
  auto solvent_step(double tau) const;

  std::string name_;
  double k_, ks_;
  std::array<double, 3> offset_{};  ///< the fixed part of the centre
  double gamma_ = 0;                ///< the centre's dependence on x
};

}  // namespace msflow
