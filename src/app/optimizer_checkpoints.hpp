#pragma once
// What every checkpointing command does with its optimizer state (fit's parameters, infer's
// posterior flow): resume from the newest intact checkpoint, save one, and stop after a signal
// with a checkpoint and the resume instructions (docs/method.md, "Checkpoints").
#include <Eigen/Core>

#include "command_context.hpp"
#include "msflow/optim/optimizer_state.hpp"
#include "msflow/run/checkpoint_store.hpp"

namespace msflow::app {

class OptimizerCheckpoints {
 public:
  OptimizerCheckpoints(CommandContext& context, const CheckpointStore& store)
      : context_(context), store_(store) {}

  /// Replaces `state` by the newest intact checkpoint's, if there is one (collective); logs
  /// skipped damaged files and where it resumed.
  void resume(optim::OptimizerState& state, Eigen::Index parameter_count) const;
  /// Writes `state` as the checkpoint of its iteration (collective, timed as "checkpoints").
  void save(const optim::OptimizerState& state) const;
  /// After a signal: saves `state` and logs how to resume (the command then exits with status 3).
  void stop(const optim::OptimizerState& state) const;

 private:
  CommandContext& context_;
  const CheckpointStore& store_;
};

}  // namespace msflow::app
