// The fit objective and its gradient against central finite differences, for every option:
// decoupled and conditional flows, learned Σ̄, learned physical parameters, the unstructured
// baseline with known and learned diffusion.
#include <gtest/gtest.h>
#include <mpi.h>

#include <random>

#include "fit_test_support.hpp"
#include "msflow/fit/gaussian_transition.hpp"
#include "msflow/fit/interpolated_likelihood.hpp"
#include "msflow/fit/likelihood_settings.hpp"
#include "msflow/fit/second_order_transition.hpp"

namespace msflow::fit {
namespace {

struct Case {
  std::string label;
  std::vector<std::string> arguments;
};

// Checks ∇J at a random (non-identity) point against central differences in 25 random
// parameter directions (coordinates) plus the last 3 coordinates (learned η, if any).
void check_gradient(const Case& c) {
  const Config config = testing::fit_config(c.arguments);
  testing::SmallFitProblem problem(config, 40);
  const auto objective_pointer = problem.objective();
  Objective& objective = *objective_pointer;

  std::mt19937_64 generator(17);
  std::normal_distribution<double> normal(0.0, 0.3);
  Eigen::VectorXd theta = problem.averaged->initial_parameters();
  const Eigen::Index count = theta.size();
  for (Eigen::Index i = 0; i < count; ++i)
    theta[i] += normal(generator) * (i < count - 3 ? 1 : 0.1);
  Eigen::VectorXd gradient;
  const double value = objective.evaluate(theta, 3, gradient);
  ASSERT_TRUE(std::isfinite(value)) << c.label;
  ASSERT_EQ(gradient.size(), count);

  std::vector<Eigen::Index> coordinates;
  std::uniform_int_distribution<Eigen::Index> pick(0, count - 1);
  for (int i = 0; i < 25; ++i)
    coordinates.push_back(pick(generator));
  for (Eigen::Index i = std::max<Eigen::Index>(0, count - 3); i < count; ++i)
    coordinates.push_back(i);
  Eigen::VectorXd unused;
  for (const Eigen::Index i : coordinates) {
    const double h = 1e-5 * std::max(1.0, std::abs(theta[i]));
    Eigen::VectorXd plus = theta, minus = theta;
    plus[i] += h, minus[i] -= h;
    const double difference =
        (objective.evaluate(plus, 3, unused) - objective.evaluate(minus, 3, unused)) / (2 * h);
    EXPECT_NEAR(gradient[i], difference, 1e-6 * std::max(1.0, std::abs(difference)))
        << c.label << ": coordinate " << i << " of " << count;
  }
}

TEST(FitObjectiveGradient, DecoupledFlowAffine) {
  check_gradient({"tagged affine", {"--model.name", "tagged", "--fit.lambda", "0.1"}});
}

TEST(FitObjectiveGradient, DecoupledFlowWeightDecay) {
  check_gradient({"tagged affine weight decay",
                  {"--model.name", "tagged", "--fit.lambda", "0.1", "--fit.weight_decay", "0.7"}});
}

TEST(FitObjectiveGradient, DecoupledFlowSplineTwoDimensions) {
  check_gradient({"tagged spline d=2",
                  {"--model.name", "tagged", "--model.d", "2", "--model.N", "3", "--flow.type",
                   "spline", "--fit.p", "3", "--fit.lambda", "0.05"}});
}

TEST(FitObjectiveGradient, ConditionalFlow) {
  check_gradient({"tagged-coupled conditional",
                  {"--model.name", "tagged-coupled", "--model.N", "4", "--fit.lambda", "0.1"}});
}

TEST(FitObjectiveGradient, ConditionalFlowWeightDecay) {
  check_gradient({"tagged-coupled conditional weight decay",
                  {"--model.name", "tagged-coupled", "--model.N", "4", "--fit.lambda", "0.1",
                   "--fit.weight_decay", "0.7"}});
}

TEST(FitObjectiveGradient, LearnedDiffusion) {
  check_gradient({"tagged-sigma", {"--model.name", "tagged-sigma", "--model.N", "4"}});
}

TEST(FitObjectiveGradient, LearnedPhysicalParameters) {
  check_gradient({"tagged learn A,ell,sigma0",
                  {"--model.name", "tagged", "--model.N", "4", "--fit.learn", "A,ell,sigma0"}});
}

TEST(FitObjectiveGradient, UnstructuredKnownDiffusion) {
  check_gradient({"unstructured", {"--model.name", "tagged", "--fit.model", "unstructured"}});
}

TEST(FitObjectiveGradient, UnstructuredLearnedDiffusionTwoDimensions) {
  check_gradient({"unstructured learned Σ d=2",
                  {"--model.name", "tagged-sigma", "--model.d", "2", "--model.N", "3",
                   "--fit.model", "unstructured"}});
}

// The same checks with interpolated averaging (b̄, Σ̄ at grid nodes, interpolated): the
// interpolation weights do not depend on ϑ, so the gradient must be exact for every option.
const std::vector<std::string> kInterpolated = {"--fit.averaging", "interpolated", "--fit.nodes",
                                                "5"};

std::vector<std::string> interpolated(std::vector<std::string> arguments) {
  arguments.insert(arguments.end(), kInterpolated.begin(), kInterpolated.end());
  return arguments;
}

TEST(FitObjectiveGradient, InterpolatedDecoupledFlowTwoDimensions) {
  check_gradient(
      {"interpolated tagged d=2", interpolated({"--model.name", "tagged", "--model.d", "2",
                                                "--model.N", "3", "--fit.lambda", "0.1"})});
}

TEST(FitObjectiveGradient, InterpolatedConditionalFlow) {
  check_gradient(
      {"interpolated tagged-coupled",
       interpolated({"--model.name", "tagged-coupled", "--model.N", "4", "--fit.lambda", "0.1"})});
}

TEST(FitObjectiveGradient, InterpolatedFlowWeightDecay) {
  check_gradient({"interpolated tagged weight decay",
                  interpolated({"--model.name", "tagged", "--model.N", "4", "--fit.lambda", "0.1",
                                "--fit.weight_decay", "0.7"})});
}

// The decay adds exactly (w/2)|θ_c|² and w·θ_c over the coupling parameters θ_c and nothing
// over the final elementwise affine layer (the law's location and scale stay free), whichever
// averaging evaluates J.
TEST(FitObjectiveWeightDecay, AddsHalfSquaredNormOfCouplingParameters) {
  const double decay = 0.7;
  for (const auto& averaging : {"exact", "interpolated"}) {
    const std::vector<std::string> base = {"--model.name",    "tagged",  "--model.N",          "4",
                                           "--fit.lambda",    "0.1",     "--fit.weight_decay", "0",
                                           "--fit.averaging", averaging, "--fit.nodes",        "5"};
    std::vector<std::string> decayed = base;
    decayed.insert(decayed.end(), {"--fit.weight_decay", std::to_string(decay)});
    const Config plain_config = testing::fit_config(base);
    const Config decayed_config = testing::fit_config(decayed);
    testing::SmallFitProblem plain(plain_config, 40), with_decay(decayed_config, 40);
    Eigen::VectorXd theta = plain.averaged->initial_parameters();
    std::mt19937_64 generator(5);
    std::normal_distribution<double> normal(0.0, 0.3);
    for (Eigen::Index i = 0; i < theta.size(); ++i)
      theta[i] += normal(generator);
    Eigen::VectorXd plain_gradient, decayed_gradient;
    const double plain_value = plain.objective()->evaluate(theta, 3, plain_gradient);
    const double decayed_value = with_decay.objective()->evaluate(theta, 3, decayed_gradient);
    const Eigen::Index affine = plain.averaged->layout().find("flow.affine")->size;
    EXPECT_EQ(affine, 2 * 4);  // s and t of the m = N·d = 4 fast coordinates
    const Eigen::Index couplings = theta.size() - affine;
    const double expected = 0.5 * decay * theta.head(couplings).squaredNorm();
    EXPECT_NEAR(decayed_value - plain_value, expected, 1e-9 * std::abs(decayed_value)) << averaging;
    const Eigen::VectorXd difference = decayed_gradient - plain_gradient;
    EXPECT_LT((difference.head(couplings) - decay * theta.head(couplings)).cwiseAbs().maxCoeff(),
              1e-9)
        << averaging;
    EXPECT_EQ(difference.tail(affine).cwiseAbs().maxCoeff(), 0.0) << averaging;
  }
}

// σ constant in x: the diffusion is the same at every node and is inverted once.
TEST(FitObjectiveGradient, InterpolatedLearnedParametersUniformDiffusion) {
  check_gradient({"interpolated tagged learn A,ell,sigma0",
                  interpolated({"--model.name", "tagged", "--model.N", "4", "--fit.learn",
                                "A,ell,sigma0", "--fit.transition", "euler"})});
}

TEST(FitObjectiveGradient, InterpolatedLearnedDiffusionAndParameters) {
  check_gradient({"interpolated tagged-sigma learn A,sigma0",
                  interpolated({"--model.name", "tagged-sigma", "--model.N", "4", "--fit.learn",
                                "A,sigma0"})});
}

TEST(FitObjectiveGradient, InterpolatedUnstructuredLearnedDiffusionTwoDimensions) {
  check_gradient({"interpolated unstructured learned Σ d=2",
                  interpolated({"--model.name", "tagged-sigma", "--model.d", "2", "--model.N", "3",
                                "--fit.model", "unstructured"})});
}

// The second-order transition density: its adjoints reach the node values through b̄, ∇b̄ and
// Σ̄:∇²b̄, and σ0 through Σ̄⁻¹ and the curvature term.
std::vector<std::string> second_order(std::vector<std::string> arguments) {
  arguments = interpolated(std::move(arguments));
  arguments.insert(arguments.end(), {"--fit.transition", "second-order"});
  return arguments;
}

TEST(FitObjectiveGradient, SecondOrderLearnedParameters) {
  check_gradient(
      {"second-order tagged learn A,ell,sigma0",
       second_order({"--model.name", "tagged", "--model.N", "4", "--fit.learn", "A,ell,sigma0"})});
}

TEST(FitObjectiveGradient, SecondOrderTwoDimensionsLearnedSigma) {
  check_gradient({"second-order tagged d=2 learn sigma0",
                  second_order({"--model.name", "tagged", "--model.d", "2", "--model.N", "3",
                                "--fit.learn", "sigma0", "--fit.lambda", "0.1"})});
}

TEST(FitObjectiveGradient, SecondOrderConditionalFlow) {
  check_gradient(
      {"second-order tagged-coupled",
       second_order({"--model.name", "tagged-coupled", "--model.N", "4", "--fit.lambda", "0.1"})});
}

TEST(FitObjectiveGradient, SecondOrderUnstructuredThreeDimensions) {
  check_gradient({"second-order unstructured d=3",
                  second_order({"--model.name", "tagged", "--model.d", "3", "--model.N", "2",
                                "--fit.model", "unstructured"})});
}

// Where the density does not apply the run stops with a message naming the option.
TEST(FitObjectiveSecondOrder, RefusesExactAveragingAndStateDependentDiffusion) {
  const Config exact = testing::fit_config(
      {"--model.name", "tagged", "--fit.averaging", "exact", "--fit.transition", "second-order"});
  EXPECT_THROW(testing::SmallFitProblem(exact, 40).objective(), InputError);
  const Config sigma =
      testing::fit_config(second_order({"--model.name", "tagged-sigma", "--model.N", "3"}));
  testing::SmallFitProblem problem(sigma, 40);
  Eigen::VectorXd gradient;
  EXPECT_THROW(problem.objective()->evaluate(problem.averaged->initial_parameters(), 3, gradient),
               InputError);
}

// transition auto: the second-order density exactly where it applies and a diffusion parameter
// is learned; Euler–Maruyama elsewhere, never an error.
TEST(FitLikelihoodChoice, TransitionAutoTakesSecondOrderForLearnedUniformDiffusion) {
  const std::vector<std::pair<std::vector<std::string>, TransitionDensity>> cases = {
      {{"--model.name", "tagged", "--fit.learn", "sigma0"}, TransitionDensity::kSecondOrder},
      {{"--model.name", "tagged", "--model.d", "2", "--model.N", "3", "--fit.learn", "A,sigma0"},
       TransitionDensity::kSecondOrder},
      {{"--model.name", "tagged"}, TransitionDensity::kEuler},
      {{"--model.name", "tagged", "--fit.learn", "A,ell"}, TransitionDensity::kEuler},
      {{"--model.name", "tagged-sigma", "--model.N", "3"}, TransitionDensity::kEuler},
      {{"--model.name", "tagged-sigma", "--model.N", "3", "--fit.learn", "sigma0"},
       TransitionDensity::kEuler},
      {{"--model.name", "tagged-sigma", "--fit.model", "unstructured"}, TransitionDensity::kEuler},
      {{"--model.name", "tagged", "--fit.learn", "sigma0", "--fit.averaging", "exact"},
       TransitionDensity::kEuler},
      {{"--model.name", "tagged", "--fit.learn", "sigma0", "--fit.transition", "euler"},
       TransitionDensity::kEuler}};
  for (const auto& [arguments, expected] : cases) {
    const Config config = testing::fit_config(arguments);
    testing::SmallFitProblem problem(config, 40);
    const LikelihoodChoice choice =
        make_likelihood(problem.settings.likelihood, problem.comm, problem.window, problem.visited,
                        *problem.averaged);
    EXPECT_EQ(choice.transition, expected) << arguments.back();
    Eigen::VectorXd gradient;
    EXPECT_TRUE(std::isfinite(
        problem.objective()->evaluate(problem.averaged->initial_parameters(), 3, gradient)))
        << arguments.back();
  }
}

// With fine nodes the interpolated objective approaches the exact one: value and gradient agree
// to the interpolation error (and, for the conditional flow, the penalty averaged over nodes
// weighted by their share of the observations approaches the penalty over the observations).
void expect_interpolated_close_to_exact(const std::vector<std::string>& arguments,
                                        double tolerance) {
  auto with_averaging = [&](const std::vector<std::string>& more) {
    std::vector<std::string> all = arguments;
    all.insert(all.end(), more.begin(), more.end());
    return testing::fit_config(all);
  };
  const Config exact_config = with_averaging({"--fit.averaging", "exact"});
  const Config fine_config =
      with_averaging({"--fit.averaging", "interpolated", "--fit.nodes", "256"});
  testing::SmallFitProblem problem(exact_config, 200), fine(fine_config, 200);
  Eigen::VectorXd theta = problem.averaged->initial_parameters();
  for (Eigen::Index i = 0; i < theta.size(); ++i)
    theta[i] += 0.1 * std::sin(3.0 + i);
  Eigen::VectorXd g_exact, g_fine;
  const double j_exact = problem.objective()->evaluate(theta, 5, g_exact);
  const double j_fine = fine.objective()->evaluate(theta, 5, g_fine);
  EXPECT_LT(std::abs(j_fine - j_exact), tolerance * std::abs(j_exact)) << arguments[1];
  EXPECT_LT((g_fine - g_exact).norm(), tolerance * g_exact.norm()) << arguments[1];
}

TEST(FitObjectiveInterpolated, ApproachesExactDecoupled) {
  expect_interpolated_close_to_exact({"--model.name", "tagged", "--fit.lambda", "0.1"}, 1e-6);
}

TEST(FitObjectiveInterpolated, ApproachesExactConditional) {
  // The penalty differs at O(h²) from the node-share weighting; λ keeps it visible.
  expect_interpolated_close_to_exact(
      {"--model.name", "tagged-coupled", "--model.N", "3", "--fit.lambda", "0.1"}, 1e-4);
}

TEST(FitObjectiveInterpolated, ApproachesExactLearnedDiffusion) {
  expect_interpolated_close_to_exact({"--model.name", "tagged-sigma", "--model.N", "3"}, 1e-4);
}

// nodes = auto picks a grid within a tenth of the tolerance, and a tighter tolerance a finer grid.
TEST(FitObjectiveInterpolated, AutomaticNodesMeetTheTolerance) {
  int previous = 0;
  for (const std::string tolerance : {"1e-3", "1e-7"}) {
    const Config config = testing::fit_config({"--model.name", "tagged", "--fit.averaging",
                                               "interpolated", "--fit.tolerance", tolerance});
    testing::SmallFitProblem problem(config, 100);
    const auto objective = problem.objective();
    const auto& interpolated = dynamic_cast<const InterpolatedLikelihood&>(objective->likelihood());
    const InterpolationError error = interpolation_error(*problem.averaged, interpolated.grid(), 0);
    EXPECT_LE(error.largest(), std::stod(tolerance) / 10);
    EXPECT_GT(interpolated.grid().intervals(), previous);
    previous = interpolated.grid().intervals();
  }
}

// The transitions' moments replace the pass over the transitions exactly when Σ̄ cannot change
// with ϑ: known σ, even with learned drift parameters; not with a learned σ0 or Σ̄.
TEST(FitObjectiveInterpolated, MomentsOnlyForFixedDiffusion) {
  const std::vector<std::pair<std::vector<std::string>, bool>> cases = {
      {{"--model.name", "tagged"}, true},
      {{"--model.name", "tagged", "--fit.learn", "A,ell"}, true},
      {{"--model.name", "tagged", "--fit.learn", "A,sigma0"}, false},
      {{"--model.name", "tagged-coupled", "--model.N", "3"}, true},
      {{"--model.name", "tagged-sigma", "--model.N", "3"}, false},
      {{"--model.name", "tagged", "--fit.model", "unstructured"}, true},
      {{"--model.name", "tagged-sigma", "--fit.model", "unstructured"}, false}};
  for (const auto& [arguments, expected] : cases) {
    const Config config = testing::fit_config(interpolated(arguments));
    testing::SmallFitProblem problem(config, 40);
    const auto objective = problem.objective();
    EXPECT_EQ(dynamic_cast<const InterpolatedLikelihood&>(objective->likelihood()).uses_moments(),
              expected)
        << arguments.back();
  }
}

// The Gaussian transition term against its closed form and its derivatives against central
// differences (d = 2, full covariance).
TEST(FitGaussianTransition, ValueAndAdjoints) {
  const double increment[2] = {0.3, -0.2}, dt = 0.1, drift[2] = {1.0, -0.5};
  const double diffusion[4] = {0.5, 0.1, 0.1, 0.3};
  const TransitionTerm term = gaussian_transition(2, increment, dt, drift, diffusion);
  const double det = 0.5 * 0.3 - 0.01, r0 = 0.3 - 0.1, r1 = -0.2 + 0.05;
  const double quadratic = (0.3 * r0 * r0 - 0.2 * r0 * r1 + 0.5 * r1 * r1) / det;
  const double expected = 0.5 * quadratic / dt + 0.5 * std::log(std::pow(2 * M_PI * dt, 2) * det);
  EXPECT_NEAR(term.value, expected, 1e-12);
  const double h = 1e-6;
  for (int a = 0; a < 2; ++a) {
    double plus[2] = {drift[0], drift[1]}, minus[2] = {drift[0], drift[1]};
    plus[a] += h, minus[a] -= h;
    const double difference = (gaussian_transition(2, increment, dt, plus, diffusion).value -
                               gaussian_transition(2, increment, dt, minus, diffusion).value) /
                              (2 * h);
    EXPECT_NEAR(term.drift_adjoint[a], difference, 1e-7);
  }
  // Σ̄ is symmetric: perturb (a, b) and (b, a) together, compare with W_ab + W_ba (a ≠ b).
  for (int a = 0; a < 2; ++a)
    for (int b = a; b < 2; ++b) {
      double plus[4], minus[4];
      std::copy(diffusion, diffusion + 4, plus), std::copy(diffusion, diffusion + 4, minus);
      plus[a * 2 + b] += h, minus[a * 2 + b] -= h;
      if (a != b) plus[b * 2 + a] += h, minus[b * 2 + a] -= h;
      const double difference = (gaussian_transition(2, increment, dt, drift, plus).value -
                                 gaussian_transition(2, increment, dt, drift, minus).value) /
                                (2 * h);
      const double adjoint =
          term.diffusion_adjoint[a * 2 + b] + (a != b ? term.diffusion_adjoint[b * 2 + a] : 0.0);
      EXPECT_NEAR(adjoint, difference, 1e-6);
    }
}

// The second-order term against central differences in every input (d = 2, non-symmetric J,
// full Σ̄).
TEST(FitSecondOrderTransition, AdjointsAgainstCentralDifferences) {
  const double increment[2] = {0.3, -0.2}, dt = 0.05, drift[2] = {1.0, -0.5};
  const double jacobian[4] = {-1.5, 0.4, -0.3, -2.2}, curvature[2] = {0.7, -0.4};
  const double diffusion[4] = {0.5, 0.1, 0.1, 0.3};
  double inverse[4];
  spd_inverse(diffusion, 2, inverse);
  const auto value = [&](const double* b, const double* j, const double* h) {
    return second_order_transition<2>(increment, dt, b, j, h, inverse).value;
  };
  const SecondOrderTerm<2> term =
      second_order_transition<2>(increment, dt, drift, jacobian, curvature, inverse);
  const double h = 1e-6;
  const auto central = [&](const double* base, int size, int i, auto evaluate) {
    double plus[4], minus[4];
    std::copy(base, base + size, plus), std::copy(base, base + size, minus);
    plus[i] += h, minus[i] -= h;
    return (evaluate(plus) - evaluate(minus)) / (2 * h);
  };
  for (int a = 0; a < 2; ++a) {
    EXPECT_NEAR(
        term.drift_adjoint[a],
        central(drift, 2, a, [&](const double* b) { return value(b, jacobian, curvature); }), 1e-6);
    EXPECT_NEAR(
        term.curvature_adjoint[a],
        central(curvature, 2, a, [&](const double* c) { return value(drift, jacobian, c); }), 1e-8);
  }
  for (int e = 0; e < 4; ++e)
    EXPECT_NEAR(
        term.jacobian_adjoint[e],
        central(jacobian, 4, e, [&](const double* j) { return value(drift, j, curvature); }), 1e-7);
}

// For an Ornstein–Uhlenbeck transition (b̄ = −κx, h = 0) the mean and variance the term implies
// (argmin and inverse curvature in Δx) have relative errors O(Δ²) against the exact ones, where
// Euler's variance is off by O(Δ): halving Δ divides the second-order variance error by about 4,
// Euler's by about 2.
TEST(FitSecondOrderTransition, MatchesTheOrnsteinUhlenbeckMomentsToSecondOrder) {
  const double kappa = 2.0, sigma2 = 0.25, x = 0.4, inverse = 1 / sigma2, curvature = 0;
  const double jacobian = -kappa, drift = -kappa * x;
  double previous_second = 0, previous_euler = 0;
  for (const double dt : {0.04, 0.02, 0.01}) {
    const auto f = [&](double dx) {
      return second_order_transition<1>(&dx, dt, &drift, &jacobian, &curvature, &inverse).value;
    };
    // f is quadratic in Δx: its curvature is 1/C and its minimum the mean.
    const double step = 0.1, f0 = f(0), fp = f(step), fm = f(-step);
    const double precision = (fp - 2 * f0 + fm) / (step * step);
    const double mean = -((fp - fm) / (2 * step)) / precision;
    const double exact_mean = x * (std::exp(-kappa * dt) - 1);
    const double exact_variance = sigma2 * (1 - std::exp(-2 * kappa * dt)) / (2 * kappa);
    const double second = std::abs(1 / precision / exact_variance - 1);
    const double euler = std::abs(sigma2 * dt / exact_variance - 1);
    EXPECT_LT(std::abs(mean - exact_mean), 0.05 * kappa * kappa * x * dt * dt) << dt;
    EXPECT_LT(second, 0.1 * euler) << dt;
    if (previous_second > 0) {
      EXPECT_NEAR(previous_second / second, 4, 0.5) << dt;
      EXPECT_NEAR(previous_euler / euler, 2, 0.25) << dt;
    }
    previous_second = second, previous_euler = euler;
  }
}

}  // namespace
}  // namespace msflow::fit
