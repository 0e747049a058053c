#pragma once
// Branch-free scalar kernels for Box–Muller that GCC vectorizes when they are inlined into a
// loop: std::log/std::sin/std::cos/std::sqrt are library calls (or errno-guarded) and would
// keep the loop scalar. Bit casts go through std::memcpy, which vectorizes to nothing.
// Internal to the RNG; public only so the unit tests can check the accuracy.
#include <cstdint>

#include "msflow/core/float_bits.hpp"
#include "msflow/rng/counter_rng.hpp"

namespace msflow::rng_detail {

using float_bits::bits_of;
using float_bits::double_from_bits;
using float_bits::mul_add;

/// Natural log of a positive normal finite x (no checks), within ~1 ulp. fdlibm's e_log.c
/// algorithm without its branches: x = 2^k z with z in [sqrt(1/2), sqrt(2)), f = z - 1 exact,
/// s = f / (2 + f), log z = 2 atanh s = f - s (f - R(s^2)) with fdlibm's minimax R.
inline double log_positive(double x) {
  constexpr std::uint64_t kSqrtHalfBits = 0x3FE6A09E667F3BCDull;
  constexpr std::uint64_t kExponentMask = 0xFFF0000000000000ull;
  constexpr double kLg1 = 6.666666666666735130e-01, kLg2 = 3.999999999940941908e-01,
                   kLg3 = 2.857142874366239149e-01, kLg4 = 2.222219843214978396e-01,
                   kLg5 = 1.818357216161805012e-01, kLg6 = 1.531383769920937332e-01,
                   kLg7 = 1.479819860511658591e-01;
  constexpr double kLn2High = 6.93147180369123816490e-01;  // 32 bits: k * kLn2High is exact
  constexpr double kLn2Low = 1.90821492927058770002e-10;

  const std::uint64_t bits = bits_of(x);
  // Subtracting sqrt(1/2) moves the exponent boundary to the mantissa sqrt(2): the high bits
  // of the difference are k (arithmetic shift) and removing them from x leaves z.
  const std::uint64_t shifted = bits - kSqrtHalfBits;
  const auto k = static_cast<double>(static_cast<std::int64_t>(shifted) >> 52);
  const double z = double_from_bits(bits - (shifted & kExponentMask));

  const double f = z - 1.0;
  const double s = f / (2.0 + f);
  const double s2 = s * s;
  const double s4 = s2 * s2;
  const double even = s4 * mul_add(s4, mul_add(s4, kLg6, kLg4), kLg2);
  const double odd = s2 * mul_add(s4, mul_add(s4, mul_add(s4, kLg7, kLg5), kLg3), kLg1);
  const double r = even + odd;
  const double half_f2 = 0.5 * f * f;
  // fdlibm's two tails, equal in exact arithmetic: the f^2/2 form for z near sqrt(1/2) or
  // sqrt(2) (same thresholds as fdlibm), s (f - R) otherwise; selected without a branch.
  const double far_from_one = k * kLn2High - ((half_f2 - (s * (half_f2 + r) + k * kLn2Low)) - f);
  const double near_one = k * kLn2High - ((s * (f - r) - k * kLn2Low) - f);
  const bool use_far = (f >= 0.38) | (f <= -0.29);  // `|`: no short-circuit branch
  return use_far ? far_from_one : near_one;
}

/// sqrt of a positive normal finite x, within ~1 ulp: inverse square root from a bit-level
/// guess (3.4% error), three Newton steps (to ~4e-11), then one Newton step on sqrt itself.
inline double sqrt_positive(double x) {
  constexpr std::uint64_t kInverseSqrtMagic = 0x5FE6EB50C7B537A9ull;
  double inverse = double_from_bits(kInverseSqrtMagic - (bits_of(x) >> 1));
  const double half_x = 0.5 * x;
#pragma GCC unroll 3
  for (int step = 0; step < 3; ++step) {
    inverse *= mul_add(-half_x * inverse, inverse, 1.5);
  }
  const double root = x * inverse;
  const double residual = mul_add(-root, root, x);
  return mul_add(0.5 * inverse, residual, root);
}

/// sin x for |x| <= pi/4 within ~1 ulp (fdlibm k_sin.c minimax polynomial).
inline double sin_quarter(double x) {
  constexpr double kS1 = -1.66666666666666324348e-01, kS2 = 8.33333333332248946124e-03,
                   kS3 = -1.98412698298579493134e-04, kS4 = 2.75573137070700676789e-06,
                   kS5 = -2.50507602534068634195e-08, kS6 = 1.58969099521155010221e-10;
  const double z = x * x;
  const double w = z * z;
  const double r = mul_add(z, mul_add(z, kS4, kS3), kS2) + z * w * mul_add(z, kS6, kS5);
  const double v = z * x;
  return x + v * mul_add(z, r, kS1);
}

/// cos x for |x| <= pi/4 within ~1 ulp (fdlibm k_cos.c minimax polynomial; 1 - z/2 is split
/// so that its rounding error is recovered).
inline double cos_quarter(double x) {
  constexpr double kC1 = 4.16666666666666019037e-02, kC2 = -1.38888888888741095749e-03,
                   kC3 = 2.48015872894767294178e-05, kC4 = -2.75573143513906633035e-07,
                   kC5 = 2.08757232129817482790e-09, kC6 = -1.13596475577881948265e-11;
  const double z = x * x;
  const double w = z * z;
  const double r =
      z * mul_add(z, mul_add(z, kC3, kC2), kC1) + w * w * mul_add(z, mul_add(z, kC6, kC5), kC4);
  const double half_z = 0.5 * z;
  const double one_minus = 1.0 - half_z;
  return one_minus + (((1.0 - one_minus) - half_z) + z * r);
}

/// Angle step of the 30-bit centred angle: (pi/2) / 2^30.
inline constexpr double kAngleStep = 1.5707963267948966192313216916398 * 0x1.0p-30;

/// Centred angle phi in (-pi/4, pi/4) from the low 30 bits of a word (midpoints of 2^30
/// equal cells, so the angle distribution is symmetric).
inline double centred_angle(std::uint32_t word) {
  const auto cell = static_cast<std::int32_t>(word & 0x3FFFFFFFu) - (std::int32_t{1} << 29);
  return (static_cast<double>(cell) + 0.5) * kAngleStep;
}

/// Two independent standard normals from 64 bits for the radius and 32 for the angle:
/// radius sqrt(-2 ln u), angle = quadrant (top 2 bits) * pi/2 + centred_angle(word).
inline void box_muller(std::uint64_t radius_bits, std::uint32_t angle_word, double& z_cos,
                       double& z_sin) {
  const double radius = sqrt_positive(-2.0 * log_positive(uniform_from_bits(radius_bits)));
  const double phi = centred_angle(angle_word);
  const double sin_phi = sin_quarter(phi), cos_phi = cos_quarter(phi);
  // Rotation by quadrant * pi/2: odd quadrants swap cos and sin; quadrants 1, 2 negate cos,
  // quadrants 2, 3 negate sin.
  const std::uint32_t quadrant = angle_word >> 30;
  const bool swap = (quadrant & 1u) != 0;
  const double cos_radius = ((quadrant + 1u) & 2u) != 0 ? -radius : radius;
  const double sin_radius = (quadrant & 2u) != 0 ? -radius : radius;
  z_cos = cos_radius * (swap ? sin_phi : cos_phi);
  z_sin = sin_radius * (swap ? cos_phi : sin_phi);
}

}  // namespace msflow::rng_detail
