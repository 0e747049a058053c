#pragma once

namespace msflow {
/// The code version stored in every output file: release number and git commit.
const char* version();
}  // namespace msflow
