#include "msflow/optim/lr_schedule.hpp"

#include <algorithm>
#include <cmath>

#include "msflow/core/error.hpp"

namespace msflow::optim {

Decay parse_decay(const std::string& name) {
  if (name == "constant") return Decay::kConstant;
  if (name == "cosine") return Decay::kCosine;
  if (name == "exponential") return Decay::kExponential;
  throw InputError("unknown learning-rate decay '" + name +
                   "' (expected constant, cosine or exponential)");
}

void LrSchedule::validate() const {
  require(base > 0, "learning rate must be positive");
  require(warmup_steps >= 0, "warm-up steps must be non-negative");
  require(decay == Decay::kConstant || total_steps > warmup_steps,
          "decay needs total_steps > warmup_steps");
  require(final_fraction > 0 && final_fraction <= 1, "final_fraction must be in (0, 1]");
}

double LrSchedule::at(std::int64_t step) const {
  if (step < warmup_steps)
    return base * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  if (decay == Decay::kConstant) return base;
  const double progress = std::clamp(
      static_cast<double>(step - warmup_steps) / static_cast<double>(total_steps - warmup_steps),
      0.0, 1.0);
  constexpr double kPi = 3.14159265358979323846;
  if (decay == Decay::kCosine)
    return base * (final_fraction + (1 - final_fraction) * 0.5 * (1 + std::cos(kPi * progress)));
  return base * std::pow(final_fraction, progress);
}

}  // namespace msflow::optim
