// The hot loop of `fit` (docs/method.md, "The likelihood", issue 4 "Performance"):
// Model::average_slow_terms over many slow states with a fixed batch of L = 256 fast states,
// forward + reverse as `fit` calls it (a Gaussian negative log-likelihood adjoint), against the
// kernel's floor on this machine.
//   build/bench/bench_fit_kernel --benchmark_counters_tabular=true
// Counters: pairs/s = (transition, fast sample) pairs per second; the ratio that matters is
// BM_FitKernel / BM_KernelFloor at the same (d, N).
//
// The floor is a single tight loop over contiguous coordinate arrays (structure of arrays)
// doing, per (particle, sample) pair, the same exp (vector_exp) and the same multiply-adds as
// the model's kernel (forward sums, ℓ-moments, and the ∂J/∂y update with fixed coefficients),
// with no storage of the kernel values, no second pass, no adjoint call and no model overhead.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "msflow/core/options.hpp"
#include "msflow/core/vector_exp.hpp"
#include "msflow/model/model.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace {

using msflow::Model;

constexpr int kSamples = 256;       // L
constexpr int kPoints = 20000;      // transitions per benchmark iteration
constexpr double kTimeStep = 0.01;  // Δ

std::unique_ptr<Model> make_model(int d, int particles) {
  msflow::OptionCatalog catalog;
  msflow::declare_model_options(catalog);
  const auto config =
      msflow::Config::parse(catalog,
                            {"--model.name", "tagged", "--model.d", std::to_string(d), "--model.N",
                             std::to_string(particles)},
                            {});
  return msflow::create_model(config);
}

std::vector<double> normals(std::uint64_t a, std::size_t n) {
  std::vector<double> out(n);
  msflow::fill_normals(msflow::StreamKey{2024, msflow::Purpose::kTest}, a, 0, out.data(), n);
  return out;
}

/// Observed transitions (x_k, x_{k+1} − x_k) and one batch of fast states drawn from π_x.
struct FitData {
  int d, m;
  std::vector<double> x, dx, fast;
};

FitData make_data(const Model& model) {
  FitData data{model.slow_dim(), model.fast_dim(), {}, {}, {}};
  data.x = normals(1, static_cast<std::size_t>(kPoints) * data.d);
  data.dx = normals(2, static_cast<std::size_t>(kPoints) * data.d);
  for (double& v : data.dx)
    v *= 0.1;
  const std::vector<double> xi = normals(3, static_cast<std::size_t>(kSamples) * data.m);
  data.fast.resize(xi.size());
  const std::vector<double> origin(data.d, 0.0);
  for (int l = 0; l < kSamples; ++l)
    model.sample_invariant(origin.data(), xi.data() + l * data.m, data.fast.data() + l * data.m);
  return data;
}

/// The Euler–Maruyama negative log-likelihood of one transition with a diagonal Σ̄:
///   J = Σ_a r_a²/(2 Σ̄_aa Δ) + ½ ln(2π Σ̄_aa Δ),  r = dx − b̄ Δ,
/// returning ∂J/∂b̄ = −r/Σ̄ and ∂J/∂Σ̄_aa = 1/(2Σ̄_aa) − r_a²/(2 Σ̄_aa² Δ); J is summed.
struct GaussianNll {
  const double* dx;
  int d;
  double* total;

  Model::SlowAverages operator()(const Model::SlowAverages& averages) const {
    Model::SlowAverages cotangent;
    for (int a = 0; a < d; ++a) {
      const double variance = averages.diffusion[a * d + a];
      const double r = dx[a] - averages.drift[a] * kTimeStep;
      *total += 0.5 * r * r / (variance * kTimeStep) +
                0.5 * std::log(6.283185307179586 * variance * kTimeStep);
      cotangent.drift[a] = -r / variance;
      cotangent.diffusion[a * d + a] =
          0.5 / variance - 0.5 * r * r / (variance * variance * kTimeStep);
    }
    return cotangent;
  }
};

