#pragma once
// A small posterior for tests: the objective of a SmallFitProblem, a PosteriorSpace around a
// perturbed point, preconditioned by a fixed SPD matrix, and a posterior flow away from the
// identity.
#include <cmath>
#include <memory>

#include "fit_test_support.hpp"
#include "msflow/flow/flow.hpp"
#include "msflow/infer/posterior_space.hpp"

namespace msflow::testing {

/// The center: the model's start, perturbed deterministically (no optimum needed for tests).
inline Eigen::VectorXd perturbed_center(const fit::AveragedModel& model) {
  Eigen::VectorXd center = model.initial_parameters();
  for (Eigen::Index i = 0; i < center.size(); ++i)
    center[i] += 0.05 * std::sin(1.0 + static_cast<double>(i));
  return center;
}

inline std::unique_ptr<infer::PosteriorSpace> small_space(const fit::AveragedModel& model,
                                                          infer::Coverage coverage,
                                                          int subspace_dim) {
  Eigen::MatrixXd subspace;
  if (coverage == infer::Coverage::kSubspace)
    subspace = infer::random_directions(
        static_cast<Eigen::Index>(infer::free_entries(model.layout()).size()), subspace_dim, 5);
  auto space = std::make_unique<infer::PosteriorSpace>(model.layout(), perturbed_center(model),
                                                       coverage, subspace);
  const Eigen::Index k = space->dim();
  Eigen::MatrixXd h = Eigen::MatrixXd::Identity(k, k) * 400.0;
  for (Eigen::Index i = 0; i + 1 < k; ++i)
    h(i, i + 1) = h(i + 1, i) = 50.0;
  space->precondition(h);
  return space;
}

/// A posterior flow of dimension k, 2 couplings (affine or spline) of 8 units, not the identity.
inline flow::Flow small_posterior_flow(Eigen::Index k,
                                       flow::CouplingType type = flow::CouplingType::kAffine) {
  flow::FlowSettings settings;
  settings.type = type;
  settings.layers = 2;
  settings.width = 8;
  settings.depth = 1;
  flow::Flow q(settings.spec(static_cast<int>(k), 0));
  q.initialize(3, 0.3);
  Eigen::VectorXd psi = q.parameters();
  for (Eigen::Index i = psi.size() - 2 * k; i < psi.size(); ++i)  // the final affine layer
    psi[i] = 0.1 * std::cos(static_cast<double>(i));
  q.set_parameters(psi);
  return q;
}

}  // namespace msflow::testing
