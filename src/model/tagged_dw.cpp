// `tagged-dw` (docs/method.md, "Models"): the tagged particle of §2.1 in a solvent of independent
// particles (k_s = 0), each confined by the non-quadratic
//   U1(y) = h (|y − c|² − r0²)²/4      (a double well in 1-D, a ring in 2-D),
// so π0 is the product of p1 ∝ exp(−β U1), not Gaussian. No exact step and no sampler (the
// simulator burns in); b̄(x) = −∇V(x) − E_{p1}[∇Φ(x − Y)] by quadrature (d = 1, 2).
#include <array>
#include <climits>
#include <cmath>
#include <memory>

#include "model_options.hpp"
#include "msflow/model/ring_quadrature.hpp"
#include "tagged_family.hpp"

namespace msflow {
namespace {

int read_dimension(const Config& config) {
  const int d = model_options::integer_in(config, "model.d", 1, 3);
  if (d == 3) model_options::reject(config, "model.d", "tagged-dw supports d = 1, 2");
  return d;
}

class TaggedDwModel : public TaggedFamily {
 public:
  explicit TaggedDwModel(const Config& config)
      : TaggedFamily(config, read_dimension(config),
                     model_options::integer_in(config, "model.N", 1, INT_MAX)),
        h_(model_options::positive(config, "model.h")),
        r0_(model_options::nonnegative(config, "model.r0")),
        quadrature_(build_quadrature()) {
    // The solvent particles are independent: a spring constant set by the user is a mistake.
    if (!config.is_default("model.ks") && model_options::real(config, "model.ks") != 0)
      model_options::reject(config, "model.ks",
                            "tagged-dw has independent solvent particles, ks must be 0");
    const auto c = model_options::centre(config, slow_dim());
    for (int a = 0; a < slow_dim(); ++a)
      c_[a] = c[a];
  }

  std::string name() const override { return "tagged-dw"; }
  std::unique_ptr<Model> clone() const override { return std::make_unique<TaggedDwModel>(*this); }

  void fast_drift(const double*, const double* y, double* drift) const override {
    const int d = slow_dim();
    for (int i = 0; i < particles(); ++i) {
      double u[3];
      double u2 = 0;
      for (int a = 0; a < d; ++a) {
        u[a] = y[i * d + a] - c_[a];
        u2 += u[a] * u[a];
      }
      const double scale = -h_ * (u2 - r0_ * r0_);  // −∇U1 = −h(|u|² − r0²) u
      for (int a = 0; a < d; ++a)
        drift[i * d + a] = scale * u[a];
    }
  }

  /// The Hessian of U1 is h((|u|² − r0²) I + 2 u uᵀ), of norm h(2 r0² + 3q) with
  /// q = |u|² − r0². Under p1, q has the scale 2/√(βh) (where β h q²/4 = 1), so
  /// h(3 r0² + 6/√(βh)) covers the stiffness the particles meet (q up to 2/√(βh) + r0²/3) and
  /// stays positive for r0 = 0. It sets Euler steps, so a typical, not a worst-case, bound.
  double fast_stiffness() const override {
    return h_ * (3 * r0_ * r0_ + 6 / std::sqrt(beta() * h_));
  }

  bool has_exact_average() const override { return true; }

  void exact_average(const double* x, double* drift, double* diffusion) const override {
    const int d = slow_dim();
    for (int a = 0; a < d; ++a)
      drift[a] = 0;
    potential().add_force(x, d, drift);
    // E_{p1}[∇Φ(x − Y)] = Σ_j w_j ∇Φ(u − z_j), u = x − c, z_j = Y_j − c.
    const double inv_ell2 = 1 / (kernel().ell * kernel().ell);
    std::array<double, 3> sum{};
    for (std::size_t j = 0; j < quadrature_.size(); ++j) {
      const double* z = quadrature_.node(j);
      double r[3];
      double r2 = 0;
      for (int a = 0; a < d; ++a) {
        r[a] = x[a] - c_[a] - z[a];
        r2 += r[a] * r[a];
      }
      const double e = quadrature_.weight(j) * std::exp(-0.5 * inv_ell2 * r2);
      for (int a = 0; a < d; ++a)
        sum[a] += e * r[a];
    }
    for (int a = 0; a < d; ++a)
      drift[a] -= kernel().A * inv_ell2 * sum[a];
    if (diffusion) slow_diffusion(x, nullptr, diffusion);
  }

  void set_parameters(const std::vector<double>& values) override {
    const double previous_ell = kernel().ell;
    TaggedFamily::set_parameters(values);
    // The nodes resolve the kernel range: rebuild them when ℓ changes.
    if (kernel().ell != previous_ell) quadrature_ = build_quadrature();
  }

 private:
  RingLawQuadrature build_quadrature() const {
    return RingLawQuadrature(slow_dim(), h_, r0_, beta(), kernel().ell);
  }

  double h_, r0_;
  double c_[3] = {};
  RingLawQuadrature quadrature_;
};

}  // namespace

std::unique_ptr<Model> make_tagged_dw(const Config& config) {
  return std::make_unique<TaggedDwModel>(config);
}

}  // namespace msflow
