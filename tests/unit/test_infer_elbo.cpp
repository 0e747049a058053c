// The ELBO's reparameterization gradient against central finite differences with the noise held
// fixed (the draws are keyed by the iteration), for every posterior coverage, decoupled and
// conditional flows, learned Σ̄ and learned physical parameters, exact and interpolated
// averaging; and its value against a direct evaluation of −J − ln q at the same draws.
#include <gtest/gtest.h>
#include <mpi.h>

#include <random>

#include "infer_test_support.hpp"
#include "msflow/infer/draw_groups.hpp"
#include "msflow/infer/elbo.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::infer {
namespace {

struct Case {
  std::string label;
  std::vector<std::string> arguments;
  Coverage coverage;
  int subspace_dim = 3;
  bool resample = true;
  flow::CouplingType posterior_type = flow::CouplingType::kAffine;
};

void check_elbo_gradient(const Case& c) {
  const Config config = testing::fit_config(c.arguments);
  testing::SmallFitProblem problem(config, 40);
  const auto objective = problem.objective();
  const auto space = testing::small_space(*problem.averaged, c.coverage, c.subspace_dim);
  flow::Flow posterior = testing::small_posterior_flow(space->dim(), c.posterior_type);
  const DrawGroups groups(MPI_COMM_SELF, 1);
  Elbo elbo(*objective, *space, posterior, groups, 4, c.resample, 11);

  const Eigen::VectorXd psi = posterior.parameters();
  Eigen::VectorXd gradient, unused;
  const double value = elbo.negative(psi, 7, gradient);
  ASSERT_TRUE(std::isfinite(value)) << c.label;
  ASSERT_EQ(gradient.size(), psi.size());
  std::mt19937_64 generator(23);
  std::uniform_int_distribution<Eigen::Index> pick(0, psi.size() - 1);
  std::vector<Eigen::Index> coordinates;
  for (int i = 0; i < 20; ++i)
    coordinates.push_back(pick(generator));
  for (Eigen::Index i = psi.size() - 2 * space->dim(); i < psi.size(); ++i)
    coordinates.push_back(i);  // the location/scale layer: the entropy term acts there
  for (const Eigen::Index i : coordinates) {
    const double h = 1e-5;
    Eigen::VectorXd plus = psi, minus = psi;
    plus[i] += h, minus[i] -= h;
    const double difference =
        (elbo.negative(plus, 7, unused) - elbo.negative(minus, 7, unused)) / (2 * h);
    EXPECT_NEAR(gradient[i], difference, 2e-6 * std::max(1.0, std::abs(difference)))
        << c.label << ": coordinate " << i << " of " << psi.size();
  }
}

TEST(InferElboGradient, PhysicalParameters) {
  check_elbo_gradient({"tagged learn A,sigma0",
                       {"--model.name", "tagged", "--model.N", "4", "--fit.learn", "A,sigma0"},
                       Coverage::kPhysical});
}

TEST(InferElboGradient, PhysicalParametersSecondOrderDensity) {
  check_elbo_gradient(
      {"tagged learn A,sigma0, second-order density",
       {"--model.name", "tagged", "--model.N", "4", "--fit.learn", "A,sigma0", "--fit.averaging",
        "interpolated", "--fit.nodes", "16", "--fit.transition", "second-order"},
       Coverage::kPhysical});
}

TEST(InferElboGradient, SubspaceWithPhysicalParameters) {
  check_elbo_gradient({"tagged subspace + ell",
                       {"--model.name", "tagged", "--model.N", "4", "--fit.learn", "ell",
                        "--fit.weight_decay", "10"},
                       Coverage::kSubspace});
}

TEST(InferElboGradient, AllParametersOfASmallFlow) {
  check_elbo_gradient(
      {"tagged all",
       {"--model.name", "tagged", "--model.N", "2", "--flow.layers", "1", "--flow.width", "2"},
       Coverage::kAll});
}

TEST(InferElboGradient, ConditionalFlow) {
  check_elbo_gradient({"tagged-coupled subspace",
                       {"--model.name", "tagged-coupled", "--model.N", "3"},
                       Coverage::kSubspace});
}

TEST(InferElboGradient, LearnedDiffusion) {
  check_elbo_gradient({"tagged-sigma learn sigma0",
                       {"--model.name", "tagged-sigma", "--model.N", "3", "--fit.learn", "sigma0"},
                       Coverage::kSubspace});
}

TEST(InferElboGradient, InterpolatedAveragingFixedBaseSamples) {
  check_elbo_gradient({"tagged interpolated, fit's base samples",
                       {"--model.name", "tagged", "--model.N", "3", "--fit.averaging",
                        "interpolated", "--fit.nodes", "16", "--fit.learn", "A"},
                       Coverage::kSubspace,
                       2,
                       /*resample=*/false});
}

// The default posterior flow: rational-quadratic spline couplings (their log-determinant and
// reverse pass in the entropy term).
TEST(InferElboGradient, SplinePosteriorFlow) {
  check_elbo_gradient({"tagged subspace + sigma0, spline q",
                       {"--model.name", "tagged", "--model.N", "4", "--fit.learn", "sigma0"},
                       Coverage::kSubspace,
                       3,
                       /*resample=*/true,
                       flow::CouplingType::kSpline});
}

// The value is −(1/K) Σ_k [−J(ϑ(u_k)) − ln q(u_k)], with ln q from the flow's own density.
// (A spline q, the default.)
TEST(InferElbo, ValueIsTheMeanOfJPlusLogDensity) {
  const Config config =
      testing::fit_config({"--model.name", "tagged", "--model.N", "3", "--fit.learn", "A"});
  testing::SmallFitProblem problem(config, 40);
  const auto objective = problem.objective();
  const auto space = testing::small_space(*problem.averaged, Coverage::kSubspace, 2);
  flow::Flow posterior = testing::small_posterior_flow(space->dim(), flow::CouplingType::kSpline);
  const DrawGroups groups(MPI_COMM_SELF, 1);
  const int draws = 3;
  Elbo elbo(*objective, *space, posterior, groups, draws, /*resample=*/false, 11);
  const Eigen::VectorXd psi = posterior.parameters();
  Eigen::VectorXd gradient;
  const double value = elbo.negative(psi, 2, gradient);
  // The same draws, by hand.
  Eigen::MatrixXd epsilon(space->dim(), draws);
  fill_normals({11, Purpose::kInferPosterior}, 2, 0, epsilon.data(),
               static_cast<std::size_t>(epsilon.size()));
  Eigen::MatrixXd u;
  Eigen::VectorXd logdet;
  flow::Flow copy = posterior;
  copy.forward(epsilon, Eigen::MatrixXd(), u, logdet);
  const Eigen::VectorXd log_q = copy.log_density(u, Eigen::MatrixXd());
  double expected = 0;
  for (int j = 0; j < draws; ++j)
    expected += objective->evaluate(space->point(u.col(j)), 0, gradient) + log_q(j);
  expected /= draws;
  EXPECT_NEAR(value, expected, 1e-9 * std::abs(expected));
}

}  // namespace
}  // namespace msflow::infer
