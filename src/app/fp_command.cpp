// msflow fp: the stationary Fokker–Planck reference for a fast process of dimension 1 or 2
// (docs/method.md, "The Fokker–Planck reference"; docs/fp.md): its invariant density on a PETSc
// grid distributed over the ranks, and b̄, Σ̄ by quadrature against it on a grid of x, written as
// /truth so that fit and forecast (--truth) accept the output where no closed form exists.
#include <mpi.h>

#include <cmath>
#include <memory>

#include "command_context.hpp"
#include "commands.hpp"
#include "msflow/core/error.hpp"
#include "msflow/core/grid.hpp"
#include "msflow/core/settings.hpp"
#include "msflow/fp/fast_process.hpp"
#include "msflow/fp/fp_settings.hpp"
#include "msflow/fp/stationary_solver.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/io/output_path.hpp"
#include "msflow/io/provenance.hpp"
#include "msflow/io/trajectory_file.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/parallel/partition.hpp"

namespace msflow::app {

namespace {

std::string join(const std::vector<double>& values) {
  std::string out;
  for (const double v : values)
    out += (out.empty() ? "" : ",") + format_number(v, 17);
  return out;
}

class FpProblem {
 public:
  explicit FpProblem(CommandContext& context) : context_(context) {}

  int run() {
    context_.phase("1. setup", [&] { setup(); });
    context_.phase("2. solve", [&] { solve(); });
    context_.phase("3. averages", [&] { averages(); });
    context_.phase("4. write output", [&] { write_output(); });
    context_.print_timings();
    return kExitSuccess;
  }

 private:
  const RootLog& log() const { return context_.log(); }

  // ---- 1. model, grid and x box, validated before any work -------------------------------------
  void setup() {
    Config& config = context_.config();
    const SectionReader general(config, "");
    model_ = create_model(config);
    fp::require_solvable(*model_);
    const int m = model_->fast_dim(), d = model_->slow_dim();
    settings_ = fp::read_fp_settings(config, m, d);
    grid_.dim = m;
    grid_.cells = settings_.cells;
    grid_.half_width = settings_.half_width;
    grid_.centre = config.get_vector("model.c", static_cast<std::size_t>(m));
    for (const double c : grid_.centre)
      require(std::isfinite(c) && std::abs(c) <= 1e6,
              "option --model.c: the fast grid's centre must be finite and at most 1e6");
    out_path_ = general.has("out") && !general.text("out").empty() ? general.text("out") : "fp.h5";
    const std::string data = general.has("data") ? general.text("data") : "";
    validate_output_path("out", out_path_, {data});
    lo_ = settings_.lo, hi_ = settings_.hi;
    if (lo_.empty() && !data.empty()) {
      const TrajectorySet set = read_trajectory_file(context_.comm(), data, d);
      const Box box = bounding_box(set.x, d);
      lo_ = box.lo, hi_ = box.hi;
      for (int a = 0; a < d; ++a)
        require(lo_[a] < hi_[a], data + ": /trajectory/x does not move along axis " +
                                     std::to_string(a) + "; give --fp.lo and --fp.hi");
    } else if (lo_.empty()) {
      require(d == m, "fp: d differs from m; give the x box with --fp.lo and --fp.hi");
      for (int a = 0; a < d; ++a) {
        lo_.push_back(grid_.lower(a));
        hi_.push_back(grid_.lower(a) + 2 * grid_.half_width);
      }
    }
    config.resolve("fp.points", std::to_string(settings_.points));
    config.resolve("fp.lo", join(lo_));
    config.resolve("fp.hi", join(hi_));
    context_.print_options();
  }

  // ---- 2. the stationary density -----------------------------------------------------------
  void solve() {
    const fp::StationaryProblem problem = fp::fast_problem(*model_, grid_);
    const double start = MPI_Wtime();
    solution_ = fp::solve_stationary(context_.comm(), problem);
    solve_seconds_ = MPI_Wtime() - start;
    const std::string cells = std::to_string(grid_.cells) + (grid_.dim == 2 ? "²" : "");
    log().print("fp: ", model_->name(), " fast process, m = ", grid_.dim, ", ", cells,
                " cells of h = ", format_number(grid_.spacing(), 4), " over c ± ",
                format_number(grid_.half_width), ", D = α²/2 = ", format_number(problem.diffusion),
                "; Scharfetter–Gummel finite volumes, zero-flux boundary");
    log().print("solver ", solution_.solver, " (-fp_ksp_type, -fp_pc_type): ", solution_.iterations,
                " iterations, relative residual ", format_number(solution_.residual, 3),
                solution_.solves > 1 ? ", 2 solves" : "", ", ", format_number(solve_seconds_, 3),
                " s on ", context_.size(), " rank", context_.size() > 1 ? "s" : "", "; ",
                context_.peak_memory());
    log().print("normalized: Σ p h^m = 1 (was ", format_number(solution_.normalization, 6),
                " with the pinned cell at 1); boundary mass ",
                format_number(solution_.boundary_mass, 3), ", min p ",
                format_number(solution_.minimum, 3));
    if (solution_.boundary_mass > 1e-6)
      log().print("WARNING: the boundary cells hold ", format_number(solution_.boundary_mass, 3),
                  " of the mass: the law is cut off; raise --fp.half_width");
  }

