#include "msflow/fp/stationary_solver.hpp"

#include <petscdmda.h>
#include <petscksp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "msflow/core/error.hpp"
#include "msflow/fp/petsc_handles.hpp"

namespace msflow::fp {

double bernoulli(double z) {
  if (std::abs(z) < 1e-8) return 1 - 0.5 * z;  // the series z/(e^z − 1) = 1 − z/2 + z²/12 − …
  return z / std::expm1(z);
}

namespace {

/// A cell of the DMDA: i along axis 0, j along axis 1 (0 in 1-D).
struct Cell {
  PetscInt i = 0, j = 0;
};

class Discretization {
 public:
  Discretization(MPI_Comm comm, const StationaryProblem& problem)
      : problem_(problem), grid_(problem.grid), n_(grid_.cells) {
    if (grid_.dim == 1) {
      check(DMDACreate1d(comm, DM_BOUNDARY_NONE, n_, 1, 1, nullptr, dm_.out()), "DMDACreate1d");
    } else {
      check(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, n_, n_,
                         PETSC_DECIDE, PETSC_DECIDE, 1, 1, nullptr, nullptr, dm_.out()),
            "DMDACreate2d");
    }
    check(DMSetUp(dm_.get()), "DMSetUp");
    check(DMCreateMatrix(dm_.get(), matrix_.out()), "DMCreateMatrix");
    check(DMCreateGlobalVector(dm_.get(), rhs_.out()), "DMCreateGlobalVector");
    check(VecDuplicate(rhs_.get(), solution_.out()), "VecDuplicate");
    check(DMDAGetCorners(dm_.get(), &start_.i, &start_.j, nullptr, &width_.i, &width_.j, nullptr),
          "DMDAGetCorners");
    if (grid_.dim == 1) start_.j = 0, width_.j = 1;
  }

  DM dm() const { return dm_.get(); }
  Mat matrix() const { return matrix_.get(); }
  Vec rhs() const { return rhs_.get(); }
  Vec solution() const { return solution_.get(); }

  /// The flux matrix (scaled by h/D: its entries are Bernoulli weights) with the row of `pin`
  /// replaced by p_pin = 1, and the right-hand side e_pin.
  void assemble(const Cell& pin) {
    check(MatZeroEntries(matrix_.get()), "MatZeroEntries");
    bool finite = true;
    for (PetscInt j = start_.j; j < start_.j + width_.j; ++j)
      for (PetscInt i = start_.i; i < start_.i + width_.i; ++i) {
        MatStencil row{};
        row.i = i, row.j = j;
        MatStencil columns[5] = {};
        PetscScalar values[5] = {};
        int count = 1;
        columns[0] = row;
        if (i == pin.i && j == pin.j) {
          values[0] = 1;
        } else {
          const Cell cell{i, j};
          for (int axis = 0; axis < grid_.dim; ++axis)
            for (const int side : {-1, 1}) {
              const PetscInt index = axis == 0 ? i : j;
              if (index + side < 0 || index + side >= n_) continue;  // zero-flux boundary face
              // Outward flux (h/D)·F = B(−Pe) p_cell − B(Pe) p_neighbour for the face normal
              // pointing to the neighbour, Pe = v h / D, v the drift's normal component there.
              const double pe =
                  side * face_velocity(cell, axis, side) * grid_.spacing() / problem_.diffusion;
              finite = finite && std::isfinite(pe);
              values[0] += bernoulli(-pe);
              columns[count] = row;
              (axis == 0 ? columns[count].i : columns[count].j) += side;
              values[count] = -bernoulli(pe);
              ++count;
            }
        }
        check(MatSetValuesStencil(matrix_.get(), 1, &row, count, columns, values, INSERT_VALUES),
              "MatSetValuesStencil");
      }
    check(MatAssemblyBegin(matrix_.get(), MAT_FINAL_ASSEMBLY), "MatAssemblyBegin");
    check(MatAssemblyEnd(matrix_.get(), MAT_FINAL_ASSEMBLY), "MatAssemblyEnd");
    int bad = finite ? 0 : 1;
    MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, PetscObjectComm((PetscObject)dm_.get()));
    if (bad)
      throw InputError(
          "fp: the fast drift is not finite on the grid (or the Péclet number h|B|/D overflows): "
          "reduce --fp.half_width or check the [model] parameters");
    check(VecSet(rhs_.get(), 0.0), "VecSet");
    if (owns(pin)) {
      PetscInt global = 0;
      ISLocalToGlobalMapping map = nullptr;
      check(DMGetLocalToGlobalMapping(dm_.get(), &map), "DMGetLocalToGlobalMapping");
      PetscInt gxs = 0, gys = 0, gxm = 0;
      check(DMDAGetGhostCorners(dm_.get(), &gxs, &gys, nullptr, &gxm, nullptr, nullptr),
            "DMDAGetGhostCorners");
      const PetscInt local = grid_.dim == 1 ? pin.i - gxs : (pin.j - gys) * gxm + (pin.i - gxs);
      check(ISLocalToGlobalMappingApply(map, 1, &local, &global), "ISLocalToGlobalMappingApply");
      check(VecSetValue(rhs_.get(), global, 1.0, INSERT_VALUES), "VecSetValue");
    }
    check(VecAssemblyBegin(rhs_.get()), "VecAssemblyBegin");
    check(VecAssemblyEnd(rhs_.get()), "VecAssemblyEnd");
  }

