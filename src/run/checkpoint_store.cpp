#include "msflow/run/checkpoint_store.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "msflow/core/error.hpp"
#include "msflow/parallel/collective.hpp"

namespace msflow {

namespace fs = std::filesystem;

std::string format_hash(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

CheckpointStore::CheckpointStore(MPI_Comm comm, std::string directory, std::string stem,
                                 std::uint64_t config_hash)
    : comm_(comm),
      directory_(std::move(directory)),
      stem_(std::move(stem)),
      config_hash_(config_hash) {}

std::string CheckpointStore::path_of(std::int64_t iteration) const {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".ckpt.%09lld.h5", static_cast<long long>(iteration));
  return (fs::path(directory_) / (stem_ + suffix)).string();
}

namespace {

// Checkpoints of `stem` in `directory`, newest first.
std::vector<std::pair<std::int64_t, std::string>> list_checkpoints(const std::string& directory,
                                                                   const std::string& stem) {
  std::vector<std::pair<std::int64_t, std::string>> found;
  std::error_code error;
  const std::string prefix = stem + ".ckpt.";
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() < prefix.size() + 4 ||
        name.substr(name.size() - 3) != ".h5")
      continue;
    const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - 3);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    found.emplace_back(std::stoll(digits), entry.path().string());
  }
  std::sort(found.rbegin(), found.rend());
  return found;
}

}  // namespace

void CheckpointStore::save(std::int64_t iteration,
                           const std::function<void(hid_t file)>& write_contents) const {
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  collectively(comm_, [&] {
    if (rank == 0) fs::create_directories(directory_);
  });
  {
    h5::AtomicOutput output(comm_, path_of(iteration));
    const hid_t file = output.file().id();
    {
      const h5::Handle root = h5::open_group(file, "/");
      h5::write_attribute(root, "schema", std::string("msflow.checkpoint/1"));
      h5::write_attribute(root, "config_hash", format_hash(config_hash_));
      h5::write_attribute(root, "iteration", iteration);
    }
    write_contents(file);
    output.commit();
  }
  if (rank == 0) {
    const auto checkpoints = list_checkpoints(directory_, stem_);
    for (std::size_t i = 2; i < checkpoints.size(); ++i)
      std::remove(checkpoints[i].second.c_str());
  }
  MPI_Barrier(comm_);
}

std::string CheckpointStore::newest() const {
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  // Rank 0 looks; its verdict (or error) is agreed on before the path is broadcast.
  std::string chosen = collectively(comm_, [&]() -> std::string {
    std::string found;
    if (rank == 0) {
      for (const auto& [iteration, path] : list_checkpoints(directory_, stem_)) {
        // A checkpoint that cannot be read (e.g. cut short by a crash) is skipped.
        if (!h5::is_hdf5_file(path)) continue;
        const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
        if (id < 0) continue;
        const h5::Handle file(id, H5Fclose, path);
        const h5::Handle root = h5::open_group(file, "/");
        if (!h5::has_attribute(root, "config_hash")) continue;
        const std::string hash = h5::read_string_attribute(root, "config_hash");
        if (hash != format_hash(config_hash_))
          throw InputError("checkpoint " + path + " was written with a different configuration " +
                           "(hash " + hash + ", this run " + format_hash(config_hash_) +
                           "): run with the original options, or remove the checkpoints");
        found = path;
        break;
      }
    }
    return found;
  });
  int length = static_cast<int>(chosen.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm_);
  chosen.resize(static_cast<std::size_t>(length));
  MPI_Bcast(chosen.data(), length, MPI_CHAR, 0, comm_);
  return chosen;
}

}  // namespace msflow
