// The posterior's coordinates: the map ϑ(u) and its pull-back are adjoint, the preconditioner
// makes the Laplace approximation standard, Lanczos finds the leading eigenvectors of a known
// matrix, random directions are orthonormal; coverages that cannot work are refused.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include "infer_test_support.hpp"
#include "msflow/core/error.hpp"

namespace msflow::infer {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

PosteriorSpace physical_space(const testing::SmallFitProblem& problem) {
  return PosteriorSpace(problem.averaged->layout(), problem.averaged->initial_parameters(),
                        Coverage::kPhysical);
}

TEST(InferSpace, PullBackIsTheAdjointOfTheMap) {
  const Config config =
      testing::fit_config({"--model.name", "tagged", "--model.N", "3", "--fit.learn", "A,ell"});
  testing::SmallFitProblem problem(config, 10);
  const auto space = testing::small_space(*problem.averaged, Coverage::kSubspace, 3);
  ASSERT_EQ(space->dim(), 5);  // three directions and two physical parameters
  VectorXd u(space->dim()), g(space->center().size());
  for (Eigen::Index i = 0; i < u.size(); ++i)
    u[i] = std::cos(1.0 + static_cast<double>(i));
  for (Eigen::Index i = 0; i < g.size(); ++i)
    g[i] = std::sin(2.0 + static_cast<double>(i));
  const double left = space->pull_back(g).dot(u);
  const double right = g.dot(space->point(u) - space->center());
  EXPECT_NEAR(left, right, 1e-12 * std::abs(right));
}

TEST(InferSpace, PreconditionerMakesTheLaplaceApproximationStandard) {
  const Config config =
      testing::fit_config({"--model.name", "tagged", "--model.N", "3", "--fit.learn", "A,ell"});
  testing::SmallFitProblem problem(config, 10);
  PosteriorSpace space = physical_space(problem);
  MatrixXd h(2, 2);
  h << 900, 120, 120, 25;
  space.precondition(h);
  const MatrixXd t = space.transform();
  const MatrixXd standard = t.transpose() * h * t;
  EXPECT_LT((standard - MatrixXd::Identity(2, 2)).norm(), 1e-12);
}

TEST(InferSpace, ExactCurvatureGivesTheLaplaceCovarianceWhereTheFloorWouldNot) {
  const Config config =
      testing::fit_config({"--model.name", "tagged", "--model.N", "3", "--fit.learn", "A,ell"});
  testing::SmallFitProblem problem(config, 10);
  // Eigenvalues 2e6 and 20: the small one is below the VI start's floor (1e-4 × 2e6 = 200).
  MatrixXd h(2, 2);
  h << 1e6 + 10, 1e6 - 10, 1e6 - 10, 1e6 + 10;
  const MatrixXd inverse = h.inverse();
  using Curvature = PosteriorSpace::Curvature;
  for (const Curvature curvature : {Curvature::kExact, Curvature::kFloored}) {
    PosteriorSpace space = physical_space(problem);
    space.precondition(h, curvature);
    const MatrixXd t = space.transform();
    const double error = (t * t.transpose() - inverse).norm() / inverse.norm();
    if (curvature == Curvature::kExact)
      EXPECT_LT(error, 1e-10);  // u ~ N(0, I) is N(0, H⁻¹) in the coordinates of B
    else
      EXPECT_GT(error, 0.5);  // the floored start is narrower along the soft direction
  }
}

TEST(InferSpace, ExactCurvatureRefusesAnIndefiniteHessian) {
  const Config config =
      testing::fit_config({"--model.name", "tagged", "--model.N", "3", "--fit.learn", "A,ell"});
  testing::SmallFitProblem problem(config, 10);
  PosteriorSpace space = physical_space(problem);
  MatrixXd h(2, 2);
  h << 100, 0, 0, -1;
  EXPECT_NO_THROW(space.precondition(h, PosteriorSpace::Curvature::kFloored));
  EXPECT_THROW(space.precondition(h, PosteriorSpace::Curvature::kExact), InputError);
}

TEST(InferSpace, LanczosFindsTheLeadingEigenvectors) {
  const Eigen::Index n = 60;
  // H = Q diag(λ) Qᵀ with a known spectrum: 5 large, the rest in [1, 2].
  MatrixXd q = random_directions(n, static_cast<int>(n), 3);
  VectorXd lambda(n);
  for (Eigen::Index i = 0; i < n; ++i)
    lambda[i] = i < 5 ? 1000.0 / (1 + static_cast<double>(i)) : 1 + static_cast<double>(i) / n;
  const MatrixXd h = q * lambda.asDiagonal() * q.transpose();
  VectorXd ritz;
  const MatrixXd directions = principal_directions(
      VectorXd::Ones(n), 3, 30, [&](const VectorXd& v) { return VectorXd(h * v); }, &ritz);
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(ritz[c], lambda[c], 1e-8 * lambda[c]) << c;
    EXPECT_NEAR(std::abs(directions.col(c).dot(q.col(c))), 1.0, 1e-8) << c;
  }
  EXPECT_LT((directions.transpose() * directions - MatrixXd::Identity(3, 3)).norm(), 1e-12);
}

TEST(InferSpace, RandomDirectionsAreOrthonormal) {
  const MatrixXd d = random_directions(200, 8, 9);
  EXPECT_LT((d.transpose() * d - MatrixXd::Identity(8, 8)).norm(), 1e-12);
  EXPECT_THROW(random_directions(4, 5, 9), InputError);
}

TEST(InferSpace, RefusesAPhysicalPosteriorWithoutLearnedParameters) {
  const Config config = testing::fit_config({"--model.name", "tagged", "--model.N", "3"});
  testing::SmallFitProblem problem(config, 10);
  EXPECT_THROW(PosteriorSpace(problem.averaged->layout(), problem.averaged->initial_parameters(),
                              Coverage::kPhysical),
               InputError);
}

TEST(InferSpace, RefusesAHessianWithoutPositiveCurvature) {
  const Config config =
      testing::fit_config({"--model.name", "tagged", "--model.N", "3", "--fit.learn", "A"});
  testing::SmallFitProblem problem(config, 10);
  PosteriorSpace space(problem.averaged->layout(), problem.averaged->initial_parameters(),
                       Coverage::kPhysical);
  EXPECT_THROW(space.precondition(MatrixXd::Constant(1, 1, -3.0)), InputError);
}

}  // namespace
}  // namespace msflow::infer
