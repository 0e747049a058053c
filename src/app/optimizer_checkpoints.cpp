#include "optimizer_checkpoints.hpp"

#include "msflow/core/error.hpp"

namespace msflow::app {

void OptimizerCheckpoints::resume(optim::OptimizerState& state,
                                  Eigen::Index parameter_count) const {
  const RootLog& log = context_.log();
  const CheckpointStore::Found found = store_.newest([parameter_count](hid_t file) {
    return optim::OptimizerState::read(file, parameter_count).checksum();
  });
  for (const auto& skipped : found.skipped)
    log.print("resume: skipped the damaged checkpoint ", skipped);
  if (found.path.empty()) {
    log.print("resume: no checkpoint of this run in ", store_.directory(), ", starting afresh");
    return;
  }
  const h5::File file = h5::File::open_read(context_.comm(), found.path);
  state = optim::OptimizerState::read(file.id(), parameter_count);
  log.print("resumed from ", found.path, " at iteration ", state.iteration);
}

void OptimizerCheckpoints::save(const optim::OptimizerState& state) const {
  const auto scope = context_.timer().scope("checkpoints");
  store_.save(state.iteration, state.checksum(),
              [&](hid_t file) { state.write(context_.comm(), file); });
}

void OptimizerCheckpoints::stop(const optim::OptimizerState& state) const {
  save(state);
  context_.log().print("stopped by a signal at iteration ", state.iteration,
                       "; checkpoint written to ", store_.directory(),
                       ". Rerun with --run.resume true (exit status ",
                       static_cast<int>(kExitResumeMe), ")");
}

}  // namespace msflow::app
