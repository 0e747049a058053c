#include "msflow/optim/optimizer.hpp"

#include "msflow/core/error.hpp"

namespace msflow::optim {

// One file per optimizer; registration is one line in the table below.
std::unique_ptr<Optimizer> make_adam_optimizer(const OptimizerSettings& settings);
std::unique_ptr<Optimizer> make_tao_optimizer(const OptimizerSettings& settings);

const std::vector<OptimizerEntry>& optimizer_registry() {
  static const std::vector<OptimizerEntry> entries = {
      {"adam", "Adam with fresh Monte Carlo samples every iteration", true, make_adam_optimizer},
      {"tao", "PETSc TAO (--<section>.tao_type) on frozen samples", false, make_tao_optimizer},
  };
  return entries;
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSettings& settings) {
  std::string known;
  for (const auto& entry : optimizer_registry()) {
    if (entry.name == settings.type) return entry.create(settings);
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  throw InputError("option --" + settings.section + ".optimizer: '" + settings.type +
                   "' is not one of " + known);
}

}  // namespace msflow::optim
