#include "msflow/fit/unstructured_estimator.hpp"

#include <algorithm>
#include <cmath>

#include "msflow/core/error.hpp"
#include "msflow/fit/gaussian_transition.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::fit {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

bool learn_diffusion_from(const Config& config, const Model& model) {
  const bool learn = config.get_string("fit.learn_diffusion") == "auto"
                         ? model.diffusion_depends_on_fast()
                         : config.get_bool("fit.learn_diffusion");
  if (!learn && model.diffusion_depends_on_fast())
    throw InputError("option --fit.learn_diffusion: model " + model.name() +
                     " has a diffusion that depends on the fast variables, so the unstructured "
                     "model must learn it (true or auto)");
  return learn;
}

// Outputs: d drift values, then (learned diffusion) the d(d+1)/2 entries of L row by row,
// diagonal entries as logarithms.
nn::MlpSpec mlp_spec_from(const Config& config, int d, bool learn_diffusion) {
  nn::MlpSpec spec;
  spec.inputs = d;
  spec.outputs = d + (learn_diffusion ? d * (d + 1) / 2 : 0);
  spec.width = config.get_int("flow.width");
  spec.depth = config.get_int("flow.depth");
  spec.activation = nn::parse_activation(config.get_string("flow.activation"));
  require(spec.width >= 1 && spec.depth >= 0, "options --flow.width, --flow.depth: bad size");
  return spec;
}

}  // namespace

UnstructuredEstimator::UnstructuredEstimator(const Config& config, const Model& model)
    : model_(model),
      dim_(model.slow_dim()),
      learn_diffusion_(learn_diffusion_from(config, model)),
      mlp_(mlp_spec_from(config, model.slow_dim(), learn_diffusion_)),
      any_fast_state_(static_cast<std::size_t>(model.fast_dim()), 0.0) {
  require(!config.has("fit.learn") || config.get_string("fit.learn").empty(),
          "option --fit.learn: physical parameters can only be learned with --fit.model flow");
  std::vector<double> normals(static_cast<std::size_t>(mlp_.parameter_count()));
  fill_normals({config.get_uint64("fit.seed"), Purpose::kFitInit}, 0, 0, normals.data(),
               normals.size());
  mlp_.initialize(normals.data(), 0.1);
}

VectorXd UnstructuredEstimator::parameters() const {
  VectorXd values(mlp_.parameter_count());
  mlp_.get_parameters(values.data());
  return values;
}

void UnstructuredEstimator::set_parameters(const VectorXd& parameters) {
  mlp_.set_parameters(parameters.data());
}

void UnstructuredEstimator::coefficients(const double* x, const double* output, double* drift,
                                         double* diffusion) const {
  const int d = dim_;
  std::copy(output, output + d, drift);
  if (!learn_diffusion_) {
    model_.slow_diffusion(x, any_fast_state_.data(), diffusion);
    return;
  }
  double lower[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  const double* entry = output + d;
  for (int i = 0; i < d; ++i)
    for (int j = 0; j <= i; ++j, ++entry)
      lower[i * d + j] = i == j ? std::exp(*entry) : *entry;
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) {
      double sum = 0;
      for (int k = 0; k < d; ++k)
        sum += lower[i * d + k] * lower[j * d + k];
      diffusion[i * d + j] = sum;
    }
}

