#pragma once
#include "msflow/core/options.hpp"

namespace msflow {
/// Declares the [simulate] options (`msflow help simulate` lists them).
void declare_simulate_options(OptionCatalog& catalog);
}  // namespace msflow
