#include "msflow/forecast/forecast_settings.hpp"

#include <cmath>

#include "msflow/core/error.hpp"
#include "msflow/core/settings.hpp"

namespace msflow::forecast {

const std::vector<std::string>& forecast_sections() {
  static const std::vector<std::string> sections = {"", "forecast"};
  return sections;
}

void declare_forecast_options(OptionCatalog& catalog) {
  catalog.section("forecast")
      .add("from", "",
           "a fit or infer output: the averaged SDE dX = b̄ dt + σ̄ dW of its model (infer: one "
           "posterior draw per path); required")
      .add("paths", "1000", "number of forecast paths")
      .add("T", "5", "forecast horizon (time after the start)")
      .add("dt", "0.01", "Euler–Maruyama step")
      .add("record_every", "auto", "steps between recorded states (auto: about 200 records)")
      .add("x0", "end",
           "start: end (the last observed state of the fit's data) or d comma-separated values")
      .add("seed", "1", "seed of the Brownian increments (path p, step s: its own stream)")
      .add("draws", "32",
           "infer inputs: posterior draws the paths cycle through (path p: draw p mod draws)")
      .add("quantiles", "0.05,0.25,0.5,0.75,0.95", "quantile levels of the paths at each time")
      .add("sample_paths", "10", "paths stored whole")
      .add("grid_points", "0", "points per axis of b̄, Σ̄ written to /coefficients (0: none)")
      .add("lo", "auto", "lower corner of the /coefficients box (auto: the fit's grid), d values")
      .add("hi", "auto", "upper corner of the /coefficients box (auto: the fit's grid), d values");
}

ForecastSettings read_forecast_settings(const Config& config) {
  const SectionReader options(config, "forecast");
  ForecastSettings s;
  if (!options.has("from") || options.text("from").empty())
    throw InputError("forecast needs a fit or infer output: --forecast.from FILE.h5");
  s.from = options.text("from");
  s.paths = static_cast<std::size_t>(options.integer("paths", 1, 10000000));
  s.horizon = options.positive("T");
  s.dt = options.positive("dt");
  const double steps = std::ceil(s.horizon / s.dt * (1 - 1e-12));
  if (!(steps <= 1e9)) options.reject("T", "T/dt must be at most 1e9 steps");
  if (const auto every = options.integer_or_auto("record_every", 1, 1000000000))
    s.record_every = *every;
  if (options.text("x0") != "end") s.x0 = options.numbers("x0");
  s.seed = options.seed("seed");
  s.draws = static_cast<int>(options.integer("draws", 1, 100000));
  s.quantiles = options.numbers("quantiles");
  for (std::size_t i = 0; i < s.quantiles.size(); ++i)
    if (!(s.quantiles[i] > 0 && s.quantiles[i] < 1) ||
        (i > 0 && !(s.quantiles[i] > s.quantiles[i - 1])))
      options.reject("quantiles", "levels must increase strictly within (0, 1)");
  if (s.quantiles.empty()) options.reject("quantiles", "give at least one level");
  s.sample_paths = static_cast<int>(options.integer("sample_paths", 0, 100000));
  s.grid_points = static_cast<int>(options.integer("grid_points", 0, 100000));
  if (!options.is_auto("lo")) s.lo = options.numbers("lo");
  if (!options.is_auto("hi")) s.hi = options.numbers("hi");
  return s;
}

}  // namespace msflow::forecast
