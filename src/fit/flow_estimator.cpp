#include "msflow/fit/flow_estimator.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "msflow/core/error.hpp"
#include "msflow/core/log.hpp"
#include "msflow/fit/gaussian_transition.hpp"
#include "msflow/flow/flow_io.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::fit {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

flow::FlowSpec flow_spec_from(const Config& config, int dim, int context_dim) {
  flow::FlowSpec spec;
  spec.type = flow::parse_coupling_type(config.get_string("flow.type"));
  spec.dim = dim;
  spec.context_dim = context_dim;
  spec.layers = static_cast<int>(config.get_int("flow.layers"));
  spec.width = static_cast<int>(config.get_int("flow.width"));
  spec.depth = static_cast<int>(config.get_int("flow.depth"));
  spec.activation = nn::parse_activation(config.get_string("flow.activation"));
  spec.spline.bins = static_cast<int>(config.get_int("flow.bins"));
  spec.spline.bound = config.get_double("flow.bound");
  spec.validate();
  return spec;
}

bool conditional_from(const Config& config, const Model& model) {
  const std::string text = config.get_string("flow.conditional");
  if (text == "auto") return model.fast_law_depends_on_slow();
  return config.get_bool("flow.conditional");
}

std::vector<int> learned_from(const Config& config, const Model& model) {
  std::vector<int> learned;
  if (!config.has("fit.learn")) return learned;
  const auto names = model.parameter_names();
  std::stringstream list(config.get_string("fit.learn"));
  std::string name;
  while (std::getline(list, name, ',')) {
    name.erase(std::remove(name.begin(), name.end(), ' '), name.end());
    if (name.empty()) continue;
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

FlowEstimator::FlowEstimator(const Config& config, Model& model, std::size_t total_transitions)
    : model_(model),
      flow_(flow_spec_from(config, model.fast_dim(),
                           conditional_from(config, model) ? model.slow_dim() : 0)),
      conditional_(conditional_from(config, model)),
      samples_(static_cast<int>(config.get_int("fit.L"))),
      eval_samples_(static_cast<int>(config.get_int("fit.eval_samples"))),
      lambda_(config.get_double("fit.lambda")),
      power_(config.get_double("fit.p")),
      weight_decay_(config.get_double("fit.weight_decay")),
      seed_(config.get_uint64("fit.seed")),
      total_transitions_(total_transitions),
      learned_(learned_from(config, model)) {
  require(samples_ >= 1, "option --fit.L: must be >= 1");
  require(eval_samples_ >= 1, "option --fit.eval_samples: must be >= 1");
  require(lambda_ >= 0, "option --fit.lambda: must be >= 0");
  require(power_ >= 1, "option --fit.p: must be >= 1");
  require(weight_decay_ >= 0, "option --fit.weight_decay: must be >= 0");
  flow_.initialize(seed_);  // the identity map: y = z to start with
}

Index FlowEstimator::parameter_count() const {
  return flow_.parameter_count() + static_cast<Index>(learned_.size());
}

VectorXd FlowEstimator::parameters() const {
  VectorXd all(parameter_count());
  all.head(flow_.parameter_count()) = flow_.parameters();
  const auto eta = model_.parameters();
  for (std::size_t i = 0; i < learned_.size(); ++i)
    all[flow_.parameter_count() + static_cast<Index>(i)] = eta[learned_[i]];
  return all;
}

void FlowEstimator::set_parameters(const VectorXd& parameters) {
  flow_.set_parameters(parameters.head(flow_.parameter_count()));
  if (learned_.empty()) return;
  auto eta = model_.parameters();
  for (std::size_t i = 0; i < learned_.size(); ++i)
    eta[learned_[i]] = parameters[flow_.parameter_count() + static_cast<Index>(i)];
  model_.set_parameters(eta);
}

bool FlowEstimator::diffusion_is_fixed() const {
  if (model_.diffusion_depends_on_fast()) return false;  // Σ̄ depends on the learned law
  return std::none_of(learned_.begin(), learned_.end(),
                      [this](int index) { return model_.diffusion_depends_on_parameter(index); });
}

MatrixXd FlowEstimator::base_samples(Purpose purpose, std::uint64_t draw, int count) const {
  const int m = model_.fast_dim();
  MatrixXd z(m, count);
  for (int l = 0; l < count; ++l)
    fill_normals({seed_, purpose}, draw, static_cast<std::uint64_t>(l), z.col(l).data(), m);
  return z;
}

double FlowEstimator::add_penalty(const Eigen::Ref<const MatrixXd>& y, double weight,
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

double FlowEstimator::add_weight_decay(VectorXd& flow_gradient) const {
  if (weight_decay_ == 0) return 0;
  // The couplings come first in the flat vector; the elementwise affine layer (location and
  // scale) is left free, so the decay pulls the law towards a Gaussian, not towards N(0, I).
  const flow::FlowLayer& last = *flow_.layers().back();
  const Index affine = last.kind() == "elementwise_affine" ? last.parameter_count() : 0;
  const Index couplings = flow_.parameter_count() - affine;
  const VectorXd theta = flow_.parameters().head(couplings);
  flow_gradient.head(couplings) += weight_decay_ * theta;
  return 0.5 * weight_decay_ * theta.squaredNorm();
}

std::size_t FlowEstimator::conditional_chunk() const {
  return std::max<std::size_t>(1, 8192 / static_cast<std::size_t>(samples_));
}

void FlowEstimator::push_conditional(const MatrixXd& z, const double* points, std::size_t count,
                                     MatrixXd& y) {
  const int d = model_.slow_dim();
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

double FlowEstimator::local_objective(const TransitionWindow& window, std::uint64_t draw,
                                      bool count_shared_terms, VectorXd& gradient) {
  const int d = model_.slow_dim(), L = samples_;
  const MatrixXd z = base_samples(Purpose::kFitBaseSamples, draw, L);
  std::vector<double> eta_adjoint(model_.parameters().size(), 0.0);
  VectorXd flow_gradient = VectorXd::Zero(flow_.parameter_count());
  double value = 0;
  MatrixXd y, y_adjoint;
  VectorXd logdet;

  // The transition's −ln p and its adjoints with respect to (b̄, Σ̄).
  auto transition_adjoint = [&](std::size_t k) {
    return [&, k](const Model::SlowAverages& averages) {
      const TransitionTerm term = gaussian_transition(d, &window.increment[k * d], window.dt[k],
                                                      averages.drift, averages.diffusion);
      value += term.value;
      Model::SlowAverages adjoint;
      std::copy(term.drift_adjoint, term.drift_adjoint + d, adjoint.drift);
      std::copy(term.diffusion_adjoint, term.diffusion_adjoint + d * d, adjoint.diffusion);
      return adjoint;
    };
  };

  if (!conditional_) {
    // One law for every transition: push the samples once, accumulate ∂J/∂y over the window,
    // pull back once.
    flow_.forward(z, MatrixXd(), y, logdet);
    y_adjoint.setZero(y.rows(), y.cols());
    for (std::size_t k = 0; k < window.size(); ++k)
      model_.average_slow_terms(&window.start[k * d], y.data(), L, transition_adjoint(k),
                                y_adjoint.data(), eta_adjoint.data());
    if (count_shared_terms) value += add_penalty(y, lambda_ / L, y_adjoint);
    flow_.backward(y_adjoint, VectorXd::Zero(L), flow_gradient, nullptr, nullptr);
  } else {
    // y = T(z; x_k) differs per transition: chunks of transitions share one batched pass.
    const std::size_t chunk = conditional_chunk();
    const double penalty_weight = lambda_ / (static_cast<double>(L) * total_transitions_);
    for (std::size_t first = 0; first < window.size(); first += chunk) {
      const std::size_t count = std::min(chunk, window.size() - first);
      push_conditional(z, &window.start[first * d], count, y);
      y_adjoint.setZero(y.rows(), y.cols());
      for (std::size_t j = 0; j < count; ++j) {
        const Index column = static_cast<Index>(j) * L;
        model_.average_slow_terms(&window.start[(first + j) * d], y.col(column).data(), L,
                                  transition_adjoint(first + j), y_adjoint.col(column).data(),
                                  eta_adjoint.data());
      }
      value += add_penalty(y, penalty_weight, y_adjoint);
      flow_.backward(y_adjoint, VectorXd::Zero(y.cols()), flow_gradient, nullptr, nullptr);
    }
  }
  if (count_shared_terms) value += add_weight_decay(flow_gradient);
  gradient.head(flow_.parameter_count()) += flow_gradient;
  for (std::size_t i = 0; i < learned_.size(); ++i)
    gradient[flow_.parameter_count() + static_cast<Index>(i)] += eta_adjoint[learned_[i]];
  return value;
}

void FlowEstimator::averages_at(const std::vector<double>& points, std::uint64_t draw,
                                std::vector<double>& drift, std::vector<double>& diffusion) {
  const int d = model_.slow_dim(), L = samples_;
  const std::size_t count = points.size() / d;
  const MatrixXd z = base_samples(Purpose::kFitBaseSamples, draw, L);
  drift.assign(count * d, 0.0);
  diffusion.assign(count * d * d, 0.0);
  auto store = [&](std::size_t j, const double* fast) {
    const auto averages = model_.average_slow_terms(&points[j * d], fast, L, {}, nullptr, nullptr);
    std::copy(averages.drift, averages.drift + d, &drift[j * d]);
    std::copy(averages.diffusion, averages.diffusion + d * d, &diffusion[j * d * d]);
  };
  MatrixXd y;
  if (!conditional_) {
    VectorXd logdet;
    flow_.forward(z, MatrixXd(), y, logdet);
    for (std::size_t j = 0; j < count; ++j)
      store(j, y.data());
    return;
  }
  for (std::size_t first = 0; first < count; first += conditional_chunk()) {
    const std::size_t chunk = std::min(conditional_chunk(), count - first);
    push_conditional(z, &points[first * d], chunk, y);
    for (std::size_t j = 0; j < chunk; ++j)
      store(first + j, y.col(static_cast<Index>(j) * L).data());
  }
}

double FlowEstimator::pull_back_averages(const std::vector<double>& points, std::uint64_t draw,
                                         const std::vector<double>& drift_adjoint,
                                         const std::vector<double>& diffusion_adjoint,
                                         const std::vector<double>& point_weights,
                                         bool count_shared_terms, VectorXd& gradient) {
  const int d = model_.slow_dim(), L = samples_;
  const std::size_t count = points.size() / d;
  const MatrixXd z = base_samples(Purpose::kFitBaseSamples, draw, L);
  std::vector<double> eta_adjoint(model_.parameters().size(), 0.0);
  VectorXd flow_gradient = VectorXd::Zero(flow_.parameter_count());
  // The fused kernel recomputes the averages at point j and pulls back its given adjoint.
  auto pull = [&](std::size_t j, const double* fast, double* fast_adjoint) {
    Model::SlowAverages adjoint;
    std::copy(&drift_adjoint[j * d], &drift_adjoint[j * d] + d, adjoint.drift);
    std::copy(&diffusion_adjoint[j * d * d], &diffusion_adjoint[j * d * d] + d * d,
              adjoint.diffusion);
    model_.average_slow_terms(
        &points[j * d], fast, L, [&adjoint](const Model::SlowAverages&) { return adjoint; },
        fast_adjoint, eta_adjoint.data());
  };
  double penalty = 0;
  MatrixXd y, y_adjoint;
  if (!conditional_) {
    VectorXd logdet;
    flow_.forward(z, MatrixXd(), y, logdet);
    y_adjoint.setZero(y.rows(), y.cols());
    for (std::size_t j = 0; j < count; ++j)
      pull(j, y.data(), y_adjoint.data());
    if (count_shared_terms) penalty = add_penalty(y, lambda_ / L, y_adjoint);
    flow_.backward(y_adjoint, VectorXd::Zero(L), flow_gradient, nullptr, nullptr);
  } else {
    for (std::size_t first = 0; first < count; first += conditional_chunk()) {
      const std::size_t chunk = std::min(conditional_chunk(), count - first);
      push_conditional(z, &points[first * d], chunk, y);
      y_adjoint.setZero(y.rows(), y.cols());
      for (std::size_t j = 0; j < chunk; ++j) {
        const Index column = static_cast<Index>(j) * L;
        pull(first + j, y.col(column).data(), y_adjoint.col(column).data());
        penalty += add_penalty(y.middleCols(column, L), lambda_ * point_weights[first + j] / L,
                               y_adjoint.middleCols(column, L));
      }
      flow_.backward(y_adjoint, VectorXd::Zero(y.cols()), flow_gradient, nullptr, nullptr);
    }
  }
  if (count_shared_terms) penalty += add_weight_decay(flow_gradient);
  gradient.head(flow_.parameter_count()) += flow_gradient;
  for (std::size_t i = 0; i < learned_.size(); ++i)
    gradient[flow_.parameter_count() + static_cast<Index>(i)] += eta_adjoint[learned_[i]];
  return penalty;
}

void FlowEstimator::evaluate(const std::vector<double>& points, std::vector<double>& drift,
                             std::vector<double>& diffusion) {
  const int d = model_.slow_dim();
  const std::size_t count = points.size() / d;
  const MatrixXd z = base_samples(Purpose::kFitEvaluation, 0, eval_samples_);
  drift.assign(count * d, 0.0);
  diffusion.assign(count * d * d, 0.0);
  MatrixXd y, context;
  VectorXd logdet;
  if (!conditional_) flow_.forward(z, MatrixXd(), y, logdet);
  for (std::size_t g = 0; g < count; ++g) {
    if (conditional_) {
      context.resize(d, eval_samples_);
      for (int a = 0; a < d; ++a)
        context.row(a).setConstant(points[g * d + a]);
      flow_.forward(z, context, y, logdet);
    }
    const auto averages =
        model_.average_slow_terms(&points[g * d], y.data(), eval_samples_, {}, nullptr, nullptr);
    std::copy(averages.drift, averages.drift + d, &drift[g * d]);
    std::copy(averages.diffusion, averages.diffusion + d * d, &diffusion[g * d * d]);
  }
}

void FlowEstimator::write(MPI_Comm comm, hid_t file) {
  flow::write_flow(comm, file, "flow", flow_);
  const int d = model_.slow_dim(), m = model_.fast_dim();
  // Samples of the learned law (at the origin of x if conditional), pooled by particle: the
  // fast vector is a list of particles of dimension d whenever m is a multiple of d.
  const MatrixXd z = base_samples(Purpose::kFitEvaluation, 0, eval_samples_);
  MatrixXd y, context;
  VectorXd logdet;
  if (conditional_) context = MatrixXd::Zero(d, eval_samples_);
  flow_.forward(z, conditional_ ? context : MatrixXd(), y, logdet);
  const h5::Handle law = h5::create_group(file, "law");
  h5::write_replicated(comm, law, "samples",
                       {static_cast<hsize_t>(y.cols()), static_cast<hsize_t>(m)},
                       y.data());  // column-major m × S is row-major S × m
  h5::write_attribute(law, "description",
                      std::string("samples y = T(z) of the learned fast invariant law") +
                          (conditional_ ? " at x = 0" : "") +
                          "; particle_*: the pooled one-particle marginal (iqr_variance = "
                          "(interquartile range / 1.349)^2, the variance of a normal with the "
                          "same quartiles)");
  if (m % d == 0) {
    const Index particles = m / d;
    const Eigen::Map<const MatrixXd> pooled(y.data(), d, y.cols() * particles);
    const VectorXd mean = pooled.rowwise().mean();
    const MatrixXd centred = pooled.colwise() - mean;
    const VectorXd variance = centred.rowwise().squaredNorm() / static_cast<double>(pooled.cols());
    h5::write_replicated(comm, law, "particle_samples",
                         {static_cast<hsize_t>(pooled.cols()), static_cast<hsize_t>(d)},
                         pooled.data());
    h5::write_attribute(law, "particle_mean", std::vector<double>(mean.data(), mean.data() + d));
    h5::write_attribute(law, "particle_variance",
                        std::vector<double>(variance.data(), variance.data() + d));
    // b̄ sees the law only through a kernel of range ℓ, so samples far from every x are not
    // constrained by the data (only by the moment penalty) and can inflate the moments; the
    // median and the interquartile spread describe the bulk that b̄ does see.
    std::vector<double> median(d), robust_variance(d);
    for (int a = 0; a < d; ++a) {
      std::vector<double> axis(pooled.cols());
      for (Index j = 0; j < pooled.cols(); ++j)
        axis[j] = pooled(a, j);
      std::sort(axis.begin(), axis.end());
      const auto quantile = [&axis](double q) {
        return axis[static_cast<std::size_t>(q * static_cast<double>(axis.size() - 1))];
      };
      median[a] = quantile(0.5);
      robust_variance[a] = std::pow((quantile(0.75) - quantile(0.25)) / 1.3489795003921634, 2);
    }
    h5::write_attribute(law, "particle_median", median);
    h5::write_attribute(law, "particle_iqr_variance", robust_variance);
  }
  if (!learned_.empty()) {
    const h5::Handle group = h5::create_group(file, "parameters");
    const auto names = model_.parameter_names();
    const auto eta = model_.parameters();
    for (int index : learned_)
      h5::write_attribute(group, names[index], eta[index]);
    h5::write_attribute(group, "description",
                        std::string("physical parameters fitted jointly (--fit.learn)"));
  }
}

std::string FlowEstimator::describe_physical_parameters() const {
  std::ostringstream out;
  const auto names = model_.parameter_names();
  const auto eta = model_.parameters();
  for (int index : learned_)
    out << (out.tellp() > 0 ? ", " : "") << names[index] << " = " << eta[index];
  return out.str();
}

std::string FlowEstimator::describe_penalties() const {
  std::string text = "penalties: moment " + format_number(lambda_) + "·mean|T(z)|^" +
                     format_number(power_) + " (--fit.lambda, --fit.p)";
  if (weight_decay_ > 0)
    text += ", weight decay (" + format_number(weight_decay_) +
            "/2)·|θ_c|² over the coupling layers (--fit.weight_decay)";
  return text;
}

}  // namespace msflow::fit
