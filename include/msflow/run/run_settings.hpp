#pragma once
// Run control: checkpoints and resume ([run] options; operational: they never change a result).
#include <cstdint>
#include <string>

#include "msflow/core/options.hpp"

namespace msflow {

struct RunSettings {
  std::string checkpoint_dir = "checkpoints";
  std::int64_t checkpoint_every = 100;  ///< iterations between checkpoints (0: none)
  bool resume = false;                  ///< continue from the newest valid checkpoint
  bool keep_checkpoints = false;        ///< keep them after the run finished
};

void declare_run_options(OptionCatalog& catalog);
RunSettings read_run_settings(const Config& config);

}  // namespace msflow
