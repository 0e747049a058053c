#pragma once
// Everything `msflow fit` reads, typed and validated once, before any work (phase 1).
#include <memory>
#include <optional>
#include <vector>

#include "msflow/core/options.hpp"
#include "msflow/fit/averaged_model_settings.hpp"
#include "msflow/fit/likelihood_settings.hpp"
#include "msflow/fit/parameter_terms.hpp"
#include "msflow/optim/optimizer_settings.hpp"
#include "msflow/run/run_settings.hpp"

namespace msflow::fit {

struct FitSettings {
  AveragedModelSettings model;
  LikelihoodSettings likelihood;
  double weight_decay = 0;  ///< precision w of the Gaussian prior on "flow.couplings"
  optim::OptimizerSettings optimizer;
  std::optional<int> grid;  ///< points per axis of /estimate/grid (auto: see the option)
  std::string init;         ///< a fit or infer output whose parameters start this fit ("": none)
  RunSettings run;
};

/// Declares the [fit], [flow] and [run] options.
void declare_fit_options(OptionCatalog& catalog);
FitSettings read_fit_settings(const Config& config);

/// The parameter-only terms `settings` ask for on `layout` (the weight decay on the flow's
/// coupling block when there is one).
std::vector<std::unique_ptr<ParameterTerm>> make_parameter_terms(const FitSettings& settings,
                                                                 const ParameterLayout& layout);

}  // namespace msflow::fit
