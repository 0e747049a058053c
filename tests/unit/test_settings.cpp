// SectionReader: typed reads that name the option and quote the value; exact integer parsing
// with ranges; choices; auto; lists; a repeated command-line option takes its last value.
#include "msflow/core/settings.hpp"

#include <gtest/gtest.h>

#include "msflow/core/error.hpp"

namespace msflow {
namespace {

Config config_of(const std::vector<std::string>& arguments) {
  OptionCatalog catalog;
  catalog.section("s")
      .add("n", "3", "an integer")
      .add("x", "0.5", "a real")
      .add("mode", "auto", "a choice")
      .add("names", "", "a list")
      .add("flag", "auto", "a flag");
  return Config::parse(catalog, arguments, {});
}

std::string message_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(SectionReader, TypedValuesAndRanges) {
  const Config config = config_of({"--s.n", "7", "--s.names", "A, ell,,sigma0"});
  const SectionReader s(config, "s");
  EXPECT_EQ(s.integer("n", 1, 10), 7);
  EXPECT_EQ(s.positive("x"), 0.5);
  EXPECT_TRUE(s.is_auto("mode"));
  EXPECT_FALSE(s.flag_or_auto("flag").has_value());
  EXPECT_EQ(s.list("names"), (std::vector<std::string>{"A", "ell", "sigma0"}));
  EXPECT_EQ(s.name("n"), "s.n");
}

TEST(SectionReader, BadValuesNameTheOptionAndQuoteTheValue) {
  const auto read_n = [](const std::string& value, long low, long high) {
    const Config config = config_of({"--s.n", value});
    return message_of([&] { SectionReader(config, "s").integer("n", low, high); });
  };
  EXPECT_EQ(read_n("4294967312", 1, 65536),
            "option --s.n: must be an integer in [1, 65536], got '4294967312'");
  EXPECT_NE(read_n("2.5", 1, 9).find("must be an integer"), std::string::npos);
  EXPECT_NE(read_n("1e3", 1, 9999).find("must be an integer"), std::string::npos);
  EXPECT_NE(read_n("0", 1, 9).find("got '0'"), std::string::npos);
  const Config nan = config_of({"--s.x", "nan"});
  EXPECT_NE(message_of([&] { SectionReader(nan, "s").real("x"); }).find("finite"),
            std::string::npos);
  const Config mode = config_of({"--s.mode", "fast"});
  EXPECT_EQ(message_of([&] {
              SectionReader(mode, "s").choice("mode", {"auto", "exact"});
            }),
            "option --s.mode: must be one of auto, exact, got 'fast'");
}

TEST(SectionReader, NumberListsAreCheckedEntryByEntry) {
  const SectionReader good(config_of({"--s.names", "0.25, -1e-3,2"}), "s");
  EXPECT_EQ(good.numbers("names"), (std::vector<double>{0.25, -1e-3, 2}));
  for (const std::string bad : {"1,x", "1,nan", "1e999"}) {
    try {
      SectionReader(config_of({"--s.names", bad}), "s").numbers("names");
      FAIL() << bad;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("option --s.names"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("is not a finite number"), std::string::npos);
    }
  }
}

TEST(SectionReader, RepeatedOptionTakesTheLastValue) {
  const Config config = config_of({"--s.n", "4", "--s.x", "1", "--s.n=9"});
  EXPECT_EQ(SectionReader(config, "s").integer("n", 0, 100), 9);
}

TEST(Config, FromIniReadsAStoredConfiguration) {
  OptionCatalog catalog;
  catalog.section("fit").add("L", "256", "").add("lambda", "1e-3", "");
  const Config stored = Config::parse(catalog, {"--fit.L", "64"}, {"fit"});
  const Config read = Config::from_ini(catalog, stored.to_ini(true), "file.h5", {"fit"});
  EXPECT_EQ(read.get_string("fit.L"), "64");
  EXPECT_EQ(read.get_string("fit.lambda"), "1e-3");
  EXPECT_EQ(read.hash(), stored.hash());
  EXPECT_THROW(Config::from_ini(catalog, "[fit]\nLL = 3\n", "file.h5", {"fit"}), InputError);
}

}  // namespace
}  // namespace msflow
