// msflow report FILE.h5: what an output is and what it says, in words — provenance, the options
// that produced it, what was learned, its metrics against /truth, convergence, posterior and
// forecast summaries (docs/output.md lists the datasets it reads).
#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "command_context.hpp"
#include "commands.hpp"
#include "held_out_likelihood.hpp"
#include "msflow/core/error.hpp"
#include "msflow/core/log.hpp"
#include "msflow/core/settings.hpp"
#include "msflow/fit/diagnostics.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/io/truth_file.hpp"

namespace msflow::app {

namespace {

/// Reads what a report needs from one file; every accessor tolerates a missing object.
class OutputFile {
 public:
  OutputFile(MPI_Comm comm, const std::string& path)
      : path_(path), file_(h5::File::open_read(comm, path)) {}

  bool has(const std::string& object) const { return h5::exists(file_.id(), object); }
  bool has_attribute(const std::string& object, const std::string& name) const {
    return has(object) && h5::has_attribute(open(object), name);
  }
  std::string text(const std::string& object, const std::string& name) const {
    return has_attribute(object, name) ? h5::read_string_attribute(open(object), name) : "";
  }
  /// A numeric attribute (its first element if it is a vector), NaN if missing.
  double number(const std::string& object, const std::string& name) const {
    const std::vector<double> all = numbers(object, name);
    return all.empty() ? std::nan("") : all.front();
  }
  /// Every element of a numeric attribute; empty if missing or unreadable.
  std::vector<double> numbers(const std::string& object, const std::string& name) const {
    if (!has_attribute(object, name)) return {};
    const h5::Handle holder = open(object);
    const h5::Handle attribute(H5Aopen(holder, name.c_str(), H5P_DEFAULT), H5Aclose, name);
    const h5::Handle space(H5Aget_space(attribute), H5Sclose, name);
    const hssize_t count = H5Sget_simple_extent_npoints(space);
    if (count < 1) return {};
    std::vector<double> values(static_cast<std::size_t>(count));
    if (H5Aread(attribute, H5T_NATIVE_DOUBLE, values.data()) < 0) return {};
    return values;
  }
  std::vector<double> values(const std::string& dataset) const {
    if (!has(dataset)) return {};
    return h5::read_doubles(h5::open_dataset(file_.id(), dataset));
  }
  h5::Shape shape(const std::string& dataset) const {
    return has(dataset) ? h5::dataset_shape(h5::open_dataset(file_.id(), dataset)) : h5::Shape{};
  }

 private:
  h5::Handle open(const std::string& object) const {
    // Attributes of groups and of datasets alike.
    return h5::Handle(H5Oopen(file_.id(), object.c_str(), H5P_DEFAULT), H5Oclose, object);
  }
  std::string path_;
  h5::File file_;
};

std::string number(double value, int digits = 4) {
  return std::isnan(value) ? "-" : format_number(value, digits);
}

class Report {
 public:
  explicit Report(const OutputFile& file) : file_(file) {}

  std::string text() {
    provenance();
    const std::string schema = file_.text("/", "schema");
    if (schema.rfind("msflow.simulate", 0) == 0) trajectory();
    if (file_.has("/estimate")) estimate();
    if (file_.has("/history")) history();
    if (file_.has("/posterior")) posterior();
    if (file_.has("/forecast")) forecast();
    if (file_.has("/timings")) timings();
    return out_.str();
  }

 private:
  void heading(const std::string& title) { out_ << "\n" << title << "\n"; }

  void provenance() {
    out_ << "file: schema " << file_.text("/", "schema") << ", written by msflow "
         << file_.text("/", "msflow_version") << " (" << file_.text("/", "command") << ") on "
         << number(file_.number("/", "mpi_size"), 3) << " rank(s); seeds "
         << file_.text("/", "seeds") << "\n";
    heading("options that produced it:");
    out_ << file_.text("/", "options");
  }

