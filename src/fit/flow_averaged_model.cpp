#include "msflow/fit/flow_averaged_model.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "msflow/core/error.hpp"
#include "msflow/core/log.hpp"
#include "msflow/flow/flow_io.hpp"

namespace msflow::fit {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

std::vector<int> learned_indices(const std::vector<std::string>& learn, const Model& model) {
  std::vector<int> learned;
  const auto names = model.parameter_names();
  for (const auto& name : learn) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string known;
      for (const auto& n : names)
        known += (known.empty() ? "" : ", ") + n;
      throw InputError("option --fit.learn: model " + model.name() + " has no parameter '" + name +
                       "' (its parameters: " + known + ")");
    }
    const int index = static_cast<int>(it - names.begin());
    if (std::find(learned.begin(), learned.end(), index) == learned.end()) learned.push_back(index);
  }
  return learned;
}

}  // namespace

FlowAveragedModel::FlowAveragedModel(const AveragedModelSettings& settings, const Model& model)
    : model_(model.clone()),
      flow_(settings.flow.spec(
          model.fast_dim(),
          settings.conditional.value_or(model.fast_law_depends_on_slow()) ? model.slow_dim() : 0)),
      conditional_(settings.conditional.value_or(model.fast_law_depends_on_slow())),
      samples_(settings.samples),
      eval_samples_(settings.eval_samples),
      lambda_(settings.lambda),
      power_(settings.power),
      seed_(settings.seed),
      learned_(learned_indices(settings.learn, model)),
      eta_count_(static_cast<Index>(model.parameter_names().size())) {
  flow_.initialize(seed_);  // the identity map: y = z to start with
  const flow::FlowLayer& last = *flow_.layers().back();
  const Index affine = last.kind() == "elementwise_affine" ? last.parameter_count() : 0;
  layout_.append("flow.couplings", flow_.parameter_count() - affine);
  if (affine > 0) layout_.append("flow.affine", affine);
  const auto info = model_->parameter_info();
  const auto eta = model_->parameters();
  initial_.resize(flow_.parameter_count() + static_cast<Index>(learned_.size()));
  initial_.head(flow_.parameter_count()) = flow_.parameters();
  for (std::size_t i = 0; i < learned_.size(); ++i) {
    const ParameterInfo& parameter = info[learned_[i]];
    layout_.append("eta." + parameter.name, 1, parameter.domain);
    domains_.push_back(parameter.domain);
    if (!parameter.domain.contains(eta[learned_[i]]))
      throw InputError("option --model." + parameter.name + ": the starting value " +
                       format_number(eta[learned_[i]]) + " of a learned parameter must be " +
                       parameter.domain.describe());
    initial_[flow_.parameter_count() + static_cast<Index>(i)] =
        parameter.domain.to_unconstrained(eta[learned_[i]]);
  }
  set_parameters(initial_);
}

std::string FlowAveragedModel::describe() const {
  const flow::FlowSpec& s = flow_.spec();
  std::ostringstream out;
  out << "flow model: " << flow::to_string(s.type) << " flow of " << s.layers << " layers, "
      << s.depth << " × " << s.width << " conditioners, "
      << (conditional_ ? "conditioned on x" : "one law for every x") << "; L = " << samples_
      << " base samples per evaluation; " << layout_.size() << " parameters";
  if (!learned_.empty()) {
    out << " (physical:";
    const auto names = model_->parameter_names();
    for (std::size_t i = 0; i < learned_.size(); ++i)
      out << " " << names[learned_[i]] << " " << domains_[i].describe();
    out << ")";
  }
  out << "; moment penalty " << format_number(lambda_) << "·mean|T(z)|^" << format_number(power_);
  return out.str();
}

void FlowAveragedModel::set_parameters(const VectorXd& parameters) {
  if (parameters.size() != layout_.size())
    throw std::logic_error("FlowAveragedModel::set_parameters: wrong size");
  parameters_ = parameters;
  flow_.set_parameters(parameters.head(flow_.parameter_count()));
  if (learned_.empty()) return;
  auto eta = model_->parameters();
  for (std::size_t i = 0; i < learned_.size(); ++i)
    eta[learned_[i]] =
        domains_[i].from_unconstrained(parameters[flow_.parameter_count() + static_cast<Index>(i)]);
  model_->set_parameters(eta);
}

bool FlowAveragedModel::diffusion_is_fixed() const {
  if (model_->diffusion_depends_on_fast()) return false;  // Σ̄ depends on the learned law
  return std::none_of(learned_.begin(), learned_.end(),
                      [this](int index) { return model_->diffusion_depends_on_parameter(index); });
}

MatrixXd FlowAveragedModel::base_samples(Purpose purpose, std::uint64_t draw, int count) const {
  const int m = model_->fast_dim();
  MatrixXd z(m, count);
  for (int l = 0; l < count; ++l)
    fill_normals({seed_, purpose}, draw, static_cast<std::uint64_t>(l), z.col(l).data(), m);
  return z;
}

