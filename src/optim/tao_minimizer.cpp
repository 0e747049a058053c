#include "msflow/optim/tao_minimizer.hpp"

#include <petsctao.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "msflow/core/error.hpp"

namespace msflow::optim {

namespace {

// PETSc's own text goes into the message (errors are returned, not printed: see minimize()).
void check(PetscErrorCode code, const char* what) {
  if (code == 0) return;
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  throw std::runtime_error(std::string("PETSc: ") + what + " failed" +
                           (text ? std::string(" (") + text + ")" : std::string()));
}

// RAII owners of PETSc objects.
struct VecOwner {
  Vec vec = nullptr;
  ~VecOwner() {
    if (vec) VecDestroy(&vec);
  }
};
struct TaoOwner {
  Tao tao = nullptr;
  ~TaoOwner() {
    if (tao) TaoDestroy(&tao);
  }
};

struct Context {
  const TaoMinimizer::Objective* objective;
  const TaoMinimizer::Monitor* monitor;
  Eigen::VectorXd parameters, gradient;
  std::string error;  // an exception inside a PETSc callback is carried out here
  // TAO has no rollback: a non-finite objective stops the solve (at the last finite value, with
  // a zero gradient, so TAO ends cleanly) and is reported after it.
  bool non_finite = false;
  double last_finite = 0;
};

PetscErrorCode evaluate(Tao, Vec x, PetscReal* value, Vec gradient, void* raw) {
  auto& context = *static_cast<Context*>(raw);
  const PetscScalar* x_values = nullptr;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, &x_values));
  std::copy(x_values, x_values + context.parameters.size(), context.parameters.data());
  PetscCall(VecRestoreArrayRead(x, &x_values));
  try {
    *value = (*context.objective)(context.parameters, context.gradient);
  } catch (const std::exception& e) {
    context.error = e.what();
    *value = context.last_finite;
    context.gradient.setZero();
  }
  if (!std::isfinite(*value) || !context.gradient.allFinite()) {
    context.non_finite = true;
    *value = context.last_finite;
    context.gradient.setZero();
  } else {
    context.last_finite = *value;
  }
  PetscScalar* g_values = nullptr;
  PetscCall(VecGetArray(gradient, &g_values));
  std::copy(context.gradient.data(), context.gradient.data() + context.gradient.size(), g_values);
  PetscCall(VecRestoreArray(gradient, &g_values));
  PetscFunctionReturn(0);
}

PetscErrorCode monitor(Tao tao, void* raw) {
  auto& context = *static_cast<Context*>(raw);
  PetscInt iteration = 0;
  PetscReal value = 0, gradient_norm = 0, constraint = 0, step = 0;
  TaoConvergedReason reason;
  PetscFunctionBeginUser;
  PetscCall(
      TaoGetSolutionStatus(tao, &iteration, &value, &gradient_norm, &constraint, &step, &reason));
  if (context.non_finite || !context.error.empty())
    PetscCall(TaoSetConvergedReason(tao, TAO_DIVERGED_USER));
  if (!*context.monitor) PetscFunctionReturn(0);
  Vec solution = nullptr;
  PetscCall(TaoGetSolution(tao, &solution));
  const PetscScalar* values = nullptr;
  PetscCall(VecGetArrayRead(solution, &values));
  const Eigen::VectorXd parameters =
      Eigen::Map<const Eigen::VectorXd>(values, context.parameters.size());
  PetscCall(VecRestoreArrayRead(solution, &values));
  if ((*context.monitor)(static_cast<int>(iteration), value, gradient_norm, parameters))
    PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
  PetscFunctionReturn(0);
}

// An unknown type is the user's mistake: report it ourselves, without PETSc's traceback.
void set_type(Tao tao, const std::string& type) {
  PetscPushErrorHandler(PetscIgnoreErrorHandler, nullptr);
  const PetscErrorCode status = TaoSetType(tao, type.c_str());
  PetscPopErrorHandler();
  if (status != 0) throw InputError("not a PETSc TAO type");
}

}  // namespace

void TaoMinimizer::validate_type(const std::string& type) {
  TaoOwner tao;
  check(TaoCreate(PETSC_COMM_SELF, &tao.tao), "TaoCreate");
  set_type(tao.tao, type);
}

TaoMinimizer::TaoMinimizer(std::string type, int max_iterations, double gradient_tolerance)
    : type_(std::move(type)),
      max_iterations_(max_iterations),
      gradient_tolerance_(gradient_tolerance) {}

TaoResult TaoMinimizer::minimize(Eigen::VectorXd& parameters, const Objective& objective,
                                 const Monitor& monitor_callback) const {
  const auto size = static_cast<PetscInt>(parameters.size());
  Context context{&objective, &monitor_callback, parameters, Eigen::VectorXd::Zero(size), {}};
  VecOwner x;
  check(VecCreateSeq(PETSC_COMM_SELF, size, &x.vec), "VecCreateSeq");
  PetscScalar* values = nullptr;
  check(VecGetArray(x.vec, &values), "VecGetArray");
  std::copy(parameters.data(), parameters.data() + size, values);
  check(VecRestoreArray(x.vec, &values), "VecRestoreArray");

  TaoOwner tao;
  check(TaoCreate(PETSC_COMM_SELF, &tao.tao), "TaoCreate");
  set_type(tao.tao, type_);
  check(TaoSetSolution(tao.tao, x.vec), "TaoSetSolution");
  check(TaoSetObjectiveAndGradient(tao.tao, nullptr, evaluate, &context),
        "TaoSetObjectiveAndGradient");
  check(TaoSetMaximumIterations(tao.tao, max_iterations_), "TaoSetMaximumIterations");
  check(TaoSetMaximumFunctionEvaluations(tao.tao, 10 * max_iterations_ + 100),
        "TaoSetMaximumFunctionEvaluations");
  check(TaoSetTolerances(tao.tao, gradient_tolerance_, 0.0, 0.0), "TaoSetTolerances");
  check(TaoSetMonitor(tao.tao, monitor, &context, nullptr), "TaoSetMonitor");
  check(TaoSetFromOptions(tao.tao), "TaoSetFromOptions");
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);  // no error dump on every rank
  const PetscErrorCode solved = TaoSolve(tao.tao);
  PetscPopErrorHandler();
  if (!context.error.empty()) throw std::runtime_error(context.error);
  if (context.non_finite)
    throw CollectiveError(
        "TAO: the objective or its gradient became non-finite; TAO cannot roll back (use the "
        "adam optimizer, which rolls back and halves its step, or a more careful -tao_ls_type)",
        kExitInputError);
  check(solved, "TaoSolve");

  TaoResult result;
  PetscInt iterations = 0;
  PetscReal value = 0, gradient_norm = 0, constraint = 0, step = 0;
  TaoConvergedReason reason;
  check(TaoGetSolutionStatus(tao.tao, &iterations, &value, &gradient_norm, &constraint, &step,
                             &reason),
        "TaoGetSolutionStatus");
  result.iterations = static_cast<int>(iterations);
  result.objective = value;
  result.gradient_norm = gradient_norm;
  result.reason = TaoConvergedReasons[reason];
  result.converged = reason > 0;
  const PetscScalar* solution = nullptr;
  check(VecGetArrayRead(x.vec, &solution), "VecGetArrayRead");
  std::copy(solution, solution + size, parameters.data());
  check(VecRestoreArrayRead(x.vec, &solution), "VecRestoreArrayRead");
  return result;
}

}  // namespace msflow::optim
