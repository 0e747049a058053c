#include "msflow/model/registry.hpp"

#include "msflow/core/error.hpp"

namespace msflow {

// Factories of the built-in models, one per file in src/model/.
// (Registration: declare the factory here and add one entry to the table below.)
std::unique_ptr<Model> make_tagged(const Config& config);
std::unique_ptr<Model> make_tagged_coupled(const Config& config);
std::unique_ptr<Model> make_tagged_sigma(const Config& config);
std::unique_ptr<Model> make_tagged_dw(const Config& config);
std::unique_ptr<Model> make_nonrev_ou(const Config& config);
std::unique_ptr<Model> make_nonrev_ring(const Config& config);

const std::vector<ModelEntry>& model_registry() {
  static const std::vector<ModelEntry> entries = {
      {"tagged", "tagged particle in a harmonic solvent (the paper's benchmark)", make_tagged},
      {"tagged-coupled", "harmonic solvent tethered to gamma*x: the fast law depends on x",
       make_tagged_coupled},
      {"tagged-sigma", "tagged with a diffusion that depends on the solvent", make_tagged_sigma},
      {"tagged-dw", "solvent of independent particles in a double well / ring (non-Gaussian)",
       make_tagged_dw},
      {"nonrev-ou", "one fast particle, non-reversible linear drift (Gaussian, Lyapunov)",
       make_nonrev_ou},
      {"nonrev-ring", "one fast particle driven round a ring (non-reversible, no closed form)",
       make_nonrev_ring},
  };
  return entries;
}

std::unique_ptr<Model> create_model(const Config& config) {
  const std::string name = config.get_string("model.name");
  for (const auto& entry : model_registry())
    if (entry.name == name) return entry.create(config);
  std::string known;
  for (const auto& entry : model_registry())
    known += (known.empty() ? "" : ", ") + entry.name;
  throw InputError("option --model.name: unknown model '" + name + "' (known: " + known + ")");
}

void declare_model_options(OptionCatalog& catalog) {
  auto add = [&](const char* key, const char* value, const char* help) {
    catalog.add("model", key, value, help);
  };
  add("name", "tagged", "model type (msflow help models lists them)");
  add("d", "1", "slow dimension d (nonrev-*: 2)");
  add("N", "10", "number of solvent (fast) particles; m = d·N (nonrev-*: 1)");
  add("n", "100", "scale separation n = 1/epsilon");
  add("V", "harmonic", "slow potential: harmonic (a/2)|x|^2 or double-well (|x|^2-1)^2/4");
  add("a", "1", "stiffness a of the harmonic slow potential");
  add("A", "1", "depth A of the interaction Phi(r) = -A exp(-|r|^2/(2 ell^2))");
  add("ell", "0.5", "range ell of the interaction");
  add("k", "1", "tether stiffness k of each solvent particle");
  add("ks", "0.5", "spring constant k_s between every pair of solvent particles");
  add("beta", "1", "inverse temperature beta of the fast process");
  add("c", "0.5", "solvent centre c (one value for every axis, or d comma-separated)");
  add("gamma", "0.5", "tagged-coupled: the solvent is tethered to gamma*x");
  add("sigma0", "0.5", "slow noise amplitude sigma0");
  add("ell_sigma", "0.5", "tagged-sigma: range of the fast-dependent diffusion");
  add("h", "1", "tagged-dw: confinement strength h of U1 = h(|y-c|^2-r0^2)^2/4");
  add("r0", "1", "tagged-dw, nonrev-ring: ring radius r0");
  add("h1", "1", "nonrev-ou: H = diag(h1, h2)");
  add("h2", "2", "nonrev-ou: H = diag(h1, h2); nonrev-ring: anisotropy (h2/2)(y2-c2)^2");
  add("omega", "1", "nonrev-*: strength of the non-reversible rotation omega J");
}

}  // namespace msflow
