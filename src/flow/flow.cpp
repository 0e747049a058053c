#include "msflow/flow/flow.hpp"

#include <cmath>

#include <stdexcept>

#include "msflow/core/error.hpp"
#include "msflow/flow/affine_coupling.hpp"
#include "msflow/flow/elementwise_affine.hpp"
#include "msflow/flow/permutation.hpp"
#include "msflow/flow/spline_coupling.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::flow {

namespace {
// Seeds of the fixed permutations: part of the architecture, never change them (files written
// by earlier versions rebuild their permutations from the spec).
constexpr std::uint64_t kPermutationSeed = 0x6d73666c6f77ULL;  // "msflow"
constexpr double kLogTwoPi = 1.8378770664093454835606594728112;

}  // namespace

Flow::Flow(const FlowSpec& spec) : spec_(spec) {
  spec_.validate();
  const ConditionerShape shape{spec.width, spec.depth, spec.activation};
  for (int l = 0; l < spec.layers; ++l) {
    const CouplingMask mask = CouplingMask::alternating(spec.dim, spec.dim > 1 ? l % 2 : 0);
    if (spec.type == CouplingType::kAffine)
      layers_.push_back(std::make_unique<AffineCoupling>(spec.dim, mask, spec.context_dim, shape,
                                                         spec.scale_bound));
    else
      layers_.push_back(
          std::make_unique<SplineCoupling>(spec.dim, mask, spec.context_dim, shape, spec.spline));
    if (spec.dim > 2 && l % 2 == 1 && l + 1 < spec.layers)
      layers_.push_back(std::make_unique<Permutation>(
          Permutation::seeded(spec.dim, kPermutationSeed + static_cast<std::uint64_t>(l))));
  }
  // Undo the product of the permutations so that zero conditioner outputs give exactly the
  // identity map (state_i = z_{order[i]} after the permutations so far).
  std::vector<Index> order(spec.dim);
  for (Index i = 0; i < spec.dim; ++i)
    order[i] = i;
  for (const auto& layer : layers_)
    if (const auto* permutation = dynamic_cast<const Permutation*>(layer.get())) {
      std::vector<Index> composed(spec.dim);
      for (Index i = 0; i < spec.dim; ++i)
        composed[i] = order[permutation->source()[i]];
      order = composed;
    }
  std::vector<Index> undo(spec.dim);
  bool identity = true;
  for (Index i = 0; i < spec.dim; ++i)
    undo[order[i]] = i, identity = identity && order[i] == i;
  if (!identity) layers_.push_back(std::make_unique<Permutation>(std::move(undo)));
  if (spec.elementwise_affine) layers_.push_back(std::make_unique<ElementwiseAffine>(spec.dim));
  for (const auto& layer : layers_) {
    offsets_.push_back(parameter_count_);
    parameter_count_ += layer->parameter_count();
  }
}

Flow::Flow(const Flow& other)
    : spec_(other.spec_),
      offsets_(other.offsets_),
      parameter_count_(other.parameter_count_),
      direction_(other.direction_) {
  for (const auto& layer : other.layers_)
    layers_.push_back(layer->clone());
}

Flow& Flow::operator=(const Flow& other) {
  if (this != &other) *this = Flow(other);
  return *this;
}

Vector Flow::parameters() const {
  Vector parameters(parameter_count_);
  for (std::size_t i = 0; i < layers_.size(); ++i)
    layers_[i]->get_parameters(parameters.data() + offsets_[i]);
  return parameters;
}

void Flow::set_parameters(const Vector& parameters) {
  if (parameters.size() != parameter_count_)
    throw std::logic_error("flow: parameter vector has the wrong size");
  for (std::size_t i = 0; i < layers_.size(); ++i)
    layers_[i]->set_parameters(parameters.data() + offsets_[i]);
}

void Flow::initialize(std::uint64_t seed, double last_layer_scale) {
  std::vector<double> normals;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    auto* coupling = dynamic_cast<CouplingLayer*>(layers_[i].get());
    if (coupling) {
      normals.resize(static_cast<std::size_t>(coupling->parameter_count()));
      fill_normals({seed, Purpose::kFlowInit}, i, 0, normals.data(), normals.size());
      coupling->initialize(normals.data(), last_layer_scale);
    } else {
      const Vector zero = Vector::Zero(layers_[i]->parameter_count());
      layers_[i]->set_parameters(zero.data());
    }
  }
}

