#include "msflow/flow/flow_settings.hpp"

#include "msflow/core/settings.hpp"

namespace msflow::flow {

FlowSpec FlowSettings::spec(int dim, int context_dim) const {
  FlowSpec spec;
  spec.type = type;
  spec.dim = dim;
  spec.context_dim = context_dim;
  spec.layers = layers;
  spec.width = width;
  spec.depth = depth;
  spec.activation = activation;
  spec.spline.bins = bins;
  spec.spline.bound = bound;
  spec.validate();
  return spec;
}

void declare_flow_options(OptionCatalog& catalog, const std::string& section, CouplingType type) {
  catalog.section(section)
      .add("type", to_string(type), "coupling layers: affine or spline (rational-quadratic)")
      .add("layers", "6", "coupling layers")
      .add("width", "64", "hidden units of each conditioner layer")
      .add("depth", "2", "hidden layers of each conditioner")
      .add("activation", "tanh", "conditioner activation: tanh, relu, silu, softplus")
      .add("bins", "8", "spline: bins K")
      .add("bound", "5", "spline: the spline acts on [-B, B], identity outside");
}

FlowSettings read_network_settings(const Config& config, const std::string& section) {
  const SectionReader options(config, section);
  FlowSettings settings;
  settings.width = static_cast<int>(options.integer("width", 1, 65536));
  settings.depth = static_cast<int>(options.integer("depth", 0, 64));
  settings.activation =
      nn::parse_activation(options.choice("activation", {"tanh", "relu", "silu", "softplus"}));
  return settings;
}

FlowSettings read_flow_settings(const Config& config, const std::string& section) {
  const SectionReader options(config, section);
  FlowSettings settings = read_network_settings(config, section);
  settings.type = parse_coupling_type(options.choice("type", {"affine", "spline"}));
  settings.layers = static_cast<int>(options.integer("layers", 1, 256));
  if (settings.type == CouplingType::kSpline) {  // the affine coupling has neither
    settings.bins = static_cast<int>(options.integer("bins", 2, 1024));
    settings.bound = options.positive("bound");
  }
  return settings;
}

}  // namespace msflow::flow
