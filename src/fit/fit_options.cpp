#include "msflow/fit/fit_options.hpp"

namespace msflow {

void declare_fit_options(OptionCatalog& catalog) {
  const auto operational = OptionKind::kOperational;
  auto fit = [&](const char* key, const char* value, const char* help,
                 OptionKind kind = OptionKind::kResult) {
    catalog.add("fit", key, value, help, kind);
  };
  fit("model", "flow",
      "flow: b̄, Σ̄ averaged over a learned invariant law (the paper); unstructured: an MLP b(x) "
      "(and Σ(x)) fitted directly (the paper's baseline)");
  fit("L", "256", "base samples per evaluation (Monte Carlo bias of the likelihood is O(1/L))");
  fit("lambda", "1e-3",
      "weight of the moment penalty lambda*m_p (the likelihood grows with M, "
      "the penalty does not)");
  fit("p", "2", "order p >= 1 of the moment penalty m_p = mean |T(z)|^p");
  fit("weight_decay", "0",
      "flow: weight of (w/2)|theta_c|^2 over the coupling layers' parameters (not the final "
      "elementwise affine layer): pulls the learned law towards a Gaussian");
  fit("optimizer", "adam",
      "adam: fresh base samples every iteration; tao: PETSc TAO on frozen samples");
  fit("tao_type", "lmvm", "TAO method for --fit.optimizer tao (lmvm, bqnls, ...)");
  fit("iterations", "1000", "optimizer iterations");
  fit("lr", "1e-2", "Adam learning rate");
  fit("lr_decay", "cosine", "learning-rate decay: constant, cosine or exponential");
  fit("lr_final", "0.05", "final learning rate relative to --fit.lr (cosine, exponential)");
  fit("warmup", "20", "linear learning-rate warm-up iterations");
  fit("gradient_tolerance", "1e-8", "TAO: stop when the gradient norm is below this");
  fit("seed", "1", "seed of the base samples and the initialization");
  fit("learn_diffusion", "auto",
      "unstructured: learn Σ(x) too (auto: when the model's σ depends on the fast variables); "
      "flow: Σ̄ is always the average over the learned law");
  fit("learn", "",
      "comma list of physical parameters fitted jointly (e.g. A,ell); starting values from "
      "[model]");
  fit("averaging", "exact",
      "exact: b̄, Σ̄ by Monte Carlo at every observation (cost transitions × L per evaluation); "
      "interpolated: at the nodes of a grid over the visited box only, interpolated to the "
      "observations (cost nodes × L; d <= 3; with σ known the transitions enter only through "
      "moments per cell, so the cost does not grow with their number)");
  fit("tolerance", "1e-4",
      "interpolated: largest allowed |interpolated - Monte Carlo| of b̄ components and Σ̄ "
      "entries at the cell centres (checked before and after the fit)");
  fit("nodes", "auto",
      "interpolated: intervals per axis (auto: the coarsest of 32, 64, 128, ... (d = 3: 16, 32) "
      "within a tenth "
      "of --fit.tolerance at the starting parameters)");
  fit("eval_samples", "4096", "base samples for the final b̄, Σ̄ on the grid and the law samples");
  fit("grid", "auto",
      "points per axis of /estimate/grid (auto: the input's /truth/grid if present, else 101, "
      "41, 17 for d = 1, 2, 3)");
  fit("retries", "5",
      "non-finite objective: roll back and halve the step at most this many times in a row");
  fit("progress", "10", "seconds between progress lines (0: none)", operational);

  auto flow = [&](const char* key, const char* value, const char* help) {
    catalog.add("flow", key, value, help);
  };
  flow("type", "affine", "coupling layers: affine or spline (rational-quadratic)");
  flow("layers", "6", "coupling layers");
  flow("width", "64", "hidden units of each conditioner layer");
  flow("depth", "2", "hidden layers of each conditioner");
  flow("activation", "tanh", "conditioner activation: tanh, relu, silu, softplus");
  flow("conditional", "auto",
       "condition the flow on x, y = T(z; x) (auto: when the model's fast law depends on x)");
  flow("bins", "8", "spline: bins K");
  flow("bound", "5", "spline: the spline acts on [-B, B], identity outside");

  auto run = [&](const char* key, const char* value, const char* help) {
    catalog.add("run", key, value, help, operational);
  };
  run("checkpoint_dir", "checkpoints", "directory of checkpoint files");
  run("checkpoint_every", "100", "iterations between checkpoints (0: none)");
  run("resume", "false", "continue from the newest valid checkpoint");
}

}  // namespace msflow
