#include "msflow/core/grid.hpp"

namespace msflow {

BoxGrid make_box_grid(const std::vector<double>& lo, const std::vector<double>& hi, int points) {
  const int d = static_cast<int>(lo.size());
  std::size_t total = 1;
  for (int a = 0; a < d; ++a)
    total *= static_cast<std::size_t>(points);
  BoxGrid grid{d, std::vector<double>(total * d)};
  for (std::size_t g = 0; g < total; ++g) {
    std::size_t rest = g;
    for (int a = d - 1; a >= 0; --a) {
      const auto i = static_cast<int>(rest % points);
      rest /= points;
      const double fraction = points > 1 ? static_cast<double>(i) / (points - 1) : 0.5;
      grid.points[g * d + a] = lo[a] + fraction * (hi[a] - lo[a]);
    }
  }
  return grid;
}

}  // namespace msflow
