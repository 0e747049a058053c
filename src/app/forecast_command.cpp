// msflow forecast: paths of the averaged SDE dX = b̄(X) dt + σ̄(X) dW of a fitted model beyond the
// observed window (docs/method.md, "Forecasts"), one posterior draw per path for an infer
// output; their quantiles over time, a few whole paths, and — where the model knows its exact
// averaged coefficients, or --truth gives them as a table (an msflow fp output) — the same
// ensemble of that reference averaged model with the same noise.
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <sstream>

#include "command_context.hpp"
#include "commands.hpp"
#include "msflow/core/error.hpp"
#include "msflow/core/grid.hpp"
#include "msflow/core/settings.hpp"
#include "msflow/fit/fit_result.hpp"
#include "msflow/forecast/forecast_settings.hpp"
#include "msflow/forecast/path_ensemble.hpp"
#include "msflow/forecast/tabulated_coefficients.hpp"
#include "msflow/infer/posterior_summary.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/io/output_path.hpp"
#include "msflow/io/provenance.hpp"
#include "msflow/io/truth_file.hpp"
#include "msflow/model/registry.hpp"

namespace msflow::app {

namespace {

using Eigen::Index;
using Eigen::VectorXd;

/// Type-7 quantiles of the finite values (NaN if none).
std::vector<double> quantiles_of(std::vector<double> values, const std::vector<double>& levels) {
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
      values.end());
  std::vector<double> out(levels.size(), std::nan(""));
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  for (std::size_t l = 0; l < levels.size(); ++l)
    out[l] = infer::sorted_quantile(values, levels[l]);
  return out;
}

/// Quantiles (levels × times × d) and mean (times × d) of an ensemble.
struct EnsembleSummary {
  std::vector<double> quantiles, mean;
};

EnsembleSummary summarize(const forecast::Ensemble& ensemble, const std::vector<double>& levels) {
  const std::size_t times = ensemble.times.size(), d = static_cast<std::size_t>(ensemble.dim);
  EnsembleSummary s;
  s.quantiles.assign(levels.size() * times * d, 0.0);
  s.mean.assign(times * d, 0.0);
  for (std::size_t t = 0; t < times; ++t)
    for (std::size_t a = 0; a < d; ++a) {
      const std::vector<double> column = ensemble.column(t, static_cast<int>(a));
      const std::vector<double> q = quantiles_of(column, levels);
      for (std::size_t l = 0; l < levels.size(); ++l)
        s.quantiles[(l * times + t) * d + a] = q[l];
      double sum = 0;
      std::size_t finite = 0;
      for (const double v : column)
        if (std::isfinite(v)) sum += v, ++finite;
      s.mean[t * d + a] = finite ? sum / static_cast<double>(finite) : std::nan("");
    }
  return s;
}

class ForecastProblem {
 public:
  explicit ForecastProblem(CommandContext& context) : context_(context) {}

  int run() {
    context_.phase("1. setup", [&] { setup(); });
    context_.phase("2. build models", [&] { build_models(); });
    context_.phase("3. forecast", [&] { simulate(); });
    context_.phase("4. coefficients", [&] { coefficients_on_grid(); });
    context_.phase("5. write output", [&] { write_output(); });
    context_.print_timings();
    return kExitSuccess;
  }

 private:
  const RootLog& log() const { return context_.log(); }

