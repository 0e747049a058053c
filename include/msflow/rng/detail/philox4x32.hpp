#pragma once
// Philox4x32-10 (Salmon et al., SC'11; same numbers as Random123's r123::Philox4x32) in
// structure-of-arrays form: word w of counter j lives in words[w][j], so each round is a
// plain loop over lanes that GCC vectorizes (about 20 vector instructions per round and 8
// lanes with AVX-512).
// Internal to the RNG; public only so the unit tests can check it against Random123.
#include <cstddef>
#include <cstdint>

#include "msflow/rng/counter_rng.hpp"

namespace msflow::rng_detail {

inline constexpr std::uint32_t kPhiloxMultiplier0 = 0xD2511F53u;
inline constexpr std::uint32_t kPhiloxMultiplier1 = 0xCD9E8D57u;
inline constexpr std::uint32_t kPhiloxWeyl0 = 0x9E3779B9u;  // golden ratio
inline constexpr std::uint32_t kPhiloxWeyl1 = 0xBB67AE85u;  // sqrt(3) - 1
inline constexpr int kPhiloxRounds = 10;

/// Lanes counters of four 32-bit words, transformed in place into Lanes random blocks.
template <std::size_t Lanes>
struct PhiloxBlocks {
  alignas(64) std::uint32_t words[4][Lanes];
};

/// Philox4x32-10 of every lane under the key (key0, key1). Lanes are the outer loop and the
/// rounds are unrolled inside it, so each word stays in a vector register for all ten rounds.
/// Words live in 64-bit lanes whose high halves hold garbage between rounds: the multiplies
/// read only the masked low halves (GCC 12 emits vpand + vpmullq, no shuffles between 32- and
/// 64-bit lanes), and the result is truncated once.
template <std::size_t Lanes>
inline void philox4x32_10(PhiloxBlocks<Lanes>& blocks, std::uint32_t key0, std::uint32_t key1) {
  constexpr std::uint64_t kLow = 0xFFFFFFFFull;
  auto& x = blocks.words;
  for (std::size_t j = 0; j < Lanes; ++j) {
    std::uint64_t x0 = x[0][j], x1 = x[1][j], x2 = x[2][j], x3 = x[3][j];
    std::uint64_t round_key0 = key0, round_key1 = key1;
#pragma GCC unroll 10
    for (int round = 0; round < kPhiloxRounds; ++round) {
      const std::uint64_t product0 = kPhiloxMultiplier0 * (x0 & kLow);
      const std::uint64_t product1 = kPhiloxMultiplier1 * (x2 & kLow);
      x0 = (product1 >> 32) ^ x1 ^ round_key0;
      x1 = product1;
      x2 = (product0 >> 32) ^ x3 ^ round_key1;
      x3 = product0;
      // 32-bit key schedule; the bump after the last round is unused, as in Random123.
      round_key0 = (round_key0 + kPhiloxWeyl0) & kLow;
      round_key1 = (round_key1 + kPhiloxWeyl1) & kLow;
    }
    x[0][j] = static_cast<std::uint32_t>(x0);
    x[1][j] = static_cast<std::uint32_t>(x1);
    x[2][j] = static_cast<std::uint32_t>(x2);
    x[3][j] = static_cast<std::uint32_t>(x3);
  }
}

/// splitmix64's finalizer (Steele, Lea, Flood 2014): a bijection of 64-bit words with full
/// avalanche.
inline constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// The 64-bit Philox key of a stream (low word first): for a fixed purpose a bijection of the
/// seed, and a pseudo-random function of the pair otherwise.
inline constexpr std::uint64_t philox_key(StreamKey key) {
  constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;  // keeps mix64(0) = 0 out of play
  return mix64(key.seed ^ mix64(static_cast<std::uint64_t>(key.purpose) + kGolden));
}

}  // namespace msflow::rng_detail
