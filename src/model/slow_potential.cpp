#include "slow_potential.hpp"

#include "model_options.hpp"

namespace msflow {

SlowPotential read_slow_potential(const Config& config) {
  SlowPotential potential;
  const std::string kind = config.get_string("model.V");
  if (kind == "harmonic") {
    potential.kind = SlowPotential::Kind::kHarmonic;
    potential.a = model_options::nonnegative(config, "model.a");
  } else if (kind == "double-well") {
    potential.kind = SlowPotential::Kind::kDoubleWell;
  } else {
    model_options::reject(config, "model.V", "must be harmonic or double-well");
  }
  return potential;
}

}  // namespace msflow
