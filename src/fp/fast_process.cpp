#include "msflow/fp/fast_process.hpp"

#include <algorithm>
#include <string>

#include "msflow/core/error.hpp"

namespace msflow::fp {

void require_solvable(const Model& model) {
  const int m = model.fast_dim();
  if (m != 1 && m != 2)
    throw InputError("fp: model " + model.name() +
                     " has a fast process of dimension m = " + std::to_string(m) +
                     "; the grid solver handles m = 1 or 2 only (tagged families: --model.N 1 "
                     "with --model.d 1 or 2)");
  if (model.fast_law_depends_on_slow())
    throw InputError("fp: the fast law of model " + model.name() +
                     " depends on x (one Fokker–Planck solve per x would be needed); fp solves "
                     "decoupled fast processes only");
}

StationaryProblem fast_problem(const Model& model, const FpGrid& grid) {
  require_solvable(model);
  if (grid.dim != model.fast_dim())
    throw InputError("fp: the grid has dimension " + std::to_string(grid.dim) +
                     ", the model m = " + std::to_string(model.fast_dim()));
  StationaryProblem problem;
  problem.grid = grid;
  const double alpha = model.fast_noise_scale();
  problem.diffusion = 0.5 * alpha * alpha;
  const std::vector<double> x(static_cast<std::size_t>(model.slow_dim()), 0.0);
  problem.drift = [&model, x](const double* y, double* drift) {
    model.fast_drift(x.data(), y, drift);
  };
  return problem;
}

void average_against_density(const Model& model, const FpGrid& grid,
                             const std::vector<double>& density, const double* x, std::size_t count,
                             double* drift, double* diffusion) {
  const auto d = static_cast<std::size_t>(model.slow_dim());
  const double volume = grid.cell_volume();
  std::vector<double> y(static_cast<std::size_t>(grid.dim)), b(d), s(d * d);
  std::vector<std::size_t> cells;  // the cells that carry mass, in C order
  for (std::size_t j = 0; j < density.size(); ++j)
    if (density[j] * volume >= 1e-18) cells.push_back(j);
  std::vector<double> points(cells.size() * y.size());
  for (std::size_t k = 0; k < cells.size(); ++k)
    grid.cell_point(cells[k], &points[k * y.size()]);
  // Where σσᵀ does not depend on y, Σ̄ = σσᵀ(x) exactly (the weights sum to 1).
  const bool fast_diffusion = model.diffusion_depends_on_fast();
  for (std::size_t g = 0; g < count; ++g) {
    double* out_b = drift + g * d;
    double* out_s = diffusion + g * d * d;
    std::fill(out_b, out_b + d, 0.0);
    std::fill(out_s, out_s + d * d, 0.0);
    if (!fast_diffusion) model.slow_diffusion(x + g * d, points.data(), out_s);
    for (std::size_t k = 0; k < cells.size(); ++k) {
      const double w = density[cells[k]] * volume;
      model.slow_drift(x + g * d, &points[k * y.size()], b.data());
      for (std::size_t a = 0; a < d; ++a)
        out_b[a] += w * b[a];
      if (!fast_diffusion) continue;
      model.slow_diffusion(x + g * d, &points[k * y.size()], s.data());
      for (std::size_t a = 0; a < d * d; ++a)
        out_s[a] += w * s[a];
    }
  }
}

}  // namespace msflow::fp
