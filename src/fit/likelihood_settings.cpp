#include "msflow/fit/likelihood_settings.hpp"

#include <sstream>

#include "msflow/core/constants.hpp"
#include "msflow/core/error.hpp"
#include "msflow/core/log.hpp"
#include "msflow/core/settings.hpp"
#include "msflow/fit/interpolated_likelihood.hpp"

namespace msflow::fit {

LikelihoodSettings read_likelihood_settings(const Config& config, const std::string& section) {
  const SectionReader options(config, section);
  LikelihoodSettings settings;
  const std::string averaging = options.choice("averaging", {"auto", "exact", "interpolated"});
  settings.averaging = averaging == "auto"    ? Averaging::kAuto
                       : averaging == "exact" ? Averaging::kExact
                                              : Averaging::kInterpolated;
  settings.tolerance = options.positive("tolerance");
  if (const auto nodes = options.integer_or_auto("nodes", 1, 100000))
    settings.nodes = static_cast<int>(*nodes);
  const std::string transition = options.choice("transition", {"auto", "euler", "second-order"});
  if (transition != "auto")
    settings.transition =
        transition == "euler" ? TransitionDensity::kEuler : TransitionDensity::kSecondOrder;
  return settings;
}

std::string transition_name(TransitionDensity transition) {
  return transition == TransitionDensity::kEuler ? "euler" : "second-order";
}

namespace {

/// An exact likelihood, refused if the second-order density was asked for.
LikelihoodChoice exact_likelihood(const LikelihoodSettings& settings, MPI_Comm comm,
                                  std::shared_ptr<const TransitionWindow> window) {
  require(settings.transition != TransitionDensity::kSecondOrder,
          "option --fit.transition second-order: needs --fit.averaging interpolated (it uses "
          "the interpolant's derivatives; d <= 3)");
  LikelihoodChoice choice;
  choice.likelihood = std::make_unique<ExactLikelihood>(comm, std::move(window));
  return choice;
}

/// An interpolated likelihood on `grid`, with the density asked for or the one auto picks: the
/// second-order density removes Euler's O(Δ) bias of learned diffusion parameters
/// (docs/studies/calibration.md); with σ known it did not improve b̄, so Euler stays there.
LikelihoodChoice interpolated_likelihood(const LikelihoodSettings& settings, MPI_Comm comm,
                                         std::shared_ptr<const TransitionWindow> window,
                                         InterpolationGrid grid, AveragedModel& model) {
  LikelihoodChoice choice;
  choice.transition = settings.transition.value_or(
      !model.diffusion_is_fixed() && model.diffusion_is_uniform() ? TransitionDensity::kSecondOrder
                                                                  : TransitionDensity::kEuler);
  choice.likelihood = std::make_unique<InterpolatedLikelihood>(
      comm, std::move(window), std::move(grid), model, choice.transition);
  return choice;
}

}  // namespace

LikelihoodChoice make_likelihood(const LikelihoodSettings& settings, MPI_Comm comm,
                                 std::shared_ptr<const TransitionWindow> window, const Box& visited,
                                 AveragedModel& model) {
  const int d = window->dim;
  if (settings.averaging == Averaging::kExact ||
      (settings.averaging == Averaging::kAuto && d > kMaxSlowDim))
    return exact_likelihood(settings, comm, std::move(window));
  require(d <= kMaxSlowDim,
          "option --fit.averaging interpolated: needs d <= 3 (d = " + std::to_string(d) + ")");
  if (settings.nodes)
    return interpolated_likelihood(settings, comm, std::move(window),
                                   InterpolationGrid(visited, *settings.nodes), model);
  // Coarse to fine; the caps keep the node count (intervals + 3)^d near 4e3–3e4. Fewer than 32
  // (16 for d = 3) intervals are never worth the risk: nodes are cheap next to transitions.
  const bool second_order = settings.transition == TransitionDensity::kSecondOrder;
  const int cap = d == 1 ? 4096 : d == 2 ? 128 : 32;
  for (int intervals = d == 3 ? 16 : 32;; intervals *= 2) {
    InterpolationGrid grid(visited, intervals);
    const InterpolationError error = interpolation_error(model, grid, 0);
    if (error.largest() <= settings.tolerance / 10) {
      std::ostringstream note;
      note << "interpolation error at the start with " << intervals
           << " intervals per axis: " << format_number(error.drift) << " (b̄), "
           << format_number(error.diffusion) << " (Σ̄); tolerance "
           << format_number(settings.tolerance);
      LikelihoodChoice choice =
          interpolated_likelihood(settings, comm, std::move(window), std::move(grid), model);
      choice.note = note.str();
      return choice;
    }
    if (intervals * 2 > cap) {
      std::ostringstream message;
      message << "interpolation error " << format_number(error.largest()) << " with " << intervals
              << " intervals per axis, the most --fit.nodes auto tries for d = " << d;
      if (settings.averaging == Averaging::kAuto && !second_order) {
        LikelihoodChoice choice = exact_likelihood(settings, comm, std::move(window));
        choice.note = "averaging auto chose exact: " + message.str() +
                      " is above a tenth of --fit.tolerance " + format_number(settings.tolerance);
        return choice;
      }
      throw InputError("option --fit.tolerance " + format_number(settings.tolerance) + ": " +
                       message.str() + "; set --fit.nodes, a larger --fit.tolerance, or " +
                       (second_order ? "--fit.transition euler with --fit.averaging exact"
                                     : "--fit.averaging exact"));
    }
  }
}

}  // namespace msflow::fit
