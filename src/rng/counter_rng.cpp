#include "msflow/rng/counter_rng.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

#include "msflow/rng/detail/normal_kernels.hpp"
#include "msflow/rng/detail/philox4x32.hpp"

namespace msflow {

namespace {

using rng_detail::PhiloxBlocks;

// Two values per block, 2^32 blocks per stream.
constexpr std::size_t kValuesPerBlock = 2;
constexpr std::uint64_t kMaxValuesPerStream = std::uint64_t{kValuesPerBlock} << 32;
// Blocks per batch: 16 gives the out-of-order core enough independent Philox and polynomial
// chains; short tails use narrower batches so that a request of 12 computes 16 values, not 32.
// Block j always gives values 2j, 2j+1, so the batch widths never change the stream.
constexpr std::size_t kWideLanes = 16;

// Everything a batch needs to know about its stream, split into Philox's 32-bit words.
struct Stream {
  std::uint32_t key0, key1, a, b_low, b_high;
};

Stream make_stream(StreamKey key, std::uint64_t a, std::uint64_t b, std::size_t n,
                   const char* caller) {
  if (a > 0xFFFFFFFFull) {
    throw std::out_of_range(std::string(caller) + ": a = " + std::to_string(a) +
                            " does not fit the 32-bit counter word (a < 2^32)");
  }
  if (static_cast<std::uint64_t>(n) > kMaxValuesPerStream) {
    throw std::out_of_range(std::string(caller) + ": n = " + std::to_string(n) +
                            " exceeds the 2^33 values of a stream");
  }
  const std::uint64_t philox_key = rng_detail::philox_key(key);
  return {static_cast<std::uint32_t>(philox_key), static_cast<std::uint32_t>(philox_key >> 32),
          static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b),
          static_cast<std::uint32_t>(b >> 32)};
}

// Blocks first_block .. first_block + Lanes - 1 of the stream (indices past 2^32 - 1 wrap,
// but only in tails that the callers discard).
template <std::size_t Lanes>
inline void generate_blocks(const Stream& stream, std::uint32_t first_block,
                            PhiloxBlocks<Lanes>& blocks) {
  for (std::size_t j = 0; j < Lanes; ++j) {
    blocks.words[0][j] = stream.a;
    blocks.words[1][j] = stream.b_low;
    blocks.words[2][j] = stream.b_high;
    blocks.words[3][j] = first_block + static_cast<std::uint32_t>(j);
  }
  rng_detail::philox4x32_10(blocks, stream.key0, stream.key1);
}

inline std::uint64_t join(std::uint32_t high, std::uint32_t low) {
  return std::uint64_t{high} << 32 | low;
}

struct NormalBatch {
  template <std::size_t Lanes>
  static void run(const Stream& stream, std::uint32_t first_block, double* __restrict out) {
    PhiloxBlocks<Lanes> blocks;
    generate_blocks(stream, first_block, blocks);
    const auto& w = blocks.words;
    for (std::size_t j = 0; j < Lanes; ++j) {
      rng_detail::box_muller(join(w[0][j], w[1][j]), w[2][j], out[2 * j], out[2 * j + 1]);
    }
  }
};

struct UniformBatch {
  template <std::size_t Lanes>
  static void run(const Stream& stream, std::uint32_t first_block, double* __restrict out) {
    PhiloxBlocks<Lanes> blocks;
    generate_blocks(stream, first_block, blocks);
    const auto& w = blocks.words;
    for (std::size_t j = 0; j < Lanes; ++j) {
      out[2 * j] = uniform_from_bits(join(w[0][j], w[1][j]));
      out[2 * j + 1] = uniform_from_bits(join(w[2][j], w[3][j]));
    }
  }
};

// The last n - done (< 2 Lanes) values through a stack buffer.
template <typename Batch, std::size_t Lanes>
void fill_tail(const Stream& stream, std::uint32_t first_block, double* out, std::size_t count) {
  double tail[kValuesPerBlock * Lanes];
  Batch::template run<Lanes>(stream, first_block, tail);
  std::memcpy(out, tail, count * sizeof(double));
}

// Whole wide batches straight into out, the tail in the narrowest batch that covers it: no
// allocation, and element i never depends on n.
template <typename Batch>
void fill(const Stream& stream, double* out, std::size_t n) {
  constexpr std::size_t kWideValues = kValuesPerBlock * kWideLanes;
  std::size_t done = 0;
  std::uint32_t block = 0;
  for (; n - done >= kWideValues; done += kWideValues, block += kWideLanes) {
    Batch::template run<kWideLanes>(stream, block, out + done);
  }
  const std::size_t rest = n - done;
  if (rest > kWideValues / 2) {
    fill_tail<Batch, kWideLanes>(stream, block, out + done, rest);
  } else if (rest > kWideValues / 4) {
    fill_tail<Batch, kWideLanes / 2>(stream, block, out + done, rest);
  } else if (rest > 0) {
    fill_tail<Batch, kWideLanes / 4>(stream, block, out + done, rest);
  }
}

}  // namespace

void fill_normals(StreamKey key, std::uint64_t a, std::uint64_t b, double* out, std::size_t n) {
  fill<NormalBatch>(make_stream(key, a, b, n, "fill_normals"), out, n);
}

void fill_uniforms(StreamKey key, std::uint64_t a, std::uint64_t b, double* out, std::size_t n) {
  fill<UniformBatch>(make_stream(key, a, b, n, "fill_uniforms"), out, n);
}

}  // namespace msflow
