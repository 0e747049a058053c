#pragma once
#include <cstddef>

namespace msflow {

/// A contiguous half-open range [begin, end) of global indices.
struct IndexRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
};

/// The block of `count` items owned by `rank` of `size`: contiguous, sizes differ by at most one,
/// lower ranks take the remainder.
inline IndexRange block_partition(std::size_t count, int rank, int size) {
  const std::size_t r = static_cast<std::size_t>(rank), p = static_cast<std::size_t>(size);
  const std::size_t base = count / p, extra = count % p;
  const std::size_t begin = r * base + (r < extra ? r : extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

}  // namespace msflow
