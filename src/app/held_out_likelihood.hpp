#pragma once
// −ln L per transition of a fitted model on a trajectory it was not trained on (msflow report
// --data): the Euler–Maruyama likelihood of the averaged model with b̄, Σ̄ averaged at every
// observation (exact averaging), at the fitted parameters.
#include <mpi.h>

#include <cstddef>
#include <string>

#include "msflow/fit/fit_result.hpp"

namespace msflow::app {

struct LikelihoodPerTransition {
  double value = 0;  ///< −ln L / M
  std::size_t transitions = 0;
};

/// Collective. `fitted`: read back from a fit or infer output (infer: the fit's optimum it
/// started from); `data`: a trajectory file with the model's slow dimension.
LikelihoodPerTransition likelihood_per_transition(MPI_Comm comm, const fit::FittedModel& fitted,
                                                  const std::string& data);

}  // namespace msflow::app
