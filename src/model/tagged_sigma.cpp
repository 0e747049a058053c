// `tagged-sigma` (docs/method.md, "Models"): the tagged particle of §2.1 with a diffusion that
// depends on the solvent,
//   σσᵀ(x, y) = σ0² (1 + (1/N) Σ_i exp(−|x − y_i|²/(2ℓσ²))) I_d,
//   Σ̄(x)     = σ0² (1 + (ℓσ²/(ℓσ² + s²))^{d/2} exp(−|u|²/(2(ℓσ² + s²)))) I_d,   u = x − c.
// η appends ell_sigma to the parameters of the family.
#include <array>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "dimension_dispatch.hpp"
#include "harmonic_solvent.hpp"
#include "model_options.hpp"

namespace msflow {
namespace {

class TaggedSigmaModel : public HarmonicSolventModel {
 public:
  explicit TaggedSigmaModel(const Config& config)
      : HarmonicSolventModel(config, "tagged-sigma", /*coupled=*/false),
        ell_sigma_(model_options::positive(config, "model.ell_sigma")) {}

  std::unique_ptr<Model> clone() const override {
    return std::make_unique<TaggedSigmaModel>(*this);
  }
  bool diffusion_depends_on_fast() const override { return true; }

  void slow_diffusion(const double* x, const double* y, double* diffusion) const override {
    const int d = slow_dim();
    const double scalar = diffusion_scalar(x, y);
    for (int i = 0; i < d * d; ++i)
      diffusion[i] = 0;
    for (int a = 0; a < d; ++a)
      diffusion[a * d + a] = scalar;
  }

  void slow_noise(const double* x, const double* y, const double* xi, double* out) const override {
    const double root = std::sqrt(diffusion_scalar(x, y));
    for (int a = 0; a < slow_dim(); ++a)
      out[a] = root * xi[a];
  }

  void slow_diffusion_vjp(const double* x, const double* y, const double* diffusion_adjoint,
                          double* y_adjoint, double* eta_adjoint) const override {
    const int d = slow_dim();
    double trace = 0;  // σσᵀ is a multiple of I: only the trace of W matters
    for (int a = 0; a < d; ++a)
      trace += diffusion_adjoint[a * d + a];
    with_dimension(d, [&](auto D) {
      constexpr int kD = decltype(D)::value;
      const int N = particles();
      const double inv_l2 = 1 / (ell_sigma_ * ell_sigma_);
      const double s0 = sigma0();
      const double y_scale = trace * s0 * s0 / N * inv_l2;
      double sum_e = 0;     // Σ e_i
      double sum_e_r2 = 0;  // Σ e_i |r_i|²
      for (int i = 0; i < N; ++i) {
        double r[kD];
        double r2 = 0;
        for (int a = 0; a < kD; ++a) {
          r[a] = x[a] - y[i * kD + a];
          r2 += r[a] * r[a];
        }
        const double e = std::exp(-0.5 * inv_l2 * r2);
        sum_e += e;
        sum_e_r2 += e * r2;
        // ∂e_i/∂y_i = e_i (x − y_i)/ℓσ²
        if (y_adjoint)
          for (int a = 0; a < kD; ++a)
            y_adjoint[i * kD + a] += y_scale * e * r[a];
      }
      if (eta_adjoint) {
        eta_adjoint[sigma0_index()] += 2 * s0 * (1 + sum_e / N) * trace;
        // ∂e_i/∂ℓσ = e_i |r_i|²/ℓσ³
        eta_adjoint[base_parameter_count()] += trace * s0 * s0 / N * sum_e_r2 * inv_l2 / ell_sigma_;
      }
    });
  }

  /// The family's fused kernel with the fast-dependent diffusion: both Gaussian kernels of
  /// every (particle, sample) pair are evaluated once and reused by the reverse mode.
  SlowAverages average_slow_terms(const double* x, const double* fast, int count,
                                  const AverageAdjoint& adjoint, double* fast_adjoint,
                                  double* eta_adjoint) const override {
    const FastDiffusionKernel diffusion_kernel{ell_sigma_, base_parameter_count()};
    return average_family_terms(x, fast, count, adjoint, fast_adjoint, eta_adjoint,
                                &diffusion_kernel);
  }

  std::vector<std::string> parameter_names() const override {
    auto names = HarmonicSolventModel::parameter_names();
    names.push_back("ell_sigma");
    return names;
  }

  std::vector<double> parameters() const override {
    auto values = HarmonicSolventModel::parameters();
    values.push_back(ell_sigma_);
    return values;
  }

  void set_parameters(const std::vector<double>& values) override {
    const std::size_t count = base_parameter_count() + 1;
    if (values.size() != count)
      throw std::invalid_argument(name() + ": expected " + std::to_string(count) +
                                  " parameters, got " + std::to_string(values.size()));
    set_base_parameters(values.data());
    ell_sigma_ = values.back();
  }

  void exact_average(const double* x, double* drift, double* diffusion) const override {
    HarmonicSolventModel::exact_average(x, drift, nullptr);
    if (!diffusion) return;
    const int d = slow_dim();
    std::array<double, 3> u{};
    offset_from_centre(x, u.data());
    double u2 = 0;
    for (int a = 0; a < d; ++a)
      u2 += u[a] * u[a];
    const double l2 = ell_sigma_ * ell_sigma_;
    const double spread = l2 + stationary_variance();
    const double scalar =
        sigma0() * sigma0() * (1 + std::pow(l2 / spread, 0.5 * d) * std::exp(-0.5 * u2 / spread));
    for (int i = 0; i < d * d; ++i)
      diffusion[i] = 0;
    for (int a = 0; a < d; ++a)
      diffusion[a * d + a] = scalar;
  }

 private:
  /// σ0² (1 + (1/N) Σ_i exp(−|x − y_i|²/(2ℓσ²)))
  double diffusion_scalar(const double* x, const double* y) const {
    return with_dimension(slow_dim(), [&](auto D) {
      constexpr int kD = decltype(D)::value;
      const int N = particles();
      const double half_inv_l2 = 0.5 / (ell_sigma_ * ell_sigma_);
      double sum = 0;
      for (int i = 0; i < N; ++i) {
        double r2 = 0;
        for (int a = 0; a < kD; ++a) {
          const double r = x[a] - y[i * kD + a];
          r2 += r * r;
        }
        sum += std::exp(-half_inv_l2 * r2);
      }
      return sigma0() * sigma0() * (1 + sum / N);
    });
  }

  double ell_sigma_;
};

}  // namespace

std::unique_ptr<Model> make_tagged_sigma(const Config& config) {
  return std::make_unique<TaggedSigmaModel>(config);
}

}  // namespace msflow
