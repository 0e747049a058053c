#include "msflow/fit/averaged_model.hpp"

#include <algorithm>

#include "msflow/core/error.hpp"
#include "msflow/core/log.hpp"
#include "msflow/core/settings.hpp"
#include "msflow/fit/flow_averaged_model.hpp"
#include "msflow/fit/unstructured_model.hpp"

namespace msflow::fit {

std::vector<std::pair<std::string, double>> AveragedModel::physical_parameters() const {
  std::vector<std::pair<std::string, double>> values;
  for (const ParameterBlock& block : layout().with_prefix("eta."))
    values.emplace_back(block.name.substr(4),
                        block.domain.from_unconstrained(parameters()[block.begin]));
  return values;
}

// Registration: one line per model type (adding one is one file and one line here).
const std::vector<AveragedModelEntry>& averaged_model_registry() {
  static const std::vector<AveragedModelEntry> entries = {
      {"flow", "b̄, Σ̄ averaged over a learned invariant law (the paper's estimator)",
       [](const AveragedModelSettings& settings, const Model& model) {
         return std::make_unique<FlowAveragedModel>(settings, model);
       }},
      {"unstructured", "an MLP b(x) (and Σ(x)) fitted directly (the paper's baseline)",
       [](const AveragedModelSettings& settings, const Model& model) {
         return std::make_unique<UnstructuredModel>(settings, model);
       }},
  };
  return entries;
}

void check_memory(const AveragedModelSettings& settings, const Model& model, double available) {
  if (settings.type != "flow") return;  // the MLP's batches are bounded (8192 points)
  const double m = model.fast_dim();
  const double width = settings.flow.width, depth = settings.flow.depth;
  // Per sample and layer: the layer's output, the conditioner's activations and their
  // gradients, generously; plus the base samples and their adjoint.
  const auto bytes = [&](double batch) {
    return 8 * batch * (settings.flow.layers * (6 * m + 4 * width * depth) + 4 * m);
  };
  const bool conditional = settings.conditional.value_or(model.fast_law_depends_on_slow());
  const double training = conditional ? std::max<double>(settings.samples, 8192) : settings.samples;
  const std::pair<const char*, double> needs[] = {{"L", bytes(training)},
                                                  {"eval_samples", bytes(settings.eval_samples)}};
  for (const auto& [key, need] : needs)
    if (need > available / 2)
      throw InputError("option --fit." + std::string(key) + ": the flow's workspaces would need " +
                       format_number(need / 1048576.0, 3) + " MiB, and " +
                       format_number(available / 1048576.0, 3) +
                       " MiB are available to this rank; use fewer samples");
}

std::unique_ptr<AveragedModel> make_averaged_model(const AveragedModelSettings& settings,
                                                   const Model& model) {
  std::string known;
  for (const auto& entry : averaged_model_registry()) {
    if (entry.name == settings.type) return entry.create(settings, model);
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  throw InputError("option --fit.model: '" + settings.type + "' is not one of " + known);
}

AveragedModelSettings read_averaged_model_settings(const Config& config, const std::string& section,
                                                   const std::string& flow_section) {
  const SectionReader options(config, section);
  AveragedModelSettings settings;
  settings.type = options.text("model");
  std::string known;
  for (const auto& entry : averaged_model_registry())
    known += (known.empty() ? "" : ", ") + entry.name;
  if (std::none_of(averaged_model_registry().begin(), averaged_model_registry().end(),
                   [&](const AveragedModelEntry& entry) { return entry.name == settings.type; }))
    options.reject("model", "must be one of " + known);
  settings.seed = options.seed("seed");
  settings.learn = options.list("learn");
  settings.learn_diffusion = options.flag_or_auto("learn_diffusion");
  if (settings.type != "flow") {  // the unstructured MLP: no samples, only a network's shape
    settings.flow = flow::read_network_settings(config, flow_section);
    return settings;
  }
  settings.samples = static_cast<int>(options.integer("L", 1, 1 << 20));
  settings.eval_samples = static_cast<int>(options.integer("eval_samples", 1, 1 << 22));
  settings.lambda = options.nonnegative("lambda");
  settings.power = options.real_in("p", 1, 64);
  settings.conditional = SectionReader(config, flow_section).flag_or_auto("conditional");
  settings.flow = flow::read_flow_settings(config, flow_section);
  return settings;
}

}  // namespace msflow::fit
