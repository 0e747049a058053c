#include <gtest/gtest.h>

#include "flow_test_support.hpp"
#include "msflow/core/error.hpp"
#include "msflow/nn/mlp.hpp"

namespace msflow::nn {
namespace {

using testing::Matrix;
using testing::Vector;

testing::Differentiable mlp_map(Mlp& mlp) {
  testing::Differentiable f;
  f.run = [&mlp](const Vector& p, const Matrix& in, const Matrix&, Matrix& out, Vector& logdet) {
    mlp.set_parameters(p.data());
    out = mlp.forward(in);
    logdet.setZero(in.cols());
  };
  f.backward = [&mlp](const Matrix& g, const Vector&, Vector& gp, Matrix& gi, Matrix&) {
    mlp.backward(g, gp.data(), &gi);
  };
  return f;
}

class NnMlpGradient : public ::testing::TestWithParam<Activation> {};

TEST_P(NnMlpGradient, ParametersAndInputsMatchCentralDifferences) {
  Mlp mlp(MlpSpec{3, 4, 8, 2, GetParam()});
  const Vector params = testing::random_vector(mlp.parameter_count(), 1, 0.7);
  const Matrix input = testing::random_matrix(3, 6, 2);
  const auto errors = testing::check_gradients(mlp_map(mlp), params, input, Matrix());
  std::printf("[ measured ] %s: parameter gradient %.2e, input gradient %.2e\n",
              to_string(GetParam()).c_str(), errors.params, errors.input);
  EXPECT_LT(errors.params, 1e-6);
  EXPECT_LT(errors.input, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(AllActivations, NnMlpGradient,
                         ::testing::Values(Activation::kTanh, Activation::kRelu, Activation::kSilu,
                                           Activation::kSoftplus),
                         [](const auto& info) { return to_string(info.param); });

TEST(NnMlp, ActivationsMatchTheirDefinitions) {
  Matrix pre(1, 7);
  pre << -800, -20, -1e-9, 0, 0.3, 20, 800;
  for (Activation a :
       {Activation::kTanh, Activation::kRelu, Activation::kSilu, Activation::kSoftplus}) {
    Matrix post;
    activate(a, pre, post);
    for (Eigen::Index k = 0; k < pre.size(); ++k) {
      const double x = pre(k);
      double expected = 0;
      switch (a) {
        case Activation::kTanh:
          expected = std::tanh(x);
          break;
        case Activation::kRelu:
          expected = std::max(x, 0.0);
          break;
        case Activation::kSilu:
          expected = x / (1 + std::exp(-x));
          break;
        case Activation::kSoftplus:
          expected = x > 30 ? x : std::log1p(std::exp(x));
          break;
      }
      ASSERT_TRUE(std::isfinite(post(k))) << to_string(a) << " at " << x;
      EXPECT_NEAR(post(k), expected,
                  4e-16 * std::max(1.0, std::abs(expected)) + 1e-7 * std::abs(expected))
          << to_string(a) << " at " << x;
    }
  }
  EXPECT_EQ(parse_activation("silu"), Activation::kSilu);
  EXPECT_THROW(parse_activation("sigmoid"), InputError);
}

TEST(NnMlp, ZeroLastLayerGivesZeroOutputAndInitializationIsDeterministic) {
  Mlp a(MlpSpec{5, 3, 16, 2, Activation::kTanh}), b = a;
  const Vector normals = testing::random_vector(a.parameter_count(), 3);
  a.initialize(normals.data(), 0.0);
  const Matrix x = testing::random_matrix(5, 10, 4);
  EXPECT_EQ(a.forward(x).norm(), 0.0);
  a.initialize(normals.data(), 1.0);
  b.initialize(normals.data(), 1.0);
  EXPECT_GT(a.forward(x).norm(), 0.1);
  EXPECT_EQ(a.forward(x), b.forward(x));
}

TEST(NnMlp, BatchColumnsAreIndependentSamples) {
  Mlp mlp(MlpSpec{2, 2, 8, 1, Activation::kSilu});
  const Vector params = testing::random_vector(mlp.parameter_count(), 5);
  mlp.set_parameters(params.data());
  const Matrix x = testing::random_matrix(2, 7, 6);
  const Matrix batch = mlp.forward(x);
  for (Eigen::Index n = 0; n < x.cols(); ++n)
    EXPECT_LT((mlp.forward(x.col(n)) - batch.col(n)).norm(), 1e-14);
}

}  // namespace
}  // namespace msflow::nn
