// Collective error agreement and collective HDF5 I/O at 1, 2 and 3 ranks.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>
#include <numeric>

#include "msflow/core/error.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/io/trajectory_file.hpp"
#include "msflow/parallel/collective.hpp"
#include "msflow/parallel/partition.hpp"

namespace msflow {
namespace {

int rank_of(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}
int size_of(MPI_Comm comm) {
  int size = 0;
  MPI_Comm_size(comm, &size);
  return size;
}

TEST(MpiCollective, FailureOnTheLastRankIsRaisedOnEveryRank) {
  const int rank = rank_of(MPI_COMM_WORLD), size = size_of(MPI_COMM_WORLD);
  std::string message;
  int status = 0;
  try {
    collectively(MPI_COMM_WORLD, [&] {
      if (rank == size - 1) throw InputError("rank " + std::to_string(rank) + " saw bad input");
    });
  } catch (const CollectiveError& e) {
    message = e.what(), status = e.exit_status();
  }
  EXPECT_EQ(message, "rank " + std::to_string(size - 1) + " saw bad input");
  EXPECT_EQ(status, kExitInputError);
}

TEST(MpiCollective, TheLowestFailingRankSpeaks) {
  const int rank = rank_of(MPI_COMM_WORLD);
  std::string message;
  try {
    collectively(MPI_COMM_WORLD, [&]() -> int {
      throw std::runtime_error("failure on rank " + std::to_string(rank));
    });
  } catch (const CollectiveError& e) {
    message = e.what();
    EXPECT_EQ(e.exit_status(), kExitInternalError);
  }
  EXPECT_EQ(message, "failure on rank 0");
}

TEST(MpiCollective, SuccessReturnsTheValueEverywhere) {
  const int value = collectively(MPI_COMM_WORLD, [] { return 42; });
  EXPECT_EQ(value, 42);
}

TEST(MpiPartition, BlocksCoverEverythingOnceAndDifferByAtMostOne) {
  for (std::size_t count : {0u, 1u, 2u, 7u, 100u}) {
    std::size_t covered = 0, smallest = count, largest = 0;
    for (int r = 0; r < 3; ++r) {
      const IndexRange block = block_partition(count, r, 3);
      EXPECT_EQ(block.begin, covered);
      covered = block.end;
      smallest = std::min(smallest, block.size()), largest = std::max(largest, block.size());
    }
    EXPECT_EQ(covered, count);
    EXPECT_LE(largest - smallest, 1u);
  }
}

TEST(MpiHdf5, RowsWrittenByEveryRankReadBackInOrder) {
  const int rank = rank_of(MPI_COMM_WORLD), size = size_of(MPI_COMM_WORLD);
  const std::string path = "mpi_rows_" + std::to_string(size) + ".h5";
  const hsize_t rows = 10, columns = 3;
  const IndexRange mine = block_partition(rows, rank, size);
  std::vector<double> local;
  for (std::size_t i = mine.begin; i < mine.end; ++i)
    for (hsize_t c = 0; c < columns; ++c)
      local.push_back(100.0 * i + c);
  {
    h5::AtomicOutput output(MPI_COMM_WORLD, path);
    h5::write_rows(MPI_COMM_WORLD, output.file().id(), "values", {rows, columns}, mine.begin,
                   mine.size(), local.data());
    output.commit();
  }
  const h5::File file = h5::File::open_read(MPI_COMM_WORLD, path);
  const h5::Handle dataset = h5::open_dataset(file.id(), "values");
  const std::vector<double> all = h5::read_doubles(dataset);
  ASSERT_EQ(all.size(), rows * columns);
  for (hsize_t i = 0; i < rows; ++i)
    for (hsize_t c = 0; c < columns; ++c)
      EXPECT_EQ(all[i * columns + c], 100.0 * i + c);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) std::remove(path.c_str());
}

TEST(MpiHdf5, AbandonedOutputLeavesNoFileBehind) {
  const int size = size_of(MPI_COMM_WORLD);
  const std::string path = "mpi_abandoned_" + std::to_string(size) + ".h5";
  std::string temporary;
  {
    h5::AtomicOutput output(MPI_COMM_WORLD, path);  // destroyed without commit
    temporary = output.temporary_path();
  }
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_EQ(std::fopen(path.c_str(), "r"), nullptr);
  if (rank_of(MPI_COMM_WORLD) == 0) {
    EXPECT_NE(temporary.find(path + ".tmp."), std::string::npos);
    EXPECT_EQ(std::fopen(temporary.c_str(), "r"), nullptr);
  }
}

// A write that fails on the writing rank (here: a dataset created twice) does not throw there:
// the distributed writes that follow still complete, and commit() raises one CollectiveError
// on every rank, naming the output; nothing is left behind.
TEST(MpiHdf5, AFailedWriteIsReportedOnEveryRankAtCommit) {
  const int size = size_of(MPI_COMM_WORLD);
  const std::string path = "mpi_failed_write_" + std::to_string(size) + ".h5";
  std::string message, temporary;
  int status = 0;
  try {
    h5::AtomicOutput output(MPI_COMM_WORLD, path);
    temporary = output.temporary_path();
    const double value = 1;
    h5::write_replicated(MPI_COMM_WORLD, output.file().id(), "twice", {1}, &value);
    h5::write_replicated(MPI_COMM_WORLD, output.file().id(), "twice", {1}, &value);
    const std::vector<double> rows(3, 2.0);
    h5::write_rows(MPI_COMM_WORLD, output.file().id(), "rows", {3 * static_cast<hsize_t>(size)},
                   3 * rank_of(MPI_COMM_WORLD), 3, rows.data());
    output.commit();
  } catch (const CollectiveError& e) {
    message = e.what(), status = e.exit_status();
  }
  EXPECT_NE(message.find("writing " + path + ": creating dataset twice"), std::string::npos)
      << message;
  EXPECT_EQ(status, kExitInputError);
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_EQ(std::fopen(path.c_str(), "r"), nullptr);
  if (!temporary.empty()) {
    EXPECT_EQ(std::fopen(temporary.c_str(), "r"), nullptr);
  }
}

TEST(MpiTrajectoryFile, ABadFileGivesTheSameErrorOnEveryRank) {
  const int rank = rank_of(MPI_COMM_WORLD), size = size_of(MPI_COMM_WORLD);
  const std::string path = "mpi_bad_" + std::to_string(size) + ".h5";
  {
    h5::AtomicOutput output(MPI_COMM_WORLD, path);
    {
      const h5::Handle group = h5::create_group(output.file().id(), "trajectory");
      const std::vector<double> t = {0, 1, 2, 2.5, 2.5, 3};  // not increasing at index 4
      const std::vector<double> x(6, 0.0);
      h5::write_replicated(MPI_COMM_WORLD, group, "t", {6}, t.data());
      h5::write_replicated(MPI_COMM_WORLD, group, "x", {6, 1}, x.data());
    }
    output.commit();
  }
  std::string message;
  try {
    collectively(MPI_COMM_WORLD, [&] { read_trajectory_file(MPI_COMM_WORLD, path, 1); });
  } catch (const CollectiveError& e) {
    message = e.what();
  }
  EXPECT_NE(message.find(path + ": /trajectory/t: times not increasing at index 4"),
            std::string::npos)
      << message;
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) std::remove(path.c_str());
}

}  // namespace
}  // namespace msflow
