// Every derivative the models provide, against central finite differences (README.md, "Install"),
// and the consistency of the drift/diffusion/noise/fast-drift functions with their definitions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "test_model_support.hpp"

namespace msflow {
namespace {

using test::Args;
using test::ModelCase;

const Args kCommon = test::with(test::kNonDefaultSlowParameters, {"--model.N", "4"});

Args with_common(const Args& args) {
  return test::with(args, kCommon);
}

std::vector<ModelCase> all_cases() {
  std::vector<ModelCase> cases;
  for (const char* d : {"1", "2", "3"}) {
    cases.push_back({std::string("tagged_d") + d, with_common({"--model.d", d})});
    cases.push_back({std::string("tagged_double_well_d") + d,
                     with_common({"--model.d", d, "--model.V", "double-well"})});
    cases.push_back({std::string("tagged_sigma_d") + d,
                     with_common({"--model.name", "tagged-sigma", "--model.d", d})});
  }
  cases.push_back(
      {"tagged_coupled_d2", with_common({"--model.name", "tagged-coupled", "--model.d", "2"})});
  cases.push_back({"tagged_dw_d1", with_common({"--model.name", "tagged-dw", "--model.d", "1",
                                                "--model.ks", "0"})});
  cases.push_back({"tagged_dw_d2", with_common({"--model.name", "tagged-dw", "--model.d", "2",
                                                "--model.ks", "0"})});
  // nonrev-*: N is fixed to 1 and d to 2, so drop the common N.
  Args nonrev = kCommon;
  nonrev.resize(nonrev.size() - 2);
  for (const char* name : {"nonrev-ou", "nonrev-ring"}) {
    Args args = nonrev;
    args.insert(args.end(), {"--model.name", name});
    cases.push_back({std::string(name[7] == 'o' ? "nonrev_ou" : "nonrev_ring"), args});
    args.insert(args.end(), {"--model.V", "double-well"});
    cases.push_back(
        {std::string(name[7] == 'o' ? "nonrev_ou" : "nonrev_ring") + "_double_well", args});
  }
  return cases;
}

/// Random x, y with every particle within a couple of ranges of x, and random cotangents.
struct Point {
  std::vector<double> x, y, w, W;
};

Point random_point(const Model& model, std::uint64_t seed) {
  const int d = model.slow_dim();
  const int m = model.fast_dim();
  Point p;
  p.x = test::normals(seed, 1, d);
  p.y = test::normals(seed, 2, m);
  for (int j = 0; j < m; ++j)
    p.y[j] = p.x[j % d] + 0.8 * p.y[j];
  p.w = test::normals(seed, 3, d);
  p.W = test::normals(seed, 4, d * d);
  return p;
}

/// |analytic − fd| ≤ 1e-6 · max(|fd|, 1e-3 max_k |fd_k|) for every component.
void expect_close(const std::vector<double>& analytic, const std::vector<double>& fd,
                  const std::vector<std::string>& labels, const std::string& what) {
  double scale = 0;
  for (const double v : fd)
    scale = std::max(scale, std::abs(v));
  ASSERT_GT(scale, 1e-8) << what << ": all derivatives vanish, the test would be vacuous";
  for (std::size_t j = 0; j < fd.size(); ++j) {
    const double tolerance = 1e-6 * std::max(std::abs(fd[j]), 1e-3 * scale);
    EXPECT_NEAR(analytic[j], fd[j], tolerance) << what << " wrt " << labels[j];
  }
}

/// Central difference of f with respect to `value` (restored afterwards).
double central_difference(double& value, const std::function<double()>& f) {
  const double saved = value;
  const double step = 1e-5 * std::max(1.0, std::abs(saved));
  value = saved + step;
  const double plus = f();
  value = saved - step;
  const double minus = f();
  value = saved;
  return (plus - minus) / (2 * step);
}

class ModelDerivatives : public ::testing::TestWithParam<ModelCase> {};

TEST_P(ModelDerivatives, VjpMatchesFiniteDifferences) {
  const auto model = test::make_model(GetParam().args);
  const int d = model->slow_dim();
  const int m = model->fast_dim();
  const auto names = model->parameter_names();
  const int P = static_cast<int>(names.size());
  std::vector<std::string> y_labels;
  for (int j = 0; j < m; ++j)
    y_labels.push_back("y[" + std::to_string(j) + "]");

  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    Point p = random_point(*model, seed);
    // The scalar functionals whose gradients the VJPs are: w·b and Σ_ij W_ij (σσᵀ)_ij.
    const auto drift_functional = [&]() {
      std::vector<double> b(d);
      model->slow_drift(p.x.data(), p.y.data(), b.data());
      double sum = 0;
      for (int a = 0; a < d; ++a)
        sum += p.w[a] * b[a];
      return sum;
    };
    const auto diffusion_functional = [&]() {
      std::vector<double> s(d * d);
      model->slow_diffusion(p.x.data(), p.y.data(), s.data());
      double sum = 0;
      for (int i = 0; i < d * d; ++i)
        sum += p.W[i] * s[i];
      return sum;
    };

    // Analytic VJPs, accumulated onto non-zero initial values (the contract is +=).
    const double initial = 0.25;
    std::vector<double> drift_y(m, initial), drift_eta(P, initial);
    std::vector<double> diffusion_y(m, initial), diffusion_eta(P, initial);
    model->slow_drift_vjp(p.x.data(), p.y.data(), p.w.data(), drift_y.data(), drift_eta.data());
    model->slow_diffusion_vjp(p.x.data(), p.y.data(), p.W.data(), diffusion_y.data(),
                              diffusion_eta.data());
    for (auto* v : {&drift_y, &drift_eta, &diffusion_y, &diffusion_eta})
      for (double& value : *v)
        value -= initial;

    // Finite differences in y and in every η.
    std::vector<double> fd_drift_y(m), fd_diffusion_y(m), fd_drift_eta(P), fd_diffusion_eta(P);
    for (int j = 0; j < m; ++j) {
      fd_drift_y[j] = central_difference(p.y[j], drift_functional);
      fd_diffusion_y[j] = central_difference(p.y[j], diffusion_functional);
    }
    std::vector<double> eta = model->parameters();
    const auto with_eta = [&](const std::function<double()>& f) {
      return [&, f]() {
        model->set_parameters(eta);
        return f();
      };
    };
    for (int k = 0; k < P; ++k) {
      fd_drift_eta[k] = central_difference(eta[k], with_eta(drift_functional));
      fd_diffusion_eta[k] = central_difference(eta[k], with_eta(diffusion_functional));
    }
    model->set_parameters(eta);

    const std::string at = " (seed " + std::to_string(seed) + ")";
    expect_close(drift_y, fd_drift_y, y_labels, "drift" + at);
    expect_close(drift_eta, fd_drift_eta, names, "drift" + at);
    expect_close(diffusion_eta, fd_diffusion_eta, names, "diffusion" + at);
    if (model->diffusion_depends_on_fast()) {
      expect_close(diffusion_y, fd_diffusion_y, y_labels, "diffusion" + at);
    } else {
      for (int j = 0; j < m; ++j)
        EXPECT_EQ(diffusion_y[j], 0.0) << "diffusion wrt y" << at;
    }

    // Either output may be null, and then the other is unchanged.
    std::vector<double> only_y(m, 0.0), only_eta(P, 0.0);
    model->slow_drift_vjp(p.x.data(), p.y.data(), p.w.data(), only_y.data(), nullptr);
    model->slow_drift_vjp(p.x.data(), p.y.data(), p.w.data(), nullptr, only_eta.data());
    model->slow_drift_vjp(p.x.data(), p.y.data(), p.w.data(), nullptr, nullptr);
    for (int j = 0; j < m; ++j)
      EXPECT_NEAR(only_y[j], drift_y[j], 1e-14) << at;
    for (int k = 0; k < P; ++k)
      EXPECT_NEAR(only_eta[k], drift_eta[k], 1e-14) << at;
    std::fill(only_y.begin(), only_y.end(), 0.0);
    std::fill(only_eta.begin(), only_eta.end(), 0.0);
    model->slow_diffusion_vjp(p.x.data(), p.y.data(), p.W.data(), only_y.data(), nullptr);
    model->slow_diffusion_vjp(p.x.data(), p.y.data(), p.W.data(), nullptr, only_eta.data());
    model->slow_diffusion_vjp(p.x.data(), p.y.data(), p.W.data(), nullptr, nullptr);
    for (int j = 0; j < m; ++j)
      EXPECT_NEAR(only_y[j], diffusion_y[j], 1e-14) << at;
    for (int k = 0; k < P; ++k)
      EXPECT_NEAR(only_eta[k], diffusion_eta[k], 1e-14) << at;
  }
}

TEST_P(ModelDerivatives, DriftMatchesItsDefinition) {
  // b(x, y) = −∇V(x) − (1/N) Σ_i ∇Φ(x − y_i), written out independently of the model code.
  const auto model = test::make_model(GetParam().args);
  const auto config = test::model_config(GetParam().args);
  const int d = model->slow_dim();
  const int N = model->fast_dim() / d;
  const double A = config.get_double("model.A"), ell = config.get_double("model.ell");
  const bool harmonic = config.get_string("model.V") == "harmonic";
  const double a = config.get_double("model.a");
  const Point p = random_point(*model, 7);
  std::vector<double> b(d);
  model->slow_drift(p.x.data(), p.y.data(), b.data());
  double x2 = 0;
  for (int c = 0; c < d; ++c)
    x2 += p.x[c] * p.x[c];
  for (int c = 0; c < d; ++c) {
    double expected = harmonic ? -a * p.x[c] : -(x2 - 1) * p.x[c];
    for (int i = 0; i < N; ++i) {
      double r2 = 0;
      for (int e = 0; e < d; ++e)
        r2 += std::pow(p.x[e] - p.y[i * d + e], 2);
      expected -= A / (ell * ell) * (p.x[c] - p.y[i * d + c]) * std::exp(-r2 / (2 * ell * ell)) / N;
    }
    EXPECT_NEAR(b[c], expected, 1e-14 * (1 + std::abs(expected))) << "component " << c;
  }
}

TEST_P(ModelDerivatives, NoiseIsASquareRootOfTheDiffusion) {
  const auto model = test::make_model(GetParam().args);
  const int d = model->slow_dim();
  const Point p = random_point(*model, 11);
  std::vector<double> diffusion(d * d), root(d * d), unit(d), column(d);
  model->slow_diffusion(p.x.data(), p.y.data(), diffusion.data());
  for (int j = 0; j < d; ++j) {
    std::fill(unit.begin(), unit.end(), 0.0);
    unit[j] = 1;
    model->slow_noise(p.x.data(), p.y.data(), unit.data(), column.data());
    for (int i = 0; i < d; ++i)
      root[i * d + j] = column[i];
  }
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) {
      double product = 0;
      for (int k = 0; k < d; ++k)
        product += root[i * d + k] * root[j * d + k];
      EXPECT_NEAR(product, diffusion[i * d + j], 1e-14) << i << "," << j;
    }
}

