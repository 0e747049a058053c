#include "msflow/sde/simulator.hpp"

#include <algorithm>
#include <cmath>

#include "msflow/core/error.hpp"
#include "msflow/core/small_matrix.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow {

namespace {

// Steps per observation interval: the largest step ≤ dt that divides the interval evenly. The
// tolerance absorbs the rounding of observation times far from 0 (t = j·0.01 near t = 1000 is
// off by about 1e-13, i.e. 1e-11 of the interval), which must not add a step.
std::uint64_t steps_in(double interval, double dt) {
  return static_cast<std::uint64_t>(std::max(1.0, std::ceil(interval / dt * (1 - 1e-9))));
}

// Reports progress every `chunk` steps so the callback costs nothing in the step loop.
class ProgressTicker {
 public:
  explicit ProgressTicker(const ProgressCallback& callback) : callback_(callback) {}
  ~ProgressTicker() { flush(); }
  void tick() {
    if (++pending_ == kChunk) flush();
  }
  void flush() {
    if (callback_ && pending_ > 0) callback_(pending_);
    pending_ = 0;
  }

 private:
  static constexpr std::uint64_t kChunk = 1 << 16;
  const ProgressCallback& callback_;
  std::uint64_t pending_ = 0;
};

}  // namespace

FastScheme parse_fast_scheme(const std::string& name, const Model& model) {
  const bool has_exact = static_cast<bool>(model.exact_fast_step(1.0));
  if (name == "auto") return has_exact ? FastScheme::kExact : FastScheme::kEuler;
  if (name == "euler") return FastScheme::kEuler;
  if (name == "exact") {
    if (!has_exact)
      throw InputError("option --simulate.scheme: model " + model.name() +
                       " has no exact-in-law fast step (its fast dynamics is not linear); use "
                       "euler or auto");
    return FastScheme::kExact;
  }
  throw InputError("option --simulate.scheme: '" + name + "' is not one of auto, exact, euler");
}

const char* to_string(FastScheme scheme) {
  return scheme == FastScheme::kExact ? "exact" : "euler";
}

std::uint64_t count_fine_steps(const TrajectoryPlan& plan, double dt) {
  std::uint64_t steps = 0;
  for (std::size_t j = 0; j + 1 < plan.times.size(); ++j)
    steps += steps_in(plan.times[j + 1] - plan.times[j], dt);
  return steps;
}

std::vector<double> simulate_multiscale(const Model& model, const TrajectoryPlan& plan,
                                        std::uint64_t index, const MultiscaleSettings& settings,
                                        const ProgressCallback& progress) {
  const int d = model.slow_dim(), m = model.fast_dim();
  const double n = model.scale_separation();
  const std::size_t observations = plan.times.size();
  std::vector<double> path(observations * d);
  std::vector<double> x = plan.x0, x_next(d), drift(d), noise(d), y(m), fast_drift(m);
  // Normals of one step: m for the fast variables, then d for the slow ones.
  std::vector<double> normals(m + d);
  const StreamKey step_key{settings.seed, Purpose::kSimulateStep};
  const StreamKey initial_key{settings.seed, Purpose::kSimulateInitial};
  const double fast_noise = model.fast_noise_scale();

  // Initial fast state: a draw from π_x0, else a burn-in with x frozen.
  fill_normals(initial_key, index, 0, normals.data(), m);
  if (!model.sample_invariant(x.data(), normals.data(), y.data())) {
    const double h = settings.dt * n;  // fast time per burn-in step
    const auto burnin_steps = steps_in(settings.burnin_fast_time, h);
    const double step = settings.burnin_fast_time / static_cast<double>(burnin_steps);
    std::fill(y.begin(), y.end(), 0.0);
    for (std::uint64_t s = 0; s < burnin_steps; ++s) {
      fill_normals(initial_key, index, s + 1, normals.data(), m);
      model.fast_drift(x.data(), y.data(), fast_drift.data());
      const double scale = fast_noise * std::sqrt(step);
      for (int i = 0; i < m; ++i)
        y[i] += step * fast_drift[i] + scale * normals[i];
    }
  }

  std::copy(x.begin(), x.end(), path.begin());
  ProgressTicker ticker(progress);
  Model::FastStep exact_step;
  double exact_step_h = -1;
  std::uint64_t global_step = 0;
  for (std::size_t j = 0; j + 1 < observations; ++j) {
    const double interval = plan.times[j + 1] - plan.times[j];
    const std::uint64_t steps = steps_in(interval, settings.dt);
    const double h = interval / static_cast<double>(steps), sqrt_h = std::sqrt(h);
    if (settings.scheme == FastScheme::kExact && h != exact_step_h) {
      exact_step = model.exact_fast_step(n * h);
      exact_step_h = h;
    }
    const double euler_noise = fast_noise * std::sqrt(n * h);
    for (std::uint64_t s = 0; s < steps; ++s, ++global_step) {
      fill_normals(step_key, index, global_step, normals.data(), normals.size());
      // Slow Euler–Maruyama step with the fast state at the start of the step.
      model.slow_drift(x.data(), y.data(), drift.data());
      model.slow_noise(x.data(), y.data(), normals.data() + m, noise.data());
      for (int a = 0; a < d; ++a)
        x_next[a] = x[a] + h * drift[a] + sqrt_h * noise[a];
      // Fast step with x frozen at the start of the step.
      if (settings.scheme == FastScheme::kExact) {
        exact_step(x.data(), normals.data(), y.data());
      } else {
        model.fast_drift(x.data(), y.data(), fast_drift.data());
        for (int i = 0; i < m; ++i)
          y[i] += n * h * fast_drift[i] + euler_noise * normals[i];
      }
      x.swap(x_next);
      ticker.tick();
    }
    std::copy(x.begin(), x.end(), path.begin() + (j + 1) * d);
  }
  return path;
}