  // ---- 1. options, the fitted model and the start, before any work ------------------------------
  void setup() {
    const SectionReader general(context_.config(), "");
    settings_ = forecast::read_forecast_settings(context_.config());
    fitted_ = std::make_unique<fit::FittedModel>(context_.comm(), settings_.from, option_catalog());
    d_ = fitted_->averaged_model().slow_dim();
    out_path_ =
        general.has("out") && !general.text("out").empty() ? general.text("out") : "forecast.h5";
    const std::string data = fitted_->config().get_string("data");
    const std::string truth = general.has("truth") ? general.text("truth") : "";
    validate_output_path("out", out_path_, {settings_.from, data, truth});
    if (!truth.empty()) {
      const std::unique_ptr<Model> model = create_model(fitted_->config());
      tabulated_ = std::make_unique<forecast::TabulatedCoefficients>(
          read_required_truth(context_.comm(), truth, *model), "option --truth: " + truth);
      truth_path_ = truth;
    }
    if (settings_.x0.empty()) {
      x0_ = last_observed_state(data);
      context_.config().resolve("forecast.x0", join(x0_));
    } else {
      x0_ = settings_.x0;
    }
    require(static_cast<int>(x0_.size()) == d_,
            "option --forecast.x0: needs " + std::to_string(d_) + " values (d of the model)");
    for (auto* box : {&settings_.lo, &settings_.hi})
      require(box->empty() || static_cast<int>(box->size()) == d_,
              "options --forecast.lo/hi: need " + std::to_string(d_) + " values each");
    const auto steps =
        static_cast<std::int64_t>(std::ceil(settings_.horizon / settings_.dt * (1 - 1e-12)));
    ensemble_settings_ = {settings_.paths, settings_.dt, steps,
                          settings_.record_every.value_or(std::max<std::int64_t>(1, steps / 200)),
                          settings_.seed};
    require(ensemble_settings_.record_every <= steps,
            "option --forecast.record_every: more than the " + std::to_string(steps) + " steps");
    context_.print_options();
  }

  std::vector<double> last_observed_state(const std::string& data) const {
    require(!data.empty() && h5::is_hdf5_file(data),
            "forecast: the fit's data '" + data +
                "' cannot be read for the starting point; give --forecast.x0");
    const h5::File file = h5::File::open_read(context_.comm(), data);
    require(h5::exists(file.id(), "/trajectory/x"), data + ": missing dataset /trajectory/x");
    const h5::Handle x = h5::open_dataset(file.id(), "/trajectory/x");
    const h5::Shape shape = h5::dataset_shape(x);
    require(shape.size() == 2 && shape[0] > 0 && shape[1] == static_cast<hsize_t>(d_),
            data + ": /trajectory/x has the wrong shape");
    std::vector<double> last = h5::read_row_block(x, shape[0] - 1, 1);
    for (const double v : last)
      require(std::isfinite(v), data + ": the last row of /trajectory/x is not finite");
    return last;
  }

  static std::string join(const std::vector<double>& values) {
    std::string out;
    for (const double v : values)
      out += (out.empty() ? "" : ",") + format_number(v, 17);
    return out;
  }

  // ---- 2. one averaged model per posterior draw (the fit's: one) --------------------------------
  void build_models() {
    const fit::FitSettings& fit_settings = fitted_->settings();
    const std::vector<VectorXd> parameters = draw_parameters();
    physical_ = create_model(fitted_->config());
    choose_reference();
    for (const VectorXd& theta : parameters) {
      models_.push_back(fit::make_averaged_model(fit_settings.model, *physical_));
      models_.back()->set_parameters(theta);
      models_.back()->begin(0);  // the fit's base samples: L of them per evaluation
    }
    log().print(
        "forecast of ", settings_.from, ": ", models_.size(),
        fitted_->is_posterior() ? " posterior draw(s)" : " fitted model", ", ", settings_.paths,
        " paths from x0 = (", join(x0_), "), ", ensemble_settings_.steps, " steps of ",
        format_number(settings_.dt), " to T = ", format_number(settings_.horizon),
        tabulated_   ? "; with the averaged model of --truth " + truth_path_ + " (interpolated)"
        : reference_ ? "; with " + reference_source_
                     : "");
    if (!reference_note_.empty()) log().print(reference_note_);
  }

