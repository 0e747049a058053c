#include "msflow/optim/adam.hpp"

#include <cmath>
#include <vector>

#include <stdexcept>

#include "msflow/core/error.hpp"

namespace msflow::optim {

Adam::Adam(Eigen::Index size, AdamOptions options)
    : options_(options), first_(Eigen::VectorXd::Zero(size)), second_(Eigen::VectorXd::Zero(size)) {
  require(options.beta1 >= 0 && options.beta1 < 1 && options.beta2 >= 0 && options.beta2 < 1 &&
              options.epsilon > 0,
          "adam: need 0 <= beta1, beta2 < 1 and epsilon > 0");
}

void Adam::step(Eigen::VectorXd& parameters, const Eigen::VectorXd& gradient,
                double learning_rate) {
  if (parameters.size() != first_.size() || gradient.size() != first_.size())
    throw std::logic_error("adam: parameter/gradient size does not match the optimizer state");
  ++steps_;
  const double b1 = options_.beta1, b2 = options_.beta2;
  first_ = b1 * first_ + (1 - b1) * gradient;
  second_ = b2 * second_ + (1 - b2) * gradient.cwiseAbs2();
  const double t = static_cast<double>(steps_);
  const double correction1 = 1 - std::pow(b1, t), correction2 = 1 - std::pow(b2, t);
  parameters.array() -= learning_rate * (first_.array() / correction1) /
                        ((second_.array() / correction2).sqrt() + options_.epsilon);
}

void Adam::write(MPI_Comm comm, hid_t parent, const std::string& name) const {
  const h5::Handle group = h5::create_group(parent, name);
  h5::write_attribute(group, "schema", std::string("msflow.adam"));
  h5::write_attribute(group, "beta1", options_.beta1);
  h5::write_attribute(group, "beta2", options_.beta2);
  h5::write_attribute(group, "epsilon", options_.epsilon);
  h5::write_attribute(group, "steps", steps_);
  const h5::Shape shape{static_cast<hsize_t>(first_.size())};
  h5::write_replicated(comm, group, "first_moment", shape, first_.data());
  h5::write_replicated(comm, group, "second_moment", shape, second_.data());
}

Adam Adam::read(hid_t parent, const std::string& name) {
  require(h5::exists(parent, name), "optimizer group '" + name + "' not found");
  const h5::Handle group = h5::open_group(parent, name);
  for (const char* attribute : {"beta1", "beta2", "epsilon", "steps"})
    require(h5::has_attribute(group, attribute),
            "optimizer group '" + name + "': missing attribute '" + attribute + "'");
  for (const char* dataset : {"first_moment", "second_moment"})
    require(h5::exists(group, dataset),
            "optimizer group '" + name + "': missing dataset '" + dataset + "'");
  AdamOptions options;
  options.beta1 = h5::read_double_attribute(group, "beta1");
  options.beta2 = h5::read_double_attribute(group, "beta2");
  options.epsilon = h5::read_double_attribute(group, "epsilon");
  const std::vector<double> first = h5::read_doubles(h5::open_dataset(group, "first_moment"));
  const std::vector<double> second = h5::read_doubles(h5::open_dataset(group, "second_moment"));
  require(first.size() == second.size(), "optimizer group '" + name + "': moment sizes differ");
  Adam adam(static_cast<Eigen::Index>(first.size()), options);
  adam.steps_ = h5::read_int64_attribute(group, "steps");
  require(adam.steps_ >= 0, "optimizer group '" + name + "': negative step count");
  adam.first_ = Eigen::Map<const Eigen::VectorXd>(first.data(), first.size());
  adam.second_ = Eigen::Map<const Eigen::VectorXd>(second.data(), second.size());
  return adam;
}

}  // namespace msflow::optim
