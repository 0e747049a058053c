#include "command_context.hpp"

#include "msflow/core/memory.hpp"
#include "msflow/io/provenance.hpp"

namespace msflow::app {

CommandContext::CommandContext(MPI_Comm comm, Config& config, std::string command)
    : comm_(comm), config_(config), log_(comm), command_(std::move(command)) {
  MPI_Comm_rank(comm, &rank_);
  MPI_Comm_size(comm, &size_);
  log_.print("msflow ", command_, " on ", size_, " MPI rank", size_ > 1 ? "s" : "");
}

void CommandContext::print_options() const {
  log_.line("\n# effective options\n" + config_.to_ini_used());
}

void CommandContext::write_provenance(hid_t file, const std::string& schema,
                                      const std::string& seeds) const {
  msflow::write_provenance(file, comm_, schema, command_, config_, seeds);
}

void CommandContext::print_timings() const {
  log_.line(timer_.summary(comm_));
}

std::string CommandContext::peak_memory() const {
  return "peak memory " + format_number(max_peak_resident_bytes(comm_) / 1048576.0, 4) +
         " MiB per rank";
}

std::string stem_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.size() > 3 && name.substr(name.size() - 3) == ".h5") name.resize(name.size() - 3);
  return name;
}

}  // namespace msflow::app