  /// The solution on every rank in C order (axis 0 slowest).
  std::vector<double> gather(Vec global) const {
    VecOwner natural, all;
    ScatterOwner scatter;
    check(DMDACreateNaturalVector(dm_.get(), natural.out()), "DMDACreateNaturalVector");
    check(DMDAGlobalToNaturalBegin(dm_.get(), global, INSERT_VALUES, natural.get()),
          "DMDAGlobalToNaturalBegin");
    check(DMDAGlobalToNaturalEnd(dm_.get(), global, INSERT_VALUES, natural.get()),
          "DMDAGlobalToNaturalEnd");
    check(VecScatterCreateToAll(natural.get(), scatter.out(), all.out()), "VecScatterCreateToAll");
    check(VecScatterBegin(scatter.get(), natural.get(), all.get(), INSERT_VALUES, SCATTER_FORWARD),
          "VecScatterBegin");
    check(VecScatterEnd(scatter.get(), natural.get(), all.get(), INSERT_VALUES, SCATTER_FORWARD),
          "VecScatterEnd");
    const PetscScalar* values = nullptr;
    check(VecGetArrayRead(all.get(), &values), "VecGetArrayRead");
    std::vector<double> out(grid_.cell_count());
    const auto n = static_cast<std::size_t>(n_);
    // PETSc's natural order runs i (axis 0) fastest; ours runs axis 0 slowest.
    for (std::size_t k = 0; k < out.size(); ++k)
      out[grid_.dim == 1 ? k : (k % n) * n + k / n] = values[k];
    check(VecRestoreArrayRead(all.get(), &values), "VecRestoreArrayRead");
    return out;
  }

 private:
  bool owns(const Cell& c) const {
    return c.i >= start_.i && c.i < start_.i + width_.i && c.j >= start_.j &&
           c.j < start_.j + width_.j;
  }

  /// The drift component along `axis` at the centre of the face of `cell` on `side`.
  double face_velocity(const Cell& cell, int axis, int side) const {
    double y[2] = {grid_.cell_centre(0, static_cast<int>(cell.i)),
                   grid_.dim == 2 ? grid_.cell_centre(1, static_cast<int>(cell.j)) : 0.0};
    y[axis] += 0.5 * side * grid_.spacing();
    double drift[2] = {0, 0};
    problem_.drift(y, drift);
    return drift[axis];
  }

  const StationaryProblem& problem_;
  const FpGrid& grid_;
  PetscInt n_;
  DmOwner dm_;
  MatOwner matrix_;
  VecOwner rhs_, solution_;
  Cell start_, width_;
};

/// The default solver (docs/fp.md measures it), before -fp_* options override it.
void set_default_solver(KSP ksp) {
  PC pc = nullptr;
  check(KSPGetPC(ksp, &pc), "KSPGetPC");
  check(KSPSetType(ksp, KSPGMRES), "KSPSetType");
  check(KSPGMRESSetRestart(ksp, 100), "KSPGMRESSetRestart");
  check(PCSetType(pc, PCHYPRE), "PCSetType");
  // Right preconditioning: GMRES then tests the true residual ‖e_k − A p‖, so -fp_ksp_rtol is a
  // bound on the equations themselves, whatever the preconditioner.
  check(KSPSetPCSide(ksp, PC_RIGHT), "KSPSetPCSide");
  check(KSPSetTolerances(ksp, 1e-10, 1e-50, PETSC_DEFAULT, 10000), "KSPSetTolerances");
}

struct SolveResult {
  int iterations = 0;
  double residual = 0;
  std::string solver;
};

