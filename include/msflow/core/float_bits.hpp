#pragma once
// Branch-free building blocks of the vectorizable math kernels (vector_exp, the Box–Muller
// normals): bit casts through std::memcpy (which GCC vectorizes) and a fused multiply-add.
#include <cstdint>
#include <cstring>

namespace msflow::float_bits {

inline std::uint64_t bits_of(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

inline double double_from_bits(std::uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

/// a * b + c, fused when the target has FMA (std::fma would be a slow library call otherwise).
inline double mul_add(double a, double b, double c) {
#ifdef __FMA__
  return __builtin_fma(a, b, c);
#else
  return a * b + c;
#endif
}

}  // namespace msflow::float_bits
