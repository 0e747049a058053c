#pragma once
// The fit output (schema msflow.fit/1, docs/output.md): what `fit` writes besides provenance,
// and a fit output opened again as a model, so later commands (forecast, infer, report) can
// evaluate b̄, Σ̄ of a fitted model at any x and warm-start from it.
#include <mpi.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "msflow/core/grid.hpp"
#include "msflow/core/options.hpp"
#include "msflow/fit/averaged_model.hpp"
#include "msflow/fit/fit_settings.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/optim/optimizer_state.hpp"

namespace msflow::fit {

/// The learned b̄, Σ̄ on a grid over the visited region, with what is known about its accuracy.
struct GridEstimate {
  BoxGrid grid;
  std::vector<double> drift, diffusion;  ///< G × d, G × d × d
  std::optional<double> drift_mse, diffusion_mse;
  std::optional<double> interpolation_error_drift, interpolation_error_diffusion;
  int interpolation_intervals = 0;  ///< 0: exact averaging
};

/// /estimate (collective; replicated data). `model` names the estimator and its settings.
void write_estimate(MPI_Comm comm, hid_t file, const GridEstimate& estimate,
                    const AveragedModelSettings& settings, const std::string& averaging,
                    const std::string& estimator);

/// /law: samples of the learned fast law and, for particle systems, the pooled one-particle
/// marginal's statistics (collective). Nothing for a model without a law.
void write_law(MPI_Comm comm, hid_t file, const Eigen::MatrixXd& samples, int d, bool conditional);

/// Where the data came from (the /data group).
struct DataSummary {
  std::string source;
  std::size_t transitions = 0, trajectories = 0;
  std::string identity;  ///< ObservedTransitions::identity()
};

/// Everything a fit output holds besides the root provenance: /model, the model's state (/flow
/// or /unstructured, /parameters), /law, /history, /estimate and /data (collective). `model` is
/// at the final parameters.
void write_fit_result(MPI_Comm comm, hid_t file, const AveragedModel& model,
                      const AveragedModelSettings& settings, const std::string& averaging,
                      const GridEstimate& estimate, const Eigen::MatrixXd& law_samples,
                      const optim::History& history, const DataSummary& data);

/// A fit output opened again (every rank reads it).
class FittedModel {
 public:
  /// InputError naming the file and object if it is not a complete fit (or infer) output.
  /// `catalog`: every option msflow knows (the stored configuration is parsed against it).
  FittedModel(MPI_Comm comm, const std::string& path, const OptionCatalog& catalog);

  const std::string& path() const { return path_; }
  const Config& config() const { return config_; }
  const FitSettings& settings() const { return settings_; }
  AveragedModel& averaged_model() { return *averaged_; }
  const AveragedModel& averaged_model() const { return *averaged_; }
  std::shared_ptr<AveragedModel> shared_model() const { return averaged_; }
  /// The stored /estimate.
  const BoxGrid& grid() const { return grid_; }
  const std::vector<double>& drift() const { return drift_; }
  const std::vector<double>& diffusion() const { return diffusion_; }
  /// Whether the file is an infer output (its model is the fit's optimum; /posterior holds the
  /// posterior draws).
  bool is_posterior() const { return is_posterior_; }

 private:
  std::string path_;
  Config config_;
  FitSettings settings_;
  std::unique_ptr<Model> model_;
  std::shared_ptr<AveragedModel> averaged_;
  BoxGrid grid_;
  std::vector<double> drift_, diffusion_;
  bool is_posterior_ = false;
};

/// The sections of the fit command's options (what its stored configuration holds).
const std::vector<std::string>& fit_sections();

}  // namespace msflow::fit