void UnstructuredEstimator::output_adjoint(const double* output, const double* drift_adjoint,
                                           const double* diffusion_adjoint, double* adjoint) const {
  const int d = dim_;
  std::copy(drift_adjoint, drift_adjoint + d, adjoint);
  if (!learn_diffusion_) return;
  double lower[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  const double* entry = output + d;
  for (int i = 0; i < d; ++i)
    for (int j = 0; j <= i; ++j, ++entry)
      lower[i * d + j] = i == j ? std::exp(*entry) : *entry;
  // Σ = L Lᵀ: ∂J/∂L = (W + Wᵀ) L for W = ∂J/∂Σ.
  double* out = adjoint + d;
  for (int i = 0; i < d; ++i)
    for (int j = 0; j <= i; ++j, ++out) {
      double sum = 0;
      for (int k = 0; k < d; ++k)
        sum += (diffusion_adjoint[i * d + k] + diffusion_adjoint[k * d + i]) * lower[k * d + j];
      *out = i == j ? sum * lower[i * d + i] : sum;  // chain through exp on the diagonal
    }
}

double UnstructuredEstimator::local_objective(const TransitionWindow& window, std::uint64_t, bool,
                                              VectorXd& gradient) {
  const int d = dim_;
  const Index outputs = mlp_.spec().outputs;
  constexpr std::size_t kChunk = 8192;
  double value = 0;
  for (std::size_t first = 0; first < window.size(); first += kChunk) {
    const std::size_t count = std::min(kChunk, window.size() - first);
    const Eigen::Map<const MatrixXd> x(&window.start[first * d], d, static_cast<Index>(count));
    const MatrixXd& output = mlp_.forward(x);
    MatrixXd adjoint(outputs, static_cast<Index>(count));
    for (std::size_t j = 0; j < count; ++j) {
      const std::size_t k = first + j;
      double drift[3], diffusion[9];
      coefficients(&window.start[k * d], output.col(static_cast<Index>(j)).data(), drift,
                   diffusion);
      const TransitionTerm term =
          gaussian_transition(d, &window.increment[k * d], window.dt[k], drift, diffusion);
      value += term.value;
      output_adjoint(output.col(static_cast<Index>(j)).data(), term.drift_adjoint,
                     term.diffusion_adjoint, adjoint.col(static_cast<Index>(j)).data());
    }
    mlp_.backward(adjoint, gradient.data(), nullptr);
  }
  return value;
}

void UnstructuredEstimator::averages_at(const std::vector<double>& points, std::uint64_t,
                                        std::vector<double>& drift,
                                        std::vector<double>& diffusion) {
  evaluate(points, drift, diffusion);  // no Monte Carlo: the same function at every draw
}

double UnstructuredEstimator::pull_back_averages(const std::vector<double>& points, std::uint64_t,
                                                 const std::vector<double>& drift_adjoint,
                                                 const std::vector<double>& diffusion_adjoint,
                                                 const std::vector<double>&, bool,
                                                 VectorXd& gradient) {
  const int d = dim_;
  const Index outputs = mlp_.spec().outputs;
  constexpr std::size_t kChunk = 8192;
  const std::size_t count = points.size() / d;
  for (std::size_t first = 0; first < count; first += kChunk) {
    const std::size_t chunk = std::min(kChunk, count - first);
    const Eigen::Map<const MatrixXd> x(&points[first * d], d, static_cast<Index>(chunk));
    const MatrixXd& output = mlp_.forward(x);
    MatrixXd adjoint(outputs, static_cast<Index>(chunk));
    for (std::size_t j = 0; j < chunk; ++j)
      output_adjoint(output.col(static_cast<Index>(j)).data(), &drift_adjoint[(first + j) * d],
                     &diffusion_adjoint[(first + j) * d * d],
                     adjoint.col(static_cast<Index>(j)).data());
    mlp_.backward(adjoint, gradient.data(), nullptr);
  }
  return 0;  // no penalty
}

void UnstructuredEstimator::evaluate(const std::vector<double>& points, std::vector<double>& drift,
                                     std::vector<double>& diffusion) {
  const int d = dim_;
  const auto count = static_cast<Index>(points.size() / d);
  const Eigen::Map<const MatrixXd> x(points.data(), d, count);
  const MatrixXd output = mlp_.forward(x);
  drift.assign(static_cast<std::size_t>(count) * d, 0.0);
  diffusion.assign(static_cast<std::size_t>(count) * d * d, 0.0);
  for (Index g = 0; g < count; ++g)
    coefficients(&points[g * d], output.col(g).data(), &drift[g * d], &diffusion[g * d * d]);
}

void UnstructuredEstimator::write(MPI_Comm comm, hid_t file) {
  const h5::Handle group = h5::create_group(file, "unstructured");
  const VectorXd values = parameters();
  h5::write_replicated(comm, group, "parameters", {static_cast<hsize_t>(values.size())},
                       values.data());
  h5::write_attribute(group, "inputs", static_cast<std::int64_t>(mlp_.spec().inputs));
  h5::write_attribute(group, "outputs", static_cast<std::int64_t>(mlp_.spec().outputs));
  h5::write_attribute(group, "width", static_cast<std::int64_t>(mlp_.spec().width));
  h5::write_attribute(group, "depth", static_cast<std::int64_t>(mlp_.spec().depth));
  h5::write_attribute(group, "learn_diffusion", std::string(learn_diffusion_ ? "true" : "false"));
  h5::write_attribute(group, "description",
                      std::string("MLP b(x) (outputs 0..d-1) and, if learned, the Cholesky "
                                  "factor of Sigma(x) row by row with log-diagonal"));
}

}  // namespace msflow::fit
