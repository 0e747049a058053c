#include "tagged_family.hpp"

#include <cmath>
#include <stdexcept>

#include "dimension_dispatch.hpp"
#include "model_options.hpp"

namespace msflow {

TaggedFamily::TaggedFamily(const Config& config, int d, int particles)
    : Model(d, d * particles, model_options::positive(config, "model.n"),
            std::sqrt(2 / model_options::positive(config, "model.beta"))),
      particles_(particles),
      beta_(model_options::positive(config, "model.beta")),
      potential_(read_slow_potential(config)),
      kernel_{model_options::real(config, "model.A"), model_options::positive(config, "model.ell")},
      sigma0_(model_options::positive(config, "model.sigma0")) {}

void TaggedFamily::slow_drift(const double* x, const double* y, double* drift) const {
  const int d = slow_dim();
  for (int a = 0; a < d; ++a)
    drift[a] = 0;
  potential_.add_force(x, d, drift);
  with_dimension(
      d, [&](auto D) { kernel_.add_mean_force<decltype(D)::value>(x, y, particles_, drift); });
}

void TaggedFamily::slow_diffusion(const double*, const double*, double* diffusion) const {
  const int d = slow_dim();
  for (int i = 0; i < d * d; ++i)
    diffusion[i] = 0;
  for (int a = 0; a < d; ++a)
    diffusion[a * d + a] = sigma0_ * sigma0_;
}

void TaggedFamily::slow_noise(const double*, const double*, const double* xi, double* out) const {
  for (int a = 0; a < slow_dim(); ++a)
    out[a] = sigma0_ * xi[a];
}

void TaggedFamily::slow_drift_vjp(const double* x, const double* y, const double* drift_adjoint,
                                  double* y_adjoint, double* eta_adjoint) const {
  const int d = slow_dim();
  double* dA = nullptr;
  double* dell = nullptr;
  if (eta_adjoint) {
    int next = 0;
    if (potential_.has_stiffness())
      eta_adjoint[next++] += potential_.stiffness_derivative(x, d, drift_adjoint);
    dA = eta_adjoint + next;
    dell = eta_adjoint + next + 1;
  }
  if (!y_adjoint && !eta_adjoint) return;
  with_dimension(d, [&](auto D) {
    kernel_.mean_force_vjp<decltype(D)::value>(x, y, particles_, drift_adjoint, y_adjoint, dA,
                                               dell);
  });
}

void TaggedFamily::slow_diffusion_vjp(const double*, const double*, const double* diffusion_adjoint,
                                      double*, double* eta_adjoint) const {
  // σσᵀ = σ0² I: no dependence on y; ∂/∂σ0 contracts with the trace of W.
  if (!eta_adjoint) return;
  const int d = slow_dim();
  double trace = 0;
  for (int a = 0; a < d; ++a)
    trace += diffusion_adjoint[a * d + a];
  eta_adjoint[sigma0_index()] += 2 * sigma0_ * trace;
}

std::vector<std::string> TaggedFamily::parameter_names() const {
  if (potential_.has_stiffness()) return {"a", "A", "ell", "sigma0"};
  return {"A", "ell", "sigma0"};
}

std::vector<ParameterInfo> TaggedFamily::parameter_info() const {
  std::vector<ParameterInfo> info;
  for (const auto& name : parameter_names())
    info.push_back({name, name == "A" ? ParameterDomain::free() : ParameterDomain::positive()});
  return info;
}

std::vector<double> TaggedFamily::parameters() const {
  if (potential_.has_stiffness()) return {potential_.a, kernel_.A, kernel_.ell, sigma0_};
  return {kernel_.A, kernel_.ell, sigma0_};
}

void TaggedFamily::set_parameters(const std::vector<double>& values) {
  if (values.size() != static_cast<std::size_t>(base_parameter_count()))
    throw std::invalid_argument(name() + ": expected " + std::to_string(base_parameter_count()) +
                                " parameters, got " + std::to_string(values.size()));
  set_base_parameters(values.data());
}

void TaggedFamily::set_base_parameters(const double* values) {
  int next = 0;
  if (potential_.has_stiffness()) potential_.a = values[next++];
  kernel_.A = values[next++];
  kernel_.ell = values[next++];
  sigma0_ = values[next];
}

}  // namespace msflow
