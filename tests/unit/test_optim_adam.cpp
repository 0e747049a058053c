#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "flow_test_support.hpp"
#include "msflow/core/error.hpp"
#include "msflow/optim/adam.hpp"
#include "msflow/optim/lr_schedule.hpp"

namespace msflow::optim {
namespace {

using testing::Vector;

// f(p) = ½ (p - p*)ᵀ diag(a) (p - p*), condition number 100.
struct Quadratic {
  Vector curvature, minimum;
  Vector gradient(const Vector& p) const { return curvature.cwiseProduct(p - minimum); }
};

Quadratic make_quadratic() {
  Quadratic q;
  q.curvature = Vector::LinSpaced(10, 1.0, 100.0);
  q.minimum = testing::random_vector(10, 91);
  return q;
}

TEST(OptimAdam, ConvergesOnAnIllConditionedQuadratic) {
  const Quadratic q = make_quadratic();
  Vector p = Vector::Zero(10);
  Adam adam(10);
  LrSchedule schedule{0.05, Decay::kCosine, 50, 3000, 1e-3};
  for (std::int64_t step = 0; step < 3000; ++step)
    adam.step(p, q.gradient(p), schedule.at(step));
  const double error = (p - q.minimum).cwiseAbs().maxCoeff();
  std::printf("[ measured ] Adam on the quadratic: max |p - p*| = %.1e after 3000 steps\n", error);
  EXPECT_LT(error, 1e-4);
  EXPECT_EQ(adam.steps(), 3000);
}

TEST(OptimAdam, FirstStepIsBiasCorrected) {
  // After one step m̂ = g and v̂ = g², so every coordinate moves by lr·g/(|g| + ε) ≈ lr·sign(g).
  Vector p = Vector::Zero(3), g(3);
  g << 2.0, -1e-3, 5.0;
  Adam adam(3);
  adam.step(p, g, 0.1);
  EXPECT_NEAR(p(0), -0.1, 1e-8);
  EXPECT_NEAR(p(1), 0.1, 1e-5);
  EXPECT_NEAR(p(2), -0.1, 1e-8);
}

TEST(OptimAdam, StateRoundTripsThroughHdf5AndResumesBitwise) {
  const Quadratic q = make_quadratic();
  Vector p = Vector::Zero(10);
  Adam adam(10, AdamOptions{0.8, 0.99, 1e-7});
  for (int step = 0; step < 25; ++step)
    adam.step(p, q.gradient(p), 0.01);
  const std::string path = "test_optim_adam.h5";
  {
    h5::AtomicOutput output(MPI_COMM_SELF, path);
    adam.write(MPI_COMM_SELF, output.file().id(), "optimizer");
    output.commit();
  }
  h5::File file = h5::File::open_read(MPI_COMM_SELF, path);
  Adam resumed = Adam::read(file.id(), "optimizer");
  file.close();
  std::remove(path.c_str());
  EXPECT_EQ(resumed.steps(), 25);
  EXPECT_EQ(resumed.options().beta1, 0.8);
  EXPECT_EQ(resumed.options().epsilon, 1e-7);
  Vector p_resumed = p;
  for (int step = 0; step < 25; ++step) {
    adam.step(p, q.gradient(p), 0.01);
    resumed.step(p_resumed, q.gradient(p_resumed), 0.01);
  }
  EXPECT_EQ(std::memcmp(p.data(), p_resumed.data(), sizeof(double) * 10), 0);
}

TEST(OptimAdam, SizeMismatchIsRejected) {
  Adam adam(3);
  Vector p = Vector::Zero(4);
  EXPECT_THROW(adam.step(p, Vector::Zero(4), 0.1), std::logic_error);
}

TEST(OptimSchedule, WarmupThenDecayToTheFinalFraction) {
  LrSchedule cosine{1.0, Decay::kCosine, 10, 110, 0.01};
  cosine.validate();
  EXPECT_DOUBLE_EQ(cosine.at(0), 0.1);
  EXPECT_DOUBLE_EQ(cosine.at(9), 1.0);
  EXPECT_DOUBLE_EQ(cosine.at(10), 1.0);
  EXPECT_NEAR(cosine.at(60), 0.505, 1e-12);
  EXPECT_NEAR(cosine.at(110), 0.01, 1e-15);
  EXPECT_NEAR(cosine.at(1000), 0.01, 1e-15);
  LrSchedule exponential{2.0, Decay::kExponential, 0, 100, 0.25};
  EXPECT_DOUBLE_EQ(exponential.at(0), 2.0);
  EXPECT_NEAR(exponential.at(50), 1.0, 1e-12);
  EXPECT_NEAR(exponential.at(100), 0.5, 1e-12);
  LrSchedule constant{0.3};
  EXPECT_EQ(constant.at(12345), 0.3);
  EXPECT_EQ(parse_decay("cosine"), Decay::kCosine);
  EXPECT_THROW(parse_decay("linear"), InputError);
  EXPECT_THROW((LrSchedule{1.0, Decay::kCosine, 10, 5, 0.1}.validate()), InputError);
}

}  // namespace
}  // namespace msflow::optim
