// The building blocks of the counter RNG: Philox4x32-10 against Random123, and the
// vectorizable ln / sqrt / sin / cos kernels against the C++ library.
#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <random>
#include <vector>

#include "msflow/rng/detail/normal_kernels.hpp"
#include "msflow/rng/detail/philox4x32.hpp"

namespace msflow {
namespace {

using rng_detail::PhiloxBlocks;

constexpr double kPi = 3.14159265358979323846264338327950288;

std::array<std::uint32_t, 4> philox_sample(std::array<std::uint32_t, 4> counter, std::uint32_t key0,
                                           std::uint32_t key1) {
  PhiloxBlocks<4> blocks{};
  for (int w = 0; w < 4; ++w)
    blocks.words[w][2] = counter[w];  // any lane will do
  rng_detail::philox4x32_10(blocks, key0, key1);
  return {blocks.words[0][2], blocks.words[1][2], blocks.words[2][2], blocks.words[3][2]};
}

TEST(RngPhilox, KnownAnswersOfRandom123) {
  // Random123's kat_vectors for philox4x32 with 10 rounds.
  using Words = std::array<std::uint32_t, 4>;
  EXPECT_EQ(philox_sample({0, 0, 0, 0}, 0, 0),
            (Words{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox_sample({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, 0xffffffff, 0xffffffff),
            (Words{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox_sample({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, 0xa4093822, 0x299f31d0),
            (Words{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(RngPhilox, MatchesRandom123OnRandomCountersAndKeys) {
  std::mt19937_64 engine(20240611);
  constexpr std::size_t kLanes = 16;
  for (int trial = 0; trial < 2000; ++trial) {
    const auto key_bits = engine();
    const r123::Philox4x32::key_type key = {
        {static_cast<std::uint32_t>(key_bits), static_cast<std::uint32_t>(key_bits >> 32)}};
    PhiloxBlocks<kLanes> blocks;
    std::array<r123::Philox4x32::ctr_type, kLanes> counters;
    for (std::size_t j = 0; j < kLanes; ++j) {
      for (int w = 0; w < 4; ++w) {
        // Mix in all-zero and all-one words, where carries and wrap-around bite.
        const auto pick = engine() % 8;
        const auto word = pick == 0   ? 0u
                          : pick == 1 ? 0xffffffffu
                                      : static_cast<std::uint32_t>(engine());
        counters[j].v[w] = word;
        blocks.words[w][j] = word;
      }
    }
    rng_detail::philox4x32_10(blocks, key.v[0], key.v[1]);
    for (std::size_t j = 0; j < kLanes; ++j) {
      const auto expected = r123::Philox4x32()(counters[j], key);
      for (int w = 0; w < 4; ++w) {
        ASSERT_EQ(blocks.words[w][j], expected.v[w]) << "trial " << trial << " lane " << j;
      }
    }
  }
}

TEST(RngPhilox, KeyDerivationSeparatesSeedsAndPurposes) {
  EXPECT_NE(rng_detail::philox_key({0, Purpose::kTest}), 0u);
  EXPECT_NE(rng_detail::philox_key({1, Purpose::kSimulateStep}),
            rng_detail::philox_key({1, Purpose::kSimulateInitial}));
  EXPECT_NE(rng_detail::philox_key({1, Purpose::kSimulateStep}),
            rng_detail::philox_key({2, Purpose::kSimulateStep}));
  // Small seeds under every purpose give distinct keys.
  std::vector<std::uint64_t> keys;
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    for (auto purpose : {Purpose::kSimulateStep, Purpose::kSimulateInitial,
                         Purpose::kSimulateAveraged, Purpose::kTest}) {
      keys.push_back(rng_detail::philox_key({seed, purpose}));
    }
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}

double relative_error(double value, double reference) {
  return std::abs(value - reference) / std::abs(reference);
}

// Inputs of the log: every binade the 53-bit uniforms reach, dense near 1, and the edges.
std::vector<double> log_inputs() {
  std::vector<double> inputs = {0x1.0p-54,
                                0x1.0p-53,
                                1.0 - 0x1.0p-53,
                                1.0 - 0x1.0p-52,
                                0.5,
                                0.5 + 0x1.0p-54,
                                0.5 - 0x1.0p-54,
                                std::sqrt(0.5),
                                std::nextafter(std::sqrt(0.5), 0.0),
                                std::sqrt(2.0) / 4.0,
                                0.69,
                                0.71,
                                0.999,
                                1.38 / 2,
                                1.42 / 2,
                                2.0,
                                1.5,
                                1e300,
                                1e-300};
  std::mt19937_64 engine(7);
  for (int i = 0; i < 1000000; ++i) {
    inputs.push_back(uniform_from_bits(engine()));                         // the real distribution
    inputs.push_back(std::ldexp(uniform_from_bits(engine()), -(i % 54)));  // every binade
  }
  for (int i = 1; i <= 100000; ++i) {
    inputs.push_back(1.0 - i * 0x1.0p-53);  // ln near 0, where relative error is hardest
    inputs.push_back(static_cast<double>(i) / 100001.0);
  }
  return inputs;
}

TEST(RngKernels, LogMatchesStdLog) {
  double worst = 0.0, worst_at = 0.0;
  for (const double u : log_inputs()) {
    const double error = relative_error(rng_detail::log_positive(u), std::log(u));
    if (error > worst) worst = error, worst_at = u;
  }
  std::printf("log_positive: max relative error %.3g (%.2f eps) at u = %a\n", worst,
              worst / 0x1.0p-52, worst_at);
  EXPECT_LE(worst, 1e-15);
}

TEST(RngKernels, SqrtMatchesStdSqrt) {
  // The radius argument -2 ln u lies in [2^-52, 75].
  std::vector<double> inputs = {0x1.0p-53, 0x1.0p-52, 1.0, 2.0, 74.9, 75.0, 1e-300, 1e300};
  std::mt19937_64 engine(11);
  for (int i = 0; i < 1000000; ++i) {
    inputs.push_back(-2.0 * std::log(uniform_from_bits(engine())));
    inputs.push_back(std::ldexp(1.0 + uniform_from_bits(engine()), (i % 120) - 60));
  }
  double worst = 0.0;
  for (const double x : inputs) {
    worst = std::max(worst, relative_error(rng_detail::sqrt_positive(x), std::sqrt(x)));
  }
  std::printf("sqrt_positive: max relative error %.3g (%.2f eps)\n", worst, worst / 0x1.0p-52);
  EXPECT_LE(worst, 1e-15);
}

TEST(RngKernels, SinCosMatchStdOnTheQuarterInterval) {
  std::vector<double> angles = {0.0,    -0.0,   kPi / 4, -kPi / 4, std::nextafter(kPi / 4, 0.0),
                                1e-300, -1e-20, 1e-8};
  for (const std::uint32_t word :
       {0x00000000u, 0x00000001u, 0x1fffffffu, 0x20000000u, 0x3ffffffeu, 0x3fffffffu}) {
    angles.push_back(rng_detail::centred_angle(word));  // the ends and centre of the grid
  }
  for (int i = 0; i <= 2000000; ++i)
    angles.push_back((i / 1000000.0 - 1.0) * kPi / 4);
  double worst_sin = 0.0, worst_cos = 0.0, worst_sin_relative = 0.0;
  for (const double phi : angles) {
    const double sin_phi = rng_detail::sin_quarter(phi);
    worst_sin = std::max(worst_sin, std::abs(sin_phi - std::sin(phi)));
    if (phi != 0.0) {
      worst_sin_relative = std::max(worst_sin_relative, relative_error(sin_phi, std::sin(phi)));
    }
    worst_cos = std::max(worst_cos, std::abs(rng_detail::cos_quarter(phi) - std::cos(phi)));
  }
  std::printf("sin_quarter: max abs error %.3g, rel %.3g; cos_quarter: max abs error %.3g\n",
              worst_sin, worst_sin_relative, worst_cos);
  EXPECT_LE(worst_sin, 1e-15);
  EXPECT_LE(worst_sin_relative, 1e-15);
  EXPECT_LE(worst_cos, 1e-15);
}

TEST(RngKernels, CentredAngleCoversTheQuarterSymmetrically) {
  EXPECT_DOUBLE_EQ(rng_detail::centred_angle(0), -rng_detail::centred_angle(0x3fffffff));
  EXPECT_GT(rng_detail::centred_angle(0), -kPi / 4);
  EXPECT_LT(rng_detail::centred_angle(0x3fffffff), kPi / 4);
  EXPECT_NEAR(rng_detail::centred_angle(0), -kPi / 4, 2 * rng_detail::kAngleStep);
  // The top two bits are the quadrant, not part of phi.
  EXPECT_EQ(rng_detail::centred_angle(0xc0000005u), rng_detail::centred_angle(0x00000005u));
}

// Reference Box–Muller with the C++ library on the full angle.
void reference_box_muller(std::uint64_t radius_bits, std::uint32_t angle_word, double& z_cos,
                          double& z_sin) {
  const double radius = std::sqrt(-2.0 * std::log(uniform_from_bits(radius_bits)));
  const double theta = (angle_word >> 30) * (kPi / 2) + rng_detail::centred_angle(angle_word);
  z_cos = radius * std::cos(theta);
  z_sin = radius * std::sin(theta);
}

TEST(RngKernels, BoxMullerRotatesIntoAllQuadrants) {
  std::vector<std::uint32_t> words;
  for (std::uint32_t quadrant = 0; quadrant < 4; ++quadrant) {
    for (const std::uint32_t low : {0x00000000u, 0x00000001u, 0x1fffffffu, 0x20000000u, 0x3ffffffeu,
                                    0x3fffffffu, 0x12345678u}) {
      words.push_back(quadrant << 30 | low);
    }
  }
  std::mt19937_64 engine(3);
  for (int i = 0; i < 100000; ++i)
    words.push_back(static_cast<std::uint32_t>(engine()));
  for (const std::uint64_t radius_bits : std::initializer_list<std::uint64_t>{
           std::uint64_t{0}, ~std::uint64_t{0}, std::uint64_t{1} << 63, 0x123456789abcdefull}) {
    for (const std::uint32_t word : words) {
      double z_cos, z_sin, expected_cos, expected_sin;
      rng_detail::box_muller(radius_bits, word, z_cos, z_sin);
      reference_box_muller(radius_bits, word, expected_cos, expected_sin);
      const double radius = std::hypot(expected_cos, expected_sin);
      ASSERT_NEAR(z_cos, expected_cos, 4e-15 * radius + 1e-300) << std::hex << word;
      ASSERT_NEAR(z_sin, expected_sin, 4e-15 * radius + 1e-300) << std::hex << word;
    }
  }
  // Across a quadrant boundary the point moves by one angle step, not a quarter turn.
  double before_cos, before_sin, after_cos, after_sin;
  rng_detail::box_muller(0, 0x3fffffffu, before_cos, before_sin);
  rng_detail::box_muller(0, 0x40000000u, after_cos, after_sin);
  const double radius = std::hypot(before_cos, before_sin);
  EXPECT_NEAR(std::hypot(after_cos - before_cos, after_sin - before_sin),
              radius * rng_detail::kAngleStep, 1e-12 * radius);
}

TEST(RngKernels, UniformFromBitsStaysInsideTheOpenInterval) {
  EXPECT_EQ(uniform_from_bits(0), 0x1.0p-54);
  EXPECT_EQ(uniform_from_bits(~std::uint64_t{0}), 1.0 - 0x1.0p-53);
  EXPECT_LT(uniform_from_bits(0xfffffffffffff800ull), 1.0);
  // Above 1/2 the cell centres are not doubles and round to the 2^-53 grid.
  EXPECT_EQ(uniform_from_bits(std::uint64_t{1} << 63), 0.5);
  EXPECT_EQ(uniform_from_bits((std::uint64_t{1} << 63) - 1), 0.5 - 0x1.0p-54);
  EXPECT_EQ(uniform_from_bits(0x7ffull), 0x1.0p-54);  // the low 11 bits are ignored
}

}  // namespace
}  // namespace msflow
