// Checkpoint files: atomic, newest two kept, corrupt ones skipped, other configurations refused.
#include <gtest/gtest.h>
#include <mpi.h>

#include <filesystem>
#include <fstream>

#include "msflow/core/error.hpp"
#include "msflow/run/checkpoint_store.hpp"

namespace msflow {
namespace {

namespace fs = std::filesystem;

std::string test_directory(const std::string& name) {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return "checkpoint_test_" + name + "_np" + std::to_string(size);
}

void write_value(hid_t file, double value) {
  h5::write_replicated(MPI_COMM_WORLD, file, "value", {1}, &value);
}

TEST(MpiCheckpointStore, KeepsTheNewestTwoAndFindsTheNewest) {
  const std::string directory = test_directory("keep");
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) fs::remove_all(directory);  // left over from an interrupted run
  MPI_Barrier(MPI_COMM_WORLD);
  const CheckpointStore store(MPI_COMM_WORLD, directory, "run", 42);
  EXPECT_EQ(store.newest(), "");  // no directory yet
  for (int iteration : {10, 20, 30})
    store.save(iteration, [&](hid_t f) { write_value(f, iteration); });
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(directory)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 2u);
  EXPECT_NE(store.newest().find("run.ckpt.000000030.h5"), std::string::npos) << store.newest();

  // A newer but truncated checkpoint (a crash while renaming is impossible, but a disk can fail)
  // is skipped.
  if (rank == 0) std::ofstream(directory + "/run.ckpt.000000040.h5") << "garbage";
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_NE(store.newest().find("run.ckpt.000000030.h5"), std::string::npos);

  // Another configuration is refused on every rank.
  const CheckpointStore other(MPI_COMM_WORLD, directory, "run", 43);
  std::string message;
  try {
    other.newest();
  } catch (const CollectiveError& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("different configuration"), std::string::npos) << message;
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) fs::remove_all(directory);
}

}  // namespace
}  // namespace msflow
