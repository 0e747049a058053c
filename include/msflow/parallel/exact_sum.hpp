#pragma once
// A vector of sums whose result does not depend on the order of the additions, on how they are
// grouped, or on how many MPI ranks hold them (docs/method.md, "Parallel decomposition").
//
// Every added double is converted exactly to a fixed-point integer with 256 bits of range,
// LSB 2^-136 (bits below it are truncated towards zero, which only touches |x| < 2^-83 — far
// below anything a fit resolves); integer addition is associative, so the sum is exact and the
// final conversion rounds once, to nearest. |x| ≥ 2^120, NaN and Inf are counted and make that
// entry's result NaN. Storage: 9 int64 per entry (eight 32-bit digits with headroom for 2^30
// additions between carry propagations, and the count of non-finite values); reduce() is one
// MPI_Allreduce of int64 with MPI_SUM.
//
// Use: accumulate per fixed block of work (blocks chosen from global sizes only), add each
// block's double partial here, reduce(). Then 1, 2 or 3 ranks give bitwise identical sums.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace msflow {

class ExactSum {
 public:
  explicit ExactSum(std::size_t size = 0) { resize(size); }

  std::size_t size() const { return size_; }
  /// Sets the size and clears every entry to zero.
  void resize(std::size_t size);
  void clear();

  /// entry[i] += values[i] for i < size().
  void add(const double* values);
  /// entry[offset + i] += values[i] for i < count.
  void add(std::size_t offset, const double* values, std::size_t count);
  /// entry[index] += value.
  void add(std::size_t index, double value);
  /// this += other (same size; exact).
  void add(const ExactSum& other);

  /// Collective over `comm`: every rank's entries become the sum over all ranks (exact).
  void reduce(MPI_Comm comm);

  /// The correctly rounded value of entry i (NaN if a non-finite value was added to it).
  double value(std::size_t index) const;
  /// All entries, rounded.
  void values(double* out) const;
  std::vector<double> values() const;

  static constexpr int kDigits = 8;            ///< 32-bit digits per entry
  static constexpr int kLowExponent = -136;    ///< weight of the lowest digit's lowest bit
  static constexpr int kStride = kDigits + 1;  ///< digits + the non-finite count

 private:
  void add_one(std::int64_t* entry, double value) const;
  /// Carries every digit into [0, 2^32) except the top one, which keeps the sign.
  void normalize();

  std::size_t size_ = 0;
  std::vector<std::int64_t> words_;  ///< size × kStride
  std::int64_t additions_ = 0;       ///< since the last normalize()
};

}  // namespace msflow
