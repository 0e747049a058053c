#pragma once
#include "msflow/core/options.hpp"

namespace msflow {
/// Declares the [simulate] options (DESIGN.md §4).
void declare_simulate_options(OptionCatalog& catalog);
}  // namespace msflow