INSTANTIATE_TEST_SUITE_P(Model, ModelDerivatives, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return info.param.label; });

// ---- the fast drift is the negative gradient of the energy written pairwise ---------------

/// Central-difference gradient of U at y.
std::vector<double> numerical_gradient(const std::function<double(const std::vector<double>&)>& U,
                                       std::vector<double> y) {
  std::vector<double> gradient(y.size());
  for (std::size_t j = 0; j < y.size(); ++j)
    gradient[j] = central_difference(y[j], [&]() { return U(y); });
  return gradient;
}

TEST(ModelFastDrift, TaggedIsMinusTheGradientOfThePairwiseEnergy) {
  const int d = 2, N = 5;
  const double k = 1.3, ks = 0.7, gamma = 0.4;
  for (const bool coupled : {false, true}) {
    const auto model = test::make_model(
        {"--model.name", coupled ? "tagged-coupled" : "tagged", "--model.d", "2", "--model.N", "5",
         "--model.k", "1.3", "--model.ks", "0.7", "--model.c", "0.2,-0.4", "--model.gamma", "0.4"});
    const std::vector<double> x = {0.9, -1.1};
    const double c[2] = {coupled ? gamma * x[0] : 0.2, coupled ? gamma * x[1] : -0.4};
    const auto U = [&](const std::vector<double>& y) {  // the O(N²) definition
      double energy = 0;
      for (int i = 0; i < N; ++i)
        for (int a = 0; a < d; ++a) {
          energy += 0.5 * k * std::pow(y[i * d + a] - c[a], 2);
          for (int j = i + 1; j < N; ++j)
            energy += 0.5 * ks * std::pow(y[i * d + a] - y[j * d + a], 2);
        }
      return energy;
    };
    const auto y = test::normals(3, 0, d * N);
    std::vector<double> drift(d * N);
    model->fast_drift(x.data(), y.data(), drift.data());
    const auto gradient = numerical_gradient(U, y);
    for (int j = 0; j < d * N; ++j)
      EXPECT_NEAR(drift[j], -gradient[j], 1e-8) << j;
  }
}

