#include <gtest/gtest.h>

#include "msflow/core/error.hpp"
#include "msflow/optim/tao_minimizer.hpp"

namespace msflow::optim {
namespace {

// Rosenbrock in 4 dimensions: minimum 0 at (1, 1, 1, 1).
double rosenbrock(const Eigen::VectorXd& p, Eigen::VectorXd& g) {
  double value = 0;
  g.setZero(p.size());
  for (Eigen::Index i = 0; i + 1 < p.size(); ++i) {
    const double a = p[i + 1] - p[i] * p[i], b = 1 - p[i];
    value += 100 * a * a + b * b;
    g[i] += -400 * a * p[i] - 2 * b;
    g[i + 1] += 200 * a;
  }
  return value;
}

TEST(OptimTao, LmvmAndBqnlsMinimizeRosenbrock) {
  for (const char* type : {"lmvm", "bqnls"}) {
    Eigen::VectorXd p = Eigen::VectorXd::Constant(4, -0.5);
    int monitored = 0;
    const TaoResult result =
        TaoMinimizer(type, 500, 1e-8)
            .minimize(p, rosenbrock, [&](int, double, double, const Eigen::VectorXd&) {
              ++monitored;
              return false;
            });
    EXPECT_TRUE(result.converged) << type << ": " << result.reason;
    EXPECT_LT((p - Eigen::VectorXd::Ones(4)).norm(), 1e-6) << type;
    EXPECT_GT(monitored, 5);
  }
}

TEST(OptimTao, MonitorCanStopTheSolve) {
  Eigen::VectorXd p = Eigen::VectorXd::Constant(4, -0.5);
  const TaoResult result =
      TaoMinimizer("lmvm", 500, 1e-8)
          .minimize(p, rosenbrock, [](int iteration, double, double, const Eigen::VectorXd&) {
            return iteration >= 3;
          });
  EXPECT_EQ(result.reason, "CONVERGED_USER");
  EXPECT_EQ(result.iterations, 3);
}

TEST(OptimTao, UnknownTypeIsAnInputError) {
  Eigen::VectorXd p = Eigen::VectorXd::Zero(2);
  EXPECT_THROW(TaoMinimizer("no-such-tao", 10, 1e-8).minimize(p, rosenbrock), InputError);
}

}  // namespace
}  // namespace msflow::optim
