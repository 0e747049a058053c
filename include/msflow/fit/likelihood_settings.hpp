#pragma once
// How the likelihood averages (read once from [fit]).
#include <mpi.h>

#include <memory>
#include <optional>
#include <string>

#include "msflow/core/grid.hpp"
#include "msflow/core/options.hpp"
#include "msflow/fit/likelihood.hpp"

namespace msflow::fit {

enum class Averaging { kAuto, kExact, kInterpolated };

struct LikelihoodSettings {
  Averaging averaging = Averaging::kAuto;
  double tolerance = 1e-4;   ///< largest interpolation error of b̄, Σ̄ entries
  std::optional<int> nodes;  ///< intervals per axis (auto: searched)
  /// The transition density (auto: second-order where it applies and a diffusion parameter is
  /// learned, docs/studies/calibration.md; else Euler–Maruyama).
  std::optional<TransitionDensity> transition;
};

LikelihoodSettings read_likelihood_settings(const Config& config,
                                            const std::string& section = "fit");

struct LikelihoodChoice {
  std::unique_ptr<Likelihood> likelihood;
  TransitionDensity transition = TransitionDensity::kEuler;  ///< the density chosen
  std::string note;  ///< for the log: what was chosen and why
};

/// "euler" or "second-order", as the option spells it.
std::string transition_name(TransitionDensity transition);

/// The likelihood `settings` ask for: exact; interpolated; or auto — interpolated where d ≤ 3
/// and a grid meets the tolerance at the starting parameters, else exact. With nodes = auto the
/// grid is the coarsest of 32, 64, … intervals per axis (d = 3: 16, 32) whose interpolation
/// error at `model`'s current parameters is within a tenth of the tolerance (the start is
/// broad; the learned law usually gives b̄ sharper features). The second-order transition density
/// needs interpolated averaging (InputError otherwise); transition auto takes it when the
/// averaging is interpolated, Σ̄ is the same at every x and not fixed (a diffusion parameter is
/// learned), else Euler–Maruyama. Collective.
LikelihoodChoice make_likelihood(const LikelihoodSettings& settings, MPI_Comm comm,
                                 std::shared_ptr<const TransitionWindow> window, const Box& visited,
                                 AveragedModel& model);

}  // namespace msflow::fit
