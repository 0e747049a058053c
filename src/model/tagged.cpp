// `tagged` (docs/method.md, "Models"): the paper's benchmark, a tagged particle in a harmonic
// solvent tethered to the fixed centre c.
#include <memory>

#include "harmonic_solvent.hpp"

namespace msflow {

std::unique_ptr<Model> make_tagged(const Config& config) {
  return std::make_unique<HarmonicSolventModel>(config, "tagged", /*coupled=*/false);
}

}  // namespace msflow
