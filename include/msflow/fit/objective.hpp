#pragma once
// The objective as a sum of named terms (docs/method.md, "The objective"):
//   J(ϑ) = −ln L(ϑ) + λ m_p(θ) + Σ_i prior_i(ϑ),
// the likelihood and the moment penalty from one pass of the averaged model over the data, the
// priors from the parameters alone. evaluate() gives J and ∇J, the same bits on every rank and
// on any number of ranks, and on request each term's value (so `infer` can use −ln L and the
// log-prior separately).
#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "msflow/fit/averaged_model.hpp"
#include "msflow/fit/likelihood.hpp"
#include "msflow/fit/parameter_terms.hpp"

namespace msflow::fit {

struct TermValue {
  std::string name;  ///< "likelihood" (−ln L), "moment_penalty", "prior.flow.couplings", ...
  double value = 0;
};

class Objective {
 public:
  Objective(std::shared_ptr<AveragedModel> model, std::unique_ptr<Likelihood> likelihood,
            std::vector<std::unique_ptr<ParameterTerm>> terms);

  /// J at `parameters` with the Monte Carlo samples of `draw`, ∇J in `gradient`; each term's
  /// value in `terms` if given. Collective.
  double evaluate(const Eigen::VectorXd& parameters, std::uint64_t draw, Eigen::VectorXd& gradient,
                  std::vector<TermValue>* terms = nullptr);

  AveragedModel& model() { return *model_; }
  const AveragedModel& model() const { return *model_; }
  const Likelihood& likelihood() const { return *likelihood_; }
  const std::vector<std::unique_ptr<ParameterTerm>>& terms() const { return terms_; }
  /// The terms, one line each, for the log.
  std::string describe() const;

 private:
  std::shared_ptr<AveragedModel> model_;
  std::unique_ptr<Likelihood> likelihood_;
  std::vector<std::unique_ptr<ParameterTerm>> terms_;
};

}  // namespace msflow::fit
