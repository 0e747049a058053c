#include "msflow/infer/infer_settings.hpp"

#include "msflow/core/error.hpp"
#include "msflow/core/settings.hpp"
#include "msflow/infer/importance.hpp"

namespace msflow::infer {

std::string to_string(Coverage coverage) {
  switch (coverage) {
    case Coverage::kPhysical:
      return "physical";
    case Coverage::kSubspace:
      return "subspace";
    case Coverage::kAll:
      return "all";
  }
  return "?";
}

std::string to_string(Importance importance) {
  return importance == Importance::kPsis ? "psis" : "none";
}

std::string to_string(Method method) {
  switch (method) {
    case Method::kVariational:
      return "vi";
    case Method::kMetropolis:
      return "mcmc";
    case Method::kLaplace:
      return "laplace";
  }
  return "?";
}

const std::vector<std::string>& infer_sections() {
  static const std::vector<std::string> sections = {"", "infer", "qflow", "run"};
  return sections;
}

void declare_infer_options(OptionCatalog& catalog) {
  catalog.section("infer")
      .add("from", "",
           "the fit output whose model the posterior is built around (its options, data and "
           "optimum); required")
      .add("params", "subspace",
           "what the posterior covers: physical (the fit's learned physical parameters), "
           "subspace (--infer.subspace_dim directions in the flow's parameters through the "
           "fit's optimum, and the learned physical parameters) or all (every parameter; small "
           "flows only)")
      .add("subspace_dim", "8", "directions of the subspace (params = subspace)")
      .add("subspace", "principal",
           "principal: the directions in which the data constrain the flow most (the top "
           "eigenvectors of the Hessian of J at the fit's optimum, by Lanczos); random: random "
           "orthonormal directions (the data barely constrain most of them)")
      .add("lanczos_steps", "auto",
           "principal: Lanczos steps, two gradient evaluations each (auto: 2 subspace_dim + 20)")
      .add("method", "vi",
           "vi: variational inference with a posterior flow (ELBO); mcmc: random-walk Metropolis "
           "(the reference, posteriors of dimension <= 10); laplace: the Gaussian N(optimum, "
           "inverse Hessian of J) in the posterior's coordinates, no optimization")
      .add("draws", "8", "vi: posterior draws K per ELBO evaluation")
      .add("groups", "auto",
           "groups of ranks over the draws (vi), chains (mcmc) or the Hessian's gradient "
           "evaluations (laplace); each group splits the transitions over its ranks (auto: the "
           "largest divisor of the ranks up to the draws, the chains or 2); any layout gives the "
           "same bits",
           OptionKind::kOperational)
      .add("resample", "true",
           "vi: fresh base samples of the invariant-law flow for every draw (false: the fit's "
           "draw 0 for all, the posterior mcmc samples)")
      .add("physical_prior_sd", "10",
           "standard deviation of the Gaussian prior of each learned physical parameter in its "
           "unconstrained coordinate (log for positive ones), centred at its [model] value")
      .add("affine_prior_sd", "3",
           "standard deviation of a Gaussian prior N(0, sd^2) on the flow's final elementwise "
           "location/log-scale layer, which the fit leaves unpenalized: without it the posterior "
           "along the directions the data do not see would be improper")
      .add("samples", "200", "posterior draws S of b̄ (and Σ̄) stored and summarized")
      .add("importance", "none",
           "vi, laplace: none (the approximation's own draws) or psis (its draws are proposals, "
           "weighted by posterior / proposal density with the fit's base samples, the weights "
           "Pareto-smoothed, the bands weighted, and the S output draws resampled from them; the "
           "Pareto k-hat reported says whether that is reliable)")
      .add("proposals", "1000",
           "psis: proposals drawn from the approximation and weighted (at least 25: the "
           "Pareto fit needs 5 tail values)")
      .add("bands", "mode",
           "centre of the bands of b̄: mode (the draws shifted pointwise so that their mean is "
           "b̄ at the fit's optimum, which /estimate then is) or posterior (the draws as they "
           "are, /estimate their mean, which the posterior's skew in sparsely visited regions "
           "pulls off the mode); coverage of both in docs/studies/calibration.md")
      .add("elbo_draws", "64", "vi: draws of the final ELBO estimate and its standard error")
      .add("seed", "1", "seed of the posterior draws, the subspace and the chains")
      .add("chains", "4", "mcmc: independent chains")
      .add("steps", "2000", "mcmc: steps per chain after the burn-in")
      .add("burnin", "500", "mcmc: steps per chain that adapt the proposal and are discarded");
  // 3e-3 gave a higher final ELBO than 1e-2 (by 0.2–2.9, standard errors 0.2–0.3) on three
  // tuning data sets (docs/studies/calibration.md).
  optim::declare_optimizer_options(catalog, "infer", "3e-3", optim::ObjectiveKind::kMonteCarlo);
  // Spline couplings: chosen on data sets 1-20 over affine ones (largest coverage error 3.0
  // against 4.8 points), calibrated on 21-100 (docs/studies/calibration.md).
  flow::declare_flow_options(catalog, "qflow", flow::CouplingType::kSpline);
}

InferSettings read_infer_settings(const Config& config) {
  const SectionReader options(config, "infer");
  InferSettings settings;
  if (!options.has("from") || options.text("from").empty())
    throw InputError("infer needs a fit output: --infer.from FIT.h5");
  settings.from = options.text("from");
  const std::string params = options.choice("params", {"physical", "subspace", "all"});
  settings.params = params == "physical"   ? Coverage::kPhysical
                    : params == "subspace" ? Coverage::kSubspace
                                           : Coverage::kAll;
  const std::string method = options.choice("method", {"vi", "mcmc", "laplace"});
  settings.method = method == "vi"     ? Method::kVariational
                    : method == "mcmc" ? Method::kMetropolis
                                       : Method::kLaplace;
  // Only what applies to the chosen coverage and method is read (and printed); a key of the
  // other method given anyway is reported at the end of the run.
  if (settings.params == Coverage::kSubspace) {
    settings.subspace_dim = static_cast<int>(options.integer("subspace_dim", 1, 256));
    settings.subspace = options.choice("subspace", {"principal", "random"}) == "principal"
                            ? InferSettings::Subspace::kPrincipal
                            : InferSettings::Subspace::kRandom;
    if (settings.subspace == InferSettings::Subspace::kPrincipal)
      if (const auto steps = options.integer_or_auto("lanczos_steps", 1, 10000))
        settings.lanczos_steps = static_cast<int>(*steps);
  }
  if (const auto groups = options.integer_or_auto("groups", 1, 65536))
    settings.groups = static_cast<int>(*groups);
  settings.physical_prior_sd = options.positive("physical_prior_sd");
  if (settings.params != Coverage::kPhysical)
    settings.affine_prior_sd = options.positive("affine_prior_sd");
  settings.samples = static_cast<int>(options.integer("samples", 2, 100000));
  settings.bands =
      options.choice("bands", {"mode", "posterior"}) == "mode" ? Bands::kMode : Bands::kPosterior;
  settings.seed = options.seed("seed");
  if (settings.method != Method::kMetropolis) {
    settings.importance = options.choice("importance", {"psis", "none"}) == "psis"
                              ? Importance::kPsis
                              : Importance::kNone;
    if (settings.importance == Importance::kPsis) {
      settings.proposals = static_cast<int>(
          options.integer("proposals", static_cast<std::int64_t>(kMinimumDraws), 10000000));
      if (settings.proposals < settings.samples)
        throw InputError("option --infer.proposals: " + std::to_string(settings.proposals) +
                         " proposals cannot give --infer.samples " +
                         std::to_string(settings.samples) + " draws; use at least as many");
    }
  }
  if (settings.method == Method::kVariational) {
    settings.draws = static_cast<int>(options.integer("draws", 1, 4096));
    settings.resample = options.flag("resample");
    settings.elbo_draws = static_cast<int>(options.integer("elbo_draws", 2, 100000));
    settings.posterior_flow = flow::read_flow_settings(config, "qflow");
    settings.optimizer =
        optim::read_optimizer_settings(config, "infer", optim::ObjectiveKind::kMonteCarlo);
  } else if (settings.method == Method::kMetropolis) {
    settings.chains = static_cast<int>(options.integer("chains", 1, 4096));
    settings.steps = options.integer("steps", 10, 100000000);
    settings.burnin = options.integer("burnin", 0, 100000000);
    settings.mcmc_progress = options.nonnegative("progress");
  }
  settings.run = read_run_settings(config);
  return settings;
}

}  // namespace msflow::infer
