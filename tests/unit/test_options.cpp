#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "msflow/core/error.hpp"
#include "msflow/core/options.hpp"

namespace msflow {
namespace {

OptionCatalog catalog() {
  OptionCatalog c;
  c.add("", "out", "", "output");
  c.add("model", "N", "10", "particles");
  c.add("model", "c", "0.5", "centre");
  c.add("simulate", "seed", "1", "seed");
  return c;
}

TEST(Options, DefaultsFileAndCommandLineInPrecedence) {
  const std::string path = "test_options_precedence.ini";
  std::ofstream(path) << "# comment\n[model]\nN = 15 ; inline comment\nc = 0.1, 0.2\n";
  const Config config =
      Config::parse(catalog(), {"--config", path, "--model.N", "20", "--out=o.h5"}, {});
  EXPECT_EQ(config.get_int("model.N"), 20);
  EXPECT_EQ(config.get_vector("model.c", 2), (std::vector<double>{0.1, 0.2}));
  EXPECT_EQ(config.get_uint64("simulate.seed"), 1u);
  EXPECT_TRUE(config.is_default("simulate.seed"));
  EXPECT_FALSE(config.is_default("model.N"));
  EXPECT_EQ(config.get_string("out"), "o.h5");
  std::remove(path.c_str());
}

TEST(Options, StoredConfigurationKeepsItsDefaultsDefault) {
  // to_ini writes every option; reading it back must not turn the defaults into settings (a
  // nonrev-* fit stores N = 10, the default it ignores, and its model must build again).
  const Config written = Config::parse(catalog(), {"--model.c", "0.1"}, {});
  const Config read = Config::from_ini(catalog(), written.to_ini(), "stored", {});
  EXPECT_TRUE(read.is_default("model.N"));
  EXPECT_EQ(read.get_int("model.N"), 10);
  EXPECT_FALSE(read.is_default("model.c"));
  EXPECT_EQ(read.hash(), written.hash());
}

TEST(Options, UnknownOptionIsNamedWithSuggestion) {
  try {
    Config::parse(catalog(), {"--model.NN", "3"}, {});
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("model.NN"), std::string::npos) << message;
    EXPECT_NE(message.find("--model.N"), std::string::npos) << message;
  }
}

TEST(Options, UnknownKeyInFileNamesFileAndLine) {
  const std::string path = "test_options_unknown.ini";
  std::ofstream(path) << "[model]\nN = 3\nbogus = 1\n";
  try {
    Config::parse(catalog(), {"--config", path}, {});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":3"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

TEST(Options, BadValuesAreReportedWithTheOptionName) {
  const Config config = Config::parse(catalog(), {"--model.N", "1x", "--model.c", "1,2,3"}, {});
  EXPECT_THROW(config.get_int("model.N"), InputError);
  EXPECT_THROW(config.get_vector("model.c", 2), InputError);
  EXPECT_THROW(config.get_string("out"), InputError);  // no default, not given
}

TEST(Options, SectionsNotUsedByTheCommandAreRejectedOnTheCommandLineOnly) {
  EXPECT_THROW(Config::parse(catalog(), {"--simulate.seed", "3"}, {"model"}), InputError);
  EXPECT_NO_THROW(Config::parse(catalog(), {"--model.N", "3"}, {"model"}));
  // One INI file may serve several commands (simulate, then fit).
  const std::string path = "test_options_workflow.ini";
  std::ofstream(path) << "[model]\nN = 3\n[simulate]\nseed = 4\n";
  EXPECT_NO_THROW(Config::parse(catalog(), {"--config", path}, {"model"}));
  std::remove(path.c_str());
}

TEST(Options, ThePrintoutShowsWhatWasReadAndUnreadGivenOptionsAreListed) {
  const Config config = Config::parse(catalog(), {"--model.N", "20", "--simulate.seed", "4"}, {});
  EXPECT_EQ(config.unused_given(), (std::vector<std::string>{"model.N", "simulate.seed"}));
  EXPECT_EQ(config.to_ini_used(), "");
  const Config copy = config;  // a component reading a copy counts as reading the original
  EXPECT_EQ(copy.get_int("model.N"), 20);
  EXPECT_DOUBLE_EQ(config.get_double("model.c"), 0.5);
  EXPECT_EQ(config.unused_given(), (std::vector<std::string>{"simulate.seed"}));
  const std::string printed = config.to_ini_used();
  EXPECT_NE(printed.find("N = 20"), std::string::npos) << printed;
  EXPECT_NE(printed.find("c = 0.5"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("seed"), std::string::npos) << printed;
  // What files store is still the whole configuration.
  EXPECT_NE(config.to_ini(true).find("seed = 4"), std::string::npos);
}

TEST(Options, ResolvedValuesAreListedInCatalogueOrderAndAnnotated) {
  Config config = Config::parse(catalog(), {"--model.N", "20"}, {});
  EXPECT_TRUE(config.resolved().empty());
  config.resolve("simulate.seed", "7");
  config.resolve("model.c", "0.25");
  EXPECT_EQ(config.resolved(), (std::vector<std::string>{"model.c = 0.25", "simulate.seed = 7"}));
  EXPECT_NE(config.to_ini().find("c = 0.25  ; resolved from auto"), std::string::npos);
  EXPECT_THROW(config.resolve("model.bogus", "1"), std::logic_error);
}

TEST(Options, HashDependsOnValuesOnly) {
  const Config a = Config::parse(catalog(), {}, {});
  const Config b = Config::parse(catalog(), {"--model.N", "10"}, {});
  const Config c = Config::parse(catalog(), {"--model.N", "11"}, {});
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_NE(a.hash(), c.hash());
}

}  // namespace
}  // namespace msflow
