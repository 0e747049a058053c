// The Fokker–Planck solver distributed over 1, 2 and 3 ranks gives the density of a direct LU
// solve on one rank to the solver tolerance: the default solver stops at the relative residual
// -fp_ksp_rtol 1e-10, and the density may then differ from the exact discrete solution by about
// the condition number times that; we assert 1e-8 of the peak (measured: docs/fp.md).
#include <gtest/gtest.h>
#include <mpi.h>
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "msflow/core/options.hpp"
#include "msflow/fp/fast_process.hpp"
#include "msflow/fp/stationary_solver.hpp"
#include "msflow/model/registry.hpp"

namespace msflow {
namespace {

std::unique_ptr<Model> model_of(const std::vector<std::string>& args) {
  OptionCatalog catalog;
  declare_model_options(catalog);
  return create_model(Config::parse(catalog, args, {}));
}

/// Sets PETSc options for the lifetime of the object (the same on every rank).
class ScopedPetscOptions {
 public:
  explicit ScopedPetscOptions(std::vector<std::pair<std::string, std::string>> options)
      : options_(std::move(options)) {
    for (const auto& [name, value] : options_)
      PetscOptionsSetValue(nullptr, name.c_str(), value.c_str());
  }
  ~ScopedPetscOptions() {
    for (const auto& option : options_)
      PetscOptionsClearValue(nullptr, option.first.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::string>> options_;
};

double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double difference = 0, peak = 0;
  for (std::size_t j = 0; j < a.size(); ++j) {
    difference = std::max(difference, std::abs(a[j] - b[j]));
    peak = std::max(peak, std::abs(b[j]));
  }
  return difference / peak;
}

struct Case {
  std::vector<std::string> args;
  int dim, cells;
  double half_width;
  std::vector<double> centre;
};

void expect_rank_independent(const Case& c) {
  const auto model = model_of(c.args);
  fp::FpGrid grid;
  grid.dim = c.dim, grid.cells = c.cells, grid.half_width = c.half_width, grid.centre = c.centre;
  const fp::StationaryProblem problem = fp::fast_problem(*model, grid);
  const fp::StationaryDensity distributed = fp::solve_stationary(MPI_COMM_WORLD, problem);
  fp::StationaryDensity direct;
  {
    const ScopedPetscOptions lu({{"-fp_ksp_type", "preonly"}, {"-fp_pc_type", "lu"}});
    direct = fp::solve_stationary(MPI_COMM_SELF, problem);
  }
  const double difference = max_relative_difference(distributed.density, direct.density);
  int size = 1, rank = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0)
    std::printf("fp ranks %d, %s: %s %d iterations, max |p - p_LU| / max p = %.3e\n", size,
                model->name().c_str(), distributed.solver.c_str(), distributed.iterations,
                difference);
  EXPECT_LT(difference, 1e-8);
  EXPECT_LT(distributed.residual, 1.5e-10);  // right preconditioning: the true residual
  // Every rank holds the same gathered density.
  double first = distributed.density[distributed.density.size() / 3];
  MPI_Bcast(&first, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  EXPECT_EQ(first, distributed.density[distributed.density.size() / 3]);
}

TEST(MpiFp, NonrevRingDensityOnAnyRankCount) {
  expect_rank_independent(
      {{"--model.name", "nonrev-ring", "--model.c", "0.5,-0.5"}, 2, 96, 3.5, {0.5, -0.5}});
}

TEST(MpiFp, DoubleWell1dDensityOnAnyRankCount) {
  expect_rank_independent(
      {{"--model.name", "tagged-dw", "--model.d", "1", "--model.N", "1", "--model.beta", "2"},
       1,
       301,
       3,
       {0.5}});
}

}  // namespace
}  // namespace msflow
