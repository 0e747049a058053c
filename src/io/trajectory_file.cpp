#include "msflow/io/trajectory_file.hpp"

#include <cmath>
#include <sstream>

#include "msflow/core/constants.hpp"
#include "msflow/core/error.hpp"

namespace msflow {

namespace {

std::string shape_text(const h5::Shape& shape) {
  std::ostringstream out;
  out << "(";
  for (std::size_t i = 0; i < shape.size(); ++i)
    out << (i ? ", " : "") << shape[i];
  out << (shape.size() == 1 ? ",)" : ")");
  return out.str();
}

h5::Handle open_numeric(hid_t file, const std::string& path, const std::string& name,
                        h5::Shape& shape) {
  if (!h5::exists(file, name))
    throw InputError(path + ": missing dataset " + name +
                     " (a trajectory file needs /trajectory/t and /trajectory/x)");
  const hid_t id = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (id < 0) throw InputError(path + ": " + name + " is not a dataset");
  h5::Handle dataset(id, H5Dclose, name);
  shape = h5::dataset_shape(dataset);
  return dataset;
}

std::vector<double> read_values(hid_t dataset, const std::string& path, const std::string& name) {
  try {
    return h5::read_doubles(dataset);
  } catch (const std::exception& e) {
    throw InputError(path + ": " + name + ": cannot be read as numbers (" + e.what() + ")");
  }
}

}  // namespace

void validate_trajectory_set(const TrajectorySet& set, const std::string& where, int expected_dim,
                             std::size_t min_transitions) {
  const std::size_t rows = set.rows(), d = static_cast<std::size_t>(set.dim);
  if (expected_dim > 0 && set.dim != expected_dim)
    throw InputError(
        where + ": /trajectory/x has d = " + std::to_string(set.dim) +
        " columns but the model has slow dimension d = " + std::to_string(expected_dim));
  for (std::size_t i = 0; i < rows; ++i)
    if (!std::isfinite(set.t[i]))
      throw InputError(where + ": /trajectory/t: non-finite value (" + std::to_string(set.t[i]) +
                       ") at index " + std::to_string(i));
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t a = 0; a < d; ++a)
      if (!std::isfinite(set.x[i * d + a]))
        throw InputError(where + ": /trajectory/x: non-finite value (" +
                         std::to_string(set.x[i * d + a]) + ") at index (" + std::to_string(i) +
                         ", " + std::to_string(a) + ")");
  if (set.offsets.empty() || set.offsets.front() != 0)
    throw InputError(where + ": /trajectory/offsets must start with 0");
  for (std::size_t k = 0; k < set.offsets.size(); ++k) {
    if (k > 0 && set.offsets[k] <= set.offsets[k - 1])
      throw InputError(where + ": /trajectory/offsets: not increasing at index " +
                       std::to_string(k));
    if (set.offsets[k] >= rows)
      throw InputError(where + ": /trajectory/offsets: value " + std::to_string(set.offsets[k]) +
                       " at index " + std::to_string(k) + " is past the last row (" +
                       std::to_string(rows - 1) + ")");
  }
  for (std::size_t k = 0; k < set.trajectories(); ++k) {
    const std::size_t begin = set.begin_of(k), end = set.end_of(k);
    if (end - begin < min_transitions + 1)
      throw InputError(where + ": trajectory " + std::to_string(k) + " (rows " +
                       std::to_string(begin) + " to " + std::to_string(end - 1) + ") has " +
                       std::to_string(end - begin - 1) + " transitions; at least " +
                       std::to_string(min_transitions) + " needed");
    for (std::size_t i = begin + 1; i < end; ++i)
      if (!(set.t[i] > set.t[i - 1]))
        throw InputError(where + ": /trajectory/t: times not increasing at index " +
                         std::to_string(i) + " (" + std::to_string(set.t[i - 1]) + " then " +
                         std::to_string(set.t[i]) + ")");
  }
}

