// A fit output opened again: the stored configuration rebuilds the model, the stored state its
// parameters, and b̄, Σ̄ on the stored grid come out bitwise equal to the stored /estimate —
// for the decoupled and the conditional flow (with learned physical parameters) and the
// unstructured baseline.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>
#include <cstring>

#include "fit_test_support.hpp"
#include "msflow/core/error.hpp"
#include "msflow/fit/fit_result.hpp"
#include "msflow/io/provenance.hpp"

namespace msflow::fit {
namespace {

void expect_read_back_bitwise(const std::vector<std::string>& arguments, const std::string& path) {
  const OptionCatalog catalog = testing::fit_catalog();
  std::vector<std::string> all = {"--flow.layers",      "2", "--flow.width", "8",
                                  "--flow.depth",       "1", "--fit.L",      "16",
                                  "--fit.eval_samples", "64"};
  all.insert(all.end(), arguments.begin(), arguments.end());
  const Config config = Config::parse(catalog, all, fit_sections());
  testing::SmallFitProblem problem(config, 60);
  auto objective = problem.objective();
  // A few Adam-like steps away from the identity, so the stored parameters are not trivial.
  Eigen::VectorXd theta = problem.averaged->initial_parameters(), gradient;
  for (int i = 0; i < 5; ++i) {
    objective->evaluate(theta, static_cast<std::uint64_t>(i), gradient);
    theta -= 1e-3 * gradient / (1e-12 + gradient.norm()) * std::sqrt(double(theta.size()));
  }
  AveragedModel& model = *problem.averaged;
  model.set_parameters(theta);
  GridEstimate estimate;
  const int d = model.slow_dim();
  estimate.grid = make_box_grid(problem.visited.lo, problem.visited.hi, 7);
  const std::size_t g = estimate.grid.size();
  estimate.drift.resize(g * d);
  estimate.diffusion.resize(g * d * d);
  model.evaluate(estimate.grid.points.data(), g, estimate.drift.data(), estimate.diffusion.data());
  {
    h5::AtomicOutput output(MPI_COMM_SELF, path);
    const hid_t file = output.file().id();
    // The writer `msflow fit` uses, after the same provenance.
    write_provenance(file, MPI_COMM_SELF, "msflow.fit/1", "fit", config, "");
    optim::History history;
    history.push(0, 1.0, 2.0, 0.01);
    write_fit_result(MPI_COMM_SELF, file, model, problem.settings.model, "exact", estimate,
                     model.law_samples(), history, {"data.h5", 60, 1, "test data"});
    output.commit();
  }

  FittedModel fitted(MPI_COMM_SELF, path, catalog);
  EXPECT_EQ(fitted.averaged_model().type(), model.type());
  ASSERT_EQ(fitted.averaged_model().parameters().size(), theta.size());
  EXPECT_EQ(std::memcmp(fitted.averaged_model().parameters().data(), theta.data(),
                        sizeof(double) * static_cast<std::size_t>(theta.size())),
            0);
  std::vector<double> drift(g * d), diffusion(g * d * d);
  fitted.averaged_model().evaluate(fitted.grid().points.data(), g, drift.data(), diffusion.data());
  EXPECT_EQ(std::memcmp(drift.data(), fitted.drift().data(), sizeof(double) * drift.size()), 0)
      << "b̄ on the stored grid differs from /estimate/drift";
  EXPECT_EQ(
      std::memcmp(diffusion.data(), fitted.diffusion().data(), sizeof(double) * diffusion.size()),
      0);
  // And away from the grid: any x can be evaluated.
  const double x[3] = {10.0, -3.0, 0.5};
  double far_drift[3], far_diffusion[9];
  fitted.averaged_model().evaluate(x, 1, far_drift, far_diffusion);
  EXPECT_TRUE(std::isfinite(far_drift[0]));
  std::remove(path.c_str());
}

TEST(FitResult, DecoupledFlowWithLearnedParametersReadsBackBitwise) {
  expect_read_back_bitwise({"--model.name", "tagged", "--model.N", "4", "--fit.learn",
                            "A,ell,sigma0", "--fit.weight_decay", "2"},
                           "readback_decoupled.h5");
}

TEST(FitResult, ConditionalFlowReadsBackBitwise) {
  expect_read_back_bitwise({"--model.name", "tagged-coupled", "--model.N", "3"},
                           "readback_conditional.h5");
}

TEST(FitResult, UnstructuredReadsBackBitwise) {
  expect_read_back_bitwise({"--model.name", "tagged-sigma", "--fit.model", "unstructured"},
                           "readback_unstructured.h5");
}

TEST(FitResult, NotAFitOutputIsAnInputError) {
  {
    h5::AtomicOutput output(MPI_COMM_SELF, "readback_other.h5");
    const h5::Handle root = h5::open_group(output.file().id(), "/");
    h5::write_attribute(root, "schema", std::string("msflow.simulate/1"));
    output.commit();
  }
  EXPECT_THROW(FittedModel(MPI_COMM_SELF, "readback_other.h5", testing::fit_catalog()), InputError);
  std::remove("readback_other.h5");
}

}  // namespace
}  // namespace msflow::fit
