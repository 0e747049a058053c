// Throughput of the counter-based random numbers: normals/s for the simulator's per-step
// request sizes (12 and 44) and a long request (1024), and uniforms/s.
//   build/bench/bench_rng --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "msflow/rng/counter_rng.hpp"

namespace {

// The stream changes every call (b = step), as in the simulator.
template <void (*Fill)(msflow::StreamKey, std::uint64_t, std::uint64_t, double*, std::size_t)>
void run_fill(benchmark::State& state, const char* counter_name) {
  const auto count = static_cast<std::size_t>(state.range(0));
  std::vector<double> values(count);
  std::uint64_t step = 0;
  for (auto _ : state) {
    Fill({1, msflow::Purpose::kTest}, 7, step++, values.data(), count);
    benchmark::DoNotOptimize(values.data());
    benchmark::ClobberMemory();
  }
  state.counters[counter_name] = benchmark::Counter(static_cast<double>(state.iterations() * count),
                                                    benchmark::Counter::kIsRate);
}

void BM_FillNormals(benchmark::State& state) {
  run_fill<msflow::fill_normals>(state, "normals/s");
}
BENCHMARK(BM_FillNormals)->Arg(12)->Arg(44)->Arg(1024);

void BM_FillUniforms(benchmark::State& state) {
  run_fill<msflow::fill_uniforms>(state, "uniforms/s");
}
BENCHMARK(BM_FillUniforms)->Arg(12)->Arg(44)->Arg(1024);

}  // namespace

BENCHMARK_MAIN();
