#include "msflow/optim/optimizer_state.hpp"

#include <cmath>

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