  void trajectory() {
    const h5::Shape x = file_.shape("/trajectory/x");
    const std::vector<double> offsets = file_.values("/trajectory/offsets");
    heading("data:");
    if (x.size() == 2)
      out_ << "  " << x[0] << " observations of d = " << x[1] << " in "
           << std::max<std::size_t>(1, offsets.size()) << " trajectory(ies)"
           << (file_.has("/truth") ? "; exact averaged coefficients in /truth" : "") << "\n";
  }

  void estimate() {
    heading("what was learned:");
    out_ << "  estimator " << file_.text("/estimate", "estimator") << ", averaging "
         << file_.text("/estimate", "averaging")
         << ", L = " << number(file_.number("/estimate", "L")) << "\n";
    if (file_.has_attribute("/estimate", "drift_mse"))
      out_ << "  drift MSE against /truth " << number(file_.number("/estimate", "drift_mse"))
           << (file_.has_attribute("/estimate", "diffusion_mse")
                   ? ", diffusion MSE " + number(file_.number("/estimate", "diffusion_mse"))
                   : "")
           << "\n";
    if (file_.has_attribute("/estimate", "interpolation_error_drift"))
      out_ << "  interpolation error "
           << number(file_.number("/estimate", "interpolation_error_drift")) << " (b̄) with "
           << number(file_.number("/estimate", "interpolation_intervals")) << " intervals\n";
    const std::string names = file_.text("/parameters", "names");
    if (!names.empty()) {
      out_ << "  learned physical parameters:";
      std::stringstream list(names);
      for (std::string name; std::getline(list, name, ',');)
        if (!name.empty())
          out_ << " " << name << " = " << number(file_.number("/parameters", name), 6);
      out_ << "\n";
    }
    if (file_.has_attribute("/law", "particle_variance")) {
      out_ << "  learned one-particle law: mean " << number(file_.number("/law", "particle_mean"))
           << ", median " << number(file_.number("/law", "particle_median")) << ", variance "
           << number(file_.number("/law", "particle_variance")) << " (first axis)\n";
    }
  }

  void history() {
    const std::vector<double> objective = file_.values("/history/objective");
    if (objective.empty()) return;
    const double transitions = file_.number("/data", "transitions");
    const bool posterior = file_.has("/posterior");
    heading("convergence:");
    const std::string what = posterior ? "-ELBO" : "J";
    const double per = transitions > 0 ? transitions : 1;
    out_ << "  " << objective.size() << " iterations; " << what << (transitions > 0 ? "/M" : "")
         << " " << number(objective.front() / per, 8) << " at the start, "
         << number(objective.back() / per, 8) << " at the end";
    if (objective.size() >= 20) {
      const std::size_t tail = objective.size() / 10;
      double early = 0, late = 0;
      for (std::size_t i = 0; i < tail; ++i)
        early += objective[objective.size() - 2 * tail + i],
            late += objective[objective.size() - tail + i];
      out_ << "; change over the last tenth " << number((late - early) / (tail * per), 3);
    }
    out_ << "\n";
  }

  void timings() {
    heading("timings (wall clock of the run that wrote the file, maximum over the ranks):");
    const std::vector<double> seconds = file_.numbers("/timings", "phase_seconds");
    std::stringstream names(file_.text("/timings", "phases"));
    std::size_t i = 0;
    for (std::string name; std::getline(names, name, ',') && i < seconds.size(); ++i)
      out_ << "  " << name << ": " << number(seconds[i], 3) << " s\n";
    out_ << "  elapsed until the output was written "
         << number(file_.number("/timings", "elapsed_seconds"), 3) << " s, peak memory "
         << number(file_.number("/timings", "peak_memory_mib"), 4) << " MiB per rank";
    if (file_.has_attribute("/timings", "seconds_per_iteration"))
      out_ << "; " << number(file_.number("/timings", "seconds_per_iteration"), 3)
           << " s per iteration over the "
           << number(file_.number("/timings", "iterations_this_run"), 6)
           << " iterations of this run";
    out_ << "\n";
  }

