#include "msflow/io/truth_file.hpp"

#include <cmath>

#include "msflow/core/error.hpp"
#include "msflow/io/hdf5.hpp"

namespace msflow {

namespace {
std::vector<double> read_checked(hid_t file, const std::string& path, const std::string& name,
                                 const h5::Shape& expected) {
  const hid_t id = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (id < 0) throw InputError(path + ": " + name + " is not a dataset");
  const h5::Handle dataset(id, H5Dclose, name);
  if (h5::dataset_shape(dataset) != expected)
    throw InputError(path + ": " + name + " has the wrong shape for d = " +
                     std::to_string(expected.size() > 1 ? expected[1] : 0));
  return h5::read_doubles(dataset);
}
}  // namespace

std::optional<TruthOnGrid> read_truth(MPI_Comm comm, const std::string& path, int dim) {
  const h5::File file = h5::File::open_read(comm, path);
  if (!h5::exists(file.id(), "/truth/grid") || !h5::exists(file.id(), "/truth/drift"))
    return std::nullopt;
  const hid_t id = H5Dopen2(file.id(), "/truth/grid", H5P_DEFAULT);
  if (id < 0) throw InputError(path + ": /truth/grid is not a dataset");
  const h5::Handle grid(id, H5Dclose, "/truth/grid");
  const h5::Shape shape = h5::dataset_shape(grid);
  const auto d = static_cast<hsize_t>(dim);
  if (shape.size() != 2 || shape[1] != d || shape[0] == 0)
    throw InputError(path + ": /truth/grid must have shape (G, " + std::to_string(dim) + ")");
  TruthOnGrid truth;
  truth.dim = dim;
  truth.grid = h5::read_doubles(grid);
  truth.drift = read_checked(file.id(), path, "/truth/drift", {shape[0], d});
  if (h5::exists(file.id(), "/truth/diffusion"))
    truth.diffusion = read_checked(file.id(), path, "/truth/diffusion", {shape[0], d, d});
  return truth;
}

TruthOnGrid read_required_truth(MPI_Comm comm, const std::string& path, const Model& model) {
  const std::string where = "option --truth: " + path;
  {
    const h5::File file = h5::File::open_read(comm, path);
    if (h5::exists(file.id(), "/model")) {
      const h5::Handle group = h5::open_group(file.id(), "/model");
      if (h5::has_attribute(group, "name") &&
          h5::read_string_attribute(group, "name") != model.name())
        throw InputError(where + " holds the truth of model '" +
                         h5::read_string_attribute(group, "name") + "', not " + model.name());
      if (h5::has_attribute(group, "d") && h5::read_int64_attribute(group, "d") != model.slow_dim())
        throw InputError(
            where + ": /model has d = " + std::to_string(h5::read_int64_attribute(group, "d")) +
            ", the model " + std::to_string(model.slow_dim()));
    }
  }
  std::optional<TruthOnGrid> truth = read_truth(comm, path, model.slow_dim());
  if (!truth) throw InputError(where + " has no /truth/grid and /truth/drift");
  for (const auto* values : {&truth->grid, &truth->drift, &truth->diffusion})
    for (const double v : *values)
      if (!std::isfinite(v)) throw InputError(where + ": /truth holds a non-finite value");
  return *truth;
}

}  // namespace msflow
