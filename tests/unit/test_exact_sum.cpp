// ExactSum: the sum does not depend on order or grouping, is correctly rounded, and reports
// non-finite additions.
#include "msflow/parallel/exact_sum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>

namespace msflow {
namespace {

__extension__ typedef __float128 Quad;

std::uint64_t bits_of(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Values over 70 orders of magnitude, both signs.
std::vector<double> wide_values(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-40, 40);
  std::vector<double> values(count);
  for (auto& v : values)
    v = std::ldexp(mantissa(generator), exponent(generator));
  return values;
}

TEST(ExactSum, OrderAndGroupingDoNotChangeTheBits) {
  const std::vector<double> values = wide_values(20000, 3);
  ExactSum forward(1);
  for (const double v : values)
    forward.add(0, v);
  std::vector<double> shuffled = values;
  std::mt19937_64 generator(5);
  std::shuffle(shuffled.begin(), shuffled.end(), generator);
  // Grouped: partial ExactSums of uneven groups, then combined.
  ExactSum grouped(1);
  for (std::size_t first = 0; first < shuffled.size();) {
    const std::size_t count = 1 + first % 977;
    ExactSum part(1);
    for (std::size_t i = first; i < std::min(shuffled.size(), first + count); ++i)
      part.add(0, shuffled[i]);
    grouped.add(part);
    first += count;
  }
  EXPECT_EQ(bits_of(forward.value(0)), bits_of(grouped.value(0)));
  // Plain double summation does depend on the order (the reason this class exists).
  const double plain = std::accumulate(values.begin(), values.end(), 0.0);
  const double plain_shuffled = std::accumulate(shuffled.begin(), shuffled.end(), 0.0);
  EXPECT_NE(bits_of(plain), bits_of(plain_shuffled));
}

TEST(ExactSum, MatchesAQuadPrecisionReferenceToHalfAnUlp) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const std::vector<double> values = wide_values(5000, seed);
    ExactSum sum(1);
    Quad reference = 0;
    for (const double v : values)
      sum.add(0, v), reference += static_cast<Quad>(v);
    const double exact = sum.value(0);
    const double rounded = static_cast<double>(reference);
    // The quad sum is itself within ~5000·2^-113 relative of the truth: far below an ulp.
    EXPECT_EQ(bits_of(exact), bits_of(rounded)) << "seed " << seed;
  }
}

TEST(ExactSum, CancellationAndRoundingAreExact) {
  ExactSum sum(4);
  // 1 + 2^-80 − 1 is 2^-80 exactly (plain doubles give 0).
  sum.add(0, 1.0), sum.add(0, std::ldexp(1.0, -80)), sum.add(0, -1.0);
  EXPECT_EQ(sum.value(0), std::ldexp(1.0, -80));
  // 2^53 + 1 is a tie: rounds to even (2^53); 2^53 + 3 rounds up to 2^53 + 4.
  sum.add(1, std::ldexp(1.0, 53)), sum.add(1, 1.0);
  EXPECT_EQ(sum.value(1), std::ldexp(1.0, 53));
  sum.add(2, -std::ldexp(1.0, 53)), sum.add(2, -3.0);
  EXPECT_EQ(sum.value(2), -(std::ldexp(1.0, 53) + 4));
  // A tie broken by a far smaller addend (the sticky bit): 2^53 + 1 + 2^-100 rounds up.
  sum.add(3, std::ldexp(1.0, 53)), sum.add(3, 1.0), sum.add(3, std::ldexp(1.0, -100));
  EXPECT_EQ(sum.value(3), std::ldexp(1.0, 53) + 2);
}

TEST(ExactSum, RangeLimitsAndNonFiniteValues) {
  ExactSum sum(5);
  sum.add(0, std::numeric_limits<double>::quiet_NaN());
  sum.add(1, std::numeric_limits<double>::infinity());
  sum.add(2, std::ldexp(1.0, 120));        // beyond the range: counted as non-finite
  sum.add(3, std::ldexp(1.0, 119) * 1.5);  // just inside
  sum.add(4, std::ldexp(1.0, -140));       // below the lowest digit: truncated away
  sum.add(4, std::ldexp(1.0, -136));       // the lowest digit itself is kept
  EXPECT_TRUE(std::isnan(sum.value(0)));
  EXPECT_TRUE(std::isnan(sum.value(1)));
  EXPECT_TRUE(std::isnan(sum.value(2)));
  EXPECT_EQ(sum.value(3), std::ldexp(1.0, 119) * 1.5);
  EXPECT_EQ(sum.value(4), std::ldexp(1.0, -136));
}

TEST(ExactSum, VectorAddAndManyAdditionsBetweenCarries) {
  ExactSum sum(3);
  const double block[3] = {0.1, -0.25, 1e10};
  for (int i = 0; i < 100000; ++i)
    sum.add(block);
  EXPECT_EQ(sum.value(0), static_cast<double>(static_cast<Quad>(0.1) * 100000));
  EXPECT_EQ(sum.value(1), -25000.0);
  EXPECT_EQ(sum.value(2), 1e15);
}

}  // namespace
}  // namespace msflow
