#include "msflow/parallel/exact_sum.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace msflow {

namespace {

constexpr std::int64_t kDigitBase = std::int64_t{1} << 32;
constexpr std::int64_t kMaxAdditions = std::int64_t{1} << 30;

/// floor(v / 2^32): >> of a negative value is arithmetic in GCC and Clang (and in C++20).
std::int64_t carry_of(std::int64_t v) {
  static_assert((std::int64_t{-1} >> 1) == -1, "arithmetic right shift needed");
  return v >> 32;
}

void normalize_entry(std::int64_t* digit) {
  std::int64_t carry = 0;
  for (int k = 0; k < ExactSum::kDigits - 1; ++k) {
    const std::int64_t v = digit[k] + carry;
    carry = carry_of(v);
    digit[k] = v - carry * kDigitBase;
  }
  digit[ExactSum::kDigits - 1] += carry;
}

/// 2^exponent for a normal exponent (|exponent| < 1023), exactly.
double power_of_two(int exponent) {
  const std::uint64_t bits = static_cast<std::uint64_t>(exponent + 1023) << 52;
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

/// The correctly rounded double of a non-negative normalized digit vector.
double magnitude_to_double(const std::int64_t* digit) {
  // 32-bit limbs; the top digit may hold more than 32 bits. Zero padding above.
  std::uint64_t limb[ExactSum::kDigits + 4] = {};
  for (int k = 0; k < ExactSum::kDigits - 1; ++k)
    limb[k] = static_cast<std::uint64_t>(digit[k]);
  const auto top = static_cast<std::uint64_t>(digit[ExactSum::kDigits - 1]);
  limb[ExactSum::kDigits - 1] = top & 0xffffffffu;
  limb[ExactSum::kDigits] = top >> 32;
  int leading = -1;  // index of the highest set bit
  for (int k = ExactSum::kDigits; k >= 0 && leading < 0; --k)
    if (limb[k] != 0) leading = 32 * k + 63 - __builtin_clzll(limb[k]);
  if (leading < 0) return 0.0;
  if (leading < 64) {  // fits in 64 bits: the hardware conversion rounds to nearest
    const std::uint64_t whole = limb[0] | (limb[1] << 32);
    return static_cast<double>(whole) * power_of_two(ExactSum::kLowExponent);
  }
  // The 64 bits [leading − 63, leading], with every lower bit folded into a sticky bit 0 (far
  // below the 53-bit rounding position, so rounding to nearest even stays correct).
  const int start = leading - 63, q = start / 32, r = start % 32;
  const std::uint64_t low = limb[q] | (limb[q + 1] << 32);
  const std::uint64_t high = limb[q + 2] | (limb[q + 3] << 32);
  std::uint64_t window = r ? (low >> r) | (high << (64 - r)) : low;
  bool sticky = r && (low & ((std::uint64_t{1} << r) - 1)) != 0;
  for (int k = 0; k < q && !sticky; ++k)
    sticky = limb[k] != 0;
  if (sticky) window |= 1u;
  return static_cast<double>(window) * power_of_two(start + ExactSum::kLowExponent);
}

}  // namespace

void ExactSum::resize(std::size_t size) {
  size_ = size;
  words_.assign(size * kStride, 0);
  additions_ = 0;
}

void ExactSum::clear() {
  std::fill(words_.begin(), words_.end(), 0);
  additions_ = 0;
}

void ExactSum::add_one(std::int64_t* entry, double value) const {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const int biased = static_cast<int>((bits >> 52) & 0x7ff);
  if (biased == 0x7ff) {  // NaN or Inf
    ++entry[kDigits];
    return;
  }
  if (biased == 0) return;  // zero or subnormal: below the lowest digit
  std::uint64_t mantissa = (bits & ((std::uint64_t{1} << 52) - 1)) | (std::uint64_t{1} << 52);
  // value = mantissa · 2^(biased − 1075); position of its bit 0 above the lowest digit's bit 0:
  int position = biased - 1075 - kLowExponent;
  if (position < 0) {
    if (position <= -53) return;
    mantissa >>= -position;  // truncation towards zero: deterministic
    position = 0;
  }
  if (position + 53 > 32 * kDigits) {  // |value| ≥ 2^120
    ++entry[kDigits];
    return;
  }
  const int index = position / 32, offset = position % 32;
  const std::uint64_t shifted = mantissa << offset;  // the low 64 of the ≤ 85-bit product
  const std::uint64_t carried = offset ? mantissa >> (64 - offset) : 0;
  const std::int64_t part[3] = {static_cast<std::int64_t>(shifted & 0xffffffffu),
                                static_cast<std::int64_t>(shifted >> 32),
                                static_cast<std::int64_t>(carried)};
  const bool negative = (bits >> 63) != 0;
  for (int k = 0; k < 3 && index + k < kDigits; ++k)
    entry[index + k] += negative ? -part[k] : part[k];
}

void ExactSum::add(const double* values) {
  if (++additions_ >= kMaxAdditions) normalize();
  std::int64_t* entry = words_.data();
  for (std::size_t i = 0; i < size_; ++i, entry += kStride)
    add_one(entry, values[i]);
}

void ExactSum::add(std::size_t offset, const double* values, std::size_t count) {
  if (offset + count > size_) throw std::logic_error("ExactSum::add: range past the end");
  if (++additions_ >= kMaxAdditions) normalize();
  std::int64_t* entry = &words_[offset * kStride];
  for (std::size_t i = 0; i < count; ++i, entry += kStride)
    add_one(entry, values[i]);
}

void ExactSum::add(std::size_t index, double value) {
  if (++additions_ >= kMaxAdditions) normalize();
  add_one(&words_[index * kStride], value);
}

void ExactSum::add(const ExactSum& other) {
  if (other.size_ != size_) throw std::logic_error("ExactSum::add: sizes differ");
  ExactSum copy = other;
  copy.normalize();
  normalize();
  for (std::size_t w = 0; w < words_.size(); ++w)
    words_[w] += copy.words_[w];
  additions_ = 2;
}

void ExactSum::normalize() {
  for (std::size_t i = 0; i < size_; ++i)
    normalize_entry(&words_[i * kStride]);
  additions_ = 0;
}

void ExactSum::reduce(MPI_Comm comm) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  normalize();  // every lower digit now < 2^32, so a sum over < 2^30 ranks cannot overflow
  MPI_Allreduce(MPI_IN_PLACE, words_.data(), static_cast<int>(words_.size()), MPI_INT64_T, MPI_SUM,
                comm);
  additions_ = ranks;
  normalize();
}

double ExactSum::value(std::size_t index) const {
  std::int64_t digit[kStride];
  std::copy(&words_[index * kStride], &words_[index * kStride] + kStride, digit);
  if (digit[kDigits] != 0) return std::numeric_limits<double>::quiet_NaN();
  normalize_entry(digit);
  if (digit[kDigits - 1] >= 0) return magnitude_to_double(digit);
  for (int k = 0; k < kDigits; ++k)
    digit[k] = -digit[k];
  normalize_entry(digit);
  return -magnitude_to_double(digit);
}

void ExactSum::values(double* out) const {
  for (std::size_t i = 0; i < size_; ++i)
    out[i] = value(i);
}

std::vector<double> ExactSum::values() const {
  std::vector<double> out(size_);
  values(out.data());
  return out;
}

}  // namespace msflow
