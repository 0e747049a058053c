#pragma once
#include "msflow/core/options.hpp"

namespace msflow {
/// Declares the [fit], [flow] and [run] options (DESIGN.md §4).
void declare_fit_options(OptionCatalog& catalog);
}  // namespace msflow
