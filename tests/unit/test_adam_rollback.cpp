// Adam iterations with rollback (docs/method.md, "Bad values"): a non-finite objective restores the
// state before the previous step and redoes it with half the step; the run then recovers and
// finishes; a persistent failure stops with a clear error after the allowed retries.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "msflow/core/error.hpp"
#include "msflow/optim/optimizer_state.hpp"

namespace msflow::optim {
namespace {

const Eigen::VectorXd kMinimum = (Eigen::VectorXd(3) << 1.0, -2.0, 0.5).finished();

// J = ½|p − p*|², except that the evaluations listed in `failing` (counted from 0) give NaN.
struct FaultyQuadratic {
  std::vector<int> failing;
  std::vector<Eigen::VectorXd> evaluated;  ///< every point asked for, in order
  double operator()(const Eigen::VectorXd& p, std::uint64_t, Eigen::VectorXd& gradient) {
    evaluated.push_back(p);
    gradient = p - kMinimum;
    const int call = static_cast<int>(evaluated.size()) - 1;
    for (const int bad : failing)
      if (bad == call) return std::numeric_limits<double>::quiet_NaN();
    return 0.5 * gradient.squaredNorm();
  }
};

TEST(AdamRollback, RecoversFromOneNonFiniteEvaluationAndFinishes) {
  FaultyQuadratic quadratic{{5}, {}};
  OptimizerState state(Eigen::VectorXd::Zero(3));
  std::vector<double> scales;
  const OptimizerState::Objective objective = [&](const Eigen::VectorXd& p, std::uint64_t draw,
                                                  Eigen::VectorXd& g) {
    return quadratic(p, draw, g);
  };
  for (int i = 0; i < 400; ++i)
    state.adam_iteration(objective, 0.05, 3, [&](double scale) { scales.push_back(scale); });

  ASSERT_EQ(scales, std::vector<double>{0.5});
  EXPECT_EQ(state.step_scale, 0.5);
  EXPECT_EQ(state.iteration, 400);
  ASSERT_EQ(state.history.size(), 400u);
  for (const double value : state.history.objective)
    EXPECT_TRUE(std::isfinite(value));
  // The retry evaluated the point before the failed step's predecessor, stepped again with
  // half the step: evaluations 4 (p_4), 5 (p_5, NaN), 6 (p_4 + ½(p_5 − p_4)).
  const auto& p = quadratic.evaluated;
  EXPECT_LT((p[6] - (p[4] + 0.5 * (p[5] - p[4]))).norm(), 1e-14);
  EXPECT_LT((state.parameters - kMinimum).norm(), 1e-2);
}

TEST(AdamRollback, PersistentFailureStopsAfterTheRetries) {
  FaultyQuadratic quadratic{{3, 4, 5, 6, 7, 8, 9, 10}, {}};
  OptimizerState state(Eigen::VectorXd::Zero(3));
  int rollbacks = 0;
  const OptimizerState::Objective objective = [&](const Eigen::VectorXd& p, std::uint64_t draw,
                                                  Eigen::VectorXd& g) {
    return quadratic(p, draw, g);
  };
  for (int i = 0; i < 3; ++i)
    state.adam_iteration(objective, 0.05, 2, [&](double) { ++rollbacks; });
  try {
    state.adam_iteration(objective, 0.05, 2, [&](double) { ++rollbacks; });
    FAIL() << "expected a CollectiveError";
  } catch (const CollectiveError& error) {
    EXPECT_EQ(error.exit_status(), kExitInputError);
    EXPECT_NE(std::string(error.what()).find("after 2 rollbacks"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(rollbacks, 2);
}

TEST(AdamRollback, ANonFiniteStartHasNothingToRollBackTo) {
  FaultyQuadratic quadratic{{0}, {}};
  OptimizerState state(Eigen::VectorXd::Zero(3));
  const OptimizerState::Objective objective = [&](const Eigen::VectorXd& p, std::uint64_t draw,
                                                  Eigen::VectorXd& g) {
    return quadratic(p, draw, g);
  };
  EXPECT_THROW(state.adam_iteration(objective, 0.05, 5, [](double) {}), CollectiveError);
  EXPECT_EQ(state.iteration, 0);
}

}  // namespace
}  // namespace msflow::optim
