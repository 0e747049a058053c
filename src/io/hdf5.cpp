#include "msflow/io/hdf5.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "msflow/core/error.hpp"
#include "msflow/parallel/collective.hpp"

namespace msflow::h5 {

namespace {

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: " + what + " failed");
}

// The write failure of the output being written (one at a time per process; rank 0 only).
struct WriteFailure {
  bool failed = false;
  std::string message;
};
WriteFailure g_failure;

/// Records the first failed write ("writing X to FILE: No space left on device").
void record_failure(const std::string& what) {
  if (g_failure.failed) return;
  const int error = errno;
  g_failure.failed = true;
  g_failure.message =
      what + " failed" + (error ? std::string(" (") + std::strerror(error) + ")" : "");
}

/// Whether a write to `object` is to be skipped: not the writing rank, or a write failed.
bool skip(hid_t object) {
  return object < 0 || g_failure.failed;
}

/// Runs a write step; an exception (an HDF5 failure) is recorded, not thrown.
template <class Step>
void guarded(const std::string& what, Step&& step) {
  errno = 0;
  try {
    step();
  } catch (const std::exception& e) {
    record_failure(what + ": " + e.what());
  }
}

// Objects without modification times, so that the same run writes a bitwise identical file.
Handle creation_list(hid_t list_class) {
  Handle list(H5Pcreate(list_class), H5Pclose, "creation property list");
  check(H5Pset_obj_track_times(list, false), "H5Pset_obj_track_times");
  return list;
}

int rank_of(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

/// Creates dataset `name` of `shape` and returns it (invalid after a failure).
Handle create_dataset(hid_t parent, const std::string& name, const Shape& shape, hid_t type) {
  Handle dataset;
  guarded("creating dataset " + name, [&] {
    Handle space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), H5Sclose,
                 "dataspace of " + name);
    const Handle creation = creation_list(H5P_DATASET_CREATE);
    dataset =
        Handle(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, creation, H5P_DEFAULT),
               H5Dclose, "dataset " + name);
  });
  return dataset;
}

/// Writes `rows` rows of `row_size` elements at row `first` of `dataset` (a failure is recorded).
template <class T>
void write_row_range(hid_t dataset, const std::string& name, const Shape& shape, hsize_t first,
                     hsize_t rows, hsize_t row_size, const T* data, hid_t type) {
  if (skip(dataset) || rows == 0) return;
  guarded("writing " + name, [&] {
    Handle file_space(H5Dget_space(dataset), H5Sclose, "dataspace of " + name);
    if (!shape.empty()) {
      Shape start(shape.size(), 0), count = shape;
      start[0] = first, count[0] = rows;
      check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                                nullptr),
            "hyperslab of " + name);
    }
    const hsize_t elements = rows * row_size;
    Handle memory_space(H5Screate_simple(1, &elements, nullptr), H5Sclose, "memory dataspace");
    check(H5Dwrite(dataset, type, memory_space, file_space, H5P_DEFAULT, data), "writing " + name);
  });
}

template <class T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<double>() {
  return MPI_DOUBLE;
}
template <>
MPI_Datatype mpi_type<std::uint64_t>() {
  return MPI_UINT64_T;
}

