#include "msflow/io/hdf5.hpp"

#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "msflow/core/error.hpp"

namespace msflow::h5 {

namespace {

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: " + what + " failed");
}

Handle file_access_list(MPI_Comm comm) {
  Handle list(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "file access property list");
  check(H5Pset_fapl_mpio(list, comm, MPI_INFO_NULL), "H5Pset_fapl_mpio");
  return list;
}

// Objects without modification times, so that the same run writes a bitwise identical file.
Handle creation_list(hid_t list_class) {
  Handle list(H5Pcreate(list_class), H5Pclose, "creation property list");
  check(H5Pset_obj_track_times(list, false), "H5Pset_obj_track_times");
  return list;
}

Handle collective_transfer() {
  Handle list(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "transfer property list");
  check(H5Pset_dxpl_mpio(list, H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  return list;
}

template <class T>
void write_rows_typed(hid_t parent, const std::string& name, const Shape& global_shape,
                      hsize_t row_begin, hsize_t local_rows, const T* data, hid_t type) {
  Handle file_space(
      H5Screate_simple(static_cast<int>(global_shape.size()), global_shape.data(), nullptr),
      H5Sclose, "dataspace of " + name);
  const Handle creation = creation_list(H5P_DATASET_CREATE);
  Handle dataset(
      H5Dcreate2(parent, name.c_str(), type, file_space, H5P_DEFAULT, creation, H5P_DEFAULT),
      H5Dclose, "dataset " + name);
  Shape start(global_shape.size(), 0), count = global_shape;
  if (!global_shape.empty()) start[0] = row_begin, count[0] = local_rows;
  const hsize_t elements =
      std::accumulate(count.begin(), count.end(), hsize_t{1}, std::multiplies<hsize_t>());
  Handle memory_space(H5Screate_simple(1, &elements, nullptr), H5Sclose, "memory dataspace");
  if (elements == 0) {
    check(H5Sselect_none(file_space), "H5Sselect_none");
    check(H5Sselect_none(memory_space), "H5Sselect_none");
  } else if (!global_shape.empty()) {
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          "hyperslab of " + name);
  }
  const Handle transfer = collective_transfer();
  check(H5Dwrite(dataset, type, memory_space, file_space, transfer, data), "writing " + name);
}

template <class T>
void write_replicated_typed(MPI_Comm comm, hid_t parent, const std::string& name,
                            const Shape& shape, const T* data, hid_t type) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const hsize_t rows = shape.empty() ? 1 : shape[0];
  write_rows_typed(parent, name, shape, 0, rank == 0 ? rows : 0, data, type);
}

}  // namespace

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

File File::create(MPI_Comm comm, const std::string& path) {
  const Handle access = file_access_list(comm);
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access);
  if (id < 0) throw InputError("cannot create output file '" + path + "'");
  return File(Handle(id, H5Fclose, path), comm, path);
}

File File::open_read(MPI_Comm comm, const std::string& path) {
  if (std::FILE* probe = std::fopen(path.c_str(), "rb")) {
    std::fclose(probe);
  } else {
    throw InputError(path + ": no such file or not readable");
  }
  if (!is_hdf5_file(path)) throw InputError(path + ": not an HDF5 file");
  const Handle access = file_access_list(comm);
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, access);
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
  const Handle creation = creation_list(H5P_GROUP_CREATE);
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, creation, H5P_DEFAULT), H5Gclose,
                "group " + name);
}

Handle open_group(hid_t parent, const std::string& name) {
  return Handle(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, "group " + name);
}

Handle open_dataset(hid_t parent, const std::string& name) {
  return Handle(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + name);
}

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
  // Variable-length UTF-8, which h5py reads as str (fixed-length strings come back as bytes).
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  check(H5Tset_size(type, H5T_VARIABLE), "H5Tset_size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "scalar dataspace");
  Handle attribute(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose, "attribute " + name);
  const char* text = value.c_str();
  check(H5Awrite(attribute, type, &text), "writing attribute " + name);
}

void write_attribute(hid_t object, const std::string& name, double value) {
  write_attribute(object, name, std::vector<double>{value});
}

void write_attribute(hid_t object, const std::string& name, std::int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "scalar dataspace");
  Handle attribute(
      H5Acreate2(object, name.c_str(), H5T_NATIVE_INT64, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
      "attribute " + name);
  check(H5Awrite(attribute, H5T_NATIVE_INT64, &value), "writing attribute " + name);
}

void write_attribute(hid_t object, const std::string& name, const std::vector<double>& value) {
  const hsize_t size = value.size();
  Handle space(size == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &size, nullptr), H5Sclose,
               "attribute dataspace");
  Handle attribute(
      H5Acreate2(object, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose, "attribute " + name);
  check(H5Awrite(attribute, H5T_NATIVE_DOUBLE, value.data()), "writing attribute " + name);
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

void write_rows(hid_t parent, const std::string& name, const Shape& global_shape, hsize_t row_begin,
                hsize_t local_rows, const double* data) {
  write_rows_typed(parent, name, global_shape, row_begin, local_rows, data, H5T_NATIVE_DOUBLE);
}
void write_rows(hid_t parent, const std::string& name, const Shape& global_shape, hsize_t row_begin,
                hsize_t local_rows, const std::uint64_t* data) {
  write_rows_typed(parent, name, global_shape, row_begin, local_rows, data, H5T_NATIVE_UINT64);
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

AtomicOutput::AtomicOutput(MPI_Comm comm, std::string final_path)
    : comm_(comm),
      final_path_(std::move(final_path)),
      temporary_path_(final_path_ + ".tmp"),
      file_(File::create(comm, temporary_path_)) {}

AtomicOutput::~AtomicOutput() {
  if (committed_) return;
  try {
    file_.close();
  } catch (const std::exception&) {  // objects left open by the failed writer: close anyway
  }
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  if (rank == 0) std::remove(temporary_path_.c_str());
}

void AtomicOutput::commit() {
  file_.close();
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  int status = 0;
  if (rank == 0) status = std::rename(temporary_path_.c_str(), final_path_.c_str());
  MPI_Bcast(&status, 1, MPI_INT, 0, comm_);
  if (status != 0)
    throw std::runtime_error("cannot rename " + temporary_path_ + " to " + final_path_);
  committed_ = true;
}

}  // namespace msflow::h5
