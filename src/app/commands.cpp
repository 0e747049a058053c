#include "commands.hpp"

#include <algorithm>
#include <iostream>
#include <optional>

#include "msflow/cli/option_catalog.hpp"
#include "msflow/core/error.hpp"
#include "msflow/core/log.hpp"
#include "msflow/core/version.hpp"
#include "msflow/fit/fit_result.hpp"
#include "msflow/forecast/forecast_settings.hpp"
#include "msflow/fp/fp_settings.hpp"
#include "msflow/infer/infer_settings.hpp"
#include "msflow/model/registry.hpp"
#include "msflow/parallel/collective.hpp"
#include "msflow/parallel/environment.hpp"
#include "msflow/run/stop_request.hpp"

namespace msflow::app {

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"simulate",
       "simulate the multiscale system (or its averaged model) and write HDF5",
       {"", "model", "simulate"},
       run_simulate},
      {"fit",
       "learn the averaged drift and diffusion from a slow trajectory (flow or unstructured)",
       fit::fit_sections(), run_fit,
       /*checkpoints=*/true},
      {"infer",
       "Bayesian uncertainty for a fitted model: a posterior flow (ELBO) or Metropolis; bands "
       "for b̄ and the physical parameters",
       infer::infer_sections(), run_infer,
       /*checkpoints=*/true},
      {"report",
       "what an output file is and says: provenance, options, what was learned, metrics, "
       "posterior and forecast summaries (msflow report FILE.h5)",
       {"", "report"},
       run_report},
      {"forecast",
       "paths of the averaged SDE of a fit or infer output beyond the data: quantiles over time, "
       "against the exact averaged model where known",
       forecast::forecast_sections(), run_forecast},
      {"fp",
       "the stationary Fokker–Planck reference for a fast process of dimension 1 or 2 (PETSc "
       "grid): its density, and b̄, Σ̄ by quadrature as a /truth for fit, forecast and report "
       "--truth",
       fp::fp_sections(), run_fp},
  };
  return list;
}

const OptionCatalog& option_catalog() {
  return cli::option_catalog();
}

namespace {

void print_usage(const RootLog& log) {
  std::string text =
      "msflow " + std::string(version()) +
      " - learn effective stochastic models of multiscale systems\n\n"
      "usage: msflow <command> [--config FILE.ini] [--section.key value ...] [PETSc options]\n\n"
      "commands:\n";
  for (const auto& command : commands()) {
    std::string name = "  " + command.name;
    name.resize(14, ' ');
    text += name + command.summary + "\n";
  }
  text +=
      "  help          msflow help <command> lists its options; msflow help models lists models\n\n"
      "An INI section [model] key = value is the same as --model.key value; the command line\n"
      "overrides the file. Single-dash options (-log_view, -tao_type lmvm) go to PETSc.\n"
      "Exit status: 0 success, 1 internal error, 2 bad input or options, 3 stopped by\n"
      "SIGTERM/SIGUSR1 after writing a checkpoint (rerun with --run.resume true).";
  log.line(text);
}

int run_help(MPI_Comm comm, const std::vector<std::string>& topics) {
  const RootLog log(comm);
  if (topics.empty()) {
    print_usage(log);
    log.line("\noptions of every command:" + option_catalog().describe({}));
    return kExitSuccess;
  }
  const std::string& topic = topics.front();
  if (topic == "models") {
    std::string text = "models (--model.name):\n";
    for (const auto& entry : model_registry()) {
      std::string name = "  " + entry.name;
      name.resize(18, ' ');
      text += name + entry.summary + "\n";
    }
    log.line(text);
    return kExitSuccess;
  }
  for (const auto& command : commands())
    if (command.name == topic) {
      log.line("msflow " + command.name + ": " + command.summary +
               "\n\noptions:" + option_catalog().describe(command.sections));
      return kExitSuccess;
    }
  throw InputError("help: unknown topic '" + topic + "' (commands, or 'models')");
}

/// After a run: options given that it never used — msflow's (a key of another model or
/// optimizer) and PETSc's (a misspelling such as -tao_monitr, or one of msflow's options written
/// with one dash). A warning, as PETSc's -options_left: the run itself is not wrong.
void report_unused_options(MPI_Comm comm, const Config& config) {
  const RootLog log(comm);
  const auto unused = config.unused_given();
  if (!unused.empty()) {
    std::string text =
        "msflow: warning: options given but not used by this run (they do not "
        "apply to the chosen model, estimator, flow or optimizer):";
    for (const auto& name : unused)
      text += " --" + name;
    log.line(text);
  }
  const auto left = petsc_options_left();
  if (left.empty()) return;
  std::string text =
      "msflow: warning: PETSc options given but not used by this run "
      "(-options_left false silences this):";
  for (const auto& option : left) {
    text += "\n  " + option;
    const std::string name = option.substr(1, option.find(' ') - 1);
    if (option_catalog().find(name))
      text += "   (msflow's own option takes two dashes: --" + name + ")";
  }
  log.line(text);
}

}  // namespace

int run_command(MPI_Comm comm, const std::vector<std::string>& arguments,
                std::optional<StopRequest>& stop_request) {
  // Parsing is identical on every rank; collectively() turns its errors into one report.
  const Command* command = nullptr;
  std::string help_for;
  Config config = collectively(comm, [&]() -> Config {
    if (arguments.empty() || arguments.front() == "help" || arguments.front() == "--help")
      return {};
    for (const auto& candidate : commands())
      if (candidate.name == arguments.front()) command = &candidate;
    if (arguments.front() == "--version") return {};
    if (!command)
      throw InputError("unknown command '" + arguments.front() + "' (msflow help lists them)");
    std::vector<std::string> rest(arguments.begin() + 1, arguments.end());
    if (std::find(rest.begin(), rest.end(), "--help") != rest.end()) {
      help_for = command->name;  // msflow COMMAND --help
      command = nullptr;
      return {};
    }
    // msflow report FILE.h5: the one command that takes a file as its first word.
    if (command->name == "report" && !rest.empty() && rest.front().rfind("--", 0) != 0)
      rest.insert(rest.begin(), "--report.file");
    return Config::parse(option_catalog(), rest, command->sections);
  });
  if (command) {
    // For checkpointing commands SIGTERM/SIGUSR1 only set a flag, for the whole run (main
    // installs the handlers before MPI starts): a signal during start-up is honoured at the
    // first iteration boundary, and one during the final write does not cut the output short.
    // Other commands get the default actions back, and a signal that came meanwhile acts now.
    if (!command->checkpoints && stop_request) stop_request->release_and_deliver();
    const int status = command->run(comm, config);  // errors on some ranks only abort (main)
    report_unused_options(comm, config);
    return status;
  }
  if (!help_for.empty()) return collectively(comm, [&] { return run_help(comm, {help_for}); });
  return collectively(comm, [&]() -> int {
    if (!arguments.empty() && arguments.front() == "--version") {
      RootLog(comm).line(std::string("msflow ") + version());
      return kExitSuccess;
    }
    const std::vector<std::string> topics(
        arguments.empty() ? arguments.begin() : arguments.begin() + 1, arguments.end());
    return run_help(comm, topics);
  });
}

}  // namespace msflow::app