SolveResult solve(MPI_Comm comm, const Discretization& disc) {
  KspOwner ksp;
  check(KSPCreate(comm, ksp.out()), "KSPCreate");
  check(KSPSetOptionsPrefix(ksp.get(), "fp_"), "KSPSetOptionsPrefix");
  check(KSPSetOperators(ksp.get(), disc.matrix(), disc.matrix()), "KSPSetOperators");
  set_default_solver(ksp.get());
  check(KSPSetFromOptions(ksp.get()), "KSPSetFromOptions");
  check(KSPSolve(ksp.get(), disc.rhs(), disc.solution()), "KSPSolve");
  KSPConvergedReason reason;
  PetscInt iterations = 0;
  check(KSPGetConvergedReason(ksp.get(), &reason), "KSPGetConvergedReason");
  check(KSPGetIterationNumber(ksp.get(), &iterations), "KSPGetIterationNumber");
  KSPType ksp_type = nullptr;
  PCType pc_type = nullptr;
  PC pc = nullptr;
  check(KSPGetType(ksp.get(), &ksp_type), "KSPGetType");
  check(KSPGetPC(ksp.get(), &pc), "KSPGetPC");
  check(PCGetType(pc, &pc_type), "PCGetType");
  SolveResult result;
  result.iterations = static_cast<int>(iterations);
  result.solver = std::string(ksp_type) + " + " + pc_type;
  if (reason < 0)
    throw InputError("fp: KSP (" + result.solver + ") did not converge: " +
                     KSPConvergedReasons[reason] + " after " + std::to_string(iterations) +
                     " iterations; try -fp_ksp_type preonly -fp_pc_type lu, or a looser "
                     "-fp_ksp_rtol");
  VecOwner residual;
  check(VecDuplicate(disc.rhs(), residual.out()), "VecDuplicate");
  check(MatMult(disc.matrix(), disc.solution(), residual.get()), "MatMult");
  check(VecAXPY(residual.get(), -1.0, disc.rhs()), "VecAXPY");
  PetscReal norm = 0, rhs_norm = 0;
  check(VecNorm(residual.get(), NORM_2, &norm), "VecNorm");
  check(VecNorm(disc.rhs(), NORM_2, &rhs_norm), "VecNorm");
  result.residual = norm / rhs_norm;
  return result;
}

Cell cell_of(const FpGrid& grid, std::size_t flat) {
  const auto n = static_cast<std::size_t>(grid.cells);
  if (grid.dim == 1) return {static_cast<PetscInt>(flat), 0};
  return {static_cast<PetscInt>(flat / n), static_cast<PetscInt>(flat % n)};
}

std::size_t flat_of(const FpGrid& grid, const Cell& c) {
  return grid.dim == 1 ? static_cast<std::size_t>(c.i)
                       : static_cast<std::size_t>(c.i) * static_cast<std::size_t>(grid.cells) +
                             static_cast<std::size_t>(c.j);
}

}  // namespace

StationaryDensity solve_stationary(MPI_Comm comm, const StationaryProblem& problem) {
  const FpGrid& grid = problem.grid;
  if (grid.dim != 1 && grid.dim != 2) throw InputError("fp: the grid must be 1- or 2-D");
  if (grid.cells < 3) throw InputError("fp: at least 3 cells per axis");
  if (!(problem.diffusion > 0)) throw InputError("fp: the diffusion D = α²/2 must be positive");
  const QuietPetscErrors quiet;
  Discretization disc(comm, problem);
  // Pin the cell at the centre c first; if the density there is small compared with its
  // maximum (a ring, a double well), solve again pinned at the densest cell, so the pinned
  // value is of the order of the solution and the relative tolerance means what it says.
  const PetscInt middle = grid.cells / 2;
  Cell pin{middle, grid.dim == 2 ? middle : 0};
  StationaryDensity out;
  SolveResult result;
  for (int attempt = 0; attempt < 2; ++attempt) {
    disc.assemble(pin);
    result = solve(comm, disc);
    out.density = disc.gather(disc.solution());
    out.solves = attempt + 1;
    const auto densest = static_cast<std::size_t>(
        std::max_element(out.density.begin(), out.density.end()) - out.density.begin());
    if (!(out.density[flat_of(grid, pin)] < 1e-3 * out.density[densest])) break;
    pin = cell_of(grid, densest);
  }
  out.solver = result.solver;
  out.iterations = result.iterations;
  out.residual = result.residual;
  double total = 0;  // in C order on every rank: the same bits whatever the rank count
  for (const double value : out.density)
    total += value;
  out.normalization = total * grid.cell_volume();
  if (!(std::isfinite(out.normalization) && out.normalization > 0))
    throw std::runtime_error("fp: the solution has no positive finite mass (" +
                             std::to_string(out.normalization) + ")");
  const double scale = 1 / out.normalization;
  for (double& value : out.density)
    value *= scale;
  out.minimum = *std::min_element(out.density.begin(), out.density.end());
  const auto n = static_cast<std::size_t>(grid.cells);
  for (std::size_t k = 0; k < out.density.size(); ++k) {
    const std::size_t i0 = grid.dim == 1 ? k : k / n, i1 = grid.dim == 1 ? 1 : k % n;
    const bool edge = i0 == 0 || i0 == n - 1 || (grid.dim == 2 && (i1 == 0 || i1 == n - 1));
    if (edge) out.boundary_mass += out.density[k] * grid.cell_volume();
  }
  return out;
}

}  // namespace msflow::fp
