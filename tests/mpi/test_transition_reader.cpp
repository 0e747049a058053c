// Each rank reads only its blocks of transitions: together the windows are exactly the one-rank
// window (across a trajectory boundary), the visited box is global, and a bad value on any
// rank's rows is one message naming its global index, on every rank.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "msflow/core/error.hpp"
#include "msflow/fit/transition_reader.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/parallel/collective.hpp"

namespace msflow::fit {
namespace {

int rank_of() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}
int size_of() {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// Two trajectories (rows 0..699 and 700..1399) of a 2-D path, with `t`, `x` given.
void write_file(const std::string& path, const std::vector<double>& t,
                const std::vector<double>& x) {
  h5::AtomicOutput output(MPI_COMM_WORLD, path);
  {
    const h5::Handle group = h5::create_group(output.file().id(), "trajectory");
    const std::vector<std::uint64_t> offsets = {0, 700};
    h5::write_replicated(MPI_COMM_WORLD, group, "t", {t.size()}, t.data());
    h5::write_replicated(MPI_COMM_WORLD, group, "x", {t.size(), 2}, x.data());
    h5::write_replicated(MPI_COMM_WORLD, group, "offsets", {2}, offsets.data());
  }
  output.commit();
}

void two_trajectories(std::vector<double>& t, std::vector<double>& x) {
  t.clear(), x.clear();
  for (int k = 0; k < 2; ++k)
    for (int i = 0; i < 700; ++i) {
      t.push_back(0.01 * i + 0.001 * (i % 3));  // uneven spacing
      x.push_back(std::sin(0.01 * i + k));
      x.push_back(std::cos(0.02 * i) - k);
    }
}

TEST(MpiTransitionReader, WindowsTogetherAreTheWholeData) {
  const std::string path = "mpi_reader_" + std::to_string(size_of()) + ".h5";
  std::vector<double> t, x;
  two_trajectories(t, x);
  write_file(path, t, x);
  const ObservedTransitions observed = read_transitions(MPI_COMM_WORLD, path, 2);
  const TransitionWindow& w = *observed.window;
  EXPECT_EQ(w.total, 1398u);
  EXPECT_EQ(observed.trajectories, 2u);
  EXPECT_EQ(w.size(), w.range.size());
  // Every local transition is the one of its global index.
  for (std::size_t local = 0; local < w.size(); ++local) {
    const std::size_t g = w.range.begin + local, row = g < 699 ? g : g + 1;
    ASSERT_EQ(w.dt[local], t[row + 1] - t[row]) << g;
    for (int a = 0; a < 2; ++a) {
      ASSERT_EQ(w.start[local * 2 + a], x[row * 2 + a]);
      ASSERT_EQ(w.increment[local * 2 + a], x[(row + 1) * 2 + a] - x[row * 2 + a]);
    }
  }
  // The windows partition the transitions in whole blocks.
  std::size_t count = w.size();
  MPI_Allreduce(MPI_IN_PLACE, &count, 1, MPI_UNSIGNED_LONG, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_EQ(count, w.total);
  EXPECT_EQ(w.range.begin % w.blocks.block_size(), 0u);
  // The visited box covers every row on every rank.
  for (int a = 0; a < 2; ++a) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t row = 0; row < t.size(); ++row)
      lo = std::min(lo, x[row * 2 + a]), hi = std::max(hi, x[row * 2 + a]);
    EXPECT_EQ(observed.visited.lo[a], lo);
    EXPECT_EQ(observed.visited.hi[a], hi);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank_of() == 0) std::remove(path.c_str());
}

TEST(MpiTransitionReader, ABadValueOnAnyRankIsOneMessageNamingItsGlobalIndex) {
  const std::string path = "mpi_reader_bad_" + std::to_string(size_of()) + ".h5";
  std::vector<double> t, x;
  two_trajectories(t, x);
  x[1200 * 2 + 1] = std::numeric_limits<double>::quiet_NaN();  // on the last rank's rows
  t[1000] = t[999];                                            // not increasing
  write_file(path, t, x);
  std::string message;
  try {
    read_transitions(MPI_COMM_WORLD, path, 2);
  } catch (const CollectiveError& e) {
    message = e.what();
  }
  // The lowest failing rank reports; with one rank the first problem in row order.
  const bool times =
      message.find("/trajectory/t: times not increasing at index 1000") != std::string::npos;
  const bool value =
      message.find("/trajectory/x: non-finite value (nan) at index (1200, 1)") != std::string::npos;
  EXPECT_TRUE(times || value) << message;
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank_of() == 0) std::remove(path.c_str());
}

}  // namespace
}  // namespace msflow::fit
