#include "msflow/run/checkpoint_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "msflow/core/error.hpp"
#include "msflow/parallel/collective.hpp"

namespace msflow {

namespace fs = std::filesystem;

std::string format_hash(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

namespace {

constexpr const char* kSchema = "msflow.checkpoint/2";

int rank_of(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

struct Listed {
  std::int64_t iteration;
  std::string path;
};

/// Files named `<prefix><digits>.h5` in `directory`, newest first; names whose number does not
/// fit are ignored (a stray file must not stop a run).
std::vector<Listed> list_with_prefix(const std::string& directory, const std::string& prefix) {
  std::vector<Listed> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() < prefix.size() + 4 ||
        name.substr(name.size() - 3) != ".h5")
      continue;
    const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - 3);
    if (digits.empty() || digits.size() > 18 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    found.push_back({std::stoll(digits), entry.path().string()});
  }
  std::sort(found.begin(), found.end(),
            [](const Listed& a, const Listed& b) { return a.iteration > b.iteration; });
  return found;
}

/// Other configurations' checkpoints of the same stem: "<stem>.<16 hex>.ckpt.<digits>.h5".
std::vector<std::string> other_configurations(const std::string& directory, const std::string& stem,
                                              const std::string& mine) {
  std::vector<std::string> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(stem + ".", 0) != 0 || name.rfind(mine, 0) == 0) continue;
    const std::string rest = name.substr(stem.size() + 1);
    if (rest.size() > 22 && rest.substr(16, 6) == ".ckpt." && rest.substr(rest.size() - 3) == ".h5")
      found.push_back(rest.substr(0, 16));
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

}  // namespace

CheckpointStore::CheckpointStore(MPI_Comm comm, std::string directory, std::string stem,
                                 std::uint64_t config_hash, std::string data_identity)
    : comm_(comm),
      directory_(std::move(directory)),
      stem_(std::move(stem)),
      config_hash_(config_hash),
      data_identity_(std::move(data_identity)) {}

std::string CheckpointStore::prefix() const {
  return stem_ + "." + format_hash(config_hash_) + ".ckpt.";
}

std::string CheckpointStore::path_of(std::int64_t iteration) const {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "%09lld.h5", static_cast<long long>(iteration));
  return (fs::path(directory_) / (prefix() + suffix)).string();
}

void CheckpointStore::prepare_directory(MPI_Comm comm, const std::string& directory) {
  collectively(comm, [&] {
    if (rank_of(comm) != 0) return;
    std::error_code error;
    fs::create_directories(directory, error);
    const std::string where = "option --run.checkpoint_dir '" + directory + "': ";
    if (error) throw InputError(where + "cannot create it (" + error.message() + ")");
    if (!fs::is_directory(directory)) throw InputError(where + "is not a directory");
    if (access(directory.c_str(), W_OK | X_OK) != 0) throw InputError(where + "is not writable");
  });
}

void CheckpointStore::save(std::int64_t iteration, std::uint64_t checksum,
                           const std::function<void(hid_t file)>& write_contents) const {
  {
    h5::AtomicOutput output(comm_, path_of(iteration));
    const hid_t file = output.file().id();
    {
      const h5::Handle root = h5::open_group(file, "/");
      h5::write_attribute(root, "schema", std::string(kSchema));
      h5::write_attribute(root, "config_hash", format_hash(config_hash_));
      h5::write_attribute(root, "data_identity", data_identity_);
      h5::write_attribute(root, "iteration", iteration);
      h5::write_attribute(root, "content_checksum", format_hash(checksum));
    }
    write_contents(file);
    output.commit();
  }
  if (rank_of(comm_) == 0) {
    const auto mine = list_with_prefix(directory_, prefix());
    for (std::size_t i = 2; i < mine.size(); ++i)
      std::remove(mine[i].path.c_str());
  }
  MPI_Barrier(comm_);
}

namespace {
/// A checkpoint that is intact but belongs to other input data.
struct OtherData : InputError {
  using InputError::InputError;
};
}  // namespace

CheckpointStore::Found CheckpointStore::newest(
    const std::function<std::uint64_t(hid_t file)>& read) const {
  // Rank 0 looks; its verdict (or error) is agreed on before the path is broadcast.
  Found found = collectively(comm_, [&]() -> Found {
    Found result;
    if (rank_of(comm_) != 0) return result;
    const auto mine = list_with_prefix(directory_, prefix());
    for (const auto& [iteration, path] : mine) {
      try {
        if (!h5::is_hdf5_file(path)) throw std::runtime_error("not a readable HDF5 file");
        const h5::File file = h5::File::open_read(MPI_COMM_SELF, path);
        const h5::Handle root = h5::open_group(file.id(), "/");
        for (const char* attribute :
             {"schema", "config_hash", "data_identity", "iteration", "content_checksum"})
          if (!h5::has_attribute(root, attribute))
            throw std::runtime_error(std::string("no attribute ") + attribute);
        if (h5::read_string_attribute(root, "schema") != kSchema)
          throw std::runtime_error("not a checkpoint of this version");
        if (h5::read_string_attribute(root, "config_hash") != format_hash(config_hash_))
          throw std::runtime_error("its configuration hash does not match its name");
        const std::string identity = h5::read_string_attribute(root, "data_identity");
        if (identity != data_identity_)
          throw OtherData("checkpoint " + path + " was written for other input data (" + identity +
                          "; this run's: " + data_identity_ +
                          "): rerun with the original data, or remove the checkpoints");
        if (h5::read_int64_attribute(root, "iteration") != iteration)
          throw std::runtime_error("its iteration does not match its name");
        const std::string stored = h5::read_string_attribute(root, "content_checksum");
        if (format_hash(read(file.id())) != stored)
          throw std::runtime_error("its contents do not match their checksum");
        result.path = path;
        return result;
      } catch (const OtherData&) {
        throw;                             // intact, but not this run's: refused, not skipped
      } catch (const std::exception& e) {  // unreadable or damaged (file errors included)
        result.skipped.push_back(path + ": " + e.what());
      }
    }
    if (!result.skipped.empty()) {
      std::string list;
      for (const auto& line : result.skipped)
        list += "\n  " + line;
      throw InputError("no intact checkpoint to resume from in " + directory_ + ":" + list +
                       "\nremove them to start afresh");
    }
    const auto others = other_configurations(directory_, stem_, prefix());
    if (!others.empty())
      throw InputError("the checkpoints of " + stem_ + " in " + directory_ +
                       " were written with a different configuration (hash " + others.front() +
                       ", this run " + format_hash(config_hash_) +
                       "): run with the original options, or remove the checkpoints");
    return result;
  });
  int length = static_cast<int>(found.path.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm_);
  found.path.resize(static_cast<std::size_t>(length));
  MPI_Bcast(found.path.data(), length, MPI_CHAR, 0, comm_);
  return found;
}

void CheckpointStore::remove_all() const {
  if (rank_of(comm_) == 0)
    for (const auto& listed : list_with_prefix(directory_, prefix()))
      std::remove(listed.path.c_str());
  MPI_Barrier(comm_);
}

}  // namespace msflow
