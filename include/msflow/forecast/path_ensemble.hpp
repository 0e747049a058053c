#pragma once
// An ensemble of Euler–Maruyama paths of an averaged SDE dX = b̄(X) dt + σ̄(X) dW, σ̄σ̄ᵀ = Σ̄
// (docs/method.md, "Forecasts"). Paths are cut into fixed blocks of the global path index; a
// rank advances whole blocks, and the coefficients are always evaluated for one whole block at a
// time, so every path is the same bits on any number of ranks. Path p's Brownian increments are
// the counter-based stream (seed, kForecast, a = p, b = step): two ensembles with the same seed
// share their noise (common random numbers), which makes a learned and an exact model directly
// comparable path by path.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace msflow::forecast {

/// b̄ and Σ̄ at `count` points (count × d, row-major) of paths [first, first + count): drift
/// count × d, diffusion count × d × d. The path indices let a caller give each path its own
/// posterior draw.
using BlockCoefficients = std::function<void(
    std::size_t first, std::size_t count, const double* points, double* drift, double* diffusion)>;

struct EnsembleSettings {
  std::size_t paths = 1000;
  double dt = 0.01;
  std::int64_t steps = 1000;
  std::int64_t record_every = 5;  ///< steps between recorded states
  std::uint64_t seed = 1;
};

struct Ensemble {
  int dim = 1;
  std::vector<double> times;   ///< the recorded times (relative to the start)
  std::vector<double> states;  ///< paths × times × d, row-major; NaN after a path blew up
  std::size_t non_finite = 0;  ///< paths whose state became non-finite (then frozen as NaN)
  /// The recorded states of component a at time index t over all paths.
  std::vector<double> column(std::size_t t, int a) const;
};

/// Collective over `comm`: every rank returns the whole ensemble.
Ensemble simulate_ensemble(MPI_Comm comm, const std::vector<double>& x0,
                           const EnsembleSettings& settings, const BlockCoefficients& coefficients);

/// Paths per block (the unit of work and of coefficient evaluation).
inline constexpr std::size_t kPathBlock = 64;

}  // namespace msflow::forecast
