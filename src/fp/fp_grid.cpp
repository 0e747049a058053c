#include "msflow/fp/fp_grid.hpp"

namespace msflow::fp {

std::vector<double> FpGrid::axis(int a) const {
  std::vector<double> out(static_cast<std::size_t>(cells));
  for (int i = 0; i < cells; ++i)
    out[static_cast<std::size_t>(i)] = cell_centre(a, i);
  return out;
}

void FpGrid::cell_point(std::size_t flat, double* y) const {
  const auto n = static_cast<std::size_t>(cells);
  if (dim == 1) {
    y[0] = cell_centre(0, static_cast<int>(flat));
    return;
  }
  y[0] = cell_centre(0, static_cast<int>(flat / n));
  y[1] = cell_centre(1, static_cast<int>(flat % n));
}

}  // namespace msflow::fp
