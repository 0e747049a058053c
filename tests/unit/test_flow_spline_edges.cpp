// The spline coupling at and beyond its interval: finite values and gradients everywhere,
// the identity (bitwise) outside [-B, B], continuity at ±B.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "flow_test_support.hpp"
#include "msflow/flow/spline_coupling.hpp"

namespace msflow::flow {
namespace {

constexpr double kBound = 3.0;

SplineCoupling random_spline_layer(Index context_dim) {
  rq::SplineShape spline;
  spline.bins = 6;
  spline.bound = kBound;
  SplineCoupling layer(2, CouplingMask::alternating(2, 0), context_dim,
                       ConditionerShape{8, 1, nn::Activation::kTanh}, spline);
  const Vector params = testing::random_vector(layer.parameter_count(), 71, 0.5);
  layer.set_parameters(params.data());
  return layer;
}

TEST(FlowSplineEdges, BoundaryAndFarOutsideInputsAreFiniteWithIdentityTails) {
  SplineCoupling layer = random_spline_layer(0);
  const double just_inside = std::nextafter(kBound, 0.0);
  const double just_outside = std::nextafter(kBound, 10.0);
  const std::vector<double> values = {
      -kBound,        kBound, -just_inside, just_inside, -just_outside, just_outside, kBound - 1e-9,
      -kBound + 1e-9, 1e8,    -1e8,         1e300,       -1e300,        0.0,          0.5};
  const Index batch = static_cast<Index>(values.size());
  Matrix z(2, batch);
  z.row(0).setConstant(0.3);  // conditioning coordinate
  for (Index n = 0; n < batch; ++n)
    z(1, n) = values[n];
  const Matrix grad_out = testing::random_matrix(2, batch, 72);
  const Vector grad_logdet = testing::random_vector(batch, 73);
  for (Direction direction : {Direction::kForward, Direction::kInverse}) {
    Matrix out, grad_in, grad_context;
    Vector logdet;
    if (direction == Direction::kForward)
      layer.forward(z, Matrix(), out, logdet);
    else
      layer.inverse(z, Matrix(), out, logdet);
    Vector grad_params = Vector::Zero(layer.parameter_count());
    layer.backward(grad_out, grad_logdet, grad_params.data(), grad_in, grad_context);
    EXPECT_TRUE(out.allFinite());
    EXPECT_TRUE(logdet.allFinite());
    EXPECT_TRUE(grad_in.allFinite());
    EXPECT_TRUE(grad_params.allFinite());
    for (Index n = 0; n < batch; ++n) {
      const double v = values[n];
      if (std::abs(v) > kBound) {  // identity tail, exactly
        EXPECT_EQ(out(1, n), v);
        EXPECT_EQ(logdet(n), 0.0);
        EXPECT_EQ(grad_in(1, n), grad_out(1, n));
      } else if (std::abs(v) >= kBound - 1e-9) {  // continuity of value and slope at ±B
        EXPECT_NEAR(out(1, n), v, 1e-8) << v;
        EXPECT_NEAR(logdet(n), 0.0, 1e-7) << v;
      }
    }
  }
}

TEST(FlowSplineEdges, GradientsAreFiniteDifferenceAccurateNearTheBound) {
  SplineCoupling layer = random_spline_layer(1);
  Matrix z(2, 4), context = testing::random_matrix(1, 4, 74);
  z << 0.1, -0.2, 0.3, 0.7,  //
      kBound - 1e-3, -kBound + 1e-3, kBound + 1e-3, -kBound - 1e-3;
  testing::Differentiable f;
  f.run = [&layer](const Vector& p, const Matrix& in, const Matrix& ctx, Matrix& out,
                   Vector& logdet) {
    layer.set_parameters(p.data());
    layer.forward(in, ctx, out, logdet);
  };
  f.backward = [&layer](const Matrix& g, const Vector& gl, Vector& gp, Matrix& gi, Matrix& gc) {
    layer.backward(g, gl, gp.data(), gi, gc);
  };
  Vector params(layer.parameter_count());
  layer.get_parameters(params.data());
  const auto e = testing::check_gradients(f, params, z, context);
  EXPECT_LT(e.params, 1e-6);
  EXPECT_LT(e.input, 1e-6);
  EXPECT_LT(e.context, 1e-6);
}

TEST(FlowSplineEdges, ExtremeLogitsStayFiniteAndInvertible) {
  // Logits of ±300 saturate the softmax and the softplus: minimum widths/heights/derivatives.
  rq::SplineShape shape;
  shape.bins = 4;
  shape.bound = 2.0;
  std::vector<double> raw = {300, -300, 0, -300, -300, 300, -300, 0, 300, -300, 0};
  rq::Knots knots;
  knots.build(raw.data(), shape);
  for (double x : {-2.0, -1.5, -0.3, 0.0, 0.9, 1.99, 2.0}) {
    const int bin = rq::Knots::find_bin(knots.x, x);
    double slope = 0;
    const double y = rq::evaluate(knots, bin, x, &slope);
    ASSERT_TRUE(std::isfinite(y) && std::isfinite(slope) && slope > 0) << x;
    const double back = rq::invert(knots, rq::Knots::find_bin(knots.y, y), y);
    EXPECT_NEAR(back, x, 1e-9 * std::max(1.0, 1.0 / slope)) << x;
    std::vector<double> grad(raw.size());
    const double gx = rq::backward(knots, shape, bin, x, 1.0, 1.0,
                                   rq::RawGradient{grad.data(), grad.data() + 4, grad.data() + 8});
    EXPECT_TRUE(std::isfinite(gx));
    for (double g : grad)
      EXPECT_TRUE(std::isfinite(g));
  }
}

}  // namespace
}  // namespace msflow::flow
