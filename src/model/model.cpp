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
