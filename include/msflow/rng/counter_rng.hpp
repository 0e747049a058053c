#pragma once
// Counter-based random numbers (Philox4x64-10, Random123). A number is a pure function of
// (seed, purpose, a, b, i): callers address streams by global quantities (trajectory, step,
// iteration, sample index) and never by MPI rank, so results do not depend on the rank count.
#include <cstddef>
#include <cstdint>

namespace msflow {

/// What a stream is used for; distinct purposes never share numbers.
enum class Purpose : std::uint64_t {
  kSimulateStep = 1,     ///< noise of the fine steps of the multiscale simulator
  kSimulateInitial = 2,  ///< initial fast state drawn from the invariant law
  kSimulateAveraged = 3, ///< noise of the averaged-model simulator
  kTest = 99,            ///< reserved for tests
};

struct StreamKey {
  std::uint64_t seed = 0;
  Purpose purpose = Purpose::kTest;
};

/// Fills out[0..n) with independent standard normals of stream (key, a, b); element i is the
/// same whatever n is (normals come in aligned groups of four per Philox block).
void fill_normals(StreamKey key, std::uint64_t a, std::uint64_t b, double* out, std::size_t n);

/// Fills out[0..n) with independent uniforms in the open interval (0, 1).
void fill_uniforms(StreamKey key, std::uint64_t a, std::uint64_t b, double* out, std::size_t n);

/// 53-bit uniform in (0, 1) from 64 random bits (never 0, never 1).
inline double uniform_from_bits(std::uint64_t bits) {
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;
}

}  // namespace msflow
