// The fused Monte Carlo averages Model::average_slow_terms of every model (the hot loop of
// `fit`, docs/method.md, "The flow model"): equal to the generic per-pair default of Model, and its
// reverse mode against central finite differences of J = w·b̄ + W:Σ̄; accumulation and null outputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "test_model_support.hpp"

namespace msflow {
namespace {

using test::Args;
using test::with;
using KernelCase = test::ModelCase;

// N = 3 with a batch of 37: 111 pairs, not a multiple of any vector width.
const Args& kCommon = test::kNonDefaultSlowParameters;
constexpr int kCount = 37;

std::vector<KernelCase> all_cases() {
  std::vector<KernelCase> cases;
  const Args particles = {"--model.N", "3"};
  for (const char* d : {"1", "2", "3"}) {
    const Args common = with(with(kCommon, particles), {"--model.d", d});
    const std::string suffix = std::string("_d") + d;
    cases.push_back({"tagged" + suffix, common});
    cases.push_back({"tagged_double_well" + suffix, with(common, {"--model.V", "double-well"})});
    cases.push_back({"tagged_coupled" + suffix, with(common, {"--model.name", "tagged-coupled"})});
    cases.push_back({"tagged_sigma" + suffix, with(common, {"--model.name", "tagged-sigma"})});
    cases.push_back({"tagged_sigma_double_well" + suffix,
                     with(common, {"--model.name", "tagged-sigma", "--model.V", "double-well"})});
    if (d[0] != '3')  // tagged-dw supports d = 1, 2
      cases.push_back(
          {"tagged_dw" + suffix, with(common, {"--model.name", "tagged-dw", "--model.ks", "0"})});
  }
  // nonrev-*: d = 2 and N = 1 are fixed.
  for (const char* name : {"nonrev-ou", "nonrev-ring"}) {
    const std::string label = name[7] == 'o' ? "nonrev_ou" : "nonrev_ring";
    cases.push_back({label, with(kCommon, {"--model.name", name})});
    cases.push_back({label + "_double_well",
                     with(kCommon, {"--model.name", name, "--model.V", "double-well"})});
  }
  return cases;
}

/// A slow state, a batch of fast states near it, and the cotangents (w, W) of J.
struct Batch {
  std::vector<double> x, fast, w, W;
};

Batch random_batch(const Model& model, int count, std::uint64_t seed) {
  const int d = model.slow_dim();
  const int m = model.fast_dim();
  Batch batch;
  batch.x = test::normals(seed, 1, d);
  batch.fast = test::normals(seed, 2, static_cast<std::size_t>(m) * count);
  for (std::size_t j = 0; j < batch.fast.size(); ++j)
    batch.fast[j] = batch.x[j % d] + 0.9 * batch.fast[j];
  batch.w = test::normals(seed, 3, d);
  batch.W = test::normals(seed, 4, d * d);
  return batch;
}

/// The adjoint of J = w·b̄ + W:Σ̄, counting its calls.
Model::AverageAdjoint linear_adjoint(const Batch& batch, int d, int* calls) {
  return [&batch, d, calls](const Model::SlowAverages&) {
    ++*calls;
    Model::SlowAverages cotangent;
    for (int a = 0; a < d; ++a)
      cotangent.drift[a] = batch.w[a];
    for (int a = 0; a < d * d; ++a)
      cotangent.diffusion[a] = batch.W[a];
    return cotangent;
  };
}

double objective(const Model::SlowAverages& averages, const Batch& batch, int d) {
  double sum = 0;
  for (int a = 0; a < d; ++a)
    sum += batch.w[a] * averages.drift[a];
  for (int a = 0; a < d * d; ++a)
    sum += batch.W[a] * averages.diffusion[a];
  return sum;
}

double max_abs(const std::vector<double>& values) {
  double scale = 0;
  for (const double v : values)
    scale = std::max(scale, std::abs(v));
  return scale;
}

/// |actual − expected| ≤ tolerance · max_k |expected_k| for every component.
void expect_all_near(const std::vector<double>& actual, const std::vector<double>& expected,
                     double tolerance, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  const double scale = std::max(max_abs(expected), 1e-300);
  for (std::size_t j = 0; j < expected.size(); ++j)
    EXPECT_NEAR(actual[j], expected[j], tolerance * scale) << what << " [" << j << "]";
}

std::vector<double> drift_of(const Model::SlowAverages& averages, int d) {
  return std::vector<double>(averages.drift, averages.drift + d);
}

std::vector<double> diffusion_of(const Model::SlowAverages& averages, int d) {
  return std::vector<double>(averages.diffusion, averages.diffusion + d * d);
}

/// The results of one call of average_slow_terms (the model's or Model's generic one).
struct Result {
  Model::SlowAverages averages;
  std::vector<double> fast_adjoint, eta_adjoint;
  int adjoint_calls = 0;
};

TEST(ModelAverageKernelRegistry, EveryModelHasACase) {
  std::set<std::string> covered;
  for (const auto& c : all_cases())
    covered.insert(test::make_model(c.args)->name());
  for (const auto& entry : model_registry())
    EXPECT_EQ(covered.count(entry.name), 1u) << entry.name << " has no kernel test case";
}

class ModelAverageKernel : public ::testing::TestWithParam<KernelCase> {};

TEST_P(ModelAverageKernel, MatchesGenericPerPairDefault) {
  const auto model = test::make_model(GetParam().args);
  const int d = model->slow_dim();
  const int m = model->fast_dim();
  const int P = static_cast<int>(model->parameters().size());
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const Batch batch = random_batch(*model, kCount, seed);
    // Accumulated onto non-zero values: the contract is +=.
    const std::vector<double> initial_fast = test::normals(seed, 5, std::size_t(m) * kCount);
    const std::vector<double> initial_eta = test::normals(seed, 6, P);
    const auto run = [&](bool generic) {
      Result result{{}, initial_fast, initial_eta, 0};
      const auto adjoint = linear_adjoint(batch, d, &result.adjoint_calls);
      result.averages =
          generic
              ? model->Model::average_slow_terms(batch.x.data(), batch.fast.data(), kCount, adjoint,
                                                 result.fast_adjoint.data(),
                                                 result.eta_adjoint.data())
              : model->average_slow_terms(batch.x.data(), batch.fast.data(), kCount, adjoint,
                                          result.fast_adjoint.data(), result.eta_adjoint.data());
      return result;
    };
    const Result fused = run(false), generic = run(true);
    const std::string at = " (seed " + std::to_string(seed) + ")";
    EXPECT_EQ(fused.adjoint_calls, 1) << at;
    expect_all_near(drift_of(fused.averages, d), drift_of(generic.averages, d), 1e-12,
                    "drift" + at);
    expect_all_near(diffusion_of(fused.averages, d), diffusion_of(generic.averages, d), 1e-12,
                    "diffusion" + at);
    // Compare the increments, so that the initial values do not mask the tolerance.
    std::vector<double> fused_fast(fused.fast_adjoint), generic_fast(generic.fast_adjoint);
    for (std::size_t j = 0; j < initial_fast.size(); ++j) {
      fused_fast[j] -= initial_fast[j];
      generic_fast[j] -= initial_fast[j];
    }
    std::vector<double> fused_eta(fused.eta_adjoint), generic_eta(generic.eta_adjoint);
    for (int k = 0; k < P; ++k) {
      fused_eta[k] -= initial_eta[k];
      generic_eta[k] -= initial_eta[k];
    }
    expect_all_near(fused_fast, generic_fast, 1e-12, "fast adjoint" + at);
    expect_all_near(fused_eta, generic_eta, 1e-12, "eta adjoint" + at);
  }
}

TEST_P(ModelAverageKernel, ReverseModeMatchesFiniteDifferences) {
  const auto model = test::make_model(GetParam().args);
  const int d = model->slow_dim();
  const int m = model->fast_dim();
  const auto names = model->parameter_names();
  const int P = static_cast<int>(names.size());
  Batch batch = random_batch(*model, kCount, 7);

  int calls = 0;
  std::vector<double> fast_adjoint(std::size_t(m) * kCount, 0.0), eta_adjoint(P, 0.0);
  model->average_slow_terms(batch.x.data(), batch.fast.data(), kCount,
                            linear_adjoint(batch, d, &calls), fast_adjoint.data(),
                            eta_adjoint.data());

  const auto J = [&]() {
    return objective(
        model->average_slow_terms(batch.x.data(), batch.fast.data(), kCount, {}, nullptr, nullptr),
        batch, d);
  };
  const auto central_difference = [&](double& value, const std::function<double()>& f) {
    const double saved = value;
    const double step = 1e-5 * std::max(1.0, std::abs(saved));
    value = saved + step;
    const double plus = f();
    value = saved - step;
    const double minus = f();
    value = saved;
    return (plus - minus) / (2 * step);
  };
  std::vector<double> fd_fast(fast_adjoint.size()), fd_eta(P);
  for (std::size_t j = 0; j < batch.fast.size(); ++j)
    fd_fast[j] = central_difference(batch.fast[j], J);
  std::vector<double> eta = model->parameters();
  for (int k = 0; k < P; ++k)
    fd_eta[k] = central_difference(eta[k], [&]() {
      model->set_parameters(eta);
      return J();
    });
  model->set_parameters(eta);

  ASSERT_GT(max_abs(fd_fast), 1e-6) << "vacuous: J does not depend on the fast states";
  expect_all_near(fast_adjoint, fd_fast, 1e-6, "fast adjoint");
  for (int k = 0; k < P; ++k) {
    EXPECT_NEAR(eta_adjoint[k], fd_eta[k], 1e-6 * std::max(1.0, std::abs(fd_eta[k])))
        << "eta adjoint wrt " << names[k];
  }
}

TEST_P(ModelAverageKernel, NullOutputsAndForwardOnly) {
  const auto model = test::make_model(GetParam().args);
  const int d = model->slow_dim();
  const int m = model->fast_dim();
  const int P = static_cast<int>(model->parameters().size());
  const std::size_t size = std::size_t(m) * kCount;
  const Batch batch = random_batch(*model, kCount, 11);
  const double* x = batch.x.data();
  const double* fast = batch.fast.data();

  int calls = 0;
  const auto adjoint = linear_adjoint(batch, d, &calls);
  std::vector<double> both_fast(size, 0.0), both_eta(P, 0.0);
  const auto full =
      model->average_slow_terms(x, fast, kCount, adjoint, both_fast.data(), both_eta.data());
  const auto forward = model->average_slow_terms(x, fast, kCount, {}, nullptr, nullptr);
  const auto no_outputs = model->average_slow_terms(x, fast, kCount, adjoint, nullptr, nullptr);
  std::vector<double> only_fast(size, 0.0), only_eta(P, 0.0);
  model->average_slow_terms(x, fast, kCount, adjoint, only_fast.data(), nullptr);
  model->average_slow_terms(x, fast, kCount, adjoint, nullptr, only_eta.data());
  // Without an adjoint, the output arrays are left alone.
  std::vector<double> untouched(size, 0.5), untouched_eta(P, 0.5);
  model->average_slow_terms(x, fast, kCount, {}, untouched.data(), untouched_eta.data());

  for (const auto* averages : {&forward, &no_outputs}) {
    expect_all_near(drift_of(*averages, d), drift_of(full, d), 1e-15, "drift");
    expect_all_near(diffusion_of(*averages, d), diffusion_of(full, d), 1e-15, "diffusion");
  }
  EXPECT_EQ(calls, 4);  // full, no outputs, only fast, only eta
  expect_all_near(only_fast, both_fast, 1e-15, "fast adjoint alone");
  expect_all_near(only_eta, both_eta, 1e-15, "eta adjoint alone");
  for (const double v : untouched)
    EXPECT_EQ(v, 0.5);
  for (const double v : untouched_eta)
    EXPECT_EQ(v, 0.5);
}

TEST_P(ModelAverageKernel, SmallAndOddBatches) {
  // Batches shorter than a vector and around its multiples: the tails of the vector loops.
  const auto model = test::make_model(GetParam().args);
  const int d = model->slow_dim();
  const int m = model->fast_dim();
  const int P = static_cast<int>(model->parameters().size());
  for (const int count : {1, 2, 7, 8, 9, 16, 17}) {
    const Batch batch = random_batch(*model, count, 20 + count);
    int calls = 0;
    const auto adjoint = linear_adjoint(batch, d, &calls);
    std::vector<double> fused_fast(std::size_t(m) * count, 0.0), fused_eta(P, 0.0);
    std::vector<double> generic_fast(fused_fast), generic_eta(fused_eta);
    const auto fused = model->average_slow_terms(batch.x.data(), batch.fast.data(), count, adjoint,
                                                 fused_fast.data(), fused_eta.data());
    const auto generic = model->Model::average_slow_terms(
        batch.x.data(), batch.fast.data(), count, adjoint, generic_fast.data(), generic_eta.data());
    const std::string at = " (count " + std::to_string(count) + ")";
    expect_all_near(drift_of(fused, d), drift_of(generic, d), 1e-12, "drift" + at);
    expect_all_near(diffusion_of(fused, d), diffusion_of(generic, d), 1e-12, "diffusion" + at);
    expect_all_near(fused_fast, generic_fast, 1e-12, "fast adjoint" + at);
    expect_all_near(fused_eta, generic_eta, 1e-12, "eta adjoint" + at);
  }
}

INSTANTIATE_TEST_SUITE_P(AllModels, ModelAverageKernel, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<KernelCase>& info) {
                           return info.param.label;
                         });

}  // namespace
}  // namespace msflow
