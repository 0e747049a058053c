// The public counter RNG: stream layout (bit for bit against Random123), the prefix property,
// separation of streams, limits, and the statistics of the normals and uniforms.
#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "msflow/rng/counter_rng.hpp"
#include "msflow/rng/detail/normal_kernels.hpp"
#include "msflow/rng/detail/philox4x32.hpp"

namespace msflow {
namespace {

constexpr StreamKey kKey{12345, Purpose::kTest};

std::vector<double> normals(StreamKey key, std::uint64_t a, std::uint64_t b, std::size_t n) {
  std::vector<double> out(n);
  fill_normals(key, a, b, out.data(), n);
  return out;
}

std::vector<double> uniforms(StreamKey key, std::uint64_t a, std::uint64_t b, std::size_t n) {
  std::vector<double> out(n);
  fill_uniforms(key, a, b, out.data(), n);
  return out;
}

// Block j of stream (key, a, b) straight from Random123, with the documented layout.
r123::Philox4x32::ctr_type reference_block(StreamKey key, std::uint64_t a, std::uint64_t b,
                                           std::uint32_t j) {
  const std::uint64_t philox_key = rng_detail::philox_key(key);
  const r123::Philox4x32::key_type words = {
      {static_cast<std::uint32_t>(philox_key), static_cast<std::uint32_t>(philox_key >> 32)}};
  const r123::Philox4x32::ctr_type counter = {{static_cast<std::uint32_t>(a),
                                               static_cast<std::uint32_t>(b),
                                               static_cast<std::uint32_t>(b >> 32), j}};
  return r123::Philox4x32()(counter, words);
}

std::uint64_t join(std::uint32_t high, std::uint32_t low) {
  return std::uint64_t{high} << 32 | low;
}

TEST(RngStreams, UniformsAreTheDocumentedPhiloxWords) {
  for (const std::uint64_t b : {0x0ull, 0x4dull, 0xfedcba9876543210ull}) {
    const auto values = uniforms(kKey, 4000000000u, b, 301);
    for (std::uint32_t j = 0; 2 * j < values.size(); ++j) {
      const auto block = reference_block(kKey, 4000000000u, b, j);
      ASSERT_EQ(values[2 * j], uniform_from_bits(join(block.v[0], block.v[1])));
      if (2 * j + 1 < values.size()) {
        ASSERT_EQ(values[2 * j + 1], uniform_from_bits(join(block.v[2], block.v[3])));
      }
    }
  }
}

TEST(RngStreams, NormalsAreBoxMullerOfTheDocumentedPhiloxWords) {
  constexpr double kPi = 3.14159265358979323846264338327950288;
  const auto values = normals(kKey, 3, 5, 1001);
  for (std::uint32_t j = 0; 2 * j < values.size(); ++j) {
    const auto block = reference_block(kKey, 3, 5, j);
    const double radius =
        std::sqrt(-2.0 * std::log(uniform_from_bits(join(block.v[0], block.v[1]))));
    const double theta = (block.v[2] >> 30) * (kPi / 2) + rng_detail::centred_angle(block.v[2]);
    ASSERT_NEAR(values[2 * j], radius * std::cos(theta), 4e-15 * (1 + radius));
    if (2 * j + 1 < values.size()) {
      ASSERT_NEAR(values[2 * j + 1], radius * std::sin(theta), 4e-15 * (1 + radius));
    }
  }
}

TEST(RngStreams, ElementsDoNotDependOnTheRequestLength) {
  const auto long_normals = normals(kKey, 9, 1u << 20, 1500);
  const auto long_uniforms = uniforms(kKey, 9, 1u << 20, 1500);
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 130; ++n)
    lengths.push_back(n);
  for (const std::size_t n : {255, 256, 257, 1023, 1024, 1025, 1499})
    lengths.push_back(n);
  for (const std::size_t n : lengths) {
    const auto short_normals = normals(kKey, 9, 1u << 20, n);
    const auto short_uniforms = uniforms(kKey, 9, 1u << 20, n);
    ASSERT_TRUE(std::equal(short_normals.begin(), short_normals.end(), long_normals.begin()))
        << "n = " << n;
    ASSERT_TRUE(std::equal(short_uniforms.begin(), short_uniforms.end(), long_uniforms.begin()))
        << "n = " << n;
  }
}

TEST(RngStreams, DistinctAddressesGiveDistinctStreams) {
  const std::vector<std::vector<double>> streams = {
      normals({1, Purpose::kSimulateStep}, 0, 0, 64),
      normals({1, Purpose::kSimulateStep}, 1, 0, 64),
      normals({1, Purpose::kSimulateStep}, 0, 1, 64),
      normals({1, Purpose::kSimulateStep}, 0, std::uint64_t{1} << 32, 64),  // b's high word
      normals({1, Purpose::kSimulateInitial}, 0, 0, 64),
      normals({1, Purpose::kSimulateAveraged}, 0, 0, 64),
      normals({2, Purpose::kSimulateStep}, 0, 0, 64),
      normals({std::uint64_t{1} << 63 | 1, Purpose::kSimulateStep}, 0, 0, 64),
  };
  for (std::size_t i = 0; i < streams.size(); ++i) {
    for (std::size_t k = i + 1; k < streams.size(); ++k) {
      // No value shared at all, not merely different sequences.
      for (const double value : streams[i]) {
        ASSERT_EQ(std::count(streams[k].begin(), streams[k].end(), value), 0)
            << "streams " << i << " and " << k;
      }
    }
  }
}

TEST(RngStreams, RejectsAddressesBeyondTheCounter) {
  double value = 0.0;
  const std::uint64_t too_large_a = std::uint64_t{1} << 32;
  EXPECT_THROW(fill_normals(kKey, too_large_a, 0, &value, 1), std::out_of_range);
  EXPECT_THROW(fill_uniforms(kKey, too_large_a, 0, &value, 1), std::out_of_range);
  EXPECT_NO_THROW(fill_normals(kKey, too_large_a - 1, ~std::uint64_t{0}, &value, 1));
  // More than 2^32 blocks of two: thrown before anything is written.
  const std::size_t too_many = (std::size_t{1} << 33) + 1;
  EXPECT_THROW(fill_normals(kKey, 0, 0, nullptr, too_many), std::out_of_range);
  EXPECT_THROW(fill_uniforms(kKey, 0, 0, nullptr, too_many), std::out_of_range);
  EXPECT_NO_THROW(fill_normals(kKey, 0, 0, nullptr, 0));
}

// Sample moments of draws in requests of `per_call` values, one stream per step b, as the
// simulator draws them.
struct Moments {
  double mean = 0, variance = 0, skewness = 0, excess_kurtosis = 0;
};

Moments moments_of(const std::vector<double>& x) {
  const auto n = static_cast<double>(x.size());
  double mean = 0;
  for (const double v : x)
    mean += v;
  mean /= n;
  double m2 = 0, m3 = 0, m4 = 0;
  for (const double v : x) {
    const double d = v - mean, d2 = d * d;
    m2 += d2, m3 += d2 * d, m4 += d2 * d2;
  }
  m2 /= n, m3 /= n, m4 /= n;
  return {mean, m2, m3 / std::pow(m2, 1.5), m4 / (m2 * m2) - 3.0};
}

std::vector<double> simulator_like_normals(std::size_t total, std::size_t per_call) {
  std::vector<double> x(total);
  for (std::size_t done = 0, step = 0; done < total; done += per_call, ++step) {
    fill_normals({2024, Purpose::kSimulateStep}, 17, step, x.data() + done,
                 std::min(per_call, total - done));
  }
  return x;
}

TEST(RngStatistics, NormalMomentsAndTails) {
  constexpr std::size_t kCount = 4000000;
  const auto x = simulator_like_normals(kCount, 44);
  const auto m = moments_of(x);
  const double n = kCount;
  std::printf("normals: mean %.3g variance %.6f skewness %.3g excess kurtosis %.3g\n", m.mean,
              m.variance, m.skewness, m.excess_kurtosis);
  EXPECT_LT(std::abs(m.mean), 5 * std::sqrt(1 / n));
  EXPECT_LT(std::abs(m.variance - 1), 5 * std::sqrt(2 / n));
  EXPECT_LT(std::abs(m.skewness), 5 * std::sqrt(6 / n));
  EXPECT_LT(std::abs(m.excess_kurtosis), 5 * std::sqrt(24 / n));
  // Tails come from the smallest uniforms of the radius: P(|Z| > 4) = erfc(4 / sqrt 2).
  const double p_tail = std::erfc(4 / std::sqrt(2.0));
  const auto tail = static_cast<double>(
      std::count_if(x.begin(), x.end(), [](double v) { return std::abs(v) > 4; }));
  EXPECT_LT(std::abs(tail - n * p_tail), 5 * std::sqrt(n * p_tail));
}

TEST(RngStatistics, NormalsPassKolmogorovSmirnov) {
  constexpr std::size_t kCount = 1000000;
  for (const std::size_t per_call : {std::size_t{12}, std::size_t{1000}}) {
    auto x = simulator_like_normals(kCount, per_call);
    std::sort(x.begin(), x.end());
    double distance = 0;
    for (std::size_t i = 0; i < kCount; ++i) {
      const double cdf = 0.5 * std::erfc(-x[i] / std::sqrt(2.0));
      distance = std::max({distance, cdf - static_cast<double>(i) / kCount,
                           static_cast<double>(i + 1) / kCount - cdf});
    }
    // 1.95 / sqrt(n) is the 0.1% critical value of the Kolmogorov distribution.
    const double statistic = distance * std::sqrt(static_cast<double>(kCount));
    std::printf("normals (%zu per call): KS sqrt(n) D = %.3f\n", per_call, statistic);
    EXPECT_LT(statistic, 1.95);
  }
}

TEST(RngStatistics, UniformsMomentsAndRange) {
  constexpr std::size_t kCount = 4000000;
  std::vector<double> u(kCount);
  for (std::size_t done = 0, step = 0; done < kCount; done += 1000, ++step) {
    fill_uniforms({2024, Purpose::kTest}, 0, step, u.data() + done, 1000);
  }
  EXPECT_GT(*std::min_element(u.begin(), u.end()), 0.0);
  EXPECT_LT(*std::max_element(u.begin(), u.end()), 1.0);
  const auto m = moments_of(u);
  const double n = kCount;
  EXPECT_LT(std::abs(m.mean - 0.5), 5 * std::sqrt(1.0 / 12 / n));
  // Var((U - 1/2)^2) = 1/80 - 1/144.
  EXPECT_LT(std::abs(m.variance - 1.0 / 12), 5 * std::sqrt((1.0 / 80 - 1.0 / 144) / n));
  // Chi-square on 1000 equal cells: mean 999, standard deviation sqrt(2 * 999).
  std::vector<double> counts(1000, 0.0);
  for (const double v : u)
    counts[static_cast<std::size_t>(v * 1000)] += 1;
  double chi_square = 0;
  for (const double c : counts)
    chi_square += (c - n / 1000) * (c - n / 1000) / (n / 1000);
  std::printf("uniforms: mean %.6f variance %.6f chi-square(999) %.1f\n", m.mean, m.variance,
              chi_square);
  EXPECT_LT(std::abs(chi_square - 999), 5 * std::sqrt(2 * 999.0));
}

}  // namespace
}  // namespace msflow
