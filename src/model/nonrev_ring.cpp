// `nonrev-ring` (docs/method.md, "Models"): one fast particle in R² driven round an anisotropic
// ring by a rotation that breaks detailed balance,
//   B(y) = −∇U(y) + ωJ(y − c),   U(y) = (|y − c|² − r0²)²/4 + (h2/2)(y₂ − c₂)².
// No closed form for π0: no exact step, no sampler, no exact average (the Fokker–Planck solver
// supplies the reference). The slow part is the tagged particle's with N = 1.
#include <cmath>
#include <memory>

#include "model_options.hpp"
#include "tagged_family.hpp"

namespace msflow {
namespace {

class NonrevRingModel : public TaggedFamily {
 public:
  explicit NonrevRingModel(const Config& config)
      : TaggedFamily(config, model_options::fixed_integer(config, "model.d", 2, "nonrev-ring"),
                     model_options::fixed_integer(config, "model.N", 1, "nonrev-ring")),
        r0_(model_options::nonnegative(config, "model.r0")),
        h2_(model_options::nonnegative(config, "model.h2")),
        omega_(model_options::real(config, "model.omega")) {
    const auto c = model_options::centre(config, 2);
    c_[0] = c[0];
    c_[1] = c[1];
  }

  std::string name() const override { return "nonrev-ring"; }
  std::unique_ptr<Model> clone() const override { return std::make_unique<NonrevRingModel>(*this); }

  void fast_drift(const double*, const double* y, double* drift) const override {
    const double u0 = y[0] - c_[0], u1 = y[1] - c_[1];
    const double q = u0 * u0 + u1 * u1 - r0_ * r0_;
    drift[0] = -q * u0 - omega_ * u1;
    drift[1] = -q * u1 - h2_ * u1 + omega_ * u0;
  }

  /// The Hessian of U is (|u|² − r0²) I + 2 u uᵀ + diag(0, h2), of norm ≤ 3|u|² − r0² + h2;
  /// under π0, |u|² − r0² stays within a few multiples of √(2/β) of 0, so 3 r0² + 6/√β + h2
  /// bounds it in practice; the rotation adds |ω| to the Jacobian's spectral radius.
  double fast_stiffness() const override {
    return 3 * r0_ * r0_ + 6 / std::sqrt(beta()) + h2_ + std::abs(omega_);
  }

 private:
  double r0_, h2_, omega_;
  double c_[2];
};

}  // namespace

std::unique_ptr<Model> make_nonrev_ring(const Config& config) {
  return std::make_unique<NonrevRingModel>(config);
}

}  // namespace msflow
