#include "msflow/fit/fit_objective.hpp"

namespace msflow::fit {

FitObjective::FitObjective(MPI_Comm comm, AveragedEstimator& estimator,
                           const TransitionWindow& window)
    : comm_(comm), estimator_(estimator), window_(window) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  first_rank_ = rank == 0;
}

double FitObjective::evaluate(const Eigen::VectorXd& parameters, std::uint64_t draw,
                              Eigen::VectorXd& gradient) {
  estimator_.set_parameters(parameters);
  const Eigen::Index size = estimator_.parameter_count();
  buffer_.setZero(size + 1);
  Eigen::VectorXd local_gradient = Eigen::VectorXd::Zero(size);
  buffer_[0] = estimator_.local_objective(window_, draw, first_rank_, local_gradient);
  buffer_.tail(size) = local_gradient;
  MPI_Allreduce(MPI_IN_PLACE, buffer_.data(), static_cast<int>(buffer_.size()), MPI_DOUBLE, MPI_SUM,
                comm_);
  gradient = buffer_.tail(size);
  return buffer_[0];
}

}  // namespace msflow::fit
