// Every layer type, both directions, conditional and not: round trips, log-determinants against
// central-difference Jacobians, reverse mode against central differences. Random weights.
#include <gtest/gtest.h>

#include <string>

#include "flow_test_support.hpp"
#include "msflow/flow/affine_coupling.hpp"
#include "msflow/flow/elementwise_affine.hpp"
#include "msflow/flow/permutation.hpp"
#include "msflow/flow/spline_coupling.hpp"

namespace msflow::flow {
namespace {

using testing::Differentiable;

constexpr Index kDim = 5, kBatch = 7;

struct LayerCase {
  std::string kind;  // affine | spline | elementwise | permutation
  Index context_dim;
  int parity;
};

std::string case_name(const LayerCase& c) {
  return c.kind + "_ctx" + std::to_string(c.context_dim) + "_parity" + std::to_string(c.parity);
}

std::unique_ptr<FlowLayer> make_layer(const LayerCase& c) {
  const ConditionerShape shape{12, 2, nn::Activation::kTanh};
  const CouplingMask mask = CouplingMask::alternating(kDim, c.parity);
  if (c.kind == "affine")
    return std::make_unique<AffineCoupling>(kDim, mask, c.context_dim, shape, 2.0);
  if (c.kind == "spline") {
    rq::SplineShape spline;
    spline.bins = 5;
    spline.bound = 3.0;
    return std::make_unique<SplineCoupling>(kDim, mask, c.context_dim, shape, spline);
  }
  if (c.kind == "elementwise") return std::make_unique<ElementwiseAffine>(kDim);
  return std::make_unique<Permutation>(Permutation::seeded(kDim, 11));
}

Differentiable layer_map(FlowLayer& layer, Direction direction) {
  Differentiable f;
  f.run = [&layer, direction](const Vector& p, const Matrix& in, const Matrix& ctx, Matrix& out,
                              Vector& logdet) {
    layer.set_parameters(p.data());
    if (direction == Direction::kForward)
      layer.forward(in, ctx, out, logdet);
    else
      layer.inverse(in, ctx, out, logdet);
  };
  f.backward = [&layer](const Matrix& g, const Vector& gl, Vector& gp, Matrix& gi, Matrix& gc) {
    layer.backward(g, gl, gp.data(), gi, gc);
  };
  return f;
}

class FlowLayerCheck : public ::testing::TestWithParam<LayerCase> {
 protected:
  void SetUp() override {
    layer_ = make_layer(GetParam());
    // Random, far-from-identity parameters: conditioner outputs of order 1–3 (the affine soft
    // clamp and the spline's bin shapes are both exercised).
    params_ = testing::random_vector(layer_->parameter_count(), 17, 0.5);
    layer_->set_parameters(params_.data());
    z_ = testing::random_matrix(kDim, kBatch, 18, 1.5);  // some beyond the spline bound 3
    context_ = testing::random_matrix(GetParam().context_dim, kBatch, 19);
  }
  std::unique_ptr<FlowLayer> layer_;
  Vector params_;
  Matrix z_, context_;
};

TEST_P(FlowLayerCheck, RoundTripsBothWays) {
  const auto trip =
      testing::round_trip(*layer_, z_, context_, testing::random_matrix(kDim, kBatch, 20, 1.5));
  std::printf("[ measured ] %s: |z->y->z| %.1e, |y->z->y| %.1e, |ld+ld_inv| %.1e\n",
              case_name(GetParam()).c_str(), trip.forward_trip, trip.inverse_trip, trip.logdet_sum);
  EXPECT_LT(trip.forward_trip, 1e-10);
  EXPECT_LT(trip.inverse_trip, 1e-10);
  EXPECT_LT(trip.logdet_sum, 1e-10);
  if (layer_->parameter_count() > 0) {
    EXPECT_GT((trip.y - z_).norm(), 0.1) << "identity by accident";
  }
}

TEST_P(FlowLayerCheck, LogDeterminantMatchesFiniteDifferenceJacobian) {
  for (Direction direction : {Direction::kForward, Direction::kInverse}) {
    const double error =
        testing::check_logdet(layer_map(*layer_, direction), params_, z_, context_);
    std::printf("[ measured ] %s %s: logdet %.1e\n", case_name(GetParam()).c_str(),
                direction == Direction::kForward ? "forward" : "inverse", error);
    EXPECT_LT(error, 1e-6);
  }
}

TEST_P(FlowLayerCheck, GradientsMatchCentralDifferences) {
  for (Direction direction : {Direction::kForward, Direction::kInverse}) {
    const auto e = testing::check_gradients(layer_map(*layer_, direction), params_, z_, context_);
    testing::expect_gradients_match(
        e, case_name(GetParam()) + (direction == Direction::kForward ? " forward" : " inverse"));
  }
}

INSTANTIATE_TEST_SUITE_P(AllLayers, FlowLayerCheck,
                         ::testing::Values(LayerCase{"affine", 0, 0}, LayerCase{"affine", 0, 1},
                                           LayerCase{"affine", 2, 0}, LayerCase{"affine", 2, 1},
                                           LayerCase{"spline", 0, 0}, LayerCase{"spline", 0, 1},
                                           LayerCase{"spline", 2, 0}, LayerCase{"spline", 2, 1},
                                           LayerCase{"elementwise", 0, 0},
                                           LayerCase{"permutation", 0, 0}),
                         [](const auto& info) { return case_name(info.param); });

}  // namespace
}  // namespace msflow::flow
