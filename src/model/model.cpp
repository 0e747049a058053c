#include "msflow/model/model.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <stdexcept>

namespace msflow {

void Model::slow_noise(const double* x, const double* y, const double* xi, double* out) const {
  const int d = slow_dim();
  Eigen::MatrixXd diffusion(d, d);
  slow_diffusion(x, y, diffusion.data());  // symmetric: row- and column-major agree
  const Eigen::MatrixXd root = diffusion.llt().matrixL();
  Eigen::Map<Eigen::VectorXd>(out, d) = root * Eigen::Map<const Eigen::VectorXd>(xi, d);
}

Model::FastStep Model::exact_fast_step(double) const { return {}; }

bool Model::sample_invariant(const double*, const double*, double*) const { return false; }

void Model::exact_average(const double*, double*, double*) const {
  throw std::logic_error("model " + name() + " has no exact averaged drift");
}

}  // namespace msflow