  /// The exact averaged model the paths are compared with: the one the data were simulated with
  /// (its /model), else the fit's [model] unless the fit learned some of its parameters (their
  /// starting values are not the truth).
  void choose_reference() {
    if (tabulated_ || !physical_->has_exact_average()) return;
    auto reference = create_model(fitted_->config());
    const std::string data = fitted_->config().get_string("data");
    bool recorded = false;
    if (!data.empty() && h5::is_hdf5_file(data)) {
      const h5::File file = h5::File::open_read(context_.comm(), data);
      recorded = read_model_group(file.id(), *reference);
    }
    const auto learned = fitted_->averaged_model().physical_parameters();
    if (recorded) {
      reference_source_ = "the exact averaged model of the simulation (/model of " + data + ")";
    } else if (learned.empty()) {
      reference_source_ = "the exact averaged model of the fit's [model] options";
    } else {
      reference_note_ = "no exact comparison: the fit learned " + learned.front().first +
                        (learned.size() > 1 ? " and more" : "") + " and its data " + data +
                        " do not record the values they were simulated with";
      return;
    }
    reference_ = std::move(reference);
  }

  /// ϑ of each draw the paths cycle through: the fit's optimum, or infer's posterior draws.
  std::vector<VectorXd> draw_parameters() const {
    const VectorXd optimum = fitted_->averaged_model().parameters();
    if (!fitted_->is_posterior()) return {optimum};
    const h5::File file = h5::File::open_read(context_.comm(), settings_.from);
    const auto read = [&](const std::string& name) {
      require(h5::exists(file.id(), name), settings_.from + ": missing dataset " + name);
      const h5::Handle set = h5::open_dataset(file.id(), name);
      return std::make_pair(h5::dataset_shape(set), h5::read_doubles(set));
    };
    const auto [center_shape, center] = read("/posterior/center");
    const auto [basis_shape, basis] = read("/posterior/basis");
    const auto [transform_shape, transform] = read("/posterior/transform");
    const auto [u_shape, u] = read("/posterior/u_samples");
    const auto size = static_cast<hsize_t>(optimum.size());
    require(center_shape == h5::Shape{size} && basis_shape.size() == 2 && basis_shape[1] == size &&
                transform_shape == h5::Shape{basis_shape[0], basis_shape[0]} &&
                u_shape.size() == 2 && u_shape[1] == basis_shape[0],
            settings_.from + ": /posterior has inconsistent shapes");
    const auto k = static_cast<Index>(basis_shape[0]);
    const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
        b(basis.data(), k, optimum.size()), t(transform.data(), k, k),
        draws(u.data(), static_cast<Index>(u_shape[0]), k);
    const Eigen::Map<const VectorXd> c(center.data(), optimum.size());
    std::vector<VectorXd> out;
    const Index count = std::min<Index>(settings_.draws, draws.rows());
    for (Index s = 0; s < count; ++s)
      out.emplace_back(c + b.transpose() * (t * draws.row(s).transpose()));
    return out;
  }

  // ---- 3. the ensembles ------------------------------------------------------------------------
  void simulate() {
    const auto d = static_cast<std::size_t>(d_);
    const forecast::BlockCoefficients learned = [&](std::size_t first, std::size_t count,
                                                    const double* points, double* drift,
                                                    double* diffusion) {
      const std::size_t draws = models_.size();
      std::vector<double> x, b, s;
      for (std::size_t j = 0; j < draws; ++j) {
        std::vector<std::size_t> mine;
        for (std::size_t i = 0; i < count; ++i)
          if ((first + i) % draws == j) mine.push_back(i);
        if (mine.empty()) continue;
        x.resize(mine.size() * d), b.resize(mine.size() * d), s.resize(mine.size() * d * d);
        for (std::size_t i = 0; i < mine.size(); ++i)
          std::copy_n(points + mine[i] * d, d, x.begin() + static_cast<std::ptrdiff_t>(i * d));
        models_[j]->averages(x.data(), mine.size(), b.data(), s.data());
        for (std::size_t i = 0; i < mine.size(); ++i) {
          std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(i * d), d, drift + mine[i] * d);
          std::copy_n(s.begin() + static_cast<std::ptrdiff_t>(i * d * d), d * d,
                      diffusion + mine[i] * d * d);
        }
      }
    };
    learned_ = forecast::simulate_ensemble(context_.comm(), x0_, ensemble_settings_, learned);
    learned_summary_ = summarize(learned_, settings_.quantiles);
    if (tabulated_ || reference_) {
      const forecast::BlockCoefficients exact = [&](std::size_t, std::size_t count,
                                                    const double* points, double* drift,
                                                    double* diffusion) {
        for (std::size_t i = 0; i < count; ++i)
          if (tabulated_)
            tabulated_->evaluate(points + i * d, drift + i * d, diffusion + i * d * d);
          else
            reference_->exact_average(points + i * d, drift + i * d, diffusion + i * d * d);
      };
      exact_ = forecast::simulate_ensemble(context_.comm(), x0_, ensemble_settings_, exact);
      exact_summary_ = summarize(*exact_, settings_.quantiles);
    }
    report_horizon();
  }

