#include "msflow/fit/transition_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "msflow/core/constants.hpp"
#include "msflow/core/error.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/io/trajectory_file.hpp"
#include "msflow/parallel/collective.hpp"

namespace msflow::fit {

namespace {

std::uint64_t mix(std::uint64_t z) {  // splitmix64's finalizer: a bijection of 64 bits
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint64_t bits_of(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
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

}  // namespace

std::string ObservedTransitions::identity() const {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(checksum));
  return std::to_string(window->total) + " transitions, " + std::to_string(trajectories) +
         " trajector" + (trajectories == 1 ? "y" : "ies") + ", d = " + std::to_string(window->dim) +
         ", checksum " + hex;
}

ObservedTransitions read_transitions(MPI_Comm comm, const std::string& path, int expected_dim,
                                     std::size_t min_transitions) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const h5::File file = h5::File::open_read(comm, path);
  const TrajectoryLayout layout = collectively(
      comm, [&] { return read_trajectory_layout(file.id(), path, expected_dim, min_transitions); });
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
  std::uint64_t checksum = 0;
  Box visited{std::vector<double>(d, std::numeric_limits<double>::infinity()),
              std::vector<double>(d, -std::numeric_limits<double>::infinity())};
  collectively(comm, [&] {
    if (window->range.size() == 0) return;
    const h5::Handle t_set = open_numeric(file.id(), path, "/trajectory/t");
    const h5::Handle x_set = open_numeric(file.id(), path, "/trajectory/x");
    window->start.reserve(window->range.size() * d);
    window->increment.reserve(window->range.size() * d);
    window->dt.reserve(window->range.size());
    // In chunks of transitions, so the rows read never coexist with the whole window.
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    for (std::size_t first = window->range.begin; first < window->range.end; first += kChunk) {
      const std::size_t end = std::min(window->range.end, first + kChunk);
      const std::size_t row_begin = first + trajectory_of(first);
      const std::size_t row_end = (end - 1) + trajectory_of(end - 1) + 2;  // past the last row
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
      for (std::size_t g = first; g < end; ++g) {
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
        std::uint64_t h = mix(g + 0x9e3779b97f4a7c15ull) ^ mix(bits_of(window->dt.back()));
        for (int a = 0; a < d; ++a)
          h = mix(h ^ bits_of(x[i * d + a])) ^ mix(bits_of(x[(i + 1) * d + a]) + a);
        checksum += h;  // modulo 2^64: the order of the sum does not matter
      }
    }
  });
  MPI_Allreduce(MPI_IN_PLACE, visited.lo.data(), d, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(MPI_IN_PLACE, visited.hi.data(), d, MPI_DOUBLE, MPI_MAX, comm);
  MPI_Allreduce(MPI_IN_PLACE, &checksum, 1, MPI_UINT64_T, MPI_SUM, comm);
  return {window, visited, layout.rows, trajectories, checksum};
}

}  // namespace msflow::fit
