#pragma once
// A parameterized averaged model ϑ ↦ (b̄_ϑ(x), Σ̄_ϑ(x)) (docs/method.md, "The flow model"): the flow
// model b̄_θ(x) = (1/L) Σ_l b(x, T_θ(z_l)) of the paper, or the unstructured MLP baseline.
//
// One evaluation of an objective is   set_parameters(ϑ); begin(draw); … pull_back(…) per block
// of points …; (ranks sum the reducible adjoints exactly); finish(reduced, ∇J).
// The reducible adjoint is what a pull-back accumulates and what ranks must sum: for a decoupled
// flow ∂J/∂y of the L shared samples (m·L numbers, far fewer than the flow's parameters), for a
// conditional flow or the MLP the parameter gradient itself; finish() turns the sum into ∂J/∂ϑ
// on every rank alike (the decoupled flow's single reverse pass through T_θ happens there).
//
// A model owns its own copy of the physical Model, so learned physical parameters never change
// a model held elsewhere. Evaluations are not re-entrant (the flow keeps workspaces): one
// AveragedModel per thread.
#include <mpi.h>

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "msflow/fit/averaged_model_settings.hpp"
#include "msflow/fit/parameter_layout.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/model/model.hpp"

namespace msflow::fit {

/// For point j of a pull-back: given (b̄_j, Σ̄_j), returns ∂J/∂(b̄_j, Σ̄_j) of the caller's
/// objective. Called exactly once per point, in point order.
using PointAdjoint =
    std::function<Model::SlowAverages(std::size_t j, const Model::SlowAverages& averages)>;

class AveragedModel {
 public:
  virtual ~AveragedModel() = default;

  virtual std::string type() const = 0;  ///< the registry name: "flow", "unstructured"
  /// One line for the log: architecture, samples, parameter count.
  virtual std::string describe() const = 0;
  virtual const ParameterLayout& layout() const = 0;
  /// The physical model (with the current learned physical parameters).
  virtual const Model& model() const = 0;
  int slow_dim() const { return model().slow_dim(); }

  /// The starting point in optimizer coordinates (physical parameters unconstrained).
  virtual Eigen::VectorXd initial_parameters() const = 0;
  virtual void set_parameters(const Eigen::VectorXd& parameters) = 0;
  virtual const Eigen::VectorXd& parameters() const = 0;
  /// Learned physical parameters: (name, physical value) in layout order.
  std::vector<std::pair<std::string, double>> physical_parameters() const;

  /// Whether Σ̄ is the same for every ϑ (known σ): then ∂J/∂Σ̄ is never needed.
  virtual bool diffusion_is_fixed() const = 0;
  /// Whether Σ̄ is the same at every x for every ϑ (it may still depend on ϑ).
  virtual bool diffusion_is_uniform() const = 0;

  // ---- one evaluation ----------------------------------------------------------------------
  /// Starts an evaluation at the current parameters with the Monte Carlo samples of `draw`.
  virtual void begin(std::uint64_t draw) = 0;
  /// b̄ (count × d) and Σ̄ (count × d × d) at `points` (count × d), samples of begin().
  virtual void averages(const double* points, std::size_t count, double* drift,
                        double* diffusion) = 0;
  virtual Eigen::Index adjoint_size() const = 0;
  /// The fused pass over `count` points: averages at point j, `adjoint(j, ·)`, and the reverse
  /// mode ADDED to `reducible` (adjoint_size()). Returns the part of the moment penalty that
  /// depends on the points (a conditional flow's laws differ per point; point j weighs
  /// penalty_weights[j]), its gradient included in `reducible`.
  virtual double pull_back(const double* points, std::size_t count, const PointAdjoint& adjoint,
                           const double* penalty_weights, Eigen::VectorXd& reducible) = 0;
  /// ∂J/∂ϑ (OVERWRITES `gradient`) from the reducible adjoint summed over all ranks. Returns the
  /// part of the moment penalty that depends on ϑ and the draw only (a decoupled flow's), its
  /// gradient included.
  virtual double finish(const Eigen::VectorXd& reduced, Eigen::VectorXd& gradient) = 0;

  // ---- results ----------------------------------------------------------------------------
  /// b̄, Σ̄ at `points` with the fixed evaluation samples (the reported estimate).
  virtual void evaluate(const double* points, std::size_t count, double* drift,
                        double* diffusion) = 0;
  /// Samples y = T(z) of the learned fast law (m × S; at x = 0 if conditional); empty if the
  /// model has no law (the unstructured baseline).
  virtual Eigen::MatrixXd law_samples() = 0;
  /// Whether the learned law depends on x (a conditional flow: law_samples() are at x = 0).
  virtual bool law_depends_on_x() const { return false; }
  /// Stores the learned state (architecture and parameters) under `file` (collective).
  virtual void write_state(MPI_Comm comm, hid_t file) const = 0;
  /// Restores the parameters stored by write_state (InputError if the file does not match).
  virtual void read_state(hid_t file) = 0;
};

/// A model type of the registry: `--fit.model NAME`.
struct AveragedModelEntry {
  std::string name, summary;
  std::function<std::unique_ptr<AveragedModel>(const AveragedModelSettings&, const Model&)> create;
};
const std::vector<AveragedModelEntry>& averaged_model_registry();
/// Refuses, before any work, sample counts whose flow workspaces (the largest batch of samples
/// pushed through the flow, with its reverse pass) cannot fit in `available` bytes: InputError
/// naming --fit.L or --fit.eval_samples and the estimate.
void check_memory(const AveragedModelSettings& settings, const Model& model, double available);

/// The model `settings.type` names (InputError listing the known ones otherwise).
std::unique_ptr<AveragedModel> make_averaged_model(const AveragedModelSettings& settings,
                                                   const Model& model);

}  // namespace msflow::fit
