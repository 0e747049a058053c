// The fit objective on 1, 2 or 3 ranks equals the one-rank objective over all transitions to
// 1e-10 relative (DESIGN.md §3.3): windows partition the transitions, base samples do not
// depend on the rank.
#include <gtest/gtest.h>
#include <mpi.h>

#include "fit_test_support.hpp"
#include "msflow/fit/fit_objective.hpp"

namespace msflow::fit {
namespace {

void expect_rank_independent(const std::vector<std::string>& arguments) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const Config config = testing::fit_config(arguments);
  auto model = create_model(config);
  TrajectorySet data = testing::simulated_data(*model, 61);
  // Two trajectories, to cross a boundary between windows and trajectories.
  data.offsets = {0, 30};

  const TransitionWindow everything = make_transition_window(data, 0, 1);
  const TransitionWindow mine = make_transition_window(data, rank, size);
  auto serial_estimator = make_estimator(config, *model, everything.total);
  auto model_copy = create_model(config);
  auto parallel_estimator = make_estimator(config, *model_copy, mine.total);
  const Box visited = bounding_box(data.x, data.dim);
  const auto serial = make_objective(config, MPI_COMM_SELF, *serial_estimator, everything, visited);
  const auto parallel = make_objective(config, MPI_COMM_WORLD, *parallel_estimator, mine, visited);

  Eigen::VectorXd theta = serial_estimator->parameters();
  for (Eigen::Index i = 0; i < theta.size(); ++i)
    theta[i] += 0.05 * std::sin(1.0 + i);
  Eigen::VectorXd g_serial, g_parallel;
  const double j_serial = serial->evaluate(theta, 7, g_serial);
  const double j_parallel = parallel->evaluate(theta, 7, g_parallel);
  EXPECT_LT(std::abs(j_serial - j_parallel), 1e-10 * std::abs(j_serial)) << arguments[1];
  EXPECT_LT((g_serial - g_parallel).norm(), 1e-10 * g_serial.norm()) << arguments[1];
  EXPECT_EQ(mine.total, 60u);  // 61 transitions minus the one across the trajectory boundary
}

TEST(MpiFitObjective, DecoupledFlowIsRankIndependent) {
  expect_rank_independent({"--model.name", "tagged", "--fit.lambda", "0.1"});
}

TEST(MpiFitObjective, ConditionalFlowIsRankIndependent) {
  expect_rank_independent({"--model.name", "tagged-coupled", "--model.N", "3"});
  expect_rank_independent(
      {"--model.name", "tagged-coupled", "--model.N", "3", "--fit.weight_decay", "0.7"});
}

TEST(MpiFitObjective, UnstructuredIsRankIndependent) {
  expect_rank_independent({"--model.name", "tagged-sigma", "--fit.model", "unstructured"});
}

// Interpolated averaging: one Allreduce of the node adjoints, then the same pull-back on
// every rank; with known σ (the decoupled and conditional cases) the transitions' moments,
// summed over ranks once, replace the pass and the Allreduce.
TEST(MpiFitObjective, InterpolatedDecoupledFlowIsRankIndependent) {
  expect_rank_independent({"--model.name", "tagged", "--fit.lambda", "0.1", "--fit.averaging",
                           "interpolated", "--fit.nodes", "16"});
  // The weight decay is a shared term: counted once, by the first rank.
  expect_rank_independent({"--model.name", "tagged", "--fit.lambda", "0.1", "--fit.weight_decay",
                           "0.7", "--fit.averaging", "interpolated", "--fit.nodes", "16"});
}

TEST(MpiFitObjective, InterpolatedConditionalFlowIsRankIndependent) {
  expect_rank_independent({"--model.name", "tagged-coupled", "--model.N", "3", "--fit.lambda",
                           "0.1", "--fit.averaging", "interpolated", "--fit.nodes", "16"});
}

TEST(MpiFitObjective, InterpolatedUnstructuredIsRankIndependent) {
  expect_rank_independent({"--model.name", "tagged-sigma", "--fit.model", "unstructured",
                           "--fit.averaging", "interpolated", "--fit.nodes", "16"});
}

}  // namespace
}  // namespace msflow::fit