void set_counters(benchmark::State& state, int particles) {
  const double pairs = static_cast<double>(kPoints) * kSamples;
  state.counters["pairs/s"] =
      benchmark::Counter(pairs, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["exps/s"] =
      benchmark::Counter(pairs * particles, benchmark::Counter::kIsIterationInvariantRate);
}

enum class Mode { kForwardReverse, kForward, kGenericForwardReverse };

/// One objective+gradient sweep over kPoints transitions (what `fit` does per evaluation).
void run_kernel(benchmark::State& state, Mode mode) {
  const int d = static_cast<int>(state.range(0));
  const int particles = static_cast<int>(state.range(1));
  const auto model = make_model(d, particles);
  const FitData data = make_data(*model);
  std::vector<double> fast_adjoint(data.fast.size(), 0.0);
  std::vector<double> eta_adjoint(model->parameters().size(), 0.0);
  double total = 0;
  for (auto _ : state) {
    for (int k = 0; k < kPoints; ++k) {
      const double* x = data.x.data() + k * d;
      if (mode == Mode::kForward) {
        const auto averages =
            model->average_slow_terms(x, data.fast.data(), kSamples, {}, nullptr, nullptr);
        total += averages.drift[0];
        continue;
      }
      const Model::AverageAdjoint adjoint = GaussianNll{data.dx.data() + k * d, d, &total};
      if (mode == Mode::kGenericForwardReverse)
        model->Model::average_slow_terms(x, data.fast.data(), kSamples, adjoint,
                                         fast_adjoint.data(), eta_adjoint.data());
      else
        model->average_slow_terms(x, data.fast.data(), kSamples, adjoint, fast_adjoint.data(),
                                  eta_adjoint.data());
    }
    benchmark::DoNotOptimize(total);
    benchmark::DoNotOptimize(fast_adjoint.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, particles);
}

void BM_FitKernel(benchmark::State& state) {
  run_kernel(state, Mode::kForwardReverse);
}
void BM_FitKernelForwardOnly(benchmark::State& state) {
  run_kernel(state, Mode::kForward);
}
void BM_GenericPerPair(benchmark::State& state) {
  run_kernel(state, Mode::kGenericForwardReverse);
}

/// The floor: per (particle, sample) pair one exp and the kernel's multiply-adds, on
/// contiguous per-coordinate arrays, in one pass with lane accumulators (as the kernel sums).
template <int D>
void floor_sweep(const double* x, const double* const* y, double* const* out, std::ptrdiff_t pairs,
                 double c, const double* u, double inv_ell2, double* sums) {
  constexpr int kLanes = 8;
  double force[D][kLanes] = {}, moment[D][kLanes] = {};
  for (std::ptrdiff_t p = 0; p < pairs; p += kLanes) {
    for (int lane = 0; lane < kLanes; ++lane) {
      double r[D], r2 = 0, ru = 0;
      for (int a = 0; a < D; ++a) {
        r[a] = x[a] - y[a][p + lane];
        r2 += r[a] * r[a];
        ru += r[a] * u[a];
      }
      const double e = msflow::vector_exp(-c * r2);
      const double radial = -e * ru * inv_ell2;
      for (int a = 0; a < D; ++a) {
        force[a][lane] += e * r[a];
        moment[a][lane] += e * r2 * r[a];
        out[a][p + lane] += e * u[a] + radial * r[a];
      }
    }
  }
  for (int a = 0; a < D; ++a)
    for (int lane = 0; lane < kLanes; ++lane)
      sums[a] += force[a][lane] + moment[a][lane];
}

template <int D>
void BM_KernelFloor(benchmark::State& state) {
  const int particles = static_cast<int>(state.range(0));
  const std::ptrdiff_t pairs = static_cast<std::ptrdiff_t>(particles) * kSamples;  // multiple of 8
  const auto model = make_model(D, particles);
  const FitData data = make_data(*model);
  std::vector<std::vector<double>> y(D, std::vector<double>(pairs)),
      out(D, std::vector<double>(pairs));
  const double* y_rows[D];
  double* out_rows[D];
  for (int a = 0; a < D; ++a) {
    for (std::ptrdiff_t p = 0; p < pairs; ++p)
      y[a][p] = data.fast[p * D + a];
    y_rows[a] = y[a].data();
    out_rows[a] = out[a].data();
  }
  const double ell = 0.5, inv_ell2 = 1 / (ell * ell);
  double u[D];
  for (int a = 0; a < D; ++a)
    u[a] = 0.01 * (a + 1);
  double sums[D] = {};
  for (auto _ : state) {
    for (int k = 0; k < kPoints; ++k)
      floor_sweep<D>(data.x.data() + k * D, y_rows, out_rows, pairs, 0.5 * inv_ell2, u, inv_ell2,
                     sums);
    benchmark::DoNotOptimize(sums);
    benchmark::ClobberMemory();
  }
  set_counters(state, particles);
}

/// An absolute lower bound for d = 1: only the exps, exp(−c (x − y_p)²) summed.
void BM_ExpOnly(benchmark::State& state) {
  const int particles = static_cast<int>(state.range(0));
  const std::ptrdiff_t pairs = static_cast<std::ptrdiff_t>(particles) * kSamples;
  const auto model = make_model(1, particles);
  const FitData data = make_data(*model);
  constexpr int kLanes = 8;
  double total = 0;
  for (auto _ : state) {
    for (int k = 0; k < kPoints; ++k) {
      const double x = data.x[k];
      double sum[kLanes] = {};
      for (std::ptrdiff_t p = 0; p < pairs; p += kLanes)
        for (int lane = 0; lane < kLanes; ++lane) {
          const double r = x - data.fast[p + lane];
          sum[lane] += msflow::vector_exp(-2.0 * r * r);
        }
      for (int lane = 0; lane < kLanes; ++lane)
        total += sum[lane];
    }
    benchmark::DoNotOptimize(total);
  }
  set_counters(state, particles);
}

// Args: {d, N}. The configuration is d = 1, N = 10.
BENCHMARK(BM_FitKernel)->Args({1, 10})->Args({2, 20})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FitKernelForwardOnly)->Args({1, 10})->Args({2, 20})->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_KernelFloor, 1)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_KernelFloor, 2)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ExpOnly)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GenericPerPair)->Args({1, 10})->Args({2, 20})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