double FlowAveragedModel::add_penalty(const Eigen::Ref<const MatrixXd>& y, double weight,
                                      Eigen::Ref<MatrixXd> y_adjoint) const {
  if (lambda_ == 0 || weight == 0) return 0;
  double penalty = 0;
  for (Index l = 0; l < y.cols(); ++l) {
    const double norm = y.col(l).norm();
    penalty += std::pow(norm, power_);
    // ∂|y|^p/∂y = p |y|^{p−2} y (zero at y = 0 for p ≥ 1 by continuity of the p = 1 subgradient)
    if (norm > 0) y_adjoint.col(l) += weight * power_ * std::pow(norm, power_ - 2) * y.col(l);
  }
  return weight * penalty;
}

std::size_t FlowAveragedModel::conditional_chunk(int samples) const {
  return std::max<std::size_t>(1, 8192 / static_cast<std::size_t>(samples));
}

void FlowAveragedModel::push_conditional(const MatrixXd& z, const double* points, std::size_t count,
                                         MatrixXd& y) {
  const int d = model_->slow_dim();
  const Index L = z.cols();
  MatrixXd tiled(z.rows(), static_cast<Index>(count) * L), context(d, tiled.cols());
  for (std::size_t j = 0; j < count; ++j) {
    tiled.middleCols(static_cast<Index>(j) * L, L) = z;
    for (int a = 0; a < d; ++a)
      context.row(a).segment(static_cast<Index>(j) * L, L).setConstant(points[j * d + a]);
  }
  VectorXd logdet;
  flow_.forward(tiled, context, y, logdet);
}

void FlowAveragedModel::begin(std::uint64_t draw) {
  z_ = base_samples(Purpose::kFitBaseSamples, draw, samples_);
  if (conditional_) return;
  VectorXd logdet;
  flow_.forward(z_, MatrixXd(), y_, logdet);  // finish() pulls back through this pass
}

void FlowAveragedModel::averages_with(const MatrixXd& z, const MatrixXd& pushed,
                                      const double* points, std::size_t count, double* drift,
                                      double* diffusion) {
  const int d = model_->slow_dim();
  const auto L = static_cast<int>(z.cols());
  auto store = [&](std::size_t j, const double* fast) {
    const auto averages = model_->average_slow_terms(&points[j * d], fast, L, {}, nullptr, nullptr);
    std::copy(averages.drift, averages.drift + d, &drift[j * d]);
    std::copy(averages.diffusion, averages.diffusion + d * d, &diffusion[j * d * d]);
  };
  if (!conditional_) {
    for (std::size_t j = 0; j < count; ++j)
      store(j, pushed.data());
    return;
  }
  MatrixXd y;
  for (std::size_t first = 0; first < count; first += conditional_chunk(L)) {
    const std::size_t chunk = std::min(conditional_chunk(L), count - first);
    push_conditional(z, &points[first * d], chunk, y);
    for (std::size_t j = 0; j < chunk; ++j)
      store(first + j, y.col(static_cast<Index>(j) * L).data());
  }
}

void FlowAveragedModel::averages(const double* points, std::size_t count, double* drift,
                                 double* diffusion) {
  averages_with(z_, y_, points, count, drift, diffusion);
}

Index FlowAveragedModel::adjoint_size() const {
  const Index head = conditional_ ? flow_.parameter_count() : flow_.dim() * samples_;
  return head + eta_count_;
}

double FlowAveragedModel::pull_back(const double* points, std::size_t count,
                                    const PointAdjoint& adjoint, const double* penalty_weights,
                                    VectorXd& reducible) {
  const int d = model_->slow_dim(), L = samples_;
  const Index head = adjoint_size() - eta_count_;
  double* const eta_adjoint = reducible.data() + head;
  if (!conditional_) {
    // One law for every point: ∂J/∂y of the shared samples accumulates over the points.
    double* const y_adjoint = reducible.data();
    for (std::size_t j = 0; j < count; ++j)
      model_->average_slow_terms(
          &points[j * d], y_.data(), L,
          [&adjoint, j](const Model::SlowAverages& averages) { return adjoint(j, averages); },
          y_adjoint, eta_adjoint);
    return 0;
  }
  // y = T(z; x_j) differs per point: chunks of points share one batched pass, and their
  // reverse pass goes straight into the parameter gradient.
  double penalty = 0;
  MatrixXd y, y_adjoint;
  VectorXd flow_gradient = VectorXd::Zero(flow_.parameter_count());
  for (std::size_t first = 0; first < count; first += conditional_chunk(L)) {
    const std::size_t chunk = std::min(conditional_chunk(L), count - first);
    push_conditional(z_, &points[first * d], chunk, y);
    y_adjoint.setZero(y.rows(), y.cols());
    for (std::size_t j = 0; j < chunk; ++j) {
      const Index column = static_cast<Index>(j) * L;
      const std::size_t point = first + j;
      model_->average_slow_terms(
          &points[point * d], y.col(column).data(), L,
          [&adjoint, point](const Model::SlowAverages& averages) {
            return adjoint(point, averages);
          },
          y_adjoint.col(column).data(), eta_adjoint);
      penalty += add_penalty(y.middleCols(column, L), lambda_ * penalty_weights[point] / L,
                             y_adjoint.middleCols(column, L));
    }
    flow_.backward(y_adjoint, VectorXd::Zero(y.cols()), flow_gradient, nullptr, nullptr);
  }
  reducible.head(head) += flow_gradient;
  return penalty;
}

