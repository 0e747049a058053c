#pragma once
// Simulators of docs/method.md, "The multiscale system": the full slow–fast system with a fine
// step, and the averaged model. Random numbers are addressed by (seed, purpose, trajectory, step),
// so a trajectory is the same whichever rank simulates it.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "msflow/model/model.hpp"

namespace msflow {

enum class FastScheme { kEuler, kExact };
FastScheme parse_fast_scheme(const std::string& name, const Model& model);  ///< "auto" resolved
const char* to_string(FastScheme scheme);

/// What one trajectory records: observation times t_0 < … < t_M and the initial slow state.
struct TrajectoryPlan {
  std::vector<double> times;
  std::vector<double> x0;
};

/// Fine-step settings of the multiscale simulator.
struct MultiscaleSettings {
  FastScheme scheme = FastScheme::kExact;
  double dt = 0;  ///< target fine step; each observation interval uses Δ/ceil(Δ/dt)
  double burnin_fast_time = 20;  ///< fast-time burn-in when π_x has no sampler
  std::uint64_t seed = 1;
};

/// Called now and then with the number of fine steps done since the last call.
using ProgressCallback = std::function<void(std::uint64_t steps_done)>;

/// Number of fine steps a trajectory takes (for progress and throughput).
std::uint64_t count_fine_steps(const TrajectoryPlan& plan, double dt);

/// Simulates trajectory `index` of the full system; returns x at the observation times,
/// row-major (M+1)×d.
std::vector<double> simulate_multiscale(const Model& model, const TrajectoryPlan& plan,
                                        std::uint64_t index, const MultiscaleSettings& settings,
                                        const ProgressCallback& progress = {});

/// An averaged (or any) Itô SDE dX = b(X) dt + σ(X) dW in R^d given by b and Σ = σσᵀ.
struct AveragedDynamics {
  int dim = 1;
  std::function<void(const double* x, double* drift, double* diffusion)> coefficients;
};
AveragedDynamics exact_averaged_dynamics(const Model& model);

/// One Euler–Maruyama step x ← x + b(x) h + σ(x) ΔW for Brownian increments ΔW (d values),
/// σ the Cholesky factor of Σ.
void euler_maruyama_step(const AveragedDynamics& dynamics, double* x, double h,
                         const double* brownian_increment);

/// Euler–Maruyama for the averaged dynamics with step ≤ dt; returns x at the observation times.
std::vector<double> simulate_averaged(const AveragedDynamics& dynamics, const TrajectoryPlan& plan,
                                      std::uint64_t index, double dt, std::uint64_t seed,
                                      const ProgressCallback& progress = {});

}  // namespace msflow
