#pragma once
// A thin RAII layer over the HDF5 C API (the C++ API is serial-only on Debian). Every handle
// closes itself.
//
// No MPI-IO anywhere (docs/output.md, "Files"): every rank reads input files independently, and
// outputs are written by rank 0 alone (data distributed over ranks is sent to it in chunks), so
// a killed run leaves no MPI-IO shared state behind. While an AtomicOutput is open, a failed
// write on rank 0 (a full disk) does not throw: it is recorded, later writes are skipped, and
// commit() reports it on every rank at once (CollectiveError, exit status 2), so no rank is ever
// left waiting. Read failures throw at once.
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace msflow::h5 {

/// An owned HDF5 identifier (file, group, dataset, dataspace, property list, attribute, type).
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer, const std::string& what);  ///< throws if id is invalid
  /// Takes `id` even if invalid (a write that failed or runs on a rank that does not write).
  static Handle adopt(hid_t id, Closer closer);
  ~Handle();
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t id() const { return id_; }
  operator hid_t() const { return id_; }
  /// Gives up ownership without closing.
  void release() { id_ = H5I_INVALID_HID; }

 private:
  void reset();
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

using Shape = std::vector<hsize_t>;

/// An HDF5 file: opened for reading on every rank, or created for writing on rank 0 only (its
/// id() is invalid on the other ranks, and every write function ignores an invalid id).
class File {
 public:
  File() = default;
  /// Rank 0 creates (truncates) `path`; a failure is recorded (see above), not thrown.
  static File create_on_root(MPI_Comm comm, const std::string& path);
  static File open_read(MPI_Comm comm, const std::string& path);  ///< read-only, every rank
  const std::string& path() const { return path_; }
  hid_t id() const { return handle_.id(); }
  MPI_Comm comm() const { return comm_; }
  void close();  ///< also done by the destructor
  /// Forgets the id without closing it (it was closed by the caller).
  void release() { handle_.release(); }

 private:
  File(Handle handle, MPI_Comm comm, std::string path)
      : handle_(std::move(handle)), comm_(comm), path_(std::move(path)) {}
  Handle handle_;
  MPI_Comm comm_ = MPI_COMM_NULL;
  std::string path_;
};

bool is_hdf5_file(const std::string& path);
bool exists(hid_t location, const std::string& path);  ///< every link on the path exists
/// Writer side: an invalid handle when `parent` is invalid or a write failed.
Handle create_group(hid_t parent, const std::string& name);
Handle open_group(hid_t parent, const std::string& name);
Handle open_dataset(hid_t parent, const std::string& name);

// Attributes (written by every rank with identical values: attribute writes are collective).
void write_attribute(hid_t object, const std::string& name, const std::string& value);
void write_attribute(hid_t object, const std::string& name, double value);
void write_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_attribute(hid_t object, const std::string& name, const std::vector<double>& value);
bool has_attribute(hid_t object, const std::string& name);
std::string read_string_attribute(hid_t object, const std::string& name);
double read_double_attribute(hid_t object, const std::string& name);
std::int64_t read_int64_attribute(hid_t object, const std::string& name);

/// Collective write of a row-major double dataset of `global_shape` whose first dimension is
/// split over ranks: this rank holds rows [row_begin, row_begin + local_rows); rank 0 receives
/// every rank's rows in chunks and writes them.
void write_rows(MPI_Comm comm, hid_t parent, const std::string& name, const Shape& global_shape,
                hsize_t row_begin, hsize_t local_rows, const double* data);
/// Same for 64-bit unsigned integers.
void write_rows(MPI_Comm comm, hid_t parent, const std::string& name, const Shape& global_shape,
                hsize_t row_begin, hsize_t local_rows, const std::uint64_t* data);
/// A dataset whose contents every rank holds identically: rank 0 writes, no communication.
void write_replicated(MPI_Comm comm, hid_t parent, const std::string& name, const Shape& shape,
                      const double* data);
void write_replicated(MPI_Comm comm, hid_t parent, const std::string& name, const Shape& shape,
                      const std::uint64_t* data);

Shape dataset_shape(hid_t dataset);
/// Reads a whole numeric dataset converted to double (independent I/O).
std::vector<double> read_doubles(hid_t dataset);
std::vector<std::uint64_t> read_uint64s(hid_t dataset);
/// Reads rows [row_begin, row_begin + rows) of a numeric dataset of rank 1 or 2 (all columns),
/// converted to double, row-major (independent I/O: each rank reads only its part).
std::vector<double> read_row_block(hid_t dataset, hsize_t row_begin, hsize_t rows);

/// An output file written under a fresh temporary name (created exclusively, never through an
/// existing path: `<final>.tmp.XXXXXX`) and renamed into place on commit(); if the object is
/// destroyed before commit (an error), the temporary is removed. The writer holds an exclusive
/// flock on its temporary until the rename; a commit then removes the `<final>.tmp.XXXXXX` that
/// nobody holds (left by a run killed with SIGKILL). Collective: construction and commit() agree
/// on failure (CollectiveError with the file named, exit status 2).
class AtomicOutput {
 public:
  AtomicOutput(MPI_Comm comm, std::string final_path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  File& file() { return file_; }
  /// Closes and flushes the file, agrees on any write failure, renames it to its final path.
  void commit();
  const std::string& temporary_path() const { return temporary_path_; }

 private:
  MPI_Comm comm_;
  std::string final_path_, temporary_path_;  ///< the temporary on rank 0 only
  int descriptor_ = -1;                      ///< of the temporary, created exclusively
  File file_;                                ///< in memory until commit() writes its image
  bool committed_ = false;
};

}  // namespace msflow::h5
