#pragma once
// Learning-rate schedule: linear warm-up from base/warmup to base over `warmup_steps`, then
// constant, cosine or exponential decay from base to base·final_fraction at `total_steps`
// (held there afterwards).
#include <cstdint>
#include <string>

namespace msflow::optim {

enum class Decay { kConstant, kCosine, kExponential };
Decay parse_decay(const std::string& name);  ///< "constant" | "cosine" | "exponential"

struct LrSchedule {
  double base = 1e-3;
  Decay decay = Decay::kConstant;
  std::int64_t warmup_steps = 0;
  std::int64_t total_steps = 0;  ///< end of the decay (ignored for constant)
  double final_fraction = 0.01;  ///< lr at total_steps relative to base (cosine, exponential)

  void validate() const;
  /// The learning rate of step `step` (0-based).
  double at(std::int64_t step) const;
};

}  // namespace msflow::optim