  void posterior() {
    heading("posterior:");
    out_ << "  method " << file_.text("/posterior", "method") << " over "
         << file_.shape("/posterior/u_samples").back() << " coordinates ("
         << file_.text("/posterior", "params") << ")";
    if (file_.has_attribute("/posterior", "elbo"))
      out_ << "; ELBO " << number(file_.number("/posterior", "elbo"), 10) << " ± "
           << number(file_.number("/posterior", "elbo_standard_error"), 3);
    const std::string bands = file_.text("/posterior", "bands");
    out_ << "\n  bands of b̄ centred on "
         << (bands == "mode" ? "b̄ at the fit's optimum (--infer.bands mode)"
                             : "the posterior's own quantiles")
         << "; mean width of the 95% band "
         << number(file_.number("/posterior", "drift_band95_mean_width")) << "\n";
    const std::vector<double> coverage = file_.values("/posterior/coverage");
    if (coverage.size() == 3)
      out_ << "  coverage of the exact b̄ by the 50/90/95% bands: " << number(100 * coverage[0], 3)
           << "%, " << number(100 * coverage[1], 3) << "%, " << number(100 * coverage[2], 3)
           << "% of the grid\n";
    if (file_.has("/posterior/importance")) {
      const double k = file_.number("/posterior/importance", "pareto_k");
      const double threshold = file_.number("/posterior/importance", "pareto_k_threshold");
      out_ << "  importance-corrected: "
           << number(file_.number("/posterior/importance", "proposals"))
           << " proposals, Pareto k-hat " << number(k, 3)
           << (k > threshold ? " (above " : " (reliable below ") << number(threshold, 3)
           << "), effective sample size "
           << number(file_.number("/posterior/importance", "effective_size"), 4) << "\n";
    }
    const std::vector<double> ess = file_.values("/posterior/mcmc/ess");
    if (!ess.empty())
      out_ << "  effective sample size from " << number(*std::min_element(ess.begin(), ess.end()))
           << " to " << number(*std::max_element(ess.begin(), ess.end())) << "\n";
    const std::string names = file_.text("/parameters", "names");
    std::stringstream list(names);
    for (std::string name; std::getline(list, name, ',');) {
      const std::string group = "/posterior/parameters/" + name;
      if (name.empty() || !file_.has(group)) continue;
      out_ << "  " << name << ": mean " << number(file_.number(group, "mean"), 6) << ", sd "
           << number(file_.number(group, "sd"), 3) << ", 95% interval ["
           << number(file_.number(group, "lower95"), 6) << ", "
           << number(file_.number(group, "upper95"), 6) << "]\n";
    }
  }

  void forecast() {
    heading("forecast:");
    const std::vector<double> time = file_.values("/forecast/time");
    const std::vector<double> levels = file_.values("/forecast/quantile_levels");
    const std::vector<double> q = file_.values("/forecast/quantiles");
    const std::vector<double> exact = file_.values("/forecast/exact/quantiles");
    out_ << "  " << number(file_.number("/forecast", "paths")) << " paths, "
         << number(file_.number("/forecast", "draws"))
         << " draw(s), to T = " << number(time.empty() ? std::nan("") : time.back())
         << "; non-finite paths " << number(file_.number("/forecast", "non_finite_paths")) << "\n";
    if (time.empty() || levels.empty()) return;
    const std::size_t t = time.size(), d = q.size() / (levels.size() * t);
    out_ << "  quantiles of x1 at the horizon:";
    for (std::size_t l = 0; l < levels.size(); ++l) {
      out_ << (l ? "," : "") << " " << number(100 * levels[l], 3) << "% "
           << number(q[(l * t + t - 1) * d]);
      if (!exact.empty()) out_ << " (exact " << number(exact[(l * t + t - 1) * d]) << ")";
    }
    out_ << "\n";
  }

