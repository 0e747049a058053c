#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "msflow/core/error.hpp"
#include "test_model_support.hpp"

namespace msflow {
namespace {

using test::make_model;

TEST(ModelRegistry, EveryBenchmarkOfTheDesignIsRegistered) {
  std::set<std::string> names;
  for (const auto& entry : model_registry()) {
    EXPECT_FALSE(entry.summary.empty()) << entry.name;
    names.insert(entry.name);
  }
  for (const std::string name :
       {"tagged", "tagged-coupled", "tagged-sigma", "tagged-dw", "nonrev-ou", "nonrev-ring"}) {
    ASSERT_EQ(names.count(name), 1u) << name;
    const auto model = make_model({"--model.name", name});
    EXPECT_EQ(model->name(), name);
  }
}

TEST(ModelRegistry, DimensionsFollowTheOptions) {
  const auto tagged = make_model({"--model.d", "2", "--model.N", "15", "--model.n", "1000"});
  EXPECT_EQ(tagged->slow_dim(), 2);
  EXPECT_EQ(tagged->fast_dim(), 30);
  EXPECT_EQ(tagged->scale_separation(), 1000);
  EXPECT_DOUBLE_EQ(tagged->fast_noise_scale(), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(tagged->fast_stiffness(), 1 + 0.5 * 15);
  for (const char* name : {"nonrev-ou", "nonrev-ring"}) {
    const auto model = make_model({"--model.name", name, "--model.d", "2", "--model.N", "1"});
    EXPECT_EQ(model->slow_dim(), 2) << name;
    EXPECT_EQ(model->fast_dim(), 2) << name;
  }
}

TEST(ModelRegistry, UnknownNameListsTheKnownModels) {
  try {
    make_model({"--model.name", "taged"});
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("--model.name"), std::string::npos) << message;
    EXPECT_NE(message.find("taged"), std::string::npos) << message;
    for (const auto& entry : model_registry())
      EXPECT_NE(message.find(entry.name), std::string::npos) << message;
  }
}

TEST(ModelRegistry, BadValuesAreInputErrorsNamingTheOption) {
  struct Case {
    std::vector<std::string> args;
    std::string option;
  };
  const std::vector<Case> cases = {
      {{"--model.ell", "-1"}, "--model.ell"},
      {{"--model.ell", "0"}, "--model.ell"},
      {{"--model.beta", "0"}, "--model.beta"},
      {{"--model.k", "-2"}, "--model.k"},
      {{"--model.ks", "-0.1"}, "--model.ks"},
      {{"--model.sigma0", "0"}, "--model.sigma0"},
      {{"--model.n", "-5"}, "--model.n"},
      {{"--model.a", "-1"}, "--model.a"},
      {{"--model.d", "4"}, "--model.d"},
      {{"--model.d", "0"}, "--model.d"},
      {{"--model.N", "0"}, "--model.N"},
      {{"--model.V", "quartic"}, "--model.V"},
      {{"--model.d", "2", "--model.c", "1,2,3"}, "--model.c"},
      {{"--model.name", "tagged-coupled", "--model.ell", "-3"}, "--model.ell"},
      {{"--model.name", "tagged-sigma", "--model.ell_sigma", "0"}, "--model.ell_sigma"},
      {{"--model.name", "tagged-dw", "--model.d", "3"}, "--model.d"},
      {{"--model.name", "tagged-dw", "--model.ks", "0.5"}, "--model.ks"},
      {{"--model.name", "tagged-dw", "--model.h", "0"}, "--model.h"},
      {{"--model.name", "tagged-dw", "--model.r0", "-1"}, "--model.r0"},
      {{"--model.name", "nonrev-ou", "--model.d", "3"}, "--model.d"},
      {{"--model.name", "nonrev-ou", "--model.N", "2"}, "--model.N"},
      {{"--model.name", "nonrev-ou", "--model.h1", "-1"}, "--model.h1"},
      {{"--model.name", "nonrev-ou", "--model.h2", "0"}, "--model.h2"},
      {{"--model.name", "nonrev-ring", "--model.d", "1"}, "--model.d"},
      {{"--model.name", "nonrev-ring", "--model.r0", "-1"}, "--model.r0"},
  };
  for (const auto& c : cases) {
    std::string joined;
    for (const auto& arg : c.args)
      joined += arg + " ";
    try {
      make_model(c.args);
      ADD_FAILURE() << "no error for " << joined;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(c.option), std::string::npos)
          << joined << "-> " << e.what();
    }
  }
}

TEST(ModelRegistry, MessagesQuoteTheValue) {
  try {
    make_model({"--model.ell", "-1"});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "option --model.ell: must be > 0, got -1");
  }
  try {
    make_model({"--model.name", "tagged-dw", "--model.d", "3"});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tagged-dw supports d = 1, 2"), std::string::npos)
        << e.what();
  }
}

TEST(ModelRegistry, TaggedDwAcceptsAnExplicitZeroSpring) {
  EXPECT_NO_THROW(make_model({"--model.name", "tagged-dw", "--model.ks", "0"}));
}

TEST(ModelRegistry, ParametersFollowThePotentialAndTheDiffusion) {
  using Names = std::vector<std::string>;
  EXPECT_EQ(make_model({})->parameter_names(), (Names{"a", "A", "ell", "sigma0"}));
  EXPECT_EQ(make_model({"--model.V", "double-well"})->parameter_names(),
            (Names{"A", "ell", "sigma0"}));
  EXPECT_EQ(make_model({"--model.name", "tagged-sigma"})->parameter_names(),
            (Names{"a", "A", "ell", "sigma0", "ell_sigma"}));
  EXPECT_EQ(
      make_model({"--model.name", "nonrev-ring", "--model.V", "double-well"})->parameter_names(),
      (Names{"A", "ell", "sigma0"}));

  const auto model =
      make_model({"--model.name", "tagged-sigma", "--model.a", "2", "--model.A", "3", "--model.ell",
                  "0.7", "--model.sigma0", "0.4", "--model.ell_sigma", "0.9"});
  EXPECT_EQ(model->parameters(), (std::vector<double>{2, 3, 0.7, 0.4, 0.9}));
  model->set_parameters({1, 2, 3, 4, 5});
  EXPECT_EQ(model->parameters(), (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_THROW(model->set_parameters({1, 2}), std::invalid_argument);
}

TEST(ModelRegistry, CapabilitiesMatchTheDesign) {
  struct Expected {
    const char* name;
    bool exact_step, sampler, exact_average, diffusion_depends_on_fast;
  };
  for (const Expected& e : {Expected{"tagged", true, true, true, false},
                            Expected{"tagged-coupled", true, true, true, false},
                            Expected{"tagged-sigma", true, true, true, true},
                            Expected{"tagged-dw", false, false, true, false},
                            Expected{"nonrev-ou", true, true, true, false},
                            Expected{"nonrev-ring", false, false, false, false}}) {
    const auto model = make_model({"--model.name", e.name});
    std::vector<double> x(model->slow_dim(), 0.1), xi(model->fast_dim(), 0.3), y(model->fast_dim());
    EXPECT_EQ(static_cast<bool>(model->exact_fast_step(0.1)), e.exact_step) << e.name;
    EXPECT_EQ(model->sample_invariant(x.data(), xi.data(), y.data()), e.sampler) << e.name;
    EXPECT_EQ(model->has_exact_average(), e.exact_average) << e.name;
    EXPECT_EQ(model->diffusion_depends_on_fast(), e.diffusion_depends_on_fast) << e.name;
  }
}

}  // namespace
}  // namespace msflow
