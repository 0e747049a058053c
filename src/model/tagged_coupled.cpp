// `tagged-coupled` (docs/method.md, "Models"): the solvent is tethered to γx instead of c, so the
// fast law π_x (mean γx) depends on the slow variable and b̄ uses u = (1 − γ)x.
#include <memory>

#include "harmonic_solvent.hpp"

namespace msflow {

std::unique_ptr<Model> make_tagged_coupled(const Config& config) {
  return std::make_unique<HarmonicSolventModel>(config, "tagged-coupled", /*coupled=*/true);
}

}  // namespace msflow