double FlowAveragedModel::finish(const VectorXd& reduced, VectorXd& gradient) {
  gradient.setZero(layout_.size());
  const Index flow_count = flow_.parameter_count();
  const Index head = adjoint_size() - eta_count_;
  double penalty = 0;
  if (conditional_) {
    gradient.head(flow_count) = reduced.head(flow_count);
  } else {
    // The single reverse pass through T_θ, on the summed ∂J/∂y plus the penalty's.
    MatrixXd y_adjoint = Eigen::Map<const MatrixXd>(reduced.data(), y_.rows(), y_.cols());
    penalty = add_penalty(y_, lambda_ / samples_, y_adjoint);
    VectorXd flow_gradient = VectorXd::Zero(flow_count);
    flow_.backward(y_adjoint, VectorXd::Zero(samples_), flow_gradient, nullptr, nullptr);
    gradient.head(flow_count) = flow_gradient;
  }
  for (std::size_t i = 0; i < learned_.size(); ++i) {
    const Index at = flow_count + static_cast<Index>(i);
    gradient[at] = reduced[head + learned_[i]] * domains_[i].derivative(parameters_[at]);
  }
  return penalty;
}

void FlowAveragedModel::evaluate(const double* points, std::size_t count, double* drift,
                                 double* diffusion) {
  const MatrixXd z = base_samples(Purpose::kFitEvaluation, 0, eval_samples_);
  MatrixXd y;
  if (!conditional_) {
    VectorXd logdet;
    flow_.forward(z, MatrixXd(), y, logdet);
  }
  averages_with(z, y, points, count, drift, diffusion);
}

MatrixXd FlowAveragedModel::law_samples() {
  const int d = model_->slow_dim();
  const MatrixXd z = base_samples(Purpose::kFitEvaluation, 0, eval_samples_);
  MatrixXd y;
  VectorXd logdet;
  const MatrixXd context = conditional_ ? MatrixXd::Zero(d, eval_samples_) : MatrixXd();
  flow_.forward(z, context, y, logdet);
  return y;
}

void FlowAveragedModel::write_state(MPI_Comm comm, hid_t file) const {
  flow::write_flow(comm, file, "flow", flow_);
  if (learned_.empty()) return;
  const h5::Handle group = h5::create_group(file, "parameters");
  const auto names = model_->parameter_names();
  const auto eta = model_->parameters();
  for (int index : learned_)
    h5::write_attribute(group, names[index], eta[index]);
  const VectorXd unconstrained = parameters_.tail(static_cast<Index>(learned_.size()));
  h5::write_replicated(comm, group, "unconstrained", {static_cast<hsize_t>(unconstrained.size())},
                       unconstrained.data());
  std::string list;
  for (int index : learned_)
    list += (list.empty() ? "" : ",") + names[index];
  h5::write_attribute(group, "names", list);
  h5::write_attribute(group, "description",
                      std::string("physical parameters fitted jointly (--fit.learn): attributes "
                                  "hold their values; 'unconstrained' the optimizer's "
                                  "coordinates (log of a positive parameter)"));
}

void FlowAveragedModel::read_state(hid_t file) {
  const flow::Flow stored = flow::read_flow(file, "flow");
  require(stored.spec() == flow_.spec(),
          "/flow: the stored architecture differs from the stored options");
  VectorXd parameters = parameters_;
  parameters.head(flow_.parameter_count()) = stored.parameters();
  if (!learned_.empty()) {
    require(h5::exists(file, "/parameters/unconstrained"),
            "/parameters/unconstrained: missing (the file does not hold the learned parameters)");
    const std::vector<double> values =
        h5::read_doubles(h5::open_dataset(file, "/parameters/unconstrained"));
    require(values.size() == learned_.size(),
            "/parameters/unconstrained: expected " + std::to_string(learned_.size()) + " values");
    for (std::size_t i = 0; i < learned_.size(); ++i)
      parameters[flow_.parameter_count() + static_cast<Index>(i)] = values[i];
  }
  set_parameters(parameters);
}

}  // namespace msflow::fit
