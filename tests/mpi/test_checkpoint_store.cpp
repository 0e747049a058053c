// Checkpoint files: atomic, this run's newest two kept (other runs' files untouched), damaged
// ones skipped with a fall-back to an older one, and clear refusals when nothing intact is
// left, when only another configuration's exist, or when the input data changed.
#include <gtest/gtest.h>
#include <mpi.h>

#include <filesystem>
#include <fstream>

#include "msflow/core/error.hpp"
#include "msflow/run/checkpoint_store.hpp"

namespace msflow {
namespace {

namespace fs = std::filesystem;

int rank_of() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

std::string test_directory(const std::string& name) {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::string directory = "checkpoint_test_" + name + "_np" + std::to_string(size);
  if (rank_of() == 0) fs::remove_all(directory);  // left over from an interrupted run
  MPI_Barrier(MPI_COMM_WORLD);
  return directory;
}

// The "contents" of a checkpoint: one number; its checksum is the number itself.
void write_value(hid_t file, double value) {
  h5::write_replicated(MPI_COMM_WORLD, file, "value", {1}, &value);
}
std::uint64_t read_value(hid_t file) {
  return static_cast<std::uint64_t>(h5::read_doubles(h5::open_dataset(file, "value")).at(0));
}
void save(const CheckpointStore& store, int iteration) {
  store.save(iteration, static_cast<std::uint64_t>(iteration),
             [&](hid_t f) { write_value(f, iteration); });
}
std::size_t files_in(const std::string& directory) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(directory))
    (void)entry, ++count;
  return count;
}
std::string error_of(const std::function<void()>& step) {
  try {
    step();
  } catch (const CollectiveError& e) {
    return e.what();
  }
  return "";
}

TEST(MpiCheckpointStore, KeepsThisRunsNewestTwoAndLeavesOtherRunsAlone) {
  const std::string directory = test_directory("keep");
  CheckpointStore::prepare_directory(MPI_COMM_WORLD, directory);
  const CheckpointStore store(MPI_COMM_WORLD, directory, "run", 42, "data A");
  const CheckpointStore other_run(MPI_COMM_WORLD, directory, "other", 42, "data A");
  EXPECT_EQ(store.newest(read_value).path, "");
  save(other_run, 5);
  for (int iteration : {10, 20, 30})
    save(store, iteration);
  EXPECT_EQ(files_in(directory), 3u);  // this run's newest two and the other run's one
  EXPECT_NE(store.newest(read_value).path.find("run.000000000000002a.ckpt.000000030.h5"),
            std::string::npos);
  // A stray file whose number does not fit is ignored, not fatal.
  if (rank_of() == 0)
    std::ofstream(directory + "/run.000000000000002a.ckpt.99999999999999999999.h5") << "x";
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_NE(store.newest(read_value).path.find("ckpt.000000030.h5"), std::string::npos);
  store.remove_all();
  EXPECT_EQ(store.newest(read_value).path, "");
  EXPECT_NE(other_run.newest(read_value).path.find("other.000000000000002a.ckpt.000000005.h5"),
            std::string::npos);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank_of() == 0) fs::remove_all(directory);
}

TEST(MpiCheckpointStore, DamagedNewestFallsBackToTheOlderOne) {
  const std::string directory = test_directory("damaged");
  CheckpointStore::prepare_directory(MPI_COMM_WORLD, directory);
  const CheckpointStore store(MPI_COMM_WORLD, directory, "run", 42, "data A");
  save(store, 10);
  save(store, 20);
  // Newest: a truncated file; then its contents no longer match the checksum.
  const std::string newest = store.newest(read_value).path;
  if (rank_of() == 0) std::ofstream(newest, std::ios::trunc) << "garbage";
  MPI_Barrier(MPI_COMM_WORLD);
  CheckpointStore::Found found = store.newest(read_value);
  EXPECT_NE(found.path.find("ckpt.000000010.h5"), std::string::npos);
  ASSERT_EQ(found.skipped.size(), rank_of() == 0 ? 1u : 0u);  // reported on rank 0
  // A checksum that does not match the contents (a flipped byte) counts as damaged too.
  const auto wrong = [](hid_t file) { return read_value(file) + 1; };
  const std::string message = error_of([&] { store.newest(wrong); });
  EXPECT_NE(message.find("no intact checkpoint"), std::string::npos) << message;
  EXPECT_NE(message.find("do not match their checksum"), std::string::npos) << message;
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank_of() == 0) fs::remove_all(directory);
}

TEST(MpiCheckpointStore, OtherConfigurationOrOtherDataIsRefused) {
  const std::string directory = test_directory("refuse");
  CheckpointStore::prepare_directory(MPI_COMM_WORLD, directory);
  save(CheckpointStore(MPI_COMM_WORLD, directory, "run", 42, "data A"), 10);
  const std::string configuration = error_of(
      [&] { CheckpointStore(MPI_COMM_WORLD, directory, "run", 43, "data A").newest(read_value); });
  EXPECT_NE(configuration.find("different configuration"), std::string::npos) << configuration;
  const std::string data = error_of(
      [&] { CheckpointStore(MPI_COMM_WORLD, directory, "run", 42, "data B").newest(read_value); });
  EXPECT_NE(data.find("other input data"), std::string::npos) << data;
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank_of() == 0) fs::remove_all(directory);
}

TEST(MpiCheckpointStore, UnwritableDirectoryIsRefusedBeforeWork) {
  const std::string message = error_of(
      [] { CheckpointStore::prepare_directory(MPI_COMM_WORLD, "/proc/no_checkpoints_here"); });
  EXPECT_NE(message.find("option --run.checkpoint_dir"), std::string::npos) << message;
}

}  // namespace
}  // namespace msflow