// Rank 0 creates the dataset and writes every rank's rows in rank order; the other ranks send
// theirs in chunks of at most 2^20 elements. Rank 0 keeps receiving after a failed write, so
// no sender is left waiting; commit() reports the failure.
template <class T>
void write_rows_typed(MPI_Comm comm, hid_t parent, const std::string& name,
                      const Shape& global_shape, hsize_t row_begin, hsize_t local_rows,
                      const T* data, hid_t type) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  const int rank = rank_of(comm);
  const hsize_t row_size =
      std::accumulate(global_shape.begin() + (global_shape.empty() ? 0 : 1), global_shape.end(),
                      hsize_t{1}, std::multiplies<hsize_t>());
  const hsize_t chunk_rows =
      std::max<hsize_t>(1, (hsize_t{1} << 20) / std::max<hsize_t>(1, row_size));
  std::uint64_t mine[2] = {row_begin, local_rows};
  std::vector<std::uint64_t> blocks(rank == 0 ? 2 * static_cast<std::size_t>(size) : 0);
  MPI_Gather(mine, 2, MPI_UINT64_T, blocks.data(), 2, MPI_UINT64_T, 0, comm);
  constexpr int kTag = 7301;
  if (rank != 0) {
    for (hsize_t first = 0; first < local_rows; first += chunk_rows) {
      const hsize_t rows = std::min(chunk_rows, local_rows - first);
      MPI_Send(data + first * row_size, static_cast<int>(rows * row_size), mpi_type<T>(), 0, kTag,
               comm);
    }
    return;
  }
  const Handle dataset = skip(parent) ? Handle() : create_dataset(parent, name, global_shape, type);
  write_row_range(dataset, name, global_shape, row_begin, local_rows, row_size, data, type);
  std::vector<T> buffer;
  for (int r = 1; r < size; ++r) {
    const hsize_t begin = blocks[2 * r], count = blocks[2 * r + 1];
    for (hsize_t first = 0; first < count; first += chunk_rows) {
      const hsize_t rows = std::min(chunk_rows, count - first);
      buffer.resize(rows * row_size);
      MPI_Recv(buffer.data(), static_cast<int>(buffer.size()), mpi_type<T>(), r, kTag, comm,
               MPI_STATUS_IGNORE);
      write_row_range(dataset, name, global_shape, begin + first, rows, row_size, buffer.data(),
                      type);
    }
  }
}

template <class T>
void write_replicated_typed(MPI_Comm, hid_t parent, const std::string& name, const Shape& shape,
                            const T* data, hid_t type) {
  if (skip(parent)) return;
  const Handle dataset = create_dataset(parent, name, shape, type);
  const hsize_t rows = shape.empty() ? 1 : shape[0];
  const hsize_t row_size = std::accumulate(shape.begin() + (shape.empty() ? 0 : 1), shape.end(),
                                           hsize_t{1}, std::multiplies<hsize_t>());
  write_row_range(dataset, name, shape, 0, rows, row_size, data, type);
}

}  // namespace

Handle Handle::adopt(hid_t id, Closer closer) {
  Handle handle;
  handle.id_ = id;
  handle.closer_ = closer;
  return handle;
}

Handle::Handle(hid_t id, Closer closer, const std::string& what) : id_(id), closer_(closer) {
  if (id_ < 0) throw std::runtime_error("HDF5: could not create/open " + what);
}
Handle::~Handle() {
  reset();
}
Handle::Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) {
  other.id_ = H5I_INVALID_HID;
}
Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_, closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}
void Handle::reset() {
  if (id_ >= 0 && closer_) closer_(id_);
  id_ = H5I_INVALID_HID;
}

File File::create_on_root(MPI_Comm comm, const std::string& path) {
  Handle handle;
  if (rank_of(comm) == 0)
    guarded("creating " + path, [&] {
      // In memory (the core driver, no backing store): HDF5 itself never writes to the disk, so
      // a full disk is an ordinary failed write(2) at commit, not a half-closed HDF5 file.
      Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "file access property list");
      check(H5Pset_fapl_core(access, std::size_t{1} << 20, 0), "H5Pset_fapl_core");
      handle = Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access), H5Fclose, path);
    });
  return File(std::move(handle), comm, path);
}

File File::open_read(MPI_Comm comm, const std::string& path) {
  if (std::FILE* probe = std::fopen(path.c_str(), "rb")) {
    std::fclose(probe);
  } else {
    throw InputError(path + ": no such file or not readable");
  }
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
    throw InputError(path + ": is a directory, not an HDF5 file");
  if (!is_hdf5_file(path)) throw InputError(path + ": not an HDF5 file");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw InputError(path + ": cannot open as HDF5");
  return File(Handle(id, H5Fclose, path), comm, path);
}

void File::close() {
  handle_ = Handle();
}

bool is_hdf5_file(const std::string& path) {
  return H5Fis_hdf5(path.c_str()) > 0;
}

