#include "msflow/fit/estimator.hpp"

#include "msflow/core/error.hpp"
#include "msflow/fit/flow_estimator.hpp"
#include "msflow/fit/unstructured_estimator.hpp"

namespace msflow::fit {

std::unique_ptr<AveragedEstimator> make_estimator(const Config& config, Model& model,
                                                  std::size_t total_transitions) {
  const std::string kind = config.get_string("fit.model");
  if (kind == "flow") return std::make_unique<FlowEstimator>(config, model, total_transitions);
  if (kind == "unstructured") return std::make_unique<UnstructuredEstimator>(config, model);
  throw InputError("option --fit.model: '" + kind + "' is not flow or unstructured");
}

}  // namespace msflow::fit
