#pragma once
// The options of an optimization loop, declared and read under a named section ([fit] today;
// `infer` reads the same keys under [infer]).
#include <cstdint>
#include <string>

#include "msflow/core/options.hpp"
#include "msflow/optim/lr_schedule.hpp"

namespace msflow::optim {

struct OptimizerSettings {
  std::string section = "fit";  ///< where they were read (messages name --<section>.<key>)
  std::string type = "adam";    ///< a registered optimizer (optimizer_registry())
  std::int64_t iterations = 1000;
  LrSchedule schedule;  ///< Adam
  int retries = 5;      ///< Adam: rollbacks after a non-finite objective, in a row
  std::string tao_type = "lmvm";
  double gradient_tolerance = 1e-8;  ///< TAO
  double progress_interval = 10;     ///< seconds between progress lines (0: none)
};

/// Which optimizers a section offers: every registered one, or only those that can follow an
/// objective estimated afresh by Monte Carlo at every call (the ELBO).
enum class ObjectiveKind { kDeterministic, kMonteCarlo };

/// Declares them under [section]; `lr` is the section's default learning rate (what measured best
/// for that problem: the fit's 1e-2, the posterior flow's 3e-3). TAO's keys only where TAO is
/// offered.
void declare_optimizer_options(OptionCatalog& catalog, const std::string& section,
                               const std::string& lr = "1e-2",
                               ObjectiveKind kind = ObjectiveKind::kDeterministic);
/// Reads and validates them (InputError naming the option), the TAO type included.
OptimizerSettings read_optimizer_settings(const Config& config, const std::string& section,
                                          ObjectiveKind kind = ObjectiveKind::kDeterministic);

}  // namespace msflow::optim
