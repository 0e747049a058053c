// Simulator throughput (issue 2): fast-variable updates per second per core for `tagged`
// d=1 N=10 and d=2 N=20, plus the cost of the counter-based normals alone.
//   build/bench/bench_simulator --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <vector>

#include "msflow/model/registry.hpp"
#include "msflow/rng/counter_rng.hpp"
#include "msflow/sde/simulator.hpp"

namespace {

void BM_FillNormals(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  std::vector<double> normals(count);
  std::uint64_t step = 0;
  for (auto _ : state) {
    msflow::fill_normals({1, msflow::Purpose::kTest}, 0, step++, normals.data(), count);
    benchmark::DoNotOptimize(normals.data());
  }
  state.counters["normals/s"] = benchmark::Counter(static_cast<double>(state.iterations() * count),
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FillNormals)->Arg(12)->Arg(44);

msflow::Config tagged_config(int d, int particles) {
  msflow::OptionCatalog catalog;
  msflow::declare_model_options(catalog);
  return msflow::Config::parse(catalog,
                               {"--model.name", "tagged", "--model.d", std::to_string(d),
                                "--model.N", std::to_string(particles), "--model.n", "1000"},
                               {});
}

void BM_SimulateTagged(benchmark::State& state) {
  const int d = static_cast<int>(state.range(0)), particles = static_cast<int>(state.range(1));
  const bool exact = state.range(2) != 0;
  const auto model = msflow::create_model(tagged_config(d, particles));
  const double n = model->scale_separation();
  // One observation interval of 2000 fine steps per iteration.
  const msflow::TrajectoryPlan plan{{0.0, 2000 * 0.1 / n}, std::vector<double>(d, 0.0)};
  const msflow::MultiscaleSettings settings{
      exact ? msflow::FastScheme::kExact : msflow::FastScheme::kEuler, 0.1 / n, 20, 1};
  std::uint64_t trajectory = 0;
  for (auto _ : state) {
    auto path = msflow::simulate_multiscale(*model, plan, trajectory++, settings);
    benchmark::DoNotOptimize(path.data());
  }
  const double updates = 2000.0 * model->fast_dim() * static_cast<double>(state.iterations());
  state.counters["updates/s"] = benchmark::Counter(updates, benchmark::Counter::kIsRate);
  state.SetLabel(std::string("tagged d=") + std::to_string(d) + " N=" + std::to_string(particles) +
                 (exact ? " exact" : " euler"));
}
BENCHMARK(BM_SimulateTagged)
    ->Args({1, 10, 1})
    ->Args({1, 10, 0})
    ->Args({2, 20, 1})
    ->Args({2, 20, 0});

}  // namespace

BENCHMARK_MAIN();
