#include "msflow/fit/fit_settings.hpp"

#include "msflow/core/settings.hpp"
#include "msflow/flow/flow_settings.hpp"

namespace msflow::fit {

void declare_fit_options(OptionCatalog& catalog) {
  catalog.section("fit")
      .add("model", "flow",
           "flow: b̄, Σ̄ averaged over a learned invariant law (the paper); unstructured: an MLP "
           "b(x) (and Σ(x)) fitted directly (the paper's baseline)")
      .add("L", "256", "base samples per evaluation (Monte Carlo bias of the likelihood is O(1/L))")
      .add("lambda", "1e-3",
           "weight of the moment penalty lambda*m_p (the likelihood grows with M, the penalty "
           "does not)")
      .add("p", "2", "order p >= 1 of the moment penalty m_p = mean |T(z)|^p")
      .add("weight_decay", "10",
           "flow: precision w of a Gaussian prior N(0, 1/w) on the coupling layers' parameters "
           "(not the final elementwise affine layer), i.e. (w/2)|theta_c|^2: pulls the learned "
           "law towards a Gaussian where the likelihood gives no gradient (0: the paper's "
           "objective; docs/studies/defaults.md)")
      .add("seed", "1", "seed of the base samples and the initialization")
      .add("learn_diffusion", "auto",
           "unstructured: learn Σ(x) too (auto: when the model's σ depends on the fast "
           "variables); flow: Σ̄ is always the average over the learned law")
      .add("learn", "",
           "comma list of physical parameters fitted jointly (e.g. A,ell); starting values from "
           "[model]; positive ones (a, ell, sigma0) are optimized on a log scale")
      .add("averaging", "auto",
           "auto: interpolated where d <= 3 and a grid meets --fit.tolerance, else exact; exact: "
           "b̄, Σ̄ by Monte Carlo at every observation (cost transitions × L per evaluation); "
           "interpolated: at the nodes of a grid over the visited box only, interpolated to the "
           "observations (cost nodes × L; d <= 3; with σ known the transitions enter only "
           "through moments per cell)")
      .add("tolerance", "1e-4",
           "interpolated: largest allowed |interpolated - Monte Carlo| of b̄ components and Σ̄ "
           "entries at the cell centres (checked before and after the fit)")
      .add("nodes", "auto",
           "interpolated: intervals per axis (auto: the coarsest of 32, 64, 128, ... (d = 3: 16, "
           "32) within a tenth of --fit.tolerance at the starting parameters)")
      .add("transition", "auto",
           "density of one transition: euler (Euler–Maruyama, the paper's), second-order "
           "(Gaussian with the Itô–Taylor mean and covariance to O(Δ²): removes Euler's O(Δ) "
           "bias of learned diffusion parameters; interpolated averaging, Σ̄ independent of x; "
           "docs/method.md) or auto (second-order where it applies and a diffusion parameter "
           "such as sigma0 is learned, else euler)")
      .add("eval_samples", "4096",
           "base samples for the final b̄, Σ̄ on the grid and the law samples")
      .add("init", "",
           "a fit (or infer) output to start from: its parameters replace the initialization "
           "(the model, flow architecture and learned parameters must be the same); the "
           "optimizer state starts afresh")
      .add("grid", "auto",
           "points per axis of /estimate/grid (auto: the /truth/grid of --truth or of the input if "
           "present, else 101, 41, 17 for d = 1, 2, 3)");
  optim::declare_optimizer_options(catalog, "fit");
  flow::declare_flow_options(catalog, "flow");
  catalog.section("flow").add(
      "conditional", "auto",
      "condition the flow on x, y = T(z; x) (auto: when the model's fast law depends on x)");
  declare_run_options(catalog);
}

FitSettings read_fit_settings(const Config& config) {
  const SectionReader options(config, "fit");
  FitSettings settings;
  settings.model = read_averaged_model_settings(config, "fit", "flow");
  settings.likelihood = read_likelihood_settings(config, "fit");
  // The prior on the coupling block: only a flow has one.
  settings.weight_decay = settings.model.type == "flow" ? options.nonnegative("weight_decay") : 0;
  settings.optimizer = optim::read_optimizer_settings(config, "fit");
  if (const auto grid = options.integer_or_auto("grid", 2, 100000))
    settings.grid = static_cast<int>(*grid);
  settings.init = options.has("init") ? options.text("init") : "";
  settings.run = read_run_settings(config);
  return settings;
}

std::vector<std::unique_ptr<ParameterTerm>> make_parameter_terms(const FitSettings& settings,
                                                                 const ParameterLayout& layout) {
  std::vector<std::unique_ptr<ParameterTerm>> terms;
  if (settings.weight_decay > 0 && layout.find("flow.couplings"))
    terms.push_back(std::make_unique<GaussianPrior>(
        layout, std::vector<std::string>{"flow.couplings"}, settings.weight_decay));
  return terms;
}

}  // namespace msflow::fit
