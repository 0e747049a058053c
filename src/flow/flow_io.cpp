#include "msflow/flow/flow_io.hpp"

#include <cstdint>
#include <vector>

#include "msflow/core/error.hpp"

namespace msflow::flow {

namespace {
constexpr const char* kSchema = "msflow.flow";
constexpr std::int64_t kVersion = 1;

int read_int(hid_t group, const std::string& name) {
  return static_cast<int>(h5::read_int64_attribute(group, name));
}

std::string read_text(hid_t object, const std::string& name) {
  return h5::read_string_attribute(object, name);
}
}  // namespace

void write_flow(MPI_Comm comm, hid_t parent, const std::string& name, const Flow& flow) {
  const FlowSpec& s = flow.spec();
  const h5::Handle group = h5::create_group(parent, name);
  h5::write_attribute(group, "schema", std::string(kSchema));
  h5::write_attribute(group, "schema_version", kVersion);
  h5::write_attribute(group, "type", to_string(s.type));
  h5::write_attribute(group, "activation", nn::to_string(s.activation));
  h5::write_attribute(group, "dim", std::int64_t{s.dim});
  h5::write_attribute(group, "context_dim", std::int64_t{s.context_dim});
  h5::write_attribute(group, "layers", std::int64_t{s.layers});
  h5::write_attribute(group, "width", std::int64_t{s.width});
  h5::write_attribute(group, "depth", std::int64_t{s.depth});
  h5::write_attribute(group, "bins", std::int64_t{s.spline.bins});
  h5::write_attribute(group, "elementwise_affine", std::int64_t{s.elementwise_affine ? 1 : 0});
  h5::write_attribute(group, "parameter_count", std::int64_t{flow.parameter_count()});
  h5::write_attribute(group, "bound", s.spline.bound);
  h5::write_attribute(group, "scale_bound", s.scale_bound);
  h5::write_attribute(group, "min_bin_width", s.spline.min_bin_width);
  h5::write_attribute(group, "min_bin_height", s.spline.min_bin_height);
  h5::write_attribute(group, "min_derivative", s.spline.min_derivative);
  const Vector parameters = flow.parameters();
  h5::write_replicated(comm, group, "parameters", {static_cast<hsize_t>(parameters.size())},
                       parameters.data());
}

Flow read_flow(hid_t parent, const std::string& name) {
  require(h5::exists(parent, name), "flow group '" + name + "' not found");
  const h5::Handle group = h5::open_group(parent, name);
  for (const char* attribute :
       {"schema", "type", "activation", "dim", "context_dim", "layers", "width", "depth", "bins",
        "elementwise_affine", "parameter_count", "bound", "scale_bound", "min_bin_width",
        "min_bin_height", "min_derivative"})
    require(h5::has_attribute(group, attribute),
            "flow group '" + name + "': missing attribute '" + attribute + "'");
  require(read_text(group, "schema") == kSchema,
          "flow group '" + name + "': schema is not " + kSchema);
  FlowSpec s;
  s.type = parse_coupling_type(read_text(group, "type"));
  s.activation = nn::parse_activation(read_text(group, "activation"));
  s.dim = read_int(group, "dim");
  s.context_dim = read_int(group, "context_dim");
  s.layers = read_int(group, "layers");
  s.width = read_int(group, "width");
  s.depth = read_int(group, "depth");
  s.spline.bins = read_int(group, "bins");
  s.elementwise_affine = read_int(group, "elementwise_affine") != 0;
  s.spline.bound = h5::read_double_attribute(group, "bound");
  s.scale_bound = h5::read_double_attribute(group, "scale_bound");
  s.spline.min_bin_width = h5::read_double_attribute(group, "min_bin_width");
  s.spline.min_bin_height = h5::read_double_attribute(group, "min_bin_height");
  s.spline.min_derivative = h5::read_double_attribute(group, "min_derivative");
  Flow flow(s);
  require(h5::read_int64_attribute(group, "parameter_count") == flow.parameter_count(),
          "flow group '" + name + "': parameter_count does not match the architecture");
  require(h5::exists(group, "parameters"),
          "flow group '" + name + "': missing dataset 'parameters'");
  const h5::Handle dataset = h5::open_dataset(group, "parameters");
  const std::vector<double> values = h5::read_doubles(dataset);
  require(static_cast<Index>(values.size()) == flow.parameter_count(),
          "flow group '" + name + "': dataset 'parameters' has " + std::to_string(values.size()) +
              " values, expected " + std::to_string(flow.parameter_count()));
  flow.set_parameters(Eigen::Map<const Vector>(values.data(), flow.parameter_count()));
  return flow;
}

}  // namespace msflow::flow
