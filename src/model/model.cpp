#include "msflow/model/model.hpp"

#include <stdexcept>

#include "msflow/core/small_matrix.hpp"

namespace msflow {

void Model::slow_noise(const double* x, const double* y, const double* xi, double* out) const {
  const int d = slow_dim();  // ≤ 3: fixed arrays keep the simulator's step loop off the heap
  double diffusion[9], root[9];
  slow_diffusion(x, y, diffusion);
  cholesky_lower(diffusion, d, root);
  lower_times(root, d, xi, out);
}

Model::SlowAverages Model::average_slow_terms(const double* x, const double* fast, int count,
                                              const AverageAdjoint& adjoint, double* fast_adjoint,
                                              double* eta_adjoint) const {
  const int d = slow_dim(), m = fast_dim();
  const double weight = 1.0 / count;
  SlowAverages averages;
  double drift[3], diffusion[9];
  for (int l = 0; l < count; ++l) {
    slow_drift(x, fast + static_cast<std::ptrdiff_t>(l) * m, drift);
    slow_diffusion(x, fast + static_cast<std::ptrdiff_t>(l) * m, diffusion);
    for (int a = 0; a < d; ++a)
      averages.drift[a] += weight * drift[a];
    for (int a = 0; a < d * d; ++a)
      averages.diffusion[a] += weight * diffusion[a];
  }
  if (!adjoint) return averages;
  SlowAverages weighted = adjoint(averages);
  for (int a = 0; a < d; ++a)
    weighted.drift[a] *= weight;
  for (int a = 0; a < d * d; ++a)
    weighted.diffusion[a] *= weight;
  if (!fast_adjoint && !eta_adjoint) return averages;
  for (int l = 0; l < count; ++l) {
    const double* y = fast + static_cast<std::ptrdiff_t>(l) * m;
    double* y_adjoint = fast_adjoint ? fast_adjoint + static_cast<std::ptrdiff_t>(l) * m : nullptr;
    slow_drift_vjp(x, y, weighted.drift, y_adjoint, eta_adjoint);
    slow_diffusion_vjp(x, y, weighted.diffusion, y_adjoint, eta_adjoint);
  }
  return averages;
}

std::vector<ParameterInfo> Model::parameter_info() const {
  std::vector<ParameterInfo> info;
  for (const auto& name : parameter_names())
    info.push_back({name, ParameterDomain::free()});
  return info;
}

Model::FastStep Model::exact_fast_step(double) const {
  return {};
}

bool Model::sample_invariant(const double*, const double*, double*) const {
  return false;
}

void Model::exact_average(const double*, double*, double*) const {
  throw std::logic_error("model " + name() + " has no exact averaged drift");
}

}  // namespace msflow
