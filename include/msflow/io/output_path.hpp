#pragma once
// Checks on an output path before any work starts (docs/output.md, "Files"): it is not a
// directory or a device, it is not one of the inputs (same file by device and inode, however
// spelled), and its directory exists and is writable. An existing output is only ever replaced,
// atomically, by a complete new file (h5::AtomicOutput).
#include <string>
#include <vector>

namespace msflow {

/// InputError naming the option and the path on the first problem. `inputs`: the paths this run
/// reads (absent ones are ignored here; their readers report them).
void validate_output_path(const std::string& option, const std::string& path,
                          const std::vector<std::string>& inputs);

}  // namespace msflow
