// Simulator throughput (issue 2): fast-variable updates per second per core for `tagged`
// d=1 N=10 and d=2 N=20 (the counter-based normals alone: bench_rng).
//   build/bench/bench_simulator --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <vector>

#include "msflow/model/registry.hpp"
#include "msflow/sde/simulator.hpp"

namespace {

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
