#include "msflow/fit/objective.hpp"

namespace msflow::fit {

Objective::Objective(std::shared_ptr<AveragedModel> model, std::unique_ptr<Likelihood> likelihood,
                     std::vector<std::unique_ptr<ParameterTerm>> terms)
    : model_(std::move(model)), likelihood_(std::move(likelihood)), terms_(std::move(terms)) {}

double Objective::evaluate(const Eigen::VectorXd& parameters, std::uint64_t draw,
                           Eigen::VectorXd& gradient, std::vector<TermValue>* terms) {
  model_->set_parameters(parameters);
  model_->begin(draw);
  const DataTermSums sums = likelihood_->evaluate(*model_);
  const double penalty = sums.moment_penalty + model_->finish(sums.adjoint, gradient);
  double value = sums.negative_log_likelihood + penalty;
  if (terms) {
    terms->clear();
    terms->push_back({"likelihood", sums.negative_log_likelihood});
    terms->push_back({"moment_penalty", penalty});
  }
  for (const auto& term : terms_) {
    const double part = term->add(parameters, gradient);
    value += part;
    if (terms) terms->push_back({term->name(), part});
  }
  return value;
}

std::string Objective::describe() const {
  // The transition density is named by the likelihood's own line (Euler–Maruyama or second-order).
  std::string text = "objective: −ln L + moment penalty";
  for (const auto& term : terms_)
    text += " + " + term->describe();
  return text;
}

}  // namespace msflow::fit
