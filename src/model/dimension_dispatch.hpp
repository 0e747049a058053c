#pragma once
// Runs a kernel templated on the (small) spatial dimension, so that the per-particle loops of
// the hot paths are fully unrolled: with_dimension(d, f) calls f(std::integral_constant<int, d>).
#include <stdexcept>
#include <type_traits>

namespace msflow {

template <class Function>
decltype(auto) with_dimension(int d, Function&& function) {
  switch (d) {
    case 1:
      return function(std::integral_constant<int, 1>{});
    case 2:
      return function(std::integral_constant<int, 2>{});
    case 3:
      return function(std::integral_constant<int, 3>{});
    default:
      throw std::logic_error("spatial dimension must be 1, 2 or 3");
  }
}

}  // namespace msflow