  void report_horizon() const {
    const std::size_t last = learned_.times.size() - 1, times = learned_.times.size();
    const auto d = static_cast<std::size_t>(d_);
    for (std::size_t a = 0; a < d; ++a) {
      std::ostringstream line;
      for (std::size_t l = 0; l < settings_.quantiles.size(); ++l) {
        line << (l ? ", " : "") << format_number(100 * settings_.quantiles[l], 3)
             << "%: " << format_number(learned_summary_.quantiles[(l * times + last) * d + a], 4);
        if (exact_summary_)
          line << " (exact "
               << format_number(exact_summary_->quantiles[(l * times + last) * d + a], 4) << ")";
      }
      log().print("at T = ", format_number(settings_.horizon), ", x", a + 1, " quantiles ",
                  line.str());
    }
    if (learned_.non_finite > 0)
      log().print("WARNING: ", learned_.non_finite, " of ", settings_.paths,
                  " paths became non-finite (recorded as NaN, left out of the quantiles)");
  }

  // ---- 4. b̄, Σ̄ on a user's grid (the mean over the draws) ---------------------------------------
  void coefficients_on_grid() {
    if (settings_.grid_points == 0) return;
    const Box fit_box = bounding_box(fitted_->grid().points, d_);
    std::vector<double> lo = fit_box.lo, hi = fit_box.hi;
    if (!settings_.lo.empty()) lo = settings_.lo;
    if (!settings_.hi.empty()) hi = settings_.hi;
    for (int a = 0; a < d_; ++a)
      require(lo[a] < hi[a], "options --forecast.lo/hi: lo must be below hi in every axis");
    grid_ = make_box_grid(lo, hi, settings_.grid_points);
    const std::size_t g = grid_.size(), d = static_cast<std::size_t>(d_);
    grid_drift_.assign(g * d, 0.0);
    grid_diffusion_.assign(g * d * d, 0.0);
    std::vector<double> b(g * d), s(g * d * d);
    for (auto& model : models_) {
      model->averages(grid_.points.data(), g, b.data(), s.data());
      for (std::size_t i = 0; i < b.size(); ++i)
        grid_drift_[i] += b[i] / static_cast<double>(models_.size());
      for (std::size_t i = 0; i < s.size(); ++i)
        grid_diffusion_[i] += s[i] / static_cast<double>(models_.size());
    }
  }

