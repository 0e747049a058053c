#include "msflow/fit/fit_result.hpp"

#include "msflow/core/error.hpp"
#include "msflow/fit/diagnostics.hpp"
#include "msflow/io/provenance.hpp"
#include "msflow/model/registry.hpp"

namespace msflow::fit {

const std::vector<std::string>& fit_sections() {
  static const std::vector<std::string> sections = {"", "model", "fit", "flow", "run"};
  return sections;
}

void write_estimate(MPI_Comm comm, hid_t file, const GridEstimate& estimate,
                    const AveragedModelSettings& settings, const std::string& averaging,
                    const std::string& estimator) {
  const int d = estimate.grid.dim;
  const h5::Handle group = h5::create_group(file, "estimate");
  const hsize_t g = estimate.grid.size(), dim = static_cast<hsize_t>(d);
  h5::write_replicated(comm, group, "grid", {g, dim}, estimate.grid.points.data());
  h5::write_replicated(comm, group, "drift", {g, dim}, estimate.drift.data());
  h5::write_replicated(comm, group, "diffusion", {g, dim, dim}, estimate.diffusion.data());
  h5::write_attribute(group, "estimator", estimator);
  h5::write_attribute(group, "L", static_cast<std::int64_t>(settings.samples));
  h5::write_attribute(group, "eval_samples", static_cast<std::int64_t>(settings.eval_samples));
  h5::write_attribute(group, "averaging", averaging);
  if (estimate.interpolation_error_drift) {
    h5::write_attribute(group, "interpolation_intervals",
                        static_cast<std::int64_t>(estimate.interpolation_intervals));
    h5::write_attribute(group, "interpolation_error_drift", *estimate.interpolation_error_drift);
    h5::write_attribute(group, "interpolation_error_diffusion",
                        *estimate.interpolation_error_diffusion);
  }
  if (estimate.drift_mse) h5::write_attribute(group, "drift_mse", *estimate.drift_mse);
  if (estimate.diffusion_mse) h5::write_attribute(group, "diffusion_mse", *estimate.diffusion_mse);
  h5::write_attribute(group, "description",
                      std::string("learned averaged drift and diffusion on a grid over the "
                                  "region the data visit; drift_mse = mean over the grid of "
                                  "|b_est - b_true|^2"));
}

void write_law(MPI_Comm comm, hid_t file, const Eigen::MatrixXd& samples, int d, bool conditional) {
  if (samples.size() == 0) return;
  const h5::Handle law = h5::create_group(file, "law");
  h5::write_replicated(comm, law, "samples",
                       {static_cast<hsize_t>(samples.cols()), static_cast<hsize_t>(samples.rows())},
                       samples.data());  // column-major m × S is row-major S × m
  h5::write_attribute(law, "description",
                      std::string("samples y = T(z) of the learned fast invariant law") +
                          (conditional ? " at x = 0" : "") +
                          "; particle_*: the pooled one-particle marginal (iqr_variance = "
                          "(interquartile range / 1.349)^2, the variance of a normal with the "
                          "same quartiles)");
  const auto stats = particle_law_statistics(samples, d);
  if (!stats) return;
  h5::write_replicated(comm, law, "particle_samples",
                       {static_cast<hsize_t>(stats->pooled.cols()), static_cast<hsize_t>(d)},
                       stats->pooled.data());
  h5::write_attribute(law, "particle_mean", stats->mean);
  h5::write_attribute(law, "particle_variance", stats->variance);
  h5::write_attribute(law, "particle_median", stats->median);
  h5::write_attribute(law, "particle_iqr_variance", stats->iqr_variance);
}

void write_fit_result(MPI_Comm comm, hid_t file, const AveragedModel& model,
                      const AveragedModelSettings& settings, const std::string& averaging,
                      const GridEstimate& estimate, const Eigen::MatrixXd& law_samples,
                      const optim::History& history, const DataSummary& data) {
  write_model_group(file, model.model());
  model.write_state(comm, file);
  write_law(comm, file, law_samples, model.slow_dim(), model.law_depends_on_x());
  history.write(comm, file, "history");
  write_estimate(comm, file, estimate, settings, averaging, model.type());
  const h5::Handle group = h5::create_group(file, "data");
  h5::write_attribute(group, "source", data.source);
  h5::write_attribute(group, "transitions", static_cast<std::int64_t>(data.transitions));
  h5::write_attribute(group, "trajectories", static_cast<std::int64_t>(data.trajectories));
  h5::write_attribute(group, "identity", data.identity);
}

namespace {

std::vector<double> read_dataset(hid_t file, const std::string& path, const std::string& name,
                                 const h5::Shape& shape) {
  require(h5::exists(file, name), path + ": missing dataset " + name + " (not a fit output?)");
  const h5::Handle dataset = h5::open_dataset(file, name);
  require(h5::dataset_shape(dataset) == shape, path + ": " + name + " has the wrong shape");
  return h5::read_doubles(dataset);
}

}  // namespace

FittedModel::FittedModel(MPI_Comm comm, const std::string& path, const OptionCatalog& catalog)
    : path_(path) {
  const h5::File file = h5::File::open_read(comm, path);
  const h5::Handle root = h5::open_group(file.id(), "/");
  const std::string schema =
      h5::has_attribute(root, "schema") ? h5::read_string_attribute(root, "schema") : "";
  require(schema == "msflow.fit/1" || schema == "msflow.infer/1",
          path + ": not a fit or infer output (root attribute schema is '" + schema + "')");
  // An infer output stores the fit's configuration next to its own.
  const std::string options = schema == "msflow.fit/1" ? "options" : "fit_options";
  require(h5::has_attribute(root, options), path + ": missing root attribute " + options);
  config_ = Config::from_ini(catalog, h5::read_string_attribute(root, options),
                             path + " (stored options)", fit_sections());
  is_posterior_ = schema == "msflow.infer/1";
  settings_ = read_fit_settings(config_);
  model_ = create_model(config_);
  averaged_ = make_averaged_model(settings_.model, *model_);
  averaged_->read_state(file.id());
  const int d = model_->slow_dim();
  require(h5::exists(file.id(), "/estimate/grid"), path + ": missing dataset /estimate/grid");
  const h5::Shape shape = h5::dataset_shape(h5::open_dataset(file.id(), "/estimate/grid"));
  require(shape.size() == 2 && shape[1] == static_cast<hsize_t>(d),
          path + ": /estimate/grid must have shape (G, " + std::to_string(d) + ")");
  grid_.dim = d;
  grid_.points = read_dataset(file.id(), path, "/estimate/grid", shape);
  drift_ = read_dataset(file.id(), path, "/estimate/drift", shape);
  diffusion_ = read_dataset(file.id(), path, "/estimate/diffusion",
                            {shape[0], static_cast<hsize_t>(d), static_cast<hsize_t>(d)});
}

}  // namespace msflow::fit
