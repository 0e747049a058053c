#pragma once
// The stationary Fokker–Planck equation of a fast process with x frozen (docs/method.md, "The
// Fokker–Planck reference"),
//     0 = −∇·(B(y) p) + D Δp,   D = α²/2,   zero flux through the boundary of the box,
// discretized by conservative finite volumes with the Scharfetter–Gummel (exponentially fitted)
// flux on a PETSc DMDA distributed over the ranks of `comm`, and solved with KSP under the
// options prefix "fp_". The discrete operator is singular (its columns sum to zero); the density
// is fixed by pinning one cell and normalizing afterwards, so Σ p h^m = 1 exactly.
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

#include "msflow/fp/fp_grid.hpp"

namespace msflow::fp {

/// B(y): m values at the point y (m values).
using FastDrift = std::function<void(const double* y, double* drift)>;

struct StationaryProblem {
  FpGrid grid;
  FastDrift drift;
  double diffusion = 1;  ///< D = α²/2 (the factor n of the fast process cancels)
};

struct StationaryDensity {
  std::vector<double> density;  ///< every rank: cell_count values, C order, Σ p h^m = 1
  std::string solver;           ///< "gmres + hypre", the KSP and PC types used
  int iterations = 0;           ///< of the last solve
  int solves = 1;               ///< 2 if the pin was moved to the densest cell
  double residual = 0;       ///< ‖A p − e_k‖ / ‖e_k‖ of the pinned system, before scaling
  double normalization = 0;  ///< Σ p h^m before scaling (the pinned cell's value is 1)
  double boundary_mass = 0;  ///< mass in the outermost layer of cells
  double minimum = 0;        ///< the smallest density value (≥ 0 up to solver tolerance)
};

/// The Bernoulli function z / (e^z − 1) (1 at z = 0), the weight of the fitted flux.
double bernoulli(double z);

/// Solves the problem collectively; InputError for a non-finite drift on the grid or an unknown
/// PETSc type, std::runtime_error (with PETSc's text) for other PETSc failures and divergence.
StationaryDensity solve_stationary(MPI_Comm comm, const StationaryProblem& problem);

}  // namespace msflow::fp
