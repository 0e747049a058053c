#include "harmonic_solvent.hpp"

#include <climits>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "dimension_dispatch.hpp"
#include "model_options.hpp"

namespace msflow {
namespace {

/// One exact-in-law step of the solvent over fast time τ (τ = ∞: a draw from the invariant law).
/// Per axis, with ȳ the particle mean and ξ̄ the mean of the particles' normals:
///   ȳ' − c = e^{−kτ}(ȳ − c) + √((1 − e^{−2kτ})/(βk)) ξ̄,
///   δ_i'   = e^{−Kτ} δ_i + √((1 − e^{−2Kτ})/(βK)) (ξ_i − ξ̄),   K = k + k_s N,  δ_i = y_i − ȳ.
template <int D>
struct SolventStep {
  int particles;
  std::array<double, 3> offset;
  double gamma;
  double mean_decay, mean_noise;          // centre-of-mass mode
  double relative_decay, relative_noise;  // relative modes

  void operator()(const double* x, const double* xi, double* y) const {
    double mean_y[D] = {};
    double mean_xi[D] = {};
    for (int i = 0; i < particles; ++i)
      for (int a = 0; a < D; ++a) {
        mean_y[a] += y[i * D + a];
        mean_xi[a] += xi[i * D + a];
      }
    // y_i' = ȳ' + e^{−Kτ}(y_i − ȳ) + σ_K (ξ_i − ξ̄) = shift + e^{−Kτ} y_i + σ_K ξ_i
    double shift[D];
    for (int a = 0; a < D; ++a) {
      mean_y[a] /= particles;
      mean_xi[a] /= particles;
      const double centre = offset[a] + (gamma != 0 ? gamma * x[a] : 0.0);
      const double new_mean = centre + mean_decay * (mean_y[a] - centre) + mean_noise * mean_xi[a];
      shift[a] = new_mean - relative_decay * mean_y[a] - relative_noise * mean_xi[a];
    }
    for (int i = 0; i < particles; ++i)
      for (int a = 0; a < D; ++a)
        y[i * D + a] = shift[a] + relative_decay * y[i * D + a] + relative_noise * xi[i * D + a];
  }
};

/// e^{−rate τ} and the transition standard deviation √((1 − e^{−2 rate τ})/(β rate)).
std::pair<double, double> ou_decay_and_noise(double rate, double beta, double tau) {
  if (std::isinf(tau)) return {0.0, std::sqrt(1 / (beta * rate))};
  return {std::exp(-rate * tau), std::sqrt(-std::expm1(-2 * rate * tau) / (beta * rate))};
}

}  // namespace

HarmonicSolventModel::HarmonicSolventModel(const Config& config, std::string name, bool coupled)
    : TaggedFamily(config, model_options::integer_in(config, "model.d", 1, 3),
                   model_options::integer_in(config, "model.N", 1, INT_MAX)),
      name_(std::move(name)),
      k_(model_options::positive(config, "model.k")),
      ks_(model_options::nonnegative(config, "model.ks")) {
  if (coupled) {
    gamma_ = model_options::real(config, "model.gamma");
  } else {
    const auto c = model_options::centre(config, slow_dim());
    for (int a = 0; a < slow_dim(); ++a)
      offset_[a] = c[a];
  }
}

void HarmonicSolventModel::fast_drift(const double* x, const double* y, double* drift) const {
  const int d = slow_dim();
  const int N = particles();
  // ∂U/∂y_i = k(y_i − c) + k_s(N y_i − Σ_j y_j): O(N) through the particle sum.
  std::array<double, 3> sum{};
  for (int i = 0; i < N; ++i)
    for (int a = 0; a < d; ++a)
      sum[a] += y[i * d + a];
  std::array<double, 3> constant{};
  for (int a = 0; a < d; ++a)
    constant[a] = k_ * (offset_[a] + (gamma_ != 0 ? gamma_ * x[a] : 0.0)) + ks_ * sum[a];
  const double rate = relative_rate();
  for (int i = 0; i < N; ++i)
    for (int a = 0; a < d; ++a)
      drift[i * d + a] = constant[a] - rate * y[i * d + a];
}

template <int D>
auto HarmonicSolventModel::solvent_step(double tau) const {
  const auto [mean_decay, mean_noise] = ou_decay_and_noise(k_, beta(), tau);
  const auto [relative_decay, relative_noise] = ou_decay_and_noise(relative_rate(), beta(), tau);
  return SolventStep<D>{particles(), offset_,        gamma_,        mean_decay,
                        mean_noise,  relative_decay, relative_noise};
}

Model::FastStep HarmonicSolventModel::exact_fast_step(double tau) const {
  if (!(tau >= 0)) throw std::invalid_argument("exact_fast_step: tau must be >= 0");
  return with_dimension(slow_dim(),
                        [&](auto D) -> FastStep { return solvent_step<decltype(D)::value>(tau); });
}

bool HarmonicSolventModel::sample_invariant(const double* x, const double* xi, double* y) const {
  const int m = fast_dim();
  for (int j = 0; j < m; ++j)
    y[j] = 0;  // ignored by an infinitely long step, but must be finite
  with_dimension(slow_dim(), [&](auto D) { solvent_step<decltype(D)::value>(INFINITY)(x, xi, y); });
  return true;
}

double HarmonicSolventModel::stationary_variance() const {
  const double N = particles();
  return ((1 - 1 / N) / relative_rate() + 1 / (k_ * N)) / beta();
}

void HarmonicSolventModel::offset_from_centre(const double* x, double* u) const {
  for (int a = 0; a < slow_dim(); ++a)
    u[a] = x[a] - offset_[a] - gamma_ * x[a];
}

void HarmonicSolventModel::exact_average(const double* x, double* drift, double* diffusion) const {
  const int d = slow_dim();
  std::array<double, 3> u{};
  offset_from_centre(x, u.data());
  for (int a = 0; a < d; ++a)
    drift[a] = 0;
  potential().add_force(x, d, drift);
  kernel().add_isotropic_average_force(u.data(), d, stationary_variance(), drift);
  if (diffusion) TaggedFamily::slow_diffusion(x, nullptr, diffusion);
}

}  // namespace msflow
