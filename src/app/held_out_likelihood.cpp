#include "held_out_likelihood.hpp"

#include <memory>
#include <vector>

#include "msflow/fit/likelihood.hpp"
#include "msflow/fit/objective.hpp"
#include "msflow/fit/transition_reader.hpp"

namespace msflow::app {

LikelihoodPerTransition likelihood_per_transition(MPI_Comm comm, const fit::FittedModel& fitted,
                                                  const std::string& data) {
  const std::shared_ptr<fit::AveragedModel> model = fitted.shared_model();
  const Eigen::VectorXd parameters = model->parameters();
  const fit::ObservedTransitions observed = fit::read_transitions(comm, data, model->slow_dim(), 1);
  // No prior terms: only −ln L. Exact averaging, so no interpolation error enters a comparison
  // between models fitted with different averaging.
  fit::Objective objective(model, std::make_unique<fit::ExactLikelihood>(comm, observed.window),
                           {});
  Eigen::VectorXd gradient;
  std::vector<fit::TermValue> terms;
  objective.evaluate(parameters, 0, gradient, &terms);
  LikelihoodPerTransition result;
  result.transitions = observed.window->total;
  for (const auto& term : terms)
    if (term.name == "likelihood")
      result.value = term.value / static_cast<double>(result.transitions);
  return result;
}

}  // namespace msflow::app
