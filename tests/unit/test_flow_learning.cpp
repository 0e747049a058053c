// Learning: maximum-likelihood fits with Adam through the flow's reverse mode.
//  - a banana-shaped 2-D density with known log-density, judged by KL(p‖q) estimated by Monte
//    Carlo with fresh samples from p;
//  - a conditional flow learning y | x ~ N(γx, s²).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "flow_test_support.hpp"
#include "msflow/flow/flow.hpp"
#include "msflow/optim/adam.hpp"
#include "msflow/optim/lr_schedule.hpp"

namespace msflow::flow {
namespace {

constexpr double kLogTwoPi = 1.8378770664093454835606594728112;

// p(y) = N(y1; 0, 1) · N(y2; b (y1² - 1), σ²).
struct Banana {
  double bend = 1.0, sigma = 0.5;
  Matrix sample(Index count, std::mt19937_64& engine) const {
    std::normal_distribution<double> normal;
    Matrix y(2, count);
    for (Index n = 0; n < count; ++n) {
      y(0, n) = normal(engine);
      y(1, n) = bend * (y(0, n) * y(0, n) - 1) + sigma * normal(engine);
    }
    return y;
  }
  Vector log_density(const Matrix& y) const {
    Vector out(y.cols());
    for (Index n = 0; n < y.cols(); ++n) {
      const double r = (y(1, n) - bend * (y(0, n) * y(0, n) - 1)) / sigma;
      out(n) = -0.5 * y(0, n) * y(0, n) - 0.5 * r * r - std::log(sigma) - kLogTwoPi;
    }
    return out;
  }
};

/// Maximum likelihood with Adam: minimizes -mean log q(y | x) over fresh batches from `draw`.
template <class Draw>
void fit(Flow& flow, int steps, Index batch, const optim::LrSchedule& schedule, Draw draw) {
  optim::Adam adam(flow.parameter_count());
  Vector params = flow.parameters(), grad(flow.parameter_count());
  Matrix y, context;
  const Vector weight = Vector::Constant(batch, -1.0 / static_cast<double>(batch));
  for (int step = 0; step < steps; ++step) {
    draw(batch, y, context);
    flow.log_density(y, context);
    grad.setZero();
    flow.log_density_backward(weight, grad, nullptr, nullptr);
    adam.step(params, grad, schedule.at(step));
    flow.set_parameters(params);
  }
}

double kl_divergence(Flow& flow, const Banana& banana, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  const Matrix y = banana.sample(20000, engine);
  return (banana.log_density(y) - flow.log_density(y, Matrix())).mean();
}

void expect_banana_learned(CouplingType type, double kl_target) {
  FlowSpec spec;
  spec.type = type;
  spec.dim = 2;
  spec.layers = 4;
  spec.width = 32;
  spec.depth = 2;
  spec.spline.bins = 8;
  spec.spline.bound = 4.0;
  Flow flow(spec);
  flow.initialize(2024);
  const Banana banana;
  const double kl_before = kl_divergence(flow, banana, 7);
  std::mt19937_64 engine(99);
  fit(flow, 1000, 256, optim::LrSchedule{1e-2, optim::Decay::kCosine, 50, 1000, 0.01},
      [&](Index batch, Matrix& y, Matrix& context) {
        y = banana.sample(batch, engine);
        context.resize(0, batch);
      });
  const double kl_after = kl_divergence(flow, banana, 7);
  std::printf("[ measured ] banana, %s flow: KL(p||q) %.4f -> %.4f (target < %.2f)\n",
              to_string(type).c_str(), kl_before, kl_after, kl_target);
  EXPECT_GT(kl_before, 0.3);
  EXPECT_LT(kl_after, kl_target);
}

TEST(FlowLearning, AffineFlowFitsABananaByMaximumLikelihood) {
  expect_banana_learned(CouplingType::kAffine, 0.03);
}

TEST(FlowLearning, SplineFlowFitsABananaByMaximumLikelihood) {
  expect_banana_learned(CouplingType::kSpline, 0.03);
}

TEST(FlowLearning, ConditionalFlowLearnsAGaussianWithMovingMean) {
  const double gamma = 0.8, s = 0.3;
  FlowSpec spec;
  spec.dim = 1;
  spec.context_dim = 1;
  spec.layers = 2;
  spec.width = 16;
  spec.depth = 1;
  Flow flow(spec);
  flow.initialize(11);
  std::mt19937_64 engine(12);
  std::uniform_real_distribution<double> uniform(-2.0, 2.0);
  std::normal_distribution<double> normal;
  fit(flow, 1500, 256, optim::LrSchedule{1e-2, optim::Decay::kCosine, 50, 1500, 0.01},
      [&](Index batch, Matrix& y, Matrix& context) {
        y.resize(1, batch), context.resize(1, batch);
        for (Index n = 0; n < batch; ++n) {
          context(0, n) = uniform(engine);
          y(0, n) = gamma * context(0, n) + s * normal(engine);
        }
      });
  const Matrix z = testing::random_matrix(1, 20000, 13);
  double worst_mean = 0, worst_sd = 0;
  for (double x : {-1.5, -0.5, 0.0, 0.5, 1.5}) {
    Matrix y;
    Vector logdet;
    flow.forward(z, Matrix::Constant(1, z.cols(), x), y, logdet);
    const double mean = y.mean();
    const double sd = std::sqrt((y.array() - mean).square().mean());
    worst_mean = std::max(worst_mean, std::abs(mean - gamma * x));
    worst_sd = std::max(worst_sd, std::abs(sd / s - 1));
  }
  std::printf("[ measured ] conditional N(γx, s²): max |mean - γx| %.4f, max |sd/s - 1| %.4f\n",
              worst_mean, worst_sd);
  EXPECT_LT(worst_mean, 0.03);
  EXPECT_LT(worst_sd, 0.05);
}

}  // namespace
}  // namespace msflow::flow