bool exists(hid_t location, const std::string& path) {
  std::string prefix;
  std::size_t position = 0;
  while (position != std::string::npos) {
    const std::size_t next = path.find('/', position + 1);
    prefix = path.substr(0, next);
    if (!prefix.empty() && prefix != "/" && H5Lexists(location, prefix.c_str(), H5P_DEFAULT) <= 0)
      return false;
    position = next;
  }
  return true;
}

Handle create_group(hid_t parent, const std::string& name) {
  Handle group;
  if (skip(parent)) return group;
  guarded("creating group " + name, [&] {
    const Handle creation = creation_list(H5P_GROUP_CREATE);
    group = Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, creation, H5P_DEFAULT), H5Gclose,
                   "group " + name);
  });
  return group;
}

Handle open_group(hid_t parent, const std::string& name) {
  if (parent < 0) return Handle();  // a rank that does not write an output
  return Handle(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, "group " + name);
}

Handle open_dataset(hid_t parent, const std::string& name) {
  return Handle(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + name);
}

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
  if (skip(object)) return;
  guarded("writing attribute " + name, [&] {
    // Variable-length UTF-8, which h5py reads as str (fixed-length strings come back as bytes).
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    check(H5Tset_size(type, H5T_VARIABLE), "H5Tset_size");
    check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
    Handle space(H5Screate(H5S_SCALAR), H5Sclose, "scalar dataspace");
    Handle attribute(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                     H5Aclose, "attribute " + name);
    const char* text = value.c_str();
    check(H5Awrite(attribute, type, &text), "writing attribute " + name);
  });
}

void write_attribute(hid_t object, const std::string& name, double value) {
  write_attribute(object, name, std::vector<double>{value});
}

void write_attribute(hid_t object, const std::string& name, std::int64_t value) {
  if (skip(object)) return;
  guarded("writing attribute " + name, [&] {
    Handle space(H5Screate(H5S_SCALAR), H5Sclose, "scalar dataspace");
    Handle attribute(
        H5Acreate2(object, name.c_str(), H5T_NATIVE_INT64, space, H5P_DEFAULT, H5P_DEFAULT),
        H5Aclose, "attribute " + name);
    check(H5Awrite(attribute, H5T_NATIVE_INT64, &value), "writing attribute " + name);
  });
}

void write_attribute(hid_t object, const std::string& name, const std::vector<double>& value) {
  if (skip(object)) return;
  guarded("writing attribute " + name, [&] {
    const hsize_t size = value.size();
    Handle space(size == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &size, nullptr), H5Sclose,
                 "attribute dataspace");
    Handle attribute(
        H5Acreate2(object, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT),
        H5Aclose, "attribute " + name);
    check(H5Awrite(attribute, H5T_NATIVE_DOUBLE, value.data()), "writing attribute " + name);
  });
}

bool has_attribute(hid_t object, const std::string& name) {
  return H5Aexists(object, name.c_str()) > 0;
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "attribute " + name);
  Handle type(H5Aget_type(attribute), H5Tclose, "attribute type");
  if (H5Tget_class(type) != H5T_STRING)
    throw InputError("attribute '" + name + "' is not a string");
  if (H5Tis_variable_str(type) > 0) {
    char* text = nullptr;  // read with the stored type: same size and character set
    check(H5Aread(attribute, type, &text), "reading attribute " + name);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  std::string value(H5Tget_size(type), '\0');
  check(H5Aread(attribute, type, value.data()), "reading attribute " + name);
  return value.substr(0, value.find('\0'));
}

double read_double_attribute(hid_t object, const std::string& name) {
  Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "attribute " + name);
  double value = 0;
  check(H5Aread(attribute, H5T_NATIVE_DOUBLE, &value), "reading attribute " + name);
  return value;
}

std::int64_t read_int64_attribute(hid_t object, const std::string& name) {
  Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "attribute " + name);
  Handle space(H5Aget_space(attribute), H5Sclose, "attribute dataspace");
  if (H5Sget_simple_extent_npoints(space) != 1)
    throw InputError("attribute '" + name + "' is not a scalar");
  std::int64_t value = 0;
  check(H5Aread(attribute, H5T_NATIVE_INT64, &value), "reading attribute " + name);
  return value;
}

