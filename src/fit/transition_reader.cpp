#include "msflow/fit/transition_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "msflow/core/constants.hpp"
#include "msflow/core/error.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/parallel/collective.hpp"

namespace msflow::fit {

namespace {

std::string shape_text(const h5::Shape& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

h5::Handle open_numeric(hid_t file, const std::string& path, const std::string& name) {
  if (!h5::exists(file, name))
    throw InputError(path + ": missing dataset " + name +
                     " (a trajectory file needs /trajectory/t and /trajectory/x)");
  const hid_t id = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (id < 0) throw InputError(path + ": " + name + " is not a dataset");
  return h5::Handle(id, H5Dclose, name);
}

std::vector<double> read_block(hid_t dataset, const std::string& path, const std::string& name,
                               hsize_t begin, hsize_t rows) {
  try {
    return h5::read_row_block(dataset, begin, rows);
  } catch (const std::exception& e) {
    throw InputError(path + ": " + name + ": cannot be read as numbers (" + e.what() + ")");
  }
}

/// Shapes, offsets and trajectory lengths: the same on every rank.
struct Layout {
  std::size_t rows = 0;
  int dim = 0;
  std::vector<std::uint64_t> offsets;
  std::size_t end_of(std::size_t k) const { return k + 1 < offsets.size() ? offsets[k + 1] : rows; }
};

Layout read_layout(hid_t file, const std::string& path, int expected_dim,
                   std::size_t min_transitions) {
  Layout layout;
  const h5::Handle t = open_numeric(file, path, "/trajectory/t");
  const h5::Shape t_shape = h5::dataset_shape(t);
  if (t_shape.size() != 1)
    throw InputError(path + ": /trajectory/t must be one-dimensional (M+1), has shape " +
                     shape_text(t_shape));
  const h5::Handle x = open_numeric(file, path, "/trajectory/x");
  h5::Shape x_shape = h5::dataset_shape(x);
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
    const h5::Handle dataset = open_numeric(file, path, "/trajectory/offsets");
    const h5::Shape shape = h5::dataset_shape(dataset);
    if (shape.size() != 1)
      throw InputError(path + ": /trajectory/offsets must be one-dimensional, has shape " +
                       shape_text(shape));
    const std::vector<double> offsets =
        read_block(dataset, path, "/trajectory/offsets", 0, shape[0]);
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

}  // namespace

ObservedTransitions read_transitions(MPI_Comm comm, const std::string& path, int expected_dim,
                                     std::size_t min_transitions) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const h5::File file = h5::File::open_read(comm, path);
  const Layout layout = collectively(
      comm, [&] { return read_layout(file.id(), path, expected_dim, min_transitions); });
  const int d = layout.dim;
  const std::size_t trajectories = layout.offsets.size();
  auto window = std::make_shared<TransitionWindow>();
  window->dim = d;
  window->total = layout.rows - trajectories;
  window->blocks = transition_blocks(window->total);
  window->my_blocks = window->blocks.blocks_of(rank, size);
  window->range = window->blocks.items_of(rank, size);

  // Transition g of trajectory k runs from row g + k to row g + k + 1.
  std::vector<std::size_t> first_transition(trajectories + 1, window->total);
  for (std::size_t k = 0; k < trajectories; ++k)
    first_transition[k] = layout.offsets[k] - k;
  const auto trajectory_of = [&](std::size_t g) {
    return static_cast<std::size_t>(
        std::upper_bound(first_transition.begin(), first_transition.begin() + trajectories, g) -
        first_transition.begin() - 1);
  };
  Box visited{std::vector<double>(d, std::numeric_limits<double>::infinity()),
              std::vector<double>(d, -std::numeric_limits<double>::infinity())};
  collectively(comm, [&] {
    if (window->range.size() == 0) return;
    const std::size_t row_begin = window->range.begin + trajectory_of(window->range.begin);
    const std::size_t last = window->range.end - 1;
    const std::size_t row_end = last + trajectory_of(last) + 2;  // one past the last row read
    const h5::Handle t_set = open_numeric(file.id(), path, "/trajectory/t");
    const h5::Handle x_set = open_numeric(file.id(), path, "/trajectory/x");
    const std::vector<double> t =
        read_block(t_set, path, "/trajectory/t", row_begin, row_end - row_begin);
    const std::vector<double> x =
        read_block(x_set, path, "/trajectory/x", row_begin, row_end - row_begin);
    for (std::size_t i = 0; i < t.size(); ++i)
      if (!std::isfinite(t[i]))
        throw InputError(path + ": /trajectory/t: non-finite value (" + std::to_string(t[i]) +
                         ") at index " + std::to_string(row_begin + i));
    for (std::size_t i = 0; i < t.size(); ++i)
      for (int a = 0; a < d; ++a) {
        const double value = x[i * d + a];
        if (!std::isfinite(value))
          throw InputError(path + ": /trajectory/x: non-finite value (" + std::to_string(value) +
                           ") at index (" + std::to_string(row_begin + i) + ", " +
                           std::to_string(a) + ")");
        visited.lo[a] = std::min(visited.lo[a], value);
        visited.hi[a] = std::max(visited.hi[a], value);
      }
    window->start.reserve(window->range.size() * d);
    window->increment.reserve(window->range.size() * d);
    window->dt.reserve(window->range.size());
    for (std::size_t g = window->range.begin; g < window->range.end; ++g) {
      const std::size_t row = g + trajectory_of(g), i = row - row_begin;
      if (!(t[i + 1] > t[i]))
        throw InputError(path + ": /trajectory/t: times not increasing at index " +
                         std::to_string(row + 1) + " (" + std::to_string(t[i]) + " then " +
                         std::to_string(t[i + 1]) +
                         "); several trajectories need /trajectory/offsets");
      for (int a = 0; a < d; ++a) {
        window->start.push_back(x[i * d + a]);
        window->increment.push_back(x[(i + 1) * d + a] - x[i * d + a]);
      }
      window->dt.push_back(t[i + 1] - t[i]);
    }
  });
  MPI_Allreduce(MPI_IN_PLACE, visited.lo.data(), d, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(MPI_IN_PLACE, visited.hi.data(), d, MPI_DOUBLE, MPI_MAX, comm);
  return {window, visited, layout.rows, trajectories};
}

}  // namespace msflow::fit
