#include "msflow/fp/petsc_handles.hpp"

#include <stdexcept>
#include <string>

#include "msflow/core/error.hpp"

namespace msflow::fp {

void check(PetscErrorCode code, const char* what) {
  if (code == 0) return;
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  const std::string message = std::string("PETSc: ") + what + " failed" +
                              (text ? std::string(" (") + text + ")" : std::string());
  if (code == PETSC_ERR_ARG_UNKNOWN_TYPE)
    throw InputError(message + "; check the -fp_ksp_type / -fp_pc_type options");
  throw std::runtime_error(message);
}

}  // namespace msflow::fp
