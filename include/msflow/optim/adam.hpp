#pragma once
// Adam (Kingma & Ba 2015) with bias correction, on a flat parameter vector. The state (both
// moments and the step count) is all that is needed to resume bitwise, and is stored in HDF5
// for checkpoints.
#include <mpi.h>

#include <Eigen/Core>
#include <cstdint>
#include <string>

#include "msflow/io/hdf5.hpp"

namespace msflow::optim {

struct AdamOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
};

class Adam {
 public:
  explicit Adam(Eigen::Index size, AdamOptions options = {});

  /// One descent step on `parameters` given ∂L/∂parameters:
  /// m ← β1 m + (1-β1) g, v ← β2 v + (1-β2) g², p ← p - lr m̂ / (√v̂ + ε) with m̂ = m/(1-β1^t),
  /// v̂ = v/(1-β2^t).
  void step(Eigen::VectorXd& parameters, const Eigen::VectorXd& gradient, double learning_rate);

  const AdamOptions& options() const { return options_; }
  std::int64_t steps() const { return steps_; }
  const Eigen::VectorXd& first_moment() const { return first_; }
  const Eigen::VectorXd& second_moment() const { return second_; }

  /// Group `name` with attributes beta1, beta2, epsilon, steps and datasets first_moment,
  /// second_moment (collective; the state is replicated on every rank).
  void write(MPI_Comm comm, hid_t parent, const std::string& name) const;
  static Adam read(hid_t parent, const std::string& name);

 private:
  AdamOptions options_;
  std::int64_t steps_ = 0;
  Eigen::VectorXd first_, second_;
};

}  // namespace msflow::optim
