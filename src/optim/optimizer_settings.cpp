#include "msflow/optim/optimizer_settings.hpp"

#include <algorithm>

#include "msflow/core/error.hpp"
#include "msflow/core/settings.hpp"
#include "msflow/optim/optimizer.hpp"
#include "msflow/optim/tao_minimizer.hpp"

namespace msflow::optim {

namespace {

/// The registered optimizers a section of `kind` offers.
std::vector<const OptimizerEntry*> offered(ObjectiveKind kind) {
  std::vector<const OptimizerEntry*> entries;
  for (const auto& entry : optimizer_registry())
    if (kind == ObjectiveKind::kDeterministic || entry.follows_monte_carlo_objective)
      entries.push_back(&entry);
  return entries;
}

bool offers_tao(ObjectiveKind kind) {
  const auto entries = offered(kind);
  return std::any_of(entries.begin(), entries.end(),
                     [](const OptimizerEntry* entry) { return entry->name == "tao"; });
}

}  // namespace

void declare_optimizer_options(OptionCatalog& catalog, const std::string& section,
                               const std::string& lr, ObjectiveKind kind) {
  std::string types;
  for (const OptimizerEntry* entry : offered(kind))
    types += (types.empty() ? "" : "; ") + entry->name + ": " + entry->summary;
  if (kind == ObjectiveKind::kMonteCarlo)
    types += " (the objective is a Monte Carlo estimate, which TAO's line searches cannot follow)";
  OptionSection options = catalog.section(section);
  options.add("optimizer", "adam", types)
      .add("iterations", "1000", "optimizer iterations")
      .add("lr", lr, "Adam learning rate")
      .add("lr_decay", "cosine", "learning-rate decay: constant, cosine or exponential")
      .add("lr_final", "0.05", "final learning rate relative to the base (cosine, exponential)")
      .add("warmup", "20",
           "linear learning-rate warm-up iterations (at most a fifth of the "
           "iterations)")
      .add("retries", "5",
           "non-finite objective: roll back and halve the step at most this many "
           "times in a row");
  if (offers_tao(kind))
    options.add("tao_type", "lmvm", "TAO method for the tao optimizer (lmvm, bqnls, ...)")
        .add("gradient_tolerance", "1e-8", "TAO: stop when the gradient norm is below this");
  options.add("progress", "10", "seconds between progress lines (0: none)",
              OptionKind::kOperational);
}

OptimizerSettings read_optimizer_settings(const Config& config, const std::string& section,
                                          ObjectiveKind kind) {
  const SectionReader options(config, section);
  OptimizerSettings settings;
  settings.section = section;
  settings.type = options.text("optimizer");
  const auto entries = offered(kind);
  if (std::none_of(entries.begin(), entries.end(),
                   [&](const OptimizerEntry* entry) { return entry->name == settings.type; })) {
    std::string known;
    for (const OptimizerEntry* entry : entries)
      known += (known.empty() ? "" : ", ") + entry->name;
    options.reject("optimizer", "must be one of " + known +
                                    (kind == ObjectiveKind::kMonteCarlo
                                         ? " (the objective is a Monte Carlo estimate)"
                                         : ""));
  }
  settings.iterations = options.integer("iterations", 1, 1000000000);
  settings.progress_interval = options.nonnegative("progress");
  // Only the chosen optimizer's keys are read: the others do not apply, and a run that sets
  // them hears so at its end (Config::unused_given).
  if (settings.type == "tao") {
    settings.tao_type = options.text("tao_type");
    settings.gradient_tolerance = options.positive("gradient_tolerance");
    try {
      TaoMinimizer::validate_type(settings.tao_type);
    } catch (const InputError& e) {
      options.reject("tao_type", e.what());
    }
  } else {
    settings.schedule.base = options.positive("lr");
    settings.schedule.decay =
        parse_decay(options.choice("lr_decay", {"constant", "cosine", "exponential"}));
    settings.schedule.final_fraction = options.real_in("lr_final", 1e-12, 1);
    // A short smoke run keeps a warm-up that fits in it.
    settings.schedule.warmup_steps =
        std::min(options.integer("warmup", 0, std::int64_t{1} << 40), settings.iterations / 5);
    settings.schedule.total_steps = settings.iterations;
    settings.schedule.validate();
    settings.retries = static_cast<int>(options.integer("retries", 0, 1000));
  }
  return settings;
}

}  // namespace msflow::optim