AveragedDynamics exact_averaged_dynamics(const Model& model) {
  if (!model.has_exact_average())
    throw InputError("model " + model.name() +
                     " has no closed-form averaged drift, so its averaged model cannot be "
                     "simulated");
  return {model.slow_dim(), [&model](const double* x, double* drift, double* diffusion) {
            model.exact_average(x, drift, diffusion);
          }};
}

void euler_maruyama_step(const AveragedDynamics& dynamics, double* x, double h,
                         const double* brownian_increment) {
  const int d = dynamics.dim;  // ≤ 3: fixed arrays, no heap in the step loop
  double drift[3], diffusion[9], root[9], noise[3];
  dynamics.coefficients(x, drift, diffusion);
  cholesky_lower(diffusion, d, root);
  lower_times(root, d, brownian_increment, noise);
  for (int a = 0; a < d; ++a)
    x[a] += h * drift[a] + noise[a];
}

std::vector<double> simulate_averaged(const AveragedDynamics& dynamics, const TrajectoryPlan& plan,
                                      std::uint64_t index, double dt, std::uint64_t seed,
                                      const ProgressCallback& progress) {
  const int d = dynamics.dim;
  if (d < 1 || d > 3) throw InputError("the averaged simulator supports d = 1, 2, 3");
  const std::size_t observations = plan.times.size();
  std::vector<double> path(observations * d);
  double x[3], increment[3];
  std::copy(plan.x0.begin(), plan.x0.end(), x);
  const StreamKey key{seed, Purpose::kSimulateAveraged};
  std::copy(x, x + d, path.begin());
  ProgressTicker ticker(progress);
  std::uint64_t global_step = 0;
  for (std::size_t j = 0; j + 1 < observations; ++j) {
    const double interval = plan.times[j + 1] - plan.times[j];
    const std::uint64_t steps = steps_in(interval, dt);
    const double h = interval / static_cast<double>(steps), sqrt_h = std::sqrt(h);
    for (std::uint64_t s = 0; s < steps; ++s, ++global_step) {
      fill_normals(key, index, global_step, increment, d);
      for (int a = 0; a < d; ++a)
        increment[a] *= sqrt_h;
      euler_maruyama_step(dynamics, x, h, increment);
      ticker.tick();
    }
    std::copy(x, x + d, path.begin() + (j + 1) * d);
  }
  return path;
}

}  // namespace msflow
