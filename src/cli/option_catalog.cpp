#include "msflow/cli/option_catalog.hpp"

#include "msflow/fit/fit_settings.hpp"
#include "msflow/forecast/forecast_settings.hpp"
#include "msflow/fp/fp_settings.hpp"
#include "msflow/infer/infer_settings.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/sde/simulate_options.hpp"

namespace msflow::cli {

const OptionCatalog& option_catalog() {
  static const OptionCatalog catalog = [] {
    OptionCatalog c;
    c.section("")
        .add("out", "", "output HDF5 file (default: <command>.h5); never one of the inputs",
             OptionKind::kOperational)
        .add("data", "",
             "input trajectory HDF5 (/trajectory/t, /trajectory/x); fit: the observations; "
             "simulate: replay its observation times and initial states; fp: the region of the x "
             "grid; report: a held-out trajectory, scored by -ln L per transition")
        .add("truth", "",
             "fit, forecast, report: read the exact b̄, Σ̄ from this file's /truth (e.g. an "
             "msflow fp output) instead of the data's");
    declare_model_options(c);
    declare_simulate_options(c);
    fit::declare_fit_options(c);
    infer::declare_infer_options(c);
    forecast::declare_forecast_options(c);
    fp::declare_fp_options(c);
    c.section("report").add("file", "",
                            "the msflow output to describe (also the first word: "
                            "msflow report FILE.h5)");
    return c;
  }();
  return catalog;
}

}  // namespace msflow::cli