TrajectoryLayout read_trajectory_layout(hid_t file, const std::string& path, int expected_dim,
                                        std::size_t min_transitions) {
  TrajectoryLayout layout;
  h5::Shape t_shape, x_shape;
  const h5::Handle t = open_numeric(file, path, "/trajectory/t", t_shape);
  if (t_shape.size() != 1)
    throw InputError(path + ": /trajectory/t must be one-dimensional (M+1), has shape " +
                     shape_text(t_shape));
  const h5::Handle x = open_numeric(file, path, "/trajectory/x", x_shape);
  if (x_shape.size() == 1) x_shape.push_back(1);  // (M+1) is accepted as d = 1
  if (x_shape.size() != 2 || x_shape[0] != t_shape[0])
    throw InputError(path + ": /trajectory/x must have shape (M+1, d) = (" +
                     std::to_string(t_shape[0]) + ", d) to match /trajectory/t, has shape " +
                     shape_text(x_shape));
  layout.rows = t_shape[0];
  if (x_shape[1] < 1 || x_shape[1] > static_cast<hsize_t>(kMaxSlowDim))
    throw InputError(path + ": /trajectory/x has d = " + std::to_string(x_shape[1]) +
                     " columns; msflow supports d = 1, 2, 3");
  layout.dim = static_cast<int>(x_shape[1]);
  if (expected_dim > 0 && layout.dim != expected_dim)
    throw InputError(
        path + ": /trajectory/x has d = " + std::to_string(layout.dim) +
        " columns but the model has slow dimension d = " + std::to_string(expected_dim));
  if (h5::exists(file, "/trajectory/offsets")) {
    h5::Shape shape;
    const h5::Handle dataset = open_numeric(file, path, "/trajectory/offsets", shape);
    if (shape.size() != 1)
      throw InputError(path + ": /trajectory/offsets must be one-dimensional, has shape " +
                       shape_text(shape));
    const std::vector<double> offsets = read_values(dataset, path, "/trajectory/offsets");
    for (std::size_t k = 0; k < offsets.size(); ++k) {
      if (!(offsets[k] >= 0) || offsets[k] != std::floor(offsets[k]))
        throw InputError(path + ": /trajectory/offsets: " + std::to_string(offsets[k]) +
                         " at index " + std::to_string(k) + " is not a row index");
      layout.offsets.push_back(static_cast<std::uint64_t>(offsets[k]));
    }
  } else {
    layout.offsets = {0};
  }
  if (layout.offsets.empty() || layout.offsets.front() != 0)
    throw InputError(path + ": /trajectory/offsets must start with 0");
  for (std::size_t k = 0; k < layout.offsets.size(); ++k) {
    if (k > 0 && layout.offsets[k] <= layout.offsets[k - 1])
      throw InputError(path + ": /trajectory/offsets: not increasing at index " +
                       std::to_string(k));
    if (layout.offsets[k] >= layout.rows)
      throw InputError(path + ": /trajectory/offsets: value " + std::to_string(layout.offsets[k]) +
                       " at index " + std::to_string(k) + " is past the last row (" +
                       std::to_string(layout.rows - 1) + ")");
  }
  for (std::size_t k = 0; k < layout.offsets.size(); ++k) {
    const std::size_t begin = layout.offsets[k], end = layout.end_of(k);
    if (end - begin < min_transitions + 1)
      throw InputError(path + ": trajectory " + std::to_string(k) + " (rows " +
                       std::to_string(begin) + " to " + std::to_string(end - 1) + ") has " +
                       std::to_string(end - begin - 1) + " transitions; at least " +
                       std::to_string(min_transitions) + " needed");
  }
  return layout;
}

TrajectorySet read_trajectory_file(MPI_Comm comm, const std::string& path, int expected_dim,
                                   std::size_t min_transitions) {
  const h5::File file = h5::File::open_read(comm, path);
  const TrajectoryLayout layout =
      read_trajectory_layout(file.id(), path, expected_dim, min_transitions);
  TrajectorySet set;
  h5::Shape shape;
  set.dim = layout.dim;
  set.t = read_values(open_numeric(file.id(), path, "/trajectory/t", shape), path, "/trajectory/t");
  set.x = read_values(open_numeric(file.id(), path, "/trajectory/x", shape), path, "/trajectory/x");
  set.offsets = layout.offsets;
  validate_trajectory_set(set, path, expected_dim, min_transitions);
  return set;
}

void write_trajectory_group(hid_t file, MPI_Comm comm, int dim, std::uint64_t total_rows,
                            std::uint64_t row_begin, const std::vector<double>& local_t,
                            const std::vector<double>& local_x,
                            const std::vector<std::uint64_t>& offsets) {
  const h5::Handle group = h5::create_group(file, "trajectory");
  const hsize_t local_rows = local_t.size();
  h5::write_rows(comm, group, "t", {total_rows}, row_begin, local_rows, local_t.data());
  h5::write_rows(comm, group, "x", {total_rows, static_cast<hsize_t>(dim)}, row_begin, local_rows,
                 local_x.data());
  h5::write_replicated(comm, group, "offsets", {offsets.size()}, offsets.data());
  h5::write_attribute(group, "description",
                      std::string("t: observation times (M+1); x: slow states (M+1, d); "
                                  "offsets: first row of each trajectory"));
}

}  // namespace msflow