void write_rows(MPI_Comm comm, hid_t parent, const std::string& name, const Shape& global_shape,
                hsize_t row_begin, hsize_t local_rows, const double* data) {
  write_rows_typed(comm, parent, name, global_shape, row_begin, local_rows, data,
                   H5T_NATIVE_DOUBLE);
}
void write_rows(MPI_Comm comm, hid_t parent, const std::string& name, const Shape& global_shape,
                hsize_t row_begin, hsize_t local_rows, const std::uint64_t* data) {
  write_rows_typed(comm, parent, name, global_shape, row_begin, local_rows, data,
                   H5T_NATIVE_UINT64);
}
void write_replicated(MPI_Comm comm, hid_t parent, const std::string& name, const Shape& shape,
                      const double* data) {
  write_replicated_typed(comm, parent, name, shape, data, H5T_NATIVE_DOUBLE);
}
void write_replicated(MPI_Comm comm, hid_t parent, const std::string& name, const Shape& shape,
                      const std::uint64_t* data) {
  write_replicated_typed(comm, parent, name, shape, data, H5T_NATIVE_UINT64);
}

Shape dataset_shape(hid_t dataset) {
  Handle space(H5Dget_space(dataset), H5Sclose, "dataspace");
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw std::runtime_error("HDF5: cannot read a dataset's rank");
  Shape shape(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, shape.data(), nullptr);
  return shape;
}

namespace {
template <class T>
std::vector<T> read_all(hid_t dataset, hid_t memory_type) {
  const Shape shape = dataset_shape(dataset);
  const hsize_t count =
      std::accumulate(shape.begin(), shape.end(), hsize_t{1}, std::multiplies<hsize_t>());
  std::vector<T> values(count);
  Handle type(H5Dget_type(dataset), H5Tclose, "dataset type");
  const H5T_class_t type_class = H5Tget_class(type);
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER)
    throw InputError("dataset is not numeric");
  if (count > 0)
    check(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "reading dataset");
  return values;
}
}  // namespace

std::vector<double> read_doubles(hid_t dataset) {
  return read_all<double>(dataset, H5T_NATIVE_DOUBLE);
}
std::vector<double> read_row_block(hid_t dataset, hsize_t row_begin, hsize_t rows) {
  const Shape shape = dataset_shape(dataset);
  if (shape.empty() || shape.size() > 2) throw InputError("dataset is not of rank 1 or 2");
  if (row_begin + rows > shape[0]) throw std::logic_error("read_row_block: rows past the end");
  Handle type(H5Dget_type(dataset), H5Tclose, "dataset type");
  const H5T_class_t type_class = H5Tget_class(type);
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER)
    throw InputError("dataset is not numeric");
  const hsize_t columns = shape.size() == 2 ? shape[1] : 1;
  std::vector<double> values(rows * columns);
  if (rows == 0) return values;
  Handle file_space(H5Dget_space(dataset), H5Sclose, "dataspace");
  Shape start(shape.size(), 0), count = shape;
  start[0] = row_begin, count[0] = rows;
  check(
      H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
      "hyperslab");
  const hsize_t elements = rows * columns;
  Handle memory_space(H5Screate_simple(1, &elements, nullptr), H5Sclose, "memory dataspace");
  check(H5Dread(dataset, H5T_NATIVE_DOUBLE, memory_space, file_space, H5P_DEFAULT, values.data()),
        "reading rows");
  return values;
}

std::vector<std::uint64_t> read_uint64s(hid_t dataset) {
  return read_all<std::uint64_t>(dataset, H5T_NATIVE_UINT64);
}

namespace {

/// Removes the temporaries `<final>.tmp.XXXXXX` that no live writer holds: every writer keeps an
/// exclusive flock on its own until it has renamed it, so a temporary whose lock can be taken
/// was left by a killed run (SIGKILL cannot clean up).
void remove_stale_temporaries(const std::string& final_path) {
  const auto slash = final_path.find_last_of('/');
  const std::string directory = slash == std::string::npos ? "." : final_path.substr(0, slash);
  const std::string prefix =
      (slash == std::string::npos ? final_path : final_path.substr(slash + 1)) + ".tmp.";
  DIR* dir = ::opendir(directory.c_str());
  if (!dir) return;
  std::vector<std::string> stale;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string path = directory + "/" + name;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) continue;  // a symbolic link or gone: not ours to touch
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0)
      stale.push_back(path);
    ::close(fd);
  }
  ::closedir(dir);
  for (const auto& path : stale)
    std::remove(path.c_str());
}

}  // namespace

