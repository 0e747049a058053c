#pragma once
// Fixed blocks of a global index range (transitions, interpolation nodes, posterior draws): the
// unit of work and of reduction. The blocks depend on the global count alone, never on the number
// of ranks; ranks own contiguous runs of whole blocks; each block's partial sum is computed in
// the same order whichever rank owns it and is added to an ExactSum. Together this makes every
// reduced value bitwise independent of the rank count (docs/method.md, "Parallel decomposition").
#include <algorithm>
#include <cstddef>

#include "msflow/parallel/partition.hpp"

namespace msflow {

class BlockLayout {
 public:
  BlockLayout() = default;
  /// `count` items in blocks of `block_size` (the last block may be shorter).
  BlockLayout(std::size_t count, std::size_t block_size)
      : count_(count), block_size_(std::max<std::size_t>(1, block_size)) {}

  std::size_t count() const { return count_; }
  std::size_t block_size() const { return block_size_; }
  std::size_t blocks() const { return (count_ + block_size_ - 1) / block_size_; }
  /// The items of block b.
  IndexRange block(std::size_t b) const {
    const std::size_t begin = std::min(count_, b * block_size_);
    return {begin, std::min(count_, begin + block_size_)};
  }
  /// The blocks `rank` of `size` owns: contiguous, counts differ by at most one.
  IndexRange blocks_of(int rank, int size) const { return block_partition(blocks(), rank, size); }
  /// The items of those blocks.
  IndexRange items_of(int rank, int size) const {
    const IndexRange mine = blocks_of(rank, size);
    return {block(mine.begin).begin,
            mine.end > mine.begin ? block(mine.end - 1).end : block(mine.begin).begin};
  }

 private:
  std::size_t count_ = 0, block_size_ = 1;
};

/// Blocks of M transitions: 256 blocks (so up to 256 ranks share the work), at least 256
/// transitions each (so a block's ExactSum conversion is under 2% of its kernel work).
inline BlockLayout transition_blocks(std::size_t transitions) {
  return BlockLayout(transitions, std::max<std::size_t>(256, (transitions + 255) / 256));
}

/// Blocks of interpolation nodes: at most 64 blocks of at least 16 nodes.
inline BlockLayout node_blocks(std::size_t nodes) {
  return BlockLayout(nodes, std::max<std::size_t>(16, (nodes + 63) / 64));
}

}  // namespace msflow
