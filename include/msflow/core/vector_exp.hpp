#pragma once
// A branch-free exp for doubles that GCC vectorizes when it is inlined into a loop. std::exp is
// a library call that keeps the loop scalar (no -ffast-math here, so no libmvec either); this is
// the kernel behind the hot loops of `fit` (the Gaussian interaction kernels of the models).
//
// Algorithm (Cody–Waite): x = k ln2 + r with k = round(x / ln2), |r| <= ln2/2; exp(r) by its
// degree-13 Taylor polynomial (truncation below 5e-18 relative on that interval); 2^k by writing
// the exponent field. 2^k is applied as two factors 2^⌊k/2⌋ 2^⌈k/2⌉ so that results in the
// subnormal range are produced by one correctly rounded multiplication (gradual underflow)
// instead of a branch. Accuracy: within ~2 ulp of exp (unit test: relative 2.3e-16 on
// [−708, 709]); the argument is clamped to [−746, 710], so exp(x) = 0 for x <= −746
// (exp(−745.14) is the smallest subnormal) and +inf above 710. NaN is not propagated.
#include <cstdint>

#include "msflow/core/float_bits.hpp"

namespace msflow {

namespace vector_exp_detail {

using float_bits::bits_of;
using float_bits::double_from_bits;
using float_bits::mul_add;

/// 2^k for an integer k in [−1022, 1023], by writing the biased exponent.
inline double power_of_two(std::int64_t k) {
  return double_from_bits(static_cast<std::uint64_t>(k + 1023) << 52);
}

}  // namespace vector_exp_detail

/// exp(x) without branches (see the header comment for range and accuracy).
inline double vector_exp(double x) {
  using namespace vector_exp_detail;
  constexpr double kLog2e = 1.4426950408889634074;
  constexpr double kLn2High = 0x1.62e42fefa39efp-1;  // ln 2 = kLn2High + kLn2Low to ~2^-110
  constexpr double kLn2Low = 0x1.abc9e3b39803fp-56;
  // 1.5 · 2^52: adding it rounds to an integer that lands in the low mantissa bits.
  constexpr double kShifter = 0x1.8p52;
  constexpr double kLowest = -746.0, kHighest = 710.0;

  // Clamping (vminpd/vmaxpd) keeps k in [−1077, 1025], where the split scaling below is exact.
  const double clamped = x < kLowest ? kLowest : (x > kHighest ? kHighest : x);
  const double shifted = mul_add(clamped, kLog2e, kShifter);
  const double k_real = shifted - kShifter;
  const auto k = static_cast<std::int64_t>(bits_of(shifted) - bits_of(kShifter));
  // r = x − k ln2 in two FMA steps: the first is exact up to one rounding of a small number.
  const double r = mul_add(-k_real, kLn2Low, mul_add(-k_real, kLn2High, clamped));

  // exp(r) = Σ_{n<=13} r^n/n!, Horner with FMA.
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = mul_add(p, r, 1.0 / 479001600.0);
  p = mul_add(p, r, 1.0 / 39916800.0);
  p = mul_add(p, r, 1.0 / 3628800.0);
  p = mul_add(p, r, 1.0 / 362880.0);
  p = mul_add(p, r, 1.0 / 40320.0);
  p = mul_add(p, r, 1.0 / 5040.0);
  p = mul_add(p, r, 1.0 / 720.0);
  p = mul_add(p, r, 1.0 / 120.0);
  p = mul_add(p, r, 1.0 / 24.0);
  p = mul_add(p, r, 1.0 / 6.0);
  p = mul_add(p, r, 0.5);
  p = mul_add(p, r * r, r);  // r + r²(…): the two leading terms added last keep the rounding small
  p += 1.0;

  // 2^k = 2^(k >> 1) · 2^(k − (k >> 1)): both factors normal for every clamped k.
  const std::int64_t k_half = k >> 1;
  return p * power_of_two(k_half) * power_of_two(k - k_half);
}

}  // namespace msflow
