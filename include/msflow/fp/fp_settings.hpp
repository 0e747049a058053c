#pragma once
// Everything `msflow fp` reads ([fp] options), typed and validated before any work.
#include <cstdint>
#include <string>
#include <vector>

#include "msflow/core/options.hpp"

namespace msflow::fp {

struct FpSettings {
  int cells = 256;             ///< per axis of the fast grid
  double half_width = 5;       ///< the grid is c ± half_width on every axis
  int points = 0;              ///< per axis of the x grid (0 before resolving auto)
  std::vector<double> lo, hi;  ///< the x box (empty: the region of --data, else the fast box)
};

void declare_fp_options(OptionCatalog& catalog);
/// `fast_dim` (m = 1 or 2, checked by the caller) bounds cells^m; `slow_dim` sizes lo/hi.
FpSettings read_fp_settings(const Config& config, int fast_dim, int slow_dim);
const std::vector<std::string>& fp_sections();

/// The most unknowns fp accepts (cells^m): 2^24, about 3 GB of matrix and solver memory.
constexpr std::int64_t kMaxUnknowns = std::int64_t{1} << 24;

}  // namespace msflow::fp
