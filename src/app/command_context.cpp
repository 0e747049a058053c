#include "command_context.hpp"

#include "msflow/core/memory.hpp"
#include "msflow/io/provenance.hpp"

namespace msflow::app {

CommandContext::CommandContext(MPI_Comm comm, Config& config, std::string command)
    : comm_(comm), config_(config), log_(comm), start_(MPI_Wtime()), command_(std::move(command)) {
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
  write_timings(file);
}

void CommandContext::write_timings(hid_t file) const {
  const auto phases = timer_.max_over_ranks(comm_);
  std::string names;
  std::vector<double> seconds;
  for (const auto& [name, value] : phases)
    names += (names.empty() ? "" : ",") + name, seconds.push_back(value);
  std::vector<double> records;
  for (const auto& record : records_)
    records.push_back(record.second);
  records.push_back(MPI_Wtime() - start_);
  MPI_Allreduce(MPI_IN_PLACE, records.data(), static_cast<int>(records.size()), MPI_DOUBLE, MPI_MAX,
                comm_);
  const double peak = max_peak_resident_bytes(comm_);
  const h5::Handle group = h5::create_group(file, "timings");
  h5::write_attribute(group, "description",
                      std::string("wall-clock figures of the run that wrote this file (maximum "
                                  "over the ranks; not reproducible, unlike everything else)"));
  h5::write_attribute(group, "phases", names);
  h5::write_attribute(group, "phase_seconds", seconds);
  h5::write_attribute(group, "elapsed_seconds", records.back());
  h5::write_attribute(group, "peak_memory_mib", peak / 1048576.0);
  for (std::size_t i = 0; i < records_.size(); ++i)
    h5::write_attribute(group, records_[i].first, records[i]);
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
