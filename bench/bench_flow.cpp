// Flow throughput: sampling (z → y with log-det) plus the full reverse pass, batch 4096, m = 20,
// 6 coupling layers, conditioner width 64 and depth 2, affine and spline couplings.
//
// Counters: "GFLOP/s" counts only the conditioners' matrix products — 2·rows·cols·batch per GEMM,
// three GEMMs per linear map (forward W·H, backward G·Hᵀ and Wᵀ·G) — divided by the CPU time
// of the whole flow pass (activations, couplings, splines included). BM_EigenGemmSameShapes_*
// runs exactly that sequence of Eigen GEMMs on the same shapes and nothing else, in the same
// executable: the ratio of the two GFLOP/s lines is the fraction of Eigen's own rate achieved.
//
//   bench_flow --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "msflow/flow/coupling.hpp"
#include "msflow/flow/flow.hpp"

namespace {

using msflow::flow::CouplingType;
using msflow::flow::Flow;
using msflow::flow::FlowSpec;
using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

constexpr int kBatch = 4096, kDim = 20, kLayers = 6, kWidth = 64, kDepth = 2;

FlowSpec bench_spec(CouplingType type) {
  FlowSpec spec;
  spec.type = type;
  spec.dim = kDim;
  spec.layers = kLayers;
  spec.width = kWidth;
  spec.depth = kDepth;
  spec.spline.bins = 8;
  spec.spline.bound = 5.0;
  return spec;
}

Matrix normals(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal;
  Matrix m(rows, cols);
  for (Eigen::Index k = 0; k < m.size(); ++k)
    m(k) = normal(engine);
  return m;
}

// (rows, cols) of every linear map of every conditioner, in stack order.
std::vector<std::pair<Eigen::Index, Eigen::Index>> gemm_shapes(const Flow& flow) {
  std::vector<std::pair<Eigen::Index, Eigen::Index>> shapes;
  for (const auto& layer : flow.layers()) {
    const auto* coupling = dynamic_cast<const msflow::flow::CouplingLayer*>(layer.get());
    if (!coupling) continue;
    const auto& s = coupling->conditioner().spec();
    Eigen::Index in = s.inputs;
    for (Eigen::Index l = 0; l <= s.depth; ++l) {
      const Eigen::Index out = l == s.depth ? s.outputs : s.width;
      shapes.emplace_back(out, in);
      in = out;
    }
  }
  return shapes;
}

double gemm_flops(const Flow& flow) {
  double flops = 0;
  for (const auto& [rows, cols] : gemm_shapes(flow))
    flops += 3.0 * 2.0 * static_cast<double>(rows * cols) * kBatch;
  return flops;
}

void flow_sample_and_reverse(benchmark::State& state, CouplingType type) {
  Flow flow(bench_spec(type));
  flow.initialize(1, 0.1);  // random, non-identity (every code path of the layers runs)
  const Matrix z = normals(kDim, kBatch, 2), grad_y = normals(kDim, kBatch, 3);
  const Vector grad_logdet = Vector::Constant(kBatch, -1.0);
  Matrix y, grad_z;
  Vector logdet, grad = Vector::Zero(flow.parameter_count());
  for (auto _ : state) {
    flow.forward(z, Matrix(), y, logdet);
    flow.backward(grad_y, grad_logdet, grad, &grad_z, nullptr);
    benchmark::DoNotOptimize(grad.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(gemm_flops(flow) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["params"] = static_cast<double>(flow.parameter_count());
}

void BM_FlowSampleReverse_Affine(benchmark::State& state) {
  flow_sample_and_reverse(state, CouplingType::kAffine);
}
void BM_FlowSampleReverse_Spline(benchmark::State& state) {
  flow_sample_and_reverse(state, CouplingType::kSpline);
}

/// The same GEMMs as a flow pass (forward W·H, backward dW += G·Hᵀ and dH = Wᵀ·G), nothing else.
void eigen_gemms(benchmark::State& state, CouplingType type) {
  const Flow flow(bench_spec(type));
  struct Map {
    Matrix w, grad_w, h, g, grad_h, out;
  };
  std::vector<Map> maps;
  std::uint64_t seed = 10;
  for (const auto& [rows, cols] : gemm_shapes(flow))
    maps.push_back(Map{normals(rows, cols, ++seed), Matrix::Zero(rows, cols),
                       normals(cols, kBatch, ++seed), normals(rows, kBatch, ++seed),
                       Matrix(cols, kBatch), Matrix(rows, kBatch)});
  for (auto _ : state) {
    for (auto& m : maps)
      m.out.noalias() = m.w * m.h;
    for (auto it = maps.rbegin(); it != maps.rend(); ++it) {
      it->grad_w.noalias() += it->g * it->h.transpose();
      it->grad_h.noalias() = it->w.transpose() * it->g;
    }
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(gemm_flops(flow) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_EigenGemmSameShapes_Affine(benchmark::State& state) {
  eigen_gemms(state, CouplingType::kAffine);
}
void BM_EigenGemmSameShapes_Spline(benchmark::State& state) {
  eigen_gemms(state, CouplingType::kSpline);
}

}  // namespace

BENCHMARK(BM_EigenGemmSameShapes_Affine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlowSampleReverse_Affine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EigenGemmSameShapes_Spline)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlowSampleReverse_Spline)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
