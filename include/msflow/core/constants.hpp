#pragma once
// Numerical constants and fixed limits shared by several modules.

namespace msflow {

/// ln 2π.
inline constexpr double kLogTwoPi = 1.8378770664093454835606594728112;

/// The largest slow dimension d msflow supports (fixed-size arrays of d and d×d entries in the
/// kernels and the transition terms).
inline constexpr int kMaxSlowDim = 3;

}  // namespace msflow
