#include "msflow/run/run_settings.hpp"

#include "msflow/core/settings.hpp"

namespace msflow {

void declare_run_options(OptionCatalog& catalog) {
  const auto operational = OptionKind::kOperational;
  catalog.section("run")
      .add("checkpoint_dir", "checkpoints", "directory of checkpoint files", operational)
      .add("checkpoint_every", "100", "iterations between checkpoints (0: none)", operational)
      .add("resume", "false", "continue from the newest valid checkpoint", operational)
      .add("keep_checkpoints", "false",
           "keep this run's checkpoints after it finished (default: removed)", operational);
}

RunSettings read_run_settings(const Config& config) {
  const SectionReader options(config, "run");
  RunSettings settings;
  settings.checkpoint_dir = options.text("checkpoint_dir");
  if (settings.checkpoint_dir.empty()) options.reject("checkpoint_dir", "must not be empty");
  settings.checkpoint_every = options.integer("checkpoint_every", 0, std::int64_t{1} << 40);
  settings.resume = options.flag("resume");
  settings.keep_checkpoints = options.flag("keep_checkpoints");
  return settings;
}

}  // namespace msflow
