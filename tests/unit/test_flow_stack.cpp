// Whole flows (affine and spline, conditional and not): round trips, log-determinants,
// reverse mode in both directions and of the log-density, the flat parameter view, and the
// normalization of a 1-D density by quadrature.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "flow_test_support.hpp"
#include "msflow/core/error.hpp"
#include "msflow/flow/flow.hpp"

namespace msflow::flow {
namespace {

using testing::Differentiable;

struct FlowCase {
  CouplingType type;
  int dim;
  int context_dim;
};

std::string case_name(const FlowCase& c) {
  return to_string(c.type) + "_m" + std::to_string(c.dim) + "_ctx" + std::to_string(c.context_dim);
}

FlowSpec small_spec(const FlowCase& c) {
  FlowSpec spec;
  spec.type = c.type;
  spec.dim = c.dim;
  spec.context_dim = c.context_dim;
  spec.layers = 4;
  spec.width = 10;
  spec.depth = 2;
  spec.spline.bins = 5;
  spec.spline.bound = 3.0;
  return spec;
}

/// A flow with random, far-from-identity parameters: LeCun weights with a full-size last layer,
/// plus noise on every parameter (biases and the elementwise affine layer included).
Flow random_flow(const FlowSpec& spec, std::uint64_t seed, double last_layer_scale = 1.0,
                 double noise = 0.2) {
  Flow flow(spec);
  flow.initialize(seed, last_layer_scale);
  flow.set_parameters(flow.parameters() +
                      testing::random_vector(flow.parameter_count(), seed + 1, noise));
  return flow;
}

Differentiable flow_map(Flow& flow, Direction direction) {
  Differentiable f;
  f.run = [&flow, direction](const Vector& p, const Matrix& in, const Matrix& ctx, Matrix& out,
                             Vector& logdet) {
    flow.set_parameters(p);
    if (direction == Direction::kForward)
      flow.forward(in, ctx, out, logdet);
    else
      flow.inverse(in, ctx, out, logdet);
  };
  f.backward = [&flow](const Matrix& g, const Vector& gl, Vector& gp, Matrix& gi, Matrix& gc) {
    flow.backward(g, gl, gp, &gi, flow.context_dim() > 0 ? &gc : nullptr);
  };
  return f;
}

class FlowStack : public ::testing::TestWithParam<FlowCase> {
 protected:
  void SetUp() override {
    flow_ = std::make_unique<Flow>(random_flow(small_spec(GetParam()), 31));
    z_ = testing::random_matrix(GetParam().dim, 6, 32);
    context_ = testing::random_matrix(GetParam().context_dim, 6, 33);
  }
  std::unique_ptr<Flow> flow_;
  Matrix z_, context_;
};

TEST_P(FlowStack, RoundTripsBothWays) {
  const auto trip =
      testing::round_trip(*flow_, z_, context_, testing::random_matrix(flow_->dim(), 6, 34, 2.0));
  std::printf("[ measured ] %s: |z->y->z| %.1e, |y->z->y| %.1e, |ld+ld_inv| %.1e\n",
              case_name(GetParam()).c_str(), trip.forward_trip, trip.inverse_trip, trip.logdet_sum);
  EXPECT_LT(trip.forward_trip, 1e-10);
  EXPECT_LT(trip.inverse_trip, 1e-10);
  EXPECT_LT(trip.logdet_sum, 1e-10);
  EXPECT_GT((trip.y - z_).norm(), 0.1);
  EXPECT_GT(trip.logdet.cwiseAbs().maxCoeff(), 0.1);
}

TEST_P(FlowStack, LogDeterminantMatchesFiniteDifferenceJacobian) {
  const Vector params = flow_->parameters();
  for (Direction direction : {Direction::kForward, Direction::kInverse}) {
    const double error = testing::check_logdet(flow_map(*flow_, direction), params, z_, context_);
    std::printf("[ measured ] %s %s: logdet %.1e\n", case_name(GetParam()).c_str(),
                direction == Direction::kForward ? "forward" : "inverse", error);
    EXPECT_LT(error, 1e-6);
  }
}

TEST_P(FlowStack, GradientsMatchCentralDifferences) {
  const Vector params = flow_->parameters();
  for (Direction direction : {Direction::kForward, Direction::kInverse}) {
    const auto e = testing::check_gradients(flow_map(*flow_, direction), params, z_, context_);
    testing::expect_gradients_match(
        e, case_name(GetParam()) + (direction == Direction::kForward ? " forward" : " inverse"));
  }
}

TEST_P(FlowStack, LogDensityGradientMatchesCentralDifferences) {
  Differentiable f;
  f.run = [this](const Vector& p, const Matrix& y, const Matrix& ctx, Matrix& out, Vector& logdet) {
    flow_->set_parameters(p);
    const Vector log_q = flow_->log_density(y, ctx);
    out = Matrix::Zero(y.rows(), y.cols());
    logdet = log_q;  // the checked loss is Σ g ⊙ log q
  };
  f.backward = [this](const Matrix&, const Vector& gl, Vector& gp, Matrix& gi, Matrix& gc) {
    flow_->log_density_backward(gl, gp, &gi, flow_->context_dim() > 0 ? &gc : nullptr);
  };
  const Matrix y = testing::random_matrix(flow_->dim(), 6, 35, 1.5);
  const auto e = testing::check_gradients(f, flow_->parameters(), y, context_);
  std::printf("[ measured ] %s log q: d/dθ %.1e, d/dy %.1e, d/dctx %.1e\n",
              case_name(GetParam()).c_str(), e.params, e.input, e.context);
  EXPECT_LT(e.params, 1e-6);
  EXPECT_LT(e.input, 1e-6);
  EXPECT_LT(e.context, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(
    AffineAndSpline, FlowStack,
    ::testing::Values(FlowCase{CouplingType::kAffine, 5, 0}, FlowCase{CouplingType::kAffine, 5, 2},
                      FlowCase{CouplingType::kSpline, 5, 0}, FlowCase{CouplingType::kSpline, 5, 2},
                      FlowCase{CouplingType::kSpline, 1, 1}, FlowCase{CouplingType::kAffine, 2, 0}),
    [](const auto& info) { return case_name(info.param); });

/// ∫ q(y | x) dy = 1 for a random 1-D flow over [T(-10; x), T(10; x)] (the mass outside is
/// 2e-23), by composite 5-point Gauss–Legendre on 20000 panels: q is smooth except for jumps of
/// its second derivative at the spline knots, which cost O(h³ Δq'') each. The random flow is
/// milder than in the other tests (the extreme splines there have Δq'' ~ 1e3), but far from
/// the identity: the spline flow's log-det varies by more than 1 over the interval.
void expect_normalized(CouplingType type, int context_dim) {
  FlowSpec spec = small_spec(FlowCase{type, 1, context_dim});
  spec.spline.bins = 8;
  Flow flow = random_flow(spec, 41, 0.8, 0.1);
  const Matrix context_ends = Matrix::Constant(context_dim, 2, 0.7);
  Matrix ends;
  Vector unused;
  flow.forward((Matrix(1, 2) << -10.0, 10.0).finished(), context_ends, ends, unused);
  const double low = ends(0, 0), high = ends(0, 1);
  const Index panels = 20000;
  const double h = (high - low) / static_cast<double>(panels);
  const double nodes[5] = {-0.9061798459386640, -0.5384693101056831, 0.0, 0.5384693101056831,
                           0.9061798459386640};
  const double weights[5] = {0.2369268850561891, 0.4786286704993665, 0.5688888888888889,
                             0.4786286704993665, 0.2369268850561891};
  Matrix y(1, 5 * panels);
  Vector w(5 * panels);
  for (Index p = 0; p < panels; ++p)
    for (int i = 0; i < 5; ++i) {
      y(0, 5 * p + i) = low + h * (static_cast<double>(p) + 0.5 * (1.0 + nodes[i]));
      w(5 * p + i) = 0.5 * h * weights[i];
    }
  const Matrix context = Matrix::Constant(context_dim, y.cols(), 0.7);
  const Vector log_q = flow.log_density(y, context);
  Matrix z;
  Vector logdet;
  flow.inverse(y, context, z, logdet);
  std::printf("[ measured ] log|dz/dy| ranges over [%.2f, %.2f]\n", logdet.minCoeff(),
              logdet.maxCoeff());
  if (type == CouplingType::kSpline) {
    EXPECT_GT(logdet.maxCoeff() - logdet.minCoeff(), 1.0);
  }
  double integral = 0;
  for (Index k = 0; k < log_q.size(); ++k)
    integral += w(k) * std::exp(log_q(k));
  std::printf("[ measured ] %s 1-D ctx%d: |∫q - 1| = %.1e on [%.2f, %.2f]\n",
              to_string(type).c_str(), context_dim, std::abs(integral - 1), low, high);
  EXPECT_NEAR(integral, 1.0, 1e-6);
}

TEST(FlowDensity, OneDimensionalSplineDensityIntegratesToOne) {
  expect_normalized(CouplingType::kSpline, 0);
  expect_normalized(CouplingType::kSpline, 2);
}

TEST(FlowDensity, OneDimensionalAffineDensityIntegratesToOne) {
  expect_normalized(CouplingType::kAffine, 1);
}

TEST(FlowParameters, FlatViewRoundTripsAndFollowsTheLayerOrder) {
  FlowSpec spec = small_spec(FlowCase{CouplingType::kSpline, 4, 1});
  Flow flow(spec);
  EXPECT_EQ(flow.parameters().norm(), 0.0);
  const Vector p = testing::random_vector(flow.parameter_count(), 51);
  flow.set_parameters(p);
  EXPECT_EQ(flow.parameters(), p);
  Index total = 0;
  for (const auto& layer : flow.layers())
    total += layer->parameter_count();
  EXPECT_EQ(total, flow.parameter_count());
  // The elementwise affine layer is last: its log-scales are the final 2m - m parameters.
  EXPECT_EQ(flow.layers().back()->kind(), "elementwise_affine");
  Vector tail(2 * spec.dim);
  flow.layers().back()->get_parameters(tail.data());
  EXPECT_EQ(tail, p.tail(2 * spec.dim));
  EXPECT_THROW(flow.set_parameters(Vector::Zero(3)), std::logic_error);
}

TEST(FlowParameters, IdentityInitializationAndDeterministicSeeds) {
  FlowSpec spec = small_spec(FlowCase{CouplingType::kAffine, 3, 0});
  Flow a(spec), b(spec), c(spec);
  a.initialize(7);
  b.initialize(7);
  c.initialize(8);
  EXPECT_EQ(a.parameters(), b.parameters());
  EXPECT_NE(a.parameters(), c.parameters());
  EXPECT_GT(a.parameters().norm(), 1.0);
  const Matrix z = testing::random_matrix(3, 5, 52);
  Matrix y;
  Vector logdet;
  a.forward(z, Matrix(), y, logdet);
  EXPECT_EQ(y, z);  // zero last layers: the identity, exactly
  EXPECT_EQ(logdet.norm(), 0.0);
  for (CouplingType type : {CouplingType::kAffine, CouplingType::kSpline}) {
    Flow spline(small_spec(FlowCase{type, 3, 0}));
    spline.initialize(3);
    spline.forward(z, Matrix(), y, logdet);
    EXPECT_LT((y - z).cwiseAbs().maxCoeff(), 1e-15) << to_string(type);
    EXPECT_LT(logdet.cwiseAbs().maxCoeff(), 1e-14) << to_string(type);
  }
}

TEST(FlowParameters, CopiesAreIndependentValues) {
  Flow a = random_flow(small_spec(FlowCase{CouplingType::kSpline, 3, 0}), 61);
  Flow b = a;
  const Matrix z = testing::random_matrix(3, 5, 62);
  Matrix ya, yb;
  Vector la, lb;
  a.forward(z, Matrix(), ya, la);
  b.forward(z, Matrix(), yb, lb);
  EXPECT_EQ(ya, yb);
  b.set_parameters(b.parameters() * 0.5);
  a.forward(z, Matrix(), yb, lb);
  EXPECT_EQ(ya, yb);
}

TEST(FlowParameters, LogDensityBackwardNeedsLogDensityFirst) {
  Flow flow = random_flow(small_spec(FlowCase{CouplingType::kAffine, 2, 0}), 63);
  const Matrix y = testing::random_matrix(2, 4, 64);
  Matrix z;
  Vector logdet, grad = Vector::Zero(flow.parameter_count());
  flow.log_density(y, Matrix());
  flow.inverse(y, Matrix(), z, logdet);
  EXPECT_THROW(flow.log_density_backward(Vector::Ones(4), grad, nullptr, nullptr),
               std::logic_error);
}

TEST(FlowParameters, BadShapesAreRejected) {
  Flow flow(small_spec(FlowCase{CouplingType::kAffine, 3, 2}));
  Matrix y;
  Vector logdet;
  EXPECT_THROW(flow.forward(Matrix::Zero(2, 4), Matrix::Zero(2, 4), y, logdet), std::logic_error);
  EXPECT_THROW(flow.forward(Matrix::Zero(3, 4), Matrix::Zero(1, 4), y, logdet), std::logic_error);
  FlowSpec bad = small_spec(FlowCase{CouplingType::kSpline, 3, 0});
  bad.spline.bins = 1;
  EXPECT_THROW(Flow{bad}, InputError);
}

}  // namespace
}  // namespace msflow::flow
