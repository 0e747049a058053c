#include "msflow/sde/simulate_options.hpp"

namespace msflow {

void declare_simulate_options(OptionCatalog& catalog) {
  auto add = [&](const char* key, const char* value, const char* help,
                 OptionKind kind = OptionKind::kResult) {
    catalog.add("simulate", key, value, help, kind);
  };
  add("T", "100", "slow-time horizon of each trajectory");
  add("dt_obs", "0.01", "observation spacing (slow time)");
  add("dt", "auto",
      "fine step; auto = 0.1/n with the exact fast step, 0.02/(n*stiffness) with Euler, "
      "dt_obs/20 for the averaged model");
  add("scheme", "auto",
      "fast-process step: exact (in law; linear fast dynamics only), euler, or auto (exact "
      "where the model has one)");
  add("trajectories", "1", "number of independent trajectories (partitioned over MPI ranks)");
  add("seed", "1", "seed of the counter-based random streams");
  add("x0", "0", "initial slow state (one value for every axis, or d comma-separated)");
  add("burnin", "20",
      "fast-time burn-in (units of 1/n, x frozen) when the invariant law has no sampler");
  add("averaged", "false", "simulate the averaged model dX = b(X)dt + sigma(X)dW instead");
  add("grid", "auto", "points per axis of the /truth grid; auto = 101, 41, 17 for d = 1, 2, 3");
  add("progress", "10", "seconds between progress lines (0: none)", OptionKind::kOperational);
}

}  // namespace msflow
