#include <algorithm>

#include "msflow/fit/gaussian_transition.hpp"
#include "msflow/fit/likelihood.hpp"
#include "msflow/parallel/exact_sum.hpp"

namespace msflow::fit {

ExactLikelihood::ExactLikelihood(MPI_Comm comm, std::shared_ptr<const TransitionWindow> window)
    : Likelihood(std::move(window)), comm_(comm) {}

DataTermSums ExactLikelihood::evaluate(AveragedModel& model) {
  const TransitionWindow& w = *window_;
  const int d = w.dim;
  const Eigen::Index size = model.adjoint_size();
  // [−ln L, moment penalty, reducible adjoint], each block's partial added exactly.
  ExactSum sums(2 + static_cast<std::size_t>(size));
  Eigen::VectorXd partial(size);
  // Each observation's law weighs 1/M in a conditional flow's moment penalty.
  const std::vector<double> weights(w.blocks.block_size(), 1.0 / static_cast<double>(w.total));
  for (std::size_t b = w.my_blocks.begin; b < w.my_blocks.end; ++b) {
    const IndexRange block = w.local_block(b);
    partial.setZero();
    double value = 0;
    const PointAdjoint transition = [&](std::size_t j, const Model::SlowAverages& averages) {
      const std::size_t k = block.begin + j;
      const TransitionTerm term =
          gaussian_transition(d, &w.increment[k * d], w.dt[k], averages.drift, averages.diffusion);
      value += term.value;
      Model::SlowAverages adjoint;
      std::copy(term.drift_adjoint, term.drift_adjoint + d, adjoint.drift);
      std::copy(term.diffusion_adjoint, term.diffusion_adjoint + d * d, adjoint.diffusion);
      return adjoint;
    };
    const double penalty = model.pull_back(&w.start[block.begin * d], block.size(), transition,
                                           weights.data(), partial);
    sums.add(0, value);
    sums.add(1, penalty);
    sums.add(2, partial.data(), static_cast<std::size_t>(size));
  }
  sums.reduce(comm_);
  DataTermSums result;
  result.negative_log_likelihood = sums.value(0);
  result.moment_penalty = sums.value(1);
  result.adjoint.resize(size);
  for (Eigen::Index i = 0; i < size; ++i)
    result.adjoint[i] = sums.value(2 + static_cast<std::size_t>(i));
  return result;
}

std::string ExactLikelihood::describe() const {
  return "averaging exact: b̄, Σ̄ by Monte Carlo at every one of the " +
         std::to_string(window_->total) + " observations";
}

}  // namespace msflow::fit
