#pragma once
// Everything `msflow forecast` reads ([forecast] options), typed and validated before any work.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "msflow/core/options.hpp"

namespace msflow::forecast {

struct ForecastSettings {
  std::string from;  ///< a fit or infer output
  std::size_t paths = 1000;
  double horizon = 5;
  double dt = 0.01;
  std::optional<std::int64_t> record_every;  ///< auto: about 200 recorded times
  std::vector<double> x0;                    ///< empty: the end of the observed trajectory
  std::uint64_t seed = 1;
  int draws = 32;                 ///< infer inputs: posterior draws the paths cycle through
  std::vector<double> quantiles;  ///< levels in (0, 1), increasing
  int sample_paths = 10;
  int grid_points = 0;         ///< points per axis of /coefficients (0: none)
  std::vector<double> lo, hi;  ///< its box (empty: the fit's grid box)
};

void declare_forecast_options(OptionCatalog& catalog);
ForecastSettings read_forecast_settings(const Config& config);
const std::vector<std::string>& forecast_sections();

}  // namespace msflow::forecast
