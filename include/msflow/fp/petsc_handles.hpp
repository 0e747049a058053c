#pragma once
// RAII owners of the PETSc objects the Fokker–Planck solver creates, and check(), which turns a
// PETSc error code into an exception carrying PETSc's own text (an unknown -fp_ksp_type or
// -fp_pc_type is the user's mistake: InputError, exit status 2).
#include <petscdm.h>
#include <petscksp.h>

#include <utility>

namespace msflow::fp {

/// Throws (InputError for PETSC_ERR_ARG_UNKNOWN_TYPE, std::runtime_error otherwise) naming
/// `what` and PETSc's message for `code`; returns quietly if code is 0.
void check(PetscErrorCode code, const char* what);

/// Owns one PETSc object and destroys it with `Destroy` (VecDestroy, MatDestroy, ...).
template <class T, PetscErrorCode (*Destroy)(T*)>
class PetscOwner {
 public:
  PetscOwner() = default;
  ~PetscOwner() {
    if (object_) Destroy(&object_);
  }
  PetscOwner(const PetscOwner&) = delete;
  PetscOwner& operator=(const PetscOwner&) = delete;
  PetscOwner(PetscOwner&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  PetscOwner& operator=(PetscOwner&& other) noexcept {
    std::swap(object_, other.object_);
    return *this;
  }
  T get() const { return object_; }
  T* out() { return &object_; }  ///< for PETSc's XxxCreate(..., &object)

 private:
  T object_ = nullptr;
};

using DmOwner = PetscOwner<DM, DMDestroy>;
using MatOwner = PetscOwner<Mat, MatDestroy>;
using VecOwner = PetscOwner<Vec, VecDestroy>;
using KspOwner = PetscOwner<KSP, KSPDestroy>;
using ScatterOwner = PetscOwner<VecScatter, VecScatterDestroy>;

/// Makes PETSc return error codes without printing a traceback on every rank while alive (the
/// codes become exceptions through check(), reported once by the collective phase).
class QuietPetscErrors {
 public:
  QuietPetscErrors() { PetscPushErrorHandler(PetscReturnErrorHandler, nullptr); }
  ~QuietPetscErrors() { PetscPopErrorHandler(); }
  QuietPetscErrors(const QuietPetscErrors&) = delete;
  QuietPetscErrors& operator=(const QuietPetscErrors&) = delete;
};

}  // namespace msflow::fp
