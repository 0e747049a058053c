#pragma once
// Everything `msflow infer` reads, typed and validated once, before any work (docs/method.md,
// "Bayesian inference"): what the posterior covers, the estimator (VI through a posterior flow,
// or the Metropolis reference), its Monte Carlo sizes, the posterior flow ([qflow]) and the
// optimizer ([infer] keys of an optimization loop).
#include <cstdint>
#include <optional>
#include <string>

#include "msflow/core/options.hpp"
#include "msflow/flow/flow_settings.hpp"
#include "msflow/optim/optimizer_settings.hpp"
#include "msflow/run/run_settings.hpp"

namespace msflow::infer {

/// Which parameters the posterior covers; the others stay at the fit's values.
enum class Coverage {
  kPhysical,  ///< the learned physical parameters only
  kSubspace,  ///< directions in the flow's parameters through the fit's optimum (+ physical)
  kAll,       ///< every parameter (a small flow)
};
std::string to_string(Coverage coverage);

/// The estimator of the posterior (docs/method.md, "Bayesian inference").
enum class Method {
  kVariational,  ///< VI: a posterior flow trained on the ELBO
  kMetropolis,   ///< random-walk Metropolis, the reference
  kLaplace,      ///< the Gaussian of the Hessian of J at the fit's optimum, no optimization
};
std::string to_string(Method method);

/// How vi's and laplace's draws are corrected towards the posterior (docs/method.md,
/// "Importance correction").
enum class Importance {
  kNone,  ///< the approximation's own draws
  kPsis,  ///< proposals weighted by p/q with Pareto-smoothed weights, then resampled
};
std::string to_string(Importance importance);

/// Where the bands of b̄ are centred (docs/method.md, "Bands").
enum class Bands {
  kPosterior,  ///< the draws as they are: the posterior's own quantiles, /estimate its mean
  kMode,       ///< the draws shifted so that their mean is b̄ at the fit's optimum ϑ*
};

struct InferSettings {
  std::string from;  ///< the fit output to start from
  Coverage params = Coverage::kSubspace;
  int subspace_dim = 8;
  /// How the subspace's directions are chosen (docs/method.md, "Bayesian inference").
  enum class Subspace { kPrincipal, kRandom };
  Subspace subspace = Subspace::kPrincipal;
  std::optional<int> lanczos_steps;  ///< auto: min(parameters, 2·subspace_dim + 20)
  Method method = Method::kVariational;
  int draws = 8;                  ///< K posterior draws per ELBO evaluation
  std::optional<int> groups;      ///< draw groups (auto: min(ranks, K or chains))
  bool resample = true;           ///< fresh base samples of the invariant-law flow per draw
  double physical_prior_sd = 10;  ///< of each learned physical parameter, unconstrained
  double affine_prior_sd = 3;     ///< of the flow's final location/scale layer (fit: none)
  int samples = 200;              ///< S posterior draws in the output
  Importance importance = Importance::kNone;  ///< vi, laplace: correction of the draws
  int proposals = 1000;                       ///< psis: proposals drawn and weighted
  Bands bands = Bands::kMode;                 ///< centre of the bands of b̄
  int elbo_draws = 64;                        ///< draws of the final ELBO estimate
  std::uint64_t seed = 1;
  // Metropolis
  int chains = 4;
  std::int64_t steps = 2000;  ///< per chain, after the burn-in
  std::int64_t burnin = 500;
  double mcmc_progress = 10;  ///< seconds between progress lines (0: none)
  flow::FlowSettings posterior_flow;
  optim::OptimizerSettings optimizer;
  RunSettings run;
};

/// Declares the [infer] and [qflow] options.
void declare_infer_options(OptionCatalog& catalog);
InferSettings read_infer_settings(const Config& config);
/// The sections of the infer command's options.
const std::vector<std::string>& infer_sections();

}  // namespace msflow::infer
