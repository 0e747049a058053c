#pragma once
// A thin RAII layer over the HDF5 C API (the C++ API is serial-only on Debian). Every handle
// closes itself; every failure throws with the file and object named.
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
  Handle(hid_t id, Closer closer, const std::string& what);
  ~Handle();
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t id() const { return id_; }
  operator hid_t() const { return id_; }

 private:
  void reset();
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

using Shape = std::vector<hsize_t>;

/// An HDF5 file opened through MPI-IO on every rank of a communicator (collective calls).
class File {
 public:
  static File create(MPI_Comm comm, const std::string& path);     ///< truncates
  static File open_read(MPI_Comm comm, const std::string& path);  ///< read-only
  const std::string& path() const { return path_; }
  hid_t id() const { return handle_.id(); }
  MPI_Comm comm() const { return comm_; }
  void close();  ///< collective; also done by the destructor

 private:
  File(Handle handle, MPI_Comm comm, std::string path)
      : handle_(std::move(handle)), comm_(comm), path_(std::move(path)) {}
  Handle handle_;
  MPI_Comm comm_ = MPI_COMM_NULL;
  std::string path_;
};

bool is_hdf5_file(const std::string& path);
bool exists(hid_t location, const std::string& path);  ///< every link on the path exists
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
/// split over ranks: this rank writes rows [row_begin, row_begin + local_rows).
void write_rows(hid_t parent, const std::string& name, const Shape& global_shape, hsize_t row_begin,
                hsize_t local_rows, const double* data);
/// Same for 64-bit unsigned integers.
void write_rows(hid_t parent, const std::string& name, const Shape& global_shape, hsize_t row_begin,
                hsize_t local_rows, const std::uint64_t* data);
/// Collective write of a dataset whose contents every rank holds identically (rank 0 writes).
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

/// An output file written under a temporary name and renamed into place on commit(); if the
/// object is destroyed before commit (an error), the temporary is removed. Collective.
class AtomicOutput {
 public:
  AtomicOutput(MPI_Comm comm, std::string final_path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  File& file() { return file_; }
  /// Closes the file and renames it to its final path (collective).
  void commit();

 private:
  MPI_Comm comm_;
  std::string final_path_, temporary_path_;
  File file_;
  bool committed_ = false;
};

}  // namespace msflow::h5
