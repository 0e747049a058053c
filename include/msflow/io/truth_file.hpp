#pragma once
// The optional /truth group of a trajectory file: the exact averaged drift (and diffusion) on a
// grid, written by `msflow simulate` where docs/method.md ("Models") gives them.
#include <mpi.h>

#include <optional>
#include <string>
#include <vector>

#include "msflow/model/model.hpp"

namespace msflow {

struct TruthOnGrid {
  int dim = 0;
  std::vector<double> grid;       ///< G×d
  std::vector<double> drift;      ///< G×d
  std::vector<double> diffusion;  ///< G×d×d (empty if the file has none)
  std::size_t size() const { return dim ? grid.size() / dim : 0; }
};

/// Reads /truth from `path` if it is there (collective; every rank reads). Shapes are checked
/// against d; a malformed /truth is an InputError naming the dataset.
std::optional<TruthOnGrid> read_truth(MPI_Comm comm, const std::string& path, int dim);

/// The /truth of `--truth FILE` (e.g. an msflow fp output) for `model`: InputError (naming the
/// option and the file) if it has none, holds a non-finite value, or says in /model that it was
/// made for another model or slow dimension.
TruthOnGrid read_required_truth(MPI_Comm comm, const std::string& path, const Model& model);

}  // namespace msflow