TEST(ModelFastDrift, TaggedDwIsMinusTheGradientOfTheConfinement) {
  const double h = 1.7, r0 = 0.8;
  const auto model =
      test::make_model({"--model.name", "tagged-dw", "--model.d", "2", "--model.N", "3",
                        "--model.h", "1.7", "--model.r0", "0.8", "--model.c", "0.3,0.1"});
  const double c[2] = {0.3, 0.1};
  const auto U = [&](const std::vector<double>& y) {
    double energy = 0;
    for (int i = 0; i < 3; ++i) {
      const double q = std::pow(y[2 * i] - c[0], 2) + std::pow(y[2 * i + 1] - c[1], 2) - r0 * r0;
      energy += h * q * q / 4;
    }
    return energy;
  };
  const auto y = test::normals(4, 0, 6);
  const std::vector<double> x = {0, 0};
  std::vector<double> drift(6);
  model->fast_drift(x.data(), y.data(), drift.data());
  const auto gradient = numerical_gradient(U, y);
  for (int j = 0; j < 6; ++j)
    EXPECT_NEAR(drift[j], -gradient[j], 1e-8) << j;
}

TEST(ModelFastDrift, NonrevModelsAddTheRotation) {
  const double omega = 1.5, h1 = 0.8, h2 = 2.5, r0 = 1.2;
  const double c[2] = {0.3, -0.2};
  const std::vector<double> x = {0, 0};
  const std::vector<double> y = {1.1, 0.4};
  const double u[2] = {y[0] - c[0], y[1] - c[1]};
  const Args common = {"--model.omega", "1.5",        "--model.h1", "0.8",       "--model.h2",
                       "2.5",           "--model.r0", "1.2",        "--model.c", "0.3,-0.2"};
  Args ou = common, ring = common;
  ou.insert(ou.end(), {"--model.name", "nonrev-ou"});
  ring.insert(ring.end(), {"--model.name", "nonrev-ring"});
  std::vector<double> drift(2);

  // −(H − ωJ)u with J = [[0, −1], [1, 0]].
  test::make_model(ou)->fast_drift(x.data(), y.data(), drift.data());
  EXPECT_NEAR(drift[0], -(h1 * u[0] + omega * u[1]), 1e-14);
  EXPECT_NEAR(drift[1], -(-omega * u[0] + h2 * u[1]), 1e-14);

  // −∇U + ωJu.
  const auto U = [&](const std::vector<double>& v) {
    const double q = std::pow(v[0] - c[0], 2) + std::pow(v[1] - c[1], 2) - r0 * r0;
    return q * q / 4 + h2 / 2 * std::pow(v[1] - c[1], 2);
  };
  const auto gradient = numerical_gradient(U, y);
  test::make_model(ring)->fast_drift(x.data(), y.data(), drift.data());
  EXPECT_NEAR(drift[0], -gradient[0] - omega * u[1], 1e-8);
  EXPECT_NEAR(drift[1], -gradient[1] + omega * u[0], 1e-8);
}

}  // namespace
}  // namespace msflow
