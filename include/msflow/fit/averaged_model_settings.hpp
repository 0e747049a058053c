#pragma once
// What an averaged model is built from, read once from [fit] and [flow].
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "msflow/core/options.hpp"
#include "msflow/flow/flow_settings.hpp"

namespace msflow::fit {

struct AveragedModelSettings {
  std::string type = "flow";       ///< --fit.model: flow | unstructured
  int samples = 256;               ///< L: base samples per evaluation
  int eval_samples = 4096;         ///< base samples of the reported estimate and the law samples
  double lambda = 1e-3;            ///< moment penalty weight λ
  double power = 2;                ///< moment penalty order p
  std::uint64_t seed = 1;          ///< base samples and initialization
  std::vector<std::string> learn;  ///< physical parameters fitted jointly
  std::optional<bool> learn_diffusion;  ///< unstructured: learn Σ(x) (auto: when σ needs y)
  std::optional<bool> conditional;      ///< flow: y = T(z; x) (auto: when π_x depends on x)
  flow::FlowSettings flow;              ///< [flow]: the flow (or the MLP's width/depth)
};

/// Reads and validates the settings under [`section`] (fit) and [`flow_section`] (flow).
AveragedModelSettings read_averaged_model_settings(const Config& config,
                                                   const std::string& section = "fit",
                                                   const std::string& flow_section = "flow");

}  // namespace msflow::fit