AtomicOutput::AtomicOutput(MPI_Comm comm, std::string final_path)
    : comm_(comm), final_path_(std::move(final_path)) {
  g_failure = {};
  int status = 0;
  std::string message;
  if (rank_of(comm) == 0) {
    // A fresh temporary, created exclusively: never an existing file or a symbolic link.
    std::string name = final_path_ + ".tmp.XXXXXX";
    errno = 0;
    const int fd = mkstemp(name.data());
    if (fd < 0) {
      status = kExitInputError;
      message =
          "cannot create a temporary next to " + final_path_ + " (" + std::strerror(errno) + ")";
    } else {
      const mode_t mask = umask(0);
      umask(mask);
      fchmod(fd, 0666 & ~mask);        // mkstemp makes it private; outputs are ordinary files
      ::flock(fd, LOCK_EX | LOCK_NB);  // held until renamed: marks the temporary as live
      descriptor_ = fd;
      temporary_path_ = name;
      file_ = File::create_on_root(comm, temporary_path_);
      if (g_failure.failed) status = kExitInputError, message = g_failure.message;
    }
  }
  try {
    agree_on_failure(comm, status != 0, message, status);
  } catch (...) {
    if (descriptor_ >= 0) ::close(descriptor_), descriptor_ = -1;
    if (!temporary_path_.empty()) std::remove(temporary_path_.c_str());
    g_failure = {};
    throw;
  }
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    try {
      file_.close();
    } catch (const std::exception&) {  // objects left open by the failed writer: close anyway
    }
    if (descriptor_ >= 0) ::close(descriptor_);
    if (!temporary_path_.empty()) std::remove(temporary_path_.c_str());
  }
  g_failure = {};
}

void AtomicOutput::commit() {
  if (rank_of(comm_) == 0) {
    // The in-memory image, written to the temporary with plain write(2) and synced.
    std::vector<char> image;
    if (!g_failure.failed)
      guarded("closing " + final_path_, [&] {
        check(H5Fflush(file_.id(), H5F_SCOPE_GLOBAL), "H5Fflush");
        const ssize_t size = H5Fget_file_image(file_.id(), nullptr, 0);
        if (size < 0) throw std::runtime_error("H5Fget_file_image failed");
        image.resize(static_cast<std::size_t>(size));
        if (H5Fget_file_image(file_.id(), image.data(), image.size()) != size)
          throw std::runtime_error("H5Fget_file_image failed");
      });
    file_.close();
    for (std::size_t done = 0; !g_failure.failed && done < image.size();) {
      errno = 0;
      const ssize_t written = ::write(descriptor_, image.data() + done, image.size() - done);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) {
        record_failure("writing " + temporary_path_);
        break;
      }
      done += static_cast<std::size_t>(written);
    }
    errno = 0;
    if (!g_failure.failed && fsync(descriptor_) != 0) record_failure("flushing " + temporary_path_);
    // The descriptor (and its lock) stays open until the rename, so no other run takes the
    // complete temporary for a stale one.
  }
  const bool failed = g_failure.failed;
  const std::string message = "writing " + final_path_ + ": " + g_failure.message;
  agree_on_failure(comm_, failed, message, kExitInputError);
  int status = 0;
  if (rank_of(comm_) == 0) {
    status = std::rename(temporary_path_.c_str(), final_path_.c_str());
    ::close(descriptor_);  // after fsync: the data are on disk; a late close error changes nothing
    descriptor_ = -1;
    if (status == 0) remove_stale_temporaries(final_path_);
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, comm_);
  if (status != 0)
    throw CollectiveError("cannot rename " + temporary_path_ + " to " + final_path_,
                          kExitInputError);
  committed_ = true;
}

}  // namespace msflow::h5
