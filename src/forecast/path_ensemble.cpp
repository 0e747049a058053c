#include "msflow/forecast/path_ensemble.hpp"

#include <cmath>
#include <limits>

#include "msflow/core/small_matrix.hpp"
#include "msflow/infer/draw_groups.hpp"
#include "msflow/parallel/block_layout.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::forecast {

std::vector<double> Ensemble::column(std::size_t t, int a) const {
  const std::size_t count = times.size();
  const std::size_t paths = states.size() / (count * static_cast<std::size_t>(dim));
  std::vector<double> out(paths);
  for (std::size_t p = 0; p < paths; ++p)
    out[p] = states[(p * count + t) * static_cast<std::size_t>(dim) + static_cast<std::size_t>(a)];
  return out;
}

Ensemble simulate_ensemble(MPI_Comm comm, const std::vector<double>& x0,
                           const EnsembleSettings& settings,
                           const BlockCoefficients& coefficients) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int d = static_cast<int>(x0.size());
  const auto dd = static_cast<std::size_t>(d);
  Ensemble ensemble;
  ensemble.dim = d;
  for (std::int64_t s = 0; s <= settings.steps; s += settings.record_every)
    ensemble.times.push_back(static_cast<double>(s) * settings.dt);
  const std::size_t recorded = ensemble.times.size();
  const std::size_t width = recorded * dd;
  ensemble.states.assign(settings.paths * width, 0.0);

  const BlockLayout blocks(settings.paths, kPathBlock);
  const IndexRange mine = blocks.blocks_of(rank, size);
  const double root_dt = std::sqrt(settings.dt);
  const StreamKey key{settings.seed, Purpose::kForecast};
  std::vector<double> x, drift, diffusion;
  double root[9], increment[3], noise[3];
  for (std::size_t b = mine.begin; b < mine.end; ++b) {
    const IndexRange block = blocks.block(b);
    const std::size_t count = block.end - block.begin;
    x.resize(count * dd);
    drift.resize(count * dd);
    diffusion.resize(count * dd * dd);
    std::vector<char> alive(count, 1);
    for (std::size_t i = 0; i < count; ++i)
      std::copy(x0.begin(), x0.end(), x.begin() + static_cast<std::ptrdiff_t>(i * dd));
    auto record = [&](std::size_t t) {
      for (std::size_t i = 0; i < count; ++i)
        for (std::size_t a = 0; a < dd; ++a)
          ensemble.states[(block.begin + i) * width + t * dd + a] =
              alive[i] ? x[i * dd + a] : std::numeric_limits<double>::quiet_NaN();
    };
    record(0);
    for (std::int64_t step = 0; step < settings.steps; ++step) {
      coefficients(block.begin, count, x.data(), drift.data(), diffusion.data());
      for (std::size_t i = 0; i < count; ++i) {
        if (!alive[i]) continue;
        fill_normals(key, block.begin + i, static_cast<std::uint64_t>(step), increment, dd);
        for (std::size_t a = 0; a < dd; ++a)
          increment[a] *= root_dt;
        cholesky_lower(&diffusion[i * dd * dd], d, root);
        lower_times(root, d, increment, noise);
        bool finite = true;
        for (std::size_t a = 0; a < dd; ++a) {
          x[i * dd + a] += settings.dt * drift[i * dd + a] + noise[a];
          finite = finite && std::isfinite(x[i * dd + a]);
        }
        if (!finite) {
          // Recorded as NaN from now on; restarted at x0 only so that the block's coefficient
          // evaluations stay finite.
          alive[i] = 0;
          for (std::size_t a = 0; a < dd; ++a)
            x[i * dd + a] = x0[a];
        }
      }
      if ((step + 1) % settings.record_every == 0)
        record(static_cast<std::size_t>((step + 1) / settings.record_every));
    }
  }
  infer::share_rows(comm, ensemble.states, static_cast<long long>(settings.paths),
                    static_cast<long long>(width), [&](long long p) {
                      const std::size_t b = static_cast<std::size_t>(p) / kPathBlock;
                      return b >= mine.begin && b < mine.end;
                    });
  for (std::size_t p = 0; p < settings.paths; ++p)
    if (std::isnan(ensemble.states[p * width + width - 1])) ++ensemble.non_finite;
  return ensemble;
}

}  // namespace msflow::forecast