  // ---- 3. b̄, Σ̄ on the x grid, a block of points per rank ---------------------------------------
  void averages() {
    x_grid_ = make_box_grid(lo_, hi_, settings_.points);
    const std::size_t g = x_grid_.size(), d = static_cast<std::size_t>(model_->slow_dim());
    const IndexRange mine = block_partition(g, context_.rank(), context_.size());
    std::vector<double> drift(mine.size() * d), diffusion(mine.size() * d * d);
    fp::average_against_density(*model_, grid_, solution_.density, &x_grid_.points[mine.begin * d],
                                mine.size(), drift.data(), diffusion.data());
    drift_ = gather_rows(drift, d, g);
    diffusion_ = gather_rows(diffusion, d * d, g);
    for (const double v : drift_)
      require(std::isfinite(v), "fp: b̄ is not finite on the x grid: check the [model] parameters");
    log().print("b̄, Σ̄ by quadrature against the density at ", g, " points x in [", join(lo_),
                "] .. [", join(hi_), "]");
  }

  /// Every rank's block of `width`-wide rows, in row order, on every rank.
  std::vector<double> gather_rows(const std::vector<double>& local, std::size_t width,
                                  std::size_t rows) const {
    const int size = context_.size();
    std::vector<int> counts(static_cast<std::size_t>(size)), displacements(counts.size());
    for (int r = 0; r < size; ++r) {
      const IndexRange range = block_partition(rows, r, size);
      counts[static_cast<std::size_t>(r)] = static_cast<int>(range.size() * width);
      displacements[static_cast<std::size_t>(r)] = static_cast<int>(range.begin * width);
    }
    std::vector<double> out(rows * width);
    MPI_Allgatherv(local.data(), static_cast<int>(local.size()), MPI_DOUBLE, out.data(),
                   counts.data(), displacements.data(), MPI_DOUBLE, context_.comm());
    return out;
  }

  // ---- 4. output ------------------------------------------------------------------------------
  void write_output() {
    const MPI_Comm comm = context_.comm();
    h5::AtomicOutput output(comm, out_path_);
    const hid_t file = output.file().id();
    context_.write_provenance(file, "msflow.fp/1", "");
    write_model_group(file, *model_);
    const h5::Handle fp = h5::create_group(file, "fp");
    const auto n = static_cast<hsize_t>(grid_.cells);
    for (int a = 0; a < grid_.dim; ++a)
      h5::write_replicated(comm, fp, "axis" + std::to_string(a), {n}, grid_.axis(a).data());
    const h5::Shape shape = grid_.dim == 1 ? h5::Shape{n} : h5::Shape{n, n};
    h5::write_replicated(comm, fp, "density", shape, solution_.density.data());
    h5::write_attribute(fp, "cells", static_cast<std::int64_t>(grid_.cells));
    h5::write_attribute(fp, "half_width", grid_.half_width);
    h5::write_attribute(fp, "centre", grid_.centre);
    h5::write_attribute(fp, "spacing", grid_.spacing());
    h5::write_attribute(fp, "solver", solution_.solver);
    h5::write_attribute(fp, "iterations", static_cast<std::int64_t>(solution_.iterations));
    h5::write_attribute(fp, "residual", solution_.residual);
    h5::write_attribute(fp, "boundary_mass", solution_.boundary_mass);
    h5::write_attribute(fp, "solve_seconds", solve_seconds_);
    h5::write_attribute(fp, "description",
                        std::string("stationary density of the fast process (x frozen) at the "
                                    "cell centres axis0 × axis1, Σ density · spacing^m = 1; "
                                    "finite volumes with the Scharfetter–Gummel flux (second "
                                    "order), zero flux through the boundary"));
    const h5::Handle truth = h5::create_group(file, "truth");
    const auto g = static_cast<hsize_t>(x_grid_.size());
    const auto d = static_cast<hsize_t>(model_->slow_dim());
    h5::write_replicated(comm, truth, "grid", {g, d}, x_grid_.points.data());
    h5::write_replicated(comm, truth, "drift", {g, d}, drift_.data());
    h5::write_replicated(comm, truth, "diffusion", {g, d, d}, diffusion_.data());
    h5::write_attribute(truth, "description",
                        std::string("b̄ and Σ̄ by the midpoint rule against /fp/density (msflow "
                                    "fp), not a closed form"));
    output.commit();
    log().print("wrote ", out_path_);
  }

  CommandContext& context_;
  std::unique_ptr<Model> model_;
  fp::FpSettings settings_;
  fp::FpGrid grid_;
  std::string out_path_;
  std::vector<double> lo_, hi_;
  fp::StationaryDensity solution_;
  double solve_seconds_ = 0;
  BoxGrid x_grid_;
  std::vector<double> drift_, diffusion_;
};

}  // namespace

int run_fp(MPI_Comm comm, Config& config) {
  CommandContext context(comm, config, "fp");
  return FpProblem(context).run();
}

}  // namespace msflow::app
