#include "msflow/fit/unstructured_model.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "msflow/core/error.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::fit {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr std::size_t kChunk = 8192;  ///< points per batched MLP pass

bool learn_diffusion_from(const AveragedModelSettings& settings, const Model& model) {
  const bool learn = settings.learn_diffusion.value_or(model.diffusion_depends_on_fast());
  if (!learn && model.diffusion_depends_on_fast())
    throw InputError("option --fit.learn_diffusion: model " + model.name() +
                     " has a diffusion that depends on the fast variables, so the unstructured "
                     "model must learn it (true or auto)");
  return learn;
}

// Outputs: d drift values, then (learned diffusion) the d(d+1)/2 entries of L row by row,
// diagonal entries as logarithms.
nn::MlpSpec mlp_spec(const AveragedModelSettings& settings, int d, bool learn_diffusion) {
  nn::MlpSpec spec;
  spec.inputs = d;
  spec.outputs = d + (learn_diffusion ? d * (d + 1) / 2 : 0);
  spec.width = settings.flow.width;
  spec.depth = settings.flow.depth;
  spec.activation = settings.flow.activation;
  return spec;
}

}  // namespace

UnstructuredModel::UnstructuredModel(const AveragedModelSettings& settings, const Model& model)
    : model_(model.clone()),
      dim_(model.slow_dim()),
      learn_diffusion_(learn_diffusion_from(settings, model)),
      mlp_(mlp_spec(settings, model.slow_dim(), learn_diffusion_)),
      any_fast_state_(static_cast<std::size_t>(model.fast_dim()), 0.0) {
  require(settings.learn.empty(),
          "option --fit.learn: physical parameters can only be learned with --fit.model flow");
  std::vector<double> normals(static_cast<std::size_t>(mlp_.parameter_count()));
  fill_normals({settings.seed, Purpose::kFitInit}, 0, 0, normals.data(), normals.size());
  mlp_.initialize(normals.data(), 0.1);
  layout_.append("mlp", mlp_.parameter_count());
  initial_.resize(mlp_.parameter_count());
  mlp_.get_parameters(initial_.data());
  parameters_ = initial_;
}

std::string UnstructuredModel::describe() const {
  std::ostringstream out;
  out << "unstructured model: MLP b(x)" << (learn_diffusion_ ? " and Σ(x)" : "") << ", "
      << mlp_.spec().depth << " × " << mlp_.spec().width << "; " << layout_.size()
      << " parameters; no Monte Carlo samples, no moment penalty";
  return out.str();
}

void UnstructuredModel::set_parameters(const VectorXd& parameters) {
  if (parameters.size() != layout_.size())
    throw std::logic_error("UnstructuredModel::set_parameters: wrong size");
  parameters_ = parameters;
  mlp_.set_parameters(parameters.data());
}

void UnstructuredModel::coefficients(const double* x, const double* output, double* drift,
                                     double* diffusion) const {
  const int d = dim_;
  std::copy(output, output + d, drift);
  if (!learn_diffusion_) {
    model_->slow_diffusion(x, any_fast_state_.data(), diffusion);
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

void UnstructuredModel::output_adjoint(const double* output, const double* drift_adjoint,
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

void UnstructuredModel::averages(const double* points, std::size_t count, double* drift,
                                 double* diffusion) {
  const int d = dim_;
  for (std::size_t first = 0; first < count; first += kChunk) {
    const std::size_t chunk = std::min(kChunk, count - first);
    const Eigen::Map<const MatrixXd> x(&points[first * d], d, static_cast<Index>(chunk));
    const MatrixXd& output = mlp_.forward(x);
    for (std::size_t j = 0; j < chunk; ++j)
      coefficients(&points[(first + j) * d], output.col(static_cast<Index>(j)).data(),
                   &drift[(first + j) * d], &diffusion[(first + j) * d * d]);
  }
}

double UnstructuredModel::pull_back(const double* points, std::size_t count,
                                    const PointAdjoint& adjoint, const double*,
                                    VectorXd& reducible) {
  const int d = dim_;
  const Index outputs = mlp_.spec().outputs;
  for (std::size_t first = 0; first < count; first += kChunk) {
    const std::size_t chunk = std::min(kChunk, count - first);
    const Eigen::Map<const MatrixXd> x(&points[first * d], d, static_cast<Index>(chunk));
    const MatrixXd& output = mlp_.forward(x);
    MatrixXd output_adjoints(outputs, static_cast<Index>(chunk));
    for (std::size_t j = 0; j < chunk; ++j) {
      const double* out = output.col(static_cast<Index>(j)).data();
      Model::SlowAverages averages;
      coefficients(&points[(first + j) * d], out, averages.drift, averages.diffusion);
      const Model::SlowAverages adjoints = adjoint(first + j, averages);
      output_adjoint(out, adjoints.drift, adjoints.diffusion,
                     output_adjoints.col(static_cast<Index>(j)).data());
    }
    mlp_.backward(output_adjoints, reducible.data(), nullptr);
  }
  return 0;  // no moment penalty
}

double UnstructuredModel::finish(const VectorXd& reduced, VectorXd& gradient) {
  gradient = reduced;
  return 0;
}

void UnstructuredModel::write_state(MPI_Comm comm, hid_t file) const {
  const h5::Handle group = h5::create_group(file, "unstructured");
  h5::write_replicated(comm, group, "parameters", {static_cast<hsize_t>(parameters_.size())},
                       parameters_.data());
  h5::write_attribute(group, "inputs", static_cast<std::int64_t>(mlp_.spec().inputs));
  h5::write_attribute(group, "outputs", static_cast<std::int64_t>(mlp_.spec().outputs));
  h5::write_attribute(group, "width", static_cast<std::int64_t>(mlp_.spec().width));
  h5::write_attribute(group, "depth", static_cast<std::int64_t>(mlp_.spec().depth));
  h5::write_attribute(group, "activation", nn::to_string(mlp_.spec().activation));
  h5::write_attribute(group, "learn_diffusion", std::string(learn_diffusion_ ? "true" : "false"));
  h5::write_attribute(group, "description",
                      std::string("MLP b(x) (outputs 0..d-1) and, if learned, the Cholesky "
                                  "factor of Sigma(x) row by row with log-diagonal"));
}

void UnstructuredModel::read_state(hid_t file) {
  require(h5::exists(file, "/unstructured/parameters"),
          "/unstructured/parameters: missing (not an unstructured fit?)");
  const std::vector<double> values =
      h5::read_doubles(h5::open_dataset(file, "/unstructured/parameters"));
  require(static_cast<Index>(values.size()) == layout_.size(),
          "/unstructured/parameters: " + std::to_string(values.size()) + " values, expected " +
              std::to_string(layout_.size()) + " for the stored options");
  set_parameters(Eigen::Map<const VectorXd>(values.data(), layout_.size()));
}

}  // namespace msflow::fit
