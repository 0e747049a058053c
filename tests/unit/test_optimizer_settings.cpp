// The optimizer options a section offers: all registered optimizers where the objective is
// deterministic (fit), only those that follow a Monte Carlo estimate where it is not (infer's
// ELBO) — there TAO and its keys are neither offered nor accepted.
#include "msflow/optim/optimizer_settings.hpp"

#include <gtest/gtest.h>

#include "msflow/core/error.hpp"

namespace msflow::optim {
namespace {

Config config_of(ObjectiveKind kind, const std::vector<std::string>& arguments) {
  OptionCatalog catalog;
  declare_optimizer_options(catalog, "s", "1e-2", kind);
  return Config::parse(catalog, arguments, {});
}

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(OptimizerSettings, DeterministicObjectiveOffersTao) {
  const Config config =
      config_of(ObjectiveKind::kDeterministic, {"--s.optimizer", "tao", "--s.tao_type", "bqnls"});
  const OptimizerSettings settings = read_optimizer_settings(config, "s");
  EXPECT_EQ(settings.type, "tao");
  EXPECT_EQ(settings.tao_type, "bqnls");
}

TEST(OptimizerSettings, MonteCarloObjectiveRefusesTaoAndItsKeys) {
  const Config tao = config_of(ObjectiveKind::kMonteCarlo, {"--s.optimizer", "tao"});
  const std::string refused =
      message_of([&] { read_optimizer_settings(tao, "s", ObjectiveKind::kMonteCarlo); });
  EXPECT_NE(refused.find("option --s.optimizer: must be one of adam"), std::string::npos)
      << refused;
  EXPECT_NE(message_of([] {
              config_of(ObjectiveKind::kMonteCarlo, {"--s.tao_type", "lmvm"});
            }),
            "");
  const Config adam = config_of(ObjectiveKind::kMonteCarlo, {"--s.lr", "3e-3"});
  EXPECT_EQ(read_optimizer_settings(adam, "s", ObjectiveKind::kMonteCarlo).schedule.base, 3e-3);
}

}  // namespace
}  // namespace msflow::optim
