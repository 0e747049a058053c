// infer's two-level decomposition (docs/method.md, "Bayesian inference: parallel"): the ELBO, its
// gradient and the Metropolis chains are BITWISE the same for every draws × windows layout of
// the world (G groups of P/G ranks, G = 1 … P), and equal to one rank alone; the row exchange
// never changes a bit (−0 included).
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "infer_test_support.hpp"
#include "msflow/infer/draw_groups.hpp"
#include "msflow/infer/elbo.hpp"
#include "msflow/infer/metropolis.hpp"

namespace msflow::infer {
namespace {

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

TEST(InferLayouts, RowExchangeKeepsEveryBit) {
  for (int groups = 1; groups <= world_size(); ++groups) {
    const DrawGroups layout(MPI_COMM_WORLD, groups);
    const long long count = 7, width = 3;
    std::vector<double> rows(count * width, 0.0);
    for (long long r = 0; r < count; ++r)
      if (layout.owns(r))
        for (long long c = 0; c < width; ++c)
          rows[r * width + c] = c == 0 ? -0.0 : c == 1 ? std::nan("") : 1.0 / (3.0 + r);
    layout.share(rows, count, width);
    for (long long r = 0; r < count; ++r) {
      EXPECT_TRUE(same_bits(rows[r * width], -0.0)) << "groups " << groups << " row " << r;
      EXPECT_TRUE(std::isnan(rows[r * width + 1]));
      EXPECT_TRUE(same_bits(rows[r * width + 2], 1.0 / (3.0 + r)));
    }
  }
}

struct Evaluation {
  double value = 0;
  Eigen::VectorXd gradient;
};

Evaluation elbo_on(MPI_Comm world, int groups, const std::vector<std::string>& arguments,
                   Coverage coverage) {
  const Config config = testing::fit_config(arguments);
  const DrawGroups layout(world, groups);
  auto model = create_model(config);
  TrajectorySet data = testing::simulated_data(*model, 601);
  data.offsets = {0, 300};
  testing::SmallFitProblem problem(config, data, layout.group());
  const auto objective = problem.objective();
  const auto space = testing::small_space(*problem.averaged, coverage, 3);
  flow::Flow posterior = testing::small_posterior_flow(space->dim());
  Elbo elbo(*objective, *space, posterior, layout, 5, true, 13);
  Evaluation e;
  e.value = elbo.negative(posterior.parameters(), 4, e.gradient);
  return e;
}

void expect_layout_independent(const std::vector<std::string>& arguments, Coverage coverage) {
  const Evaluation alone = elbo_on(MPI_COMM_SELF, 1, arguments, coverage);
  for (int groups = 1; groups <= world_size(); ++groups) {
    const Evaluation e = elbo_on(MPI_COMM_WORLD, groups, arguments, coverage);
    EXPECT_TRUE(same_bits(e.value, alone.value))
        << arguments[1] << " groups " << groups << ": " << e.value << " vs " << alone.value;
    ASSERT_EQ(e.gradient.size(), alone.gradient.size());
    Eigen::Index differ = 0;
    for (Eigen::Index i = 0; i < e.gradient.size(); ++i)
      differ += same_bits(e.gradient[i], alone.gradient[i]) ? 0 : 1;
    EXPECT_EQ(differ, 0) << arguments[1] << " groups " << groups << ": gradient entries differ";
  }
}

TEST(InferLayouts, ElboIsTheSameOnEveryLayoutExact) {
  expect_layout_independent(
      {"--model.name", "tagged", "--model.N", "3", "--fit.learn", "A", "--fit.averaging", "exact"},
      Coverage::kSubspace);
}

TEST(InferLayouts, ElboIsTheSameOnEveryLayoutInterpolatedConditional) {
  expect_layout_independent({"--model.name", "tagged-coupled", "--model.N", "3", "--fit.averaging",
                             "interpolated", "--fit.nodes", "16"},
                            Coverage::kSubspace);
}

TEST(InferLayouts, MetropolisChainsAreTheSameOnEveryLayout) {
  const auto energy = [](const Eigen::VectorXd& u) { return 0.5 * u.squaredNorm() + u[0] * u[1]; };
  const auto never = [](std::int64_t) { return false; };
  const MetropolisSettings settings{3, 200, 50, 7};
  const DrawGroups alone(MPI_COMM_SELF, 1);
  const ChainSummary reference = run_metropolis(alone, 2, settings, energy, never);
  for (int groups = 1; groups <= world_size(); ++groups) {
    const DrawGroups layout(MPI_COMM_WORLD, groups);
    const ChainSummary summary = run_metropolis(layout, 2, settings, energy, never);
    const Eigen::MatrixXd a = summary.pooled(), b = reference.pooled();
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), sizeof(double) * a.size()), 0) << groups;
  }
}

}  // namespace
}  // namespace msflow::infer
