#pragma once
// Every option msflow knows, as one catalogue: what the commands parse and what a stored
// configuration (the `options` attribute of every output) is read back against.
#include "msflow/core/options.hpp"

namespace msflow::cli {

const OptionCatalog& option_catalog();

}  // namespace msflow::cli
