#pragma once
// What `msflow fp` needs of a model: its fast process as a stationary Fokker–Planck problem, and
// b̄, Σ̄ by quadrature against the computed density (docs/method.md, "The Fokker–Planck
// reference").
#include <cstddef>
#include <vector>

#include "msflow/fp/stationary_solver.hpp"
#include "msflow/model/model.hpp"

namespace msflow::fp {

/// InputError unless the model's fast process has dimension 1 or 2 and a law that does not
/// depend on x (the coupled case would need one solve per x; fp refuses it).
void require_solvable(const Model& model);

/// B(y) of the model (x frozen at 0: the law does not depend on it) and D = α²/2 on `grid`.
StationaryProblem fast_problem(const Model& model, const FpGrid& grid);

/// b̄(x) = Σ_cells b(x, y_j) p_j h^m and Σ̄(x) = Σ_cells σσᵀ(x, y_j) p_j h^m (the midpoint rule,
/// consistent with the discrete normalization; Σ̄ = σσᵀ(x) where σ does not depend on y) at
/// `count` points x (count × d, row-major);
/// drift: count × d, diffusion: count × d × d. Cells whose weight p_j h^m is below 1e-18 are
/// skipped (at most cells × 1e-18 of the mass).
void average_against_density(const Model& model, const FpGrid& grid,
                             const std::vector<double>& density, const double* x, std::size_t count,
                             double* drift, double* diffusion);

}  // namespace msflow::fp