  const OutputFile& file_;
  std::ostringstream out_;
};

/// The stored /estimate against the /truth of another file (an msflow fp output for a model
/// without a closed form): the drift and diffusion MSE on the estimate's grid.
std::string against_truth(MPI_Comm comm, const OutputFile& file, const std::string& path) {
  require(h5::is_hdf5_file(path), "option --truth: '" + path + "' is not a readable HDF5 file");
  const h5::Shape shape = file.shape("/estimate/grid");
  require(shape.size() == 2, "option --truth: the report's file has no /estimate to compare");
  const int d = static_cast<int>(shape[1]);
  const std::optional<TruthOnGrid> truth = read_truth(comm, path, d);
  require(truth.has_value(), "option --truth: " + path + " has no /truth/grid and /truth/drift");
  std::ostringstream out;
  out << "\nagainst the truth in " << path << ":\n";
  if (file.values("/estimate/grid") != truth->grid) {
    out << "  its grid differs from /estimate/grid (fit with --truth " << path
        << " to estimate on it): no comparison\n";
    return out.str();
  }
  const std::size_t points = truth->size();
  const std::vector<double> drift = file.values("/estimate/drift"),
                            diffusion = file.values("/estimate/diffusion");
  require(drift.size() == truth->drift.size(), "report: /estimate/drift does not match its grid");
  out << "  drift MSE " << number(fit::mean_squared_error(drift, truth->drift, points));
  if (!truth->diffusion.empty() && diffusion.size() == truth->diffusion.size())
    out << ", diffusion MSE "
        << number(fit::mean_squared_error(diffusion, truth->diffusion, points));
  out << " over " << points << " grid points\n";
  return out.str();
}

/// −ln L per transition on a held-out trajectory, beside the same on the fit's own data (when
/// that file is still readable): a model that generalizes scores about the same on both.
std::string held_out(MPI_Comm comm, const std::string& path, const std::string& data) {
  require(h5::is_hdf5_file(data), "option --data: '" + data + "' is not a readable HDF5 file");
  const fit::FittedModel fitted(comm, path, option_catalog());
  std::ostringstream out;
  out << "\nheld-out data " << data << " (exact averaging, at the fitted parameters):\n";
  const LikelihoodPerTransition held = likelihood_per_transition(comm, fitted, data);
  out << "  -ln L per transition " << format_number(held.value, 6) << " over " << held.transitions
      << " transitions\n";
  const std::string training = fitted.config().get_string("data");
  if (!training.empty() && training != data && h5::is_hdf5_file(training)) {
    const LikelihoodPerTransition own = likelihood_per_transition(comm, fitted, training);
    out << "  -ln L per transition " << format_number(own.value, 6) << " on the fit's data "
        << training << " (" << own.transitions << " transitions)\n";
  }
  return out.str();
}

}  // namespace

int run_report(MPI_Comm comm, Config& config) {
  CommandContext context(comm, config, "report");
  const std::string text = context.phase("report", [&] {
    const SectionReader options(config, "report");
    require(options.has("file") && !options.text("file").empty(),
            "report needs an msflow output: msflow report FILE.h5");
    const std::string path = options.text("file");
    require(h5::is_hdf5_file(path), "report: '" + path + "' is not a readable HDF5 file");
    const OutputFile file(comm, path);
    require(file.has_attribute("/", "schema"),
            path + ": no root attribute schema (not an msflow output)");
    std::string text = "report of " + path + "\n" + Report(file).text();
    const SectionReader general(config, "");
    if (general.has("truth")) text += against_truth(comm, file, general.text("truth"));
    if (general.has("data")) text += held_out(comm, path, general.text("data"));
    return text;
  });
  context.log().line(text);
  return kExitSuccess;
}

}  // namespace msflow::app
