// The fit objective on 1, 2 or 3 ranks is BITWISE the one-rank objective over all transitions
// (docs/method.md, "Parallel decomposition"): fixed blocks of transitions and nodes, partial sums
// per block, exact sums over ranks. A single evaluation agreeing to 1e-10 is not enough: a
// thousand optimizer steps amplify any difference, so value, gradient and every term are
// compared bit for bit, and so are the parameters after a few Adam steps.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstring>

#include "fit_test_support.hpp"
#include "msflow/optim/optimizer_state.hpp"
#include "msflow/parallel/exact_sum.hpp"

namespace msflow::fit {
namespace {

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_same_bits(const Eigen::VectorXd& a, const Eigen::VectorXd& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  Eigen::Index differ = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    differ += same_bits(a[i], b[i]) ? 0 : 1;
  EXPECT_EQ(differ, 0) << what << ": " << differ << " of " << a.size() << " entries differ";
}

void expect_rank_independent(const std::vector<std::string>& arguments, int transitions = 1201) {
  const Config config = testing::fit_config(arguments);
  auto model = create_model(config);
  TrajectorySet data = testing::simulated_data(*model, transitions);
  // Two trajectories, to cross a boundary between windows and trajectories.
  data.offsets = {0, static_cast<std::uint64_t>(transitions / 2)};

  testing::SmallFitProblem serial(config, data, MPI_COMM_SELF);
  testing::SmallFitProblem parallel(config, data, MPI_COMM_WORLD);
  const auto serial_objective = serial.objective();
  const auto parallel_objective = parallel.objective();

  Eigen::VectorXd theta = serial.averaged->initial_parameters();
  for (Eigen::Index i = 0; i < theta.size(); ++i)
    theta[i] += 0.05 * std::sin(1.0 + i);
  Eigen::VectorXd g_serial, g_parallel;
  std::vector<TermValue> t_serial, t_parallel;
  const double j_serial = serial_objective->evaluate(theta, 7, g_serial, &t_serial);
  const double j_parallel = parallel_objective->evaluate(theta, 7, g_parallel, &t_parallel);
  EXPECT_TRUE(same_bits(j_serial, j_parallel))
      << arguments[1] << ": " << j_serial << " vs " << j_parallel;
  expect_same_bits(g_serial, g_parallel, arguments[1] + " gradient");
  ASSERT_EQ(t_serial.size(), t_parallel.size());
  for (std::size_t i = 0; i < t_serial.size(); ++i)
    EXPECT_TRUE(same_bits(t_serial[i].value, t_parallel[i].value)) << t_serial[i].name;

  // Ten Adam steps with fresh samples: the parameters stay bitwise equal.
  optim::OptimizerState a(theta), b(theta);
  const auto step = [](Objective& objective) {
    return [&objective](const Eigen::VectorXd& p, std::uint64_t draw, Eigen::VectorXd& g) {
      return objective.evaluate(p, draw, g);
    };
  };
  for (int i = 0; i < 10; ++i) {
    a.adam_iteration(step(*serial_objective), 1e-2, 0, [](double) {});
    b.adam_iteration(step(*parallel_objective), 1e-2, 0, [](double) {});
  }
  expect_same_bits(a.parameters, b.parameters, arguments[1] + " after 10 Adam steps");
}

TEST(MpiFitObjective, ExactDecoupledFlowIsBitwiseRankIndependent) {
  expect_rank_independent({"--model.name", "tagged", "--fit.lambda", "0.1", "--fit.averaging",
                           "exact", "--fit.weight_decay", "0.7"});
}

TEST(MpiFitObjective, ExactConditionalFlowIsBitwiseRankIndependent) {
  expect_rank_independent(
      {"--model.name", "tagged-coupled", "--model.N", "3", "--fit.averaging", "exact"}, 601);
}

TEST(MpiFitObjective, ExactLearnedParametersAreBitwiseRankIndependent) {
  expect_rank_independent({"--model.name", "tagged", "--model.N", "4", "--fit.learn",
                           "A,ell,sigma0", "--fit.averaging", "exact"});
}

TEST(MpiFitObjective, UnstructuredIsBitwiseRankIndependent) {
  expect_rank_independent(
      {"--model.name", "tagged-sigma", "--fit.model", "unstructured", "--fit.averaging", "exact"});
}

TEST(MpiFitObjective, InterpolatedDecoupledFlowIsBitwiseRankIndependent) {
  expect_rank_independent({"--model.name", "tagged", "--fit.lambda", "0.1", "--fit.averaging",
                           "interpolated", "--fit.nodes", "40", "--fit.weight_decay", "0.7"});
}

TEST(MpiFitObjective, InterpolatedConditionalFlowIsBitwiseRankIndependent) {
  expect_rank_independent({"--model.name", "tagged-coupled", "--model.N", "3", "--fit.lambda",
                           "0.1", "--fit.averaging", "interpolated", "--fit.nodes", "40"});
}

// A learned σ0 makes Σ̄ depend on ϑ: the pass over the transitions replaces the moments.
TEST(MpiFitObjective, InterpolatedPassOverTransitionsIsBitwiseRankIndependent) {
  expect_rank_independent({"--model.name", "tagged-sigma", "--model.N", "3", "--fit.learn",
                           "A,sigma0", "--fit.averaging", "interpolated", "--fit.nodes", "40"});
  expect_rank_independent(
      {"--model.name", "tagged-sigma", "--model.d", "2", "--model.N", "2", "--fit.model",
       "unstructured", "--fit.averaging", "interpolated", "--fit.nodes", "6"},
      401);
}

// The second-order density's pass over the transitions (b̄, ∇b̄, Σ̄:∇²b̄ from the stencil).
TEST(MpiFitObjective, SecondOrderTransitionIsBitwiseRankIndependent) {
  expect_rank_independent({"--model.name", "tagged", "--model.N", "3", "--fit.learn", "A,sigma0",
                           "--fit.averaging", "interpolated", "--fit.nodes", "40",
                           "--fit.transition", "second-order"});
  expect_rank_independent(
      {"--model.name", "tagged", "--model.d", "2", "--model.N", "2", "--fit.averaging",
       "interpolated", "--fit.nodes", "8", "--fit.transition", "second-order"},
      801);
}

TEST(MpiFitObjective, InterpolatedTwoDimensionsIsBitwiseRankIndependent) {
  expect_rank_independent({"--model.name", "tagged", "--model.d", "2", "--model.N", "3",
                           "--fit.averaging", "interpolated", "--fit.nodes", "8"},
                          801);
}

// Every rank adds a different share of the same numbers: the reduced sums are the one-rank sums.
TEST(MpiExactSum, SharesOverRanksSumToTheSameBits) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::size_t count = 1000;
  ExactSum everything(2), share(2);
  for (std::size_t i = 0; i < count; ++i) {
    const double value[2] = {std::sin(1.0 + i) * std::exp(0.03 * i), 1.0 / (1.0 + i)};
    everything.add(value);
    if (static_cast<int>(i % static_cast<std::size_t>(size)) == rank) share.add(value);
  }
  share.reduce(MPI_COMM_WORLD);
  EXPECT_TRUE(same_bits(share.value(0), everything.value(0)));
  EXPECT_TRUE(same_bits(share.value(1), everything.value(1)));
}

}  // namespace
}  // namespace msflow::fit
