#include "msflow/rng/counter_rng.hpp"

#include <Random123/philox.h>

#include <cmath>

namespace msflow {

namespace {

using Philox = r123::Philox4x64;

inline Philox::ctr_type block(const Philox::key_type& key, std::uint64_t a, std::uint64_t b,
                              std::uint64_t index) {
  const Philox::ctr_type counter = {{a, b, index, 0}};
  return Philox()(counter, key);
}

constexpr double kTwoPi = 6.283185307179586476925286766559;

// Box–Muller: two uniforms give two independent normals.
inline void box_muller(std::uint64_t bits0, std::uint64_t bits1, double& z0, double& z1) {
  const double radius = std::sqrt(-2.0 * std::log(uniform_from_bits(bits0)));
  const double angle = kTwoPi * uniform_from_bits(bits1);
  z0 = radius * std::cos(angle);
  z1 = radius * std::sin(angle);
}

}  // namespace

void fill_normals(StreamKey key, std::uint64_t a, std::uint64_t b, double* out, std::size_t n) {
  const Philox::key_type philox_key = {{key.seed, static_cast<std::uint64_t>(key.purpose)}};
  std::size_t i = 0;
  for (std::uint64_t index = 0; i < n; ++index) {
    const auto bits = block(philox_key, a, b, index);
    double z[4];
    box_muller(bits.v[0], bits.v[1], z[0], z[1]);
    box_muller(bits.v[2], bits.v[3], z[2], z[3]);
    for (int j = 0; j < 4 && i < n; ++j) out[i++] = z[j];
  }
}

void fill_uniforms(StreamKey key, std::uint64_t a, std::uint64_t b, double* out, std::size_t n) {
  const Philox::key_type philox_key = {{key.seed, static_cast<std::uint64_t>(key.purpose)}};
  std::size_t i = 0;
  for (std::uint64_t index = 0; i < n; ++index) {
    const auto bits = block(philox_key, a, b, index);
    for (int j = 0; j < 4 && i < n; ++j) out[i++] = uniform_from_bits(bits.v[j]);
  }
}

}  // namespace msflow
