// Cost of the rank-count-independent sums: adding one block partial of the sizes a fit reduces
// (2561: the decoupled flow's ∂J/∂y for m = 10, L = 256, plus J; 31184: a whole flow gradient)
// to an ExactSum, against a plain double vector addition.
//   build/bench/bench_exact_sum --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "msflow/parallel/exact_sum.hpp"

namespace {

std::vector<double> block_partial(std::size_t count) {
  std::vector<double> values(count);
  for (std::size_t i = 0; i < count; ++i)
    values[i] =
        std::sin(1.0 + static_cast<double>(i)) * std::exp(0.01 * static_cast<double>(i % 997));
  return values;
}

void BM_ExactSumAdd(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  const std::vector<double> values = block_partial(count);
  msflow::ExactSum sum(count);
  for (auto _ : state) {
    sum.add(values.data());
    benchmark::ClobberMemory();
  }
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(state.iterations() * count),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ExactSumAdd)->Arg(2561)->Arg(31184);

void BM_PlainVectorAdd(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  const std::vector<double> values = block_partial(count);
  std::vector<double> sum(count, 0.0);
  for (auto _ : state) {
    for (std::size_t i = 0; i < count; ++i)
      sum[i] += values[i];
    benchmark::DoNotOptimize(sum.data());
    benchmark::ClobberMemory();
  }
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(state.iterations() * count),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PlainVectorAdd)->Arg(2561)->Arg(31184);

void BM_ExactSumValues(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  const std::vector<double> values = block_partial(count);
  msflow::ExactSum sum(count);
  sum.add(values.data());
  std::vector<double> out(count);
  for (auto _ : state) {
    sum.values(out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(state.iterations() * count),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ExactSumValues)->Arg(2561)->Arg(31184);

}  // namespace

BENCHMARK_MAIN();