  // ---- 5. output
  // ----------------------------------------------------------------------------------
  void write_output() {
    const MPI_Comm comm = context_.comm();
    h5::AtomicOutput output(comm, out_path_);
    const hid_t file = output.file().id();
    context_.write_provenance(file, "msflow.forecast/1",
                              "forecast.seed=" + std::to_string(settings_.seed));
    const h5::Handle group = h5::create_group(file, "forecast");
    const auto times = static_cast<hsize_t>(learned_.times.size());
    const auto d = static_cast<hsize_t>(d_);
    const auto levels = static_cast<hsize_t>(settings_.quantiles.size());
    h5::write_attribute(group, "from", settings_.from);
    h5::write_attribute(group, "x0", x0_);
    h5::write_attribute(group, "paths", static_cast<std::int64_t>(settings_.paths));
    h5::write_attribute(group, "dt", settings_.dt);
    h5::write_attribute(group, "draws", static_cast<std::int64_t>(models_.size()));
    h5::write_attribute(group, "non_finite_paths", static_cast<std::int64_t>(learned_.non_finite));
    h5::write_attribute(group, "description",
                        std::string("paths of dX = b̄ dt + σ̄ dW of the fitted model (path p: "
                                    "posterior draw p mod draws) from x0; time is relative to "
                                    "the start; quantiles over the paths at quantile_levels; "
                                    "exact: the same paths (same noise) of the exact averaged "
                                    "model"));
    h5::write_replicated(comm, group, "time", {times}, learned_.times.data());
    h5::write_replicated(comm, group, "quantile_levels", {levels}, settings_.quantiles.data());
    write_ensemble(group, learned_, learned_summary_);
    if (exact_) {
      const h5::Handle exact = h5::create_group(group, "exact");
      write_ensemble(exact, *exact_, *exact_summary_);
      h5::write_attribute(exact, "source",
                          tabulated_ ? "/truth of " + truth_path_ + " (multilinear interpolation)"
                                     : reference_source_ + ": its closed-form b̄, Σ̄");
    }
    if (!grid_.points.empty()) {
      const h5::Handle coefficients = h5::create_group(file, "coefficients");
      const auto g = static_cast<hsize_t>(grid_.size());
      h5::write_replicated(comm, coefficients, "grid", {g, d}, grid_.points.data());
      h5::write_replicated(comm, coefficients, "drift", {g, d}, grid_drift_.data());
      h5::write_replicated(comm, coefficients, "diffusion", {g, d, d}, grid_diffusion_.data());
      h5::write_attribute(coefficients, "description",
                          std::string("b̄ and Σ̄ of the fitted model (mean over the draws) at any "
                                      "x: no interpolation, the model is evaluated there"));
    }
    output.commit();
    log().print("wrote ", out_path_);
  }

  void write_ensemble(hid_t group, const forecast::Ensemble& ensemble,
                      const EnsembleSummary& summary) const {
    const MPI_Comm comm = context_.comm();
    const auto times = static_cast<hsize_t>(ensemble.times.size());
    const auto d = static_cast<hsize_t>(d_);
    const auto levels = static_cast<hsize_t>(settings_.quantiles.size());
    h5::write_replicated(comm, group, "quantiles", {levels, times, d}, summary.quantiles.data());
    h5::write_replicated(comm, group, "mean", {times, d}, summary.mean.data());
    const auto kept = static_cast<hsize_t>(
        std::min<std::size_t>(static_cast<std::size_t>(settings_.sample_paths), settings_.paths));
    if (kept > 0)
      h5::write_replicated(comm, group, "sample_paths", {kept, times, d}, ensemble.states.data());
  }

  CommandContext& context_;
  forecast::ForecastSettings settings_;
  forecast::EnsembleSettings ensemble_settings_;
  std::unique_ptr<fit::FittedModel> fitted_;
  std::unique_ptr<Model> physical_;
  std::unique_ptr<Model> reference_;  ///< the exact averaged model compared with, if any
  std::string reference_source_, reference_note_;
  std::unique_ptr<forecast::TabulatedCoefficients> tabulated_;  ///< --truth, if given
  std::string truth_path_;
  std::vector<std::unique_ptr<fit::AveragedModel>> models_;
  std::string out_path_;
  int d_ = 1;
  std::vector<double> x0_;
  forecast::Ensemble learned_;
  std::optional<forecast::Ensemble> exact_;
  EnsembleSummary learned_summary_;
  std::optional<EnsembleSummary> exact_summary_;
  BoxGrid grid_;
  std::vector<double> grid_drift_, grid_diffusion_;
};

}  // namespace

int run_forecast(MPI_Comm comm, Config& config) {
  CommandContext context(comm, config, "forecast");
  return ForecastProblem(context).run();
}

}  // namespace msflow::app
