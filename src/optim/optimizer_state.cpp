#include "msflow/optim/optimizer_state.hpp"

#include <cmath>

#include "msflow/core/checksum.hpp"
#include "msflow/core/error.hpp"

namespace msflow::optim {

namespace {

void write_vector(MPI_Comm comm, hid_t parent, const std::string& name,
                  const std::vector<double>& values) {
  h5::write_replicated(comm, parent, name, {values.size()}, values.data());
}

void write_vector(MPI_Comm comm, hid_t parent, const std::string& name,
                  const Eigen::VectorXd& values) {
  h5::write_replicated(comm, parent, name, {static_cast<hsize_t>(values.size())}, values.data());
}

std::vector<double> read_vector(hid_t parent, const std::string& name) {
  return h5::read_doubles(h5::open_dataset(parent, name));
}

Eigen::VectorXd read_eigen(hid_t parent, const std::string& name, Eigen::Index size) {
  const std::vector<double> values = read_vector(parent, name);
  if (static_cast<Eigen::Index>(values.size()) != size)
    throw InputError("checkpoint: " + name + " has " + std::to_string(values.size()) +
                     " entries, expected " + std::to_string(size));
  return Eigen::Map<const Eigen::VectorXd>(values.data(), size);
}

}  // namespace

void History::write(MPI_Comm comm, hid_t parent, const std::string& name) const {
  const h5::Handle group = h5::create_group(parent, name);
  write_vector(comm, group, "iteration", iteration);
  write_vector(comm, group, "objective", objective);
  write_vector(comm, group, "gradient_norm", gradient_norm);
  write_vector(comm, group, "learning_rate", learning_rate);
  h5::write_attribute(group, "description",
                      std::string("per iteration: the objective J and |grad J| at the "
                                  "parameters before the step, and the step's learning rate"));
}

History History::read(hid_t parent, const std::string& name) {
  const h5::Handle group = h5::open_group(parent, name);
  History history;
  history.iteration = read_vector(group, "iteration");
  history.objective = read_vector(group, "objective");
  history.gradient_norm = read_vector(group, "gradient_norm");
  history.learning_rate = read_vector(group, "learning_rate");
  return history;
}

std::uint64_t OptimizerState::checksum() const {
  Checksum sum;
  const auto add_vector = [&sum](const Eigen::VectorXd& v) {
    sum.add_value(v.size());
    sum.add(v.data(), sizeof(double) * static_cast<std::size_t>(v.size()));
  };
  const auto add_values = [&sum](const std::vector<double>& v) {
    sum.add_value(v.size());
    sum.add(v.data(), sizeof(double) * v.size());
  };
  const auto add_adam = [&](const Adam& a) {
    sum.add_value(a.steps());
    sum.add_value(a.options().beta1), sum.add_value(a.options().beta2);
    sum.add_value(a.options().epsilon);
    add_vector(a.first_moment()), add_vector(a.second_moment());
  };
  sum.add_value(iteration), sum.add_value(step_scale), sum.add_value(has_previous);
  sum.add_value(previous_learning_rate);
  add_vector(parameters);
  add_adam(adam);
  if (has_previous) {
    add_vector(previous_parameters), add_vector(previous_gradient);
    add_adam(previous_adam);
  }
  add_values(history.iteration), add_values(history.objective);
  add_values(history.gradient_norm), add_values(history.learning_rate);
  return sum.value();
}

void OptimizerState::write(MPI_Comm comm, hid_t file) const {
  const h5::Handle group = h5::create_group(file, "state");
  h5::write_attribute(group, "iteration", iteration);
  h5::write_attribute(group, "step_scale", step_scale);
  h5::write_attribute(group, "has_previous", static_cast<std::int64_t>(has_previous));
  h5::write_attribute(group, "previous_learning_rate", previous_learning_rate);
  write_vector(comm, group, "parameters", parameters);
  adam.write(comm, group, "adam");
  if (has_previous) {
    write_vector(comm, group, "previous_parameters", previous_parameters);
    write_vector(comm, group, "previous_gradient", previous_gradient);
    previous_adam.write(comm, group, "previous_adam");
  }
  history.write(comm, group, "history");
}

OptimizerState OptimizerState::read(hid_t file, Eigen::Index parameter_count) {
  const h5::Handle group = h5::open_group(file, "state");
  OptimizerState state(read_eigen(group, "parameters", parameter_count));
  state.iteration = h5::read_int64_attribute(group, "iteration");
  state.has_previous = h5::read_int64_attribute(group, "has_previous") != 0;
  state.step_scale = h5::read_double_attribute(group, "step_scale");
  state.previous_learning_rate = h5::read_double_attribute(group, "previous_learning_rate");
  state.adam = Adam::read(group, "adam");
  if (state.has_previous) {
    state.previous_parameters = read_eigen(group, "previous_parameters", parameter_count);
    state.previous_gradient = read_eigen(group, "previous_gradient", parameter_count);
    state.previous_adam = Adam::read(group, "previous_adam");
  }
  state.history = History::read(group, "history");
  return state;
}

void OptimizerState::adam_iteration(const Objective& objective, double rate, int retries,
                                    const std::function<void(double)>& on_rollback) {
  Eigen::VectorXd gradient;
  double value = objective(parameters, static_cast<std::uint64_t>(iteration), gradient);
  int failures = 0;
  while (!std::isfinite(value) || !gradient.allFinite()) {
    if (!has_previous || ++failures > retries)
      throw CollectiveError(
          "the objective or its gradient is not finite at iteration " + std::to_string(iteration) +
              (has_previous ? " after " + std::to_string(retries) + " rollbacks with halved steps"
                            : " (initial parameters)") +
              "; try a smaller learning rate or more Monte Carlo samples",
          kExitInputError);
    step_scale *= 0.5;
    on_rollback(step_scale);
    parameters = previous_parameters;
    adam = previous_adam;
    adam.step(parameters, previous_gradient, previous_learning_rate * step_scale);
    value = objective(parameters, static_cast<std::uint64_t>(iteration), gradient);
  }
  previous_parameters = parameters;
  previous_adam = adam;
  previous_gradient = gradient;
  previous_learning_rate = rate;
  has_previous = true;
  adam.step(parameters, gradient, rate * step_scale);
  history.push(iteration, value, gradient.norm(), rate * step_scale);
  ++iteration;
}

}  // namespace msflow::optim
