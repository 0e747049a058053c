// The branch-free, vectorizable exp of the fit kernels against std::exp: dense sweeps of the
// ranges that matter (the Gaussian kernels' arguments lie in [−745, 0]), the whole finite
// range, gradual underflow, the clamps, and a vectorized loop giving the same bits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "msflow/core/vector_exp.hpp"

namespace msflow {
namespace {

/// The largest |vector_exp(x) − exp(x)| / exp(x) over `points` equally spaced x in [lo, hi].
double worst_relative_error(double lo, double hi, long points) {
  double worst = 0;
  for (long i = 0; i < points; ++i) {
    const double x = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(points - 1);
    const double expected = std::exp(x);
    worst = std::max(worst, std::abs(vector_exp(x) - expected) / expected);
  }
  return worst;
}

TEST(VectorExp, MatchesStdExpOnTheKernelRange) {
  // Arguments of the Gaussian kernels, exp(−|r|²/(2ℓ²)): nonpositive, mostly in [−50, 0].
  EXPECT_LE(worst_relative_error(-50.0, 0.0, 2000001), 2.5e-16);
  EXPECT_LE(worst_relative_error(-708.0, -50.0, 2000001), 2.5e-16);
  // Near zero (r ≈ x, k = 0): tiny negative arguments.
  EXPECT_LE(worst_relative_error(-1e-3, 0.0, 200001), 2.5e-16);
  EXPECT_LE(worst_relative_error(-1e-12, 0.0, 1001), 2.5e-16);
}

TEST(VectorExp, MatchesStdExpOnTheWholeNormalRange) {
  EXPECT_LE(worst_relative_error(-708.3, 709.7, 4000001), 2.5e-16);
  // Around the reduction's cell boundaries x = (k + 1/2) ln 2.
  double worst = 0;
  for (int k = -1000; k <= 1000; ++k) {
    const double boundary = (k + 0.5) * 0.69314718055994530942;
    for (double x = std::nextafter(boundary, -1e9), n = 0; n < 8; x = std::nextafter(x, 1e9), ++n) {
      if (x < -708.3 || x > 709.7) continue;
      worst = std::max(worst, std::abs(vector_exp(x) - std::exp(x)) / std::exp(x));
    }
  }
  EXPECT_LE(worst, 2.5e-16);
}

TEST(VectorExp, SpecialPoints) {
  EXPECT_EQ(vector_exp(0.0), 1.0);
  EXPECT_EQ(vector_exp(-0.0), 1.0);
  EXPECT_EQ(vector_exp(-1e-300), 1.0);
  EXPECT_EQ(vector_exp(-std::numeric_limits<double>::denorm_min()), 1.0);
  EXPECT_NEAR(vector_exp(-1e-17), 1.0, 1e-16);
  EXPECT_NEAR(vector_exp(-700.0), std::exp(-700.0), 2.5e-16 * std::exp(-700.0));
  EXPECT_NEAR(vector_exp(1.0), 2.718281828459045, 4.5e-16);
  // Gradual underflow: subnormal results to within one subnormal step of std::exp.
  const double smallest = std::numeric_limits<double>::denorm_min();
  for (double x = -708.4; x >= -745.2; x -= 0.0137)
    EXPECT_NEAR(vector_exp(x), std::exp(x), std::max(smallest, 2.5e-16 * std::exp(x))) << x;
  EXPECT_EQ(vector_exp(-745.0), std::exp(-745.0));  // the smallest subnormal
  EXPECT_EQ(vector_exp(-745.2), 0.0);
  EXPECT_EQ(vector_exp(-746.0), 0.0);
  EXPECT_EQ(vector_exp(-1e4), 0.0);
  EXPECT_EQ(vector_exp(-std::numeric_limits<double>::max()), 0.0);
  EXPECT_EQ(vector_exp(-std::numeric_limits<double>::infinity()), 0.0);
  // Overflow: +inf, like std::exp.
  EXPECT_EQ(vector_exp(710.0), std::numeric_limits<double>::infinity());
  EXPECT_EQ(vector_exp(1e4), std::numeric_limits<double>::infinity());
}

TEST(VectorExp, VectorizedLoopGivesTheScalarBits) {
  // The same function inlined in a loop (which GCC vectorizes) and called one value at a time.
  std::vector<double> x(1037), looped(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = -760.0 + 1480.0 * static_cast<double>(i) / static_cast<double>(x.size() - 1);
  for (std::size_t i = 0; i < x.size(); ++i)
    looped[i] = vector_exp(x[i]);
  for (std::size_t i = 0; i < x.size(); ++i) {
    volatile double value = x[i];  // a call the vectorizer cannot see through
    EXPECT_EQ(looped[i], vector_exp(value)) << x[i];
  }
}

}  // namespace
}  // namespace msflow
