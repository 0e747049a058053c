#pragma once
// Counter-based random numbers. A number is a pure function of (seed, purpose, a, b, i):
// callers address streams by global quantities (trajectory, step, iteration, sample index) and
// never by MPI rank, so results do not depend on the rank count.
//
// Generator: Philox4x32-10 (Random123's r123::Philox4x32, bit for bit), vectorized across
// blocks. Stream (key, a, b) is the sequence of blocks j = 0, 1, ... with
//   Philox key = (low, high 32 bits of mix(seed, purpose)), mix = splitmix64 finalizers;
//   counter    = {a, low 32 bits of b, high 32 bits of b, j}.
// mix is a bijection of seed for each purpose, so equal purposes never collide; two distinct
// (seed, purpose) pairs otherwise share a key with probability ~2^-64.
// Limits: a < 2^32 and at most 2^33 values per stream (2^32 blocks of two values); beyond that
// the functions throw std::out_of_range.
//
// The numbers are deterministic for a given binary; they need not agree across compilers or
// instruction sets (the normals' last bits depend on FMA availability).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace msflow {

/// What a stream is used for; distinct purposes never share numbers.
enum class Purpose : std::uint64_t {
  kSimulateStep = 1,      ///< noise of the fine steps of the multiscale simulator
  kSimulateInitial = 2,   ///< initial fast state drawn from the invariant law
  kSimulateAveraged = 3,  ///< noise of the averaged-model simulator
  kFlowInit = 4,          ///< initial flow parameters (a = layer)
  kFitBaseSamples = 5,    ///< base samples z of fit iterations (a = draw, b = sample)
  kFitEvaluation = 6,     ///< base samples of the final estimate and the law samples
  kFitInit = 7,           ///< initialization of the unstructured model
  kInferSubspace = 8,     ///< random directions of a posterior subspace (a = direction)
  kInferPosterior = 9,    ///< base draws ε of the posterior flow (a = iteration)
  kInferSamples = 10,     ///< posterior draws of the output (a = 0) and the final ELBO (a = 1)
  kInferChain = 11,       ///< Metropolis: start (b = 0) and proposals (b = step + 1) of chain a
  kInferAccept = 12,      ///< Metropolis: acceptance uniforms of chain a, step b
  kForecast = 13,         ///< Brownian increments of forecast path a, step b
  kInferResample = 14,    ///< infer: the uniform of the importance resampling
  kTest = 99,             ///< reserved for tests
};

struct StreamKey {
  std::uint64_t seed = 0;
  Purpose purpose = Purpose::kTest;
};

/// Fills out[0..n) with independent standard normals of stream (key, a, b). Block j gives
/// out[2j] = r cos(theta) and out[2j+1] = r sin(theta) (Box–Muller) with r = sqrt(-2 ln u),
/// u = uniform_from_bits(word0 << 32 | word1), and theta = (word2 >> 30) * pi/2 + phi, phi the
/// centre of cell (word2 mod 2^30) of 2^30 equal cells of [-pi/4, pi/4); word3 is unused.
/// Element i is the same whatever n is (whole blocks are generated, the tail discarded).
/// Throws std::out_of_range if a >= 2^32 or n > 2^33.
void fill_normals(StreamKey key, std::uint64_t a, std::uint64_t b, double* out, std::size_t n);

/// Fills out[0..n) with independent uniforms in the open interval (0, 1): block j gives
/// out[2j] = uniform_from_bits(word0 << 32 | word1), out[2j+1] from (word2, word3).
/// Element i is the same whatever n is. Throws std::out_of_range if a >= 2^32 or n > 2^33.
void fill_uniforms(StreamKey key, std::uint64_t a, std::uint64_t b, double* out, std::size_t n);

/// 53-bit uniform in (0, 1) from the top 53 of 64 random bits: the centre (k + 1/2) 2^-53 of
/// cell k, rounded to a double (cells above 1/2 share 2^-53-spaced doubles) and kept below 1:
/// the range is [2^-54, 1 - 2^-53], never 0, never 1.
inline double uniform_from_bits(std::uint64_t bits) {
  constexpr std::uint64_t kLargestBelowOneBits = 0x3FEFFFFFFFFFFFFFull;  // 1 - 2^-53
  const double centre =
      (static_cast<double>(static_cast<std::int64_t>(bits >> 11)) + 0.5) * 0x1.0p-53;
  // The top cell's centre 1 - 2^-54 rounds to 1: clamp. Positive doubles order like their bit
  // patterns, and an integer min keeps vectorized callers free of branches.
  std::uint64_t centre_bits;
  std::memcpy(&centre_bits, &centre, sizeof centre_bits);
  centre_bits = std::min(centre_bits, kLargestBelowOneBits);
  double u;
  std::memcpy(&u, &centre_bits, sizeof u);
  return u;
}

}  // namespace msflow