namespace {
// Shape mismatches are programming errors of the caller, not bad user input.
void check(bool condition, const std::string& message) {
  if (!condition) throw std::logic_error(message);
}
}  // namespace

void Flow::check_batch(const Matrix& input, const Matrix& context) const {
  check(input.rows() == spec_.dim, "flow: input has " + std::to_string(input.rows()) +
                                       " rows, expected " + std::to_string(spec_.dim));
  check(context.rows() == spec_.context_dim &&
            (spec_.context_dim == 0 || context.cols() == input.cols()),
        "flow: context must be " + std::to_string(spec_.context_dim) + " × batch");
}

void Flow::forward(const Matrix& z, const Matrix& context, Matrix& y, Vector& logdet) {
  check_batch(z, context);
  direction_ = Direction::kForward;
  log_density_cached_ = false;
  states_.resize(layers_.size());
  logdet.setZero(z.cols());
  const Matrix* in = &z;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->forward(*in, context, states_[i], layer_logdet_);
    logdet += layer_logdet_;
    in = &states_[i];
  }
  y = *in;
}

void Flow::inverse(const Matrix& y, const Matrix& context, Matrix& z, Vector& logdet) {
  check_batch(y, context);
  direction_ = Direction::kInverse;
  log_density_cached_ = false;
  states_.resize(layers_.size());
  logdet.setZero(y.cols());
  const Matrix* in = &y;
  for (std::size_t k = layers_.size(); k-- > 0;) {
    layers_[k]->inverse(*in, context, states_[k], layer_logdet_);
    logdet += layer_logdet_;
    in = &states_[k];
  }
  z = *in;
}

Vector Flow::log_density(const Matrix& y, const Matrix& context) {
  Vector logdet;
  inverse(y, context, base_, logdet);
  log_density_cached_ = true;
  return (-0.5 * base_.colwise().squaredNorm().transpose()).array() -
         0.5 * static_cast<double>(spec_.dim) * kLogTwoPi + logdet.array();
}

void Flow::backward(const Matrix& grad_output, const Vector& grad_logdet, Vector& grad_params,
                    Matrix* grad_input, Matrix* grad_context) {
  const Index batch = grad_output.cols();
  if (grad_params.size() != parameter_count_)
    throw std::logic_error("flow: gradient vector has the wrong size");
  if (grad_output.rows() != spec_.dim || grad_logdet.size() != batch ||
      (!states_.empty() && states_.front().cols() != batch))
    throw std::logic_error("flow: upstream gradients do not match the last forward/inverse batch");
  grad_context_.setZero(spec_.context_dim, batch);
  const Matrix* upstream = &grad_output;
  Matrix* downstream = &grad_a_;
  const std::size_t count = layers_.size();
  for (std::size_t step = 0; step < count; ++step) {
    // Reverse the order in which the layers ran.
    const std::size_t i = direction_ == Direction::kForward ? count - 1 - step : step;
    layers_[i]->backward(*upstream, grad_logdet, grad_params.data() + offsets_[i], *downstream,
                         grad_context_);
    upstream = downstream;
    downstream = downstream == &grad_a_ ? &grad_b_ : &grad_a_;
  }
  if (grad_input) *grad_input = *upstream;
  if (grad_context) *grad_context = grad_context_;
}

void Flow::log_density_backward(const Vector& grad_log_density, Vector& grad_params, Matrix* grad_y,
                                Matrix* grad_context) {
  check(log_density_cached_ && base_.cols() == grad_log_density.size(),
        "flow: log_density_backward must follow log_density on the same batch");
  // log q = -|z|²/2 + logdet: ∂/∂z = -z, ∂/∂logdet = 1.
  const Matrix grad_z = -(base_.array().rowwise() * grad_log_density.transpose().array()).matrix();
  backward(grad_z, grad_log_density, grad_params, grad_y, grad_context);
}

std::int64_t Flow::multiply_adds_per_sample() const {
  std::int64_t count = 0;
  for (const auto& layer : layers_)
    if (const auto* coupling = dynamic_cast<const CouplingLayer*>(layer.get()))
      count += coupling->conditioner().multiply_adds_per_sample();
  return count;
}

}  // namespace msflow::flow
