#include "msflow/io/provenance.hpp"

#include <cstdint>

#include "msflow/core/version.hpp"

namespace msflow {

void write_provenance(hid_t file, MPI_Comm comm, const std::string& schema,
                      const std::string& command, const Config& config, const std::string& seeds) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  const h5::Handle root = h5::open_group(file, "/");
  h5::write_attribute(root, "schema", schema);
  h5::write_attribute(root, "msflow_version", std::string(version()));
  h5::write_attribute(root, "command", command);
  h5::write_attribute(root, "options", config.to_ini(/*results_only=*/true));
  h5::write_attribute(root, "mpi_size", static_cast<std::int64_t>(size));
  h5::write_attribute(root, "seeds", seeds);
}

void write_model_group(hid_t file, const Model& model) {
  const h5::Handle group = h5::create_group(file, "model");
  h5::write_attribute(group, "name", model.name());
  h5::write_attribute(group, "d", static_cast<std::int64_t>(model.slow_dim()));
  h5::write_attribute(group, "m", static_cast<std::int64_t>(model.fast_dim()));
  h5::write_attribute(group, "n", model.scale_separation());
  const auto names = model.parameter_names();
  const auto values = model.parameters();
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    h5::write_attribute(group, names[i], values[i]);
    list += (i ? "," : "") + names[i];
  }
  h5::write_attribute(group, "parameters", list);
}

bool read_model_group(hid_t file, Model& model) {
  if (!h5::exists(file, "/model")) return false;
  const h5::Handle group = h5::open_group(file, "/model");
  if (!h5::has_attribute(group, "name") || !h5::has_attribute(group, "d") ||
      h5::read_string_attribute(group, "name") != model.name() ||
      h5::read_int64_attribute(group, "d") != model.slow_dim())
    return false;
  const auto names = model.parameter_names();
  auto values = model.parameters();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (h5::has_attribute(group, names[i])) values[i] = h5::read_double_attribute(group, names[i]);
  model.set_parameters(values);
  return true;
}

}  // namespace msflow
