#include "msflow/core/grid.hpp"

#include <algorithm>
#include <limits>

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

Box bounding_box(const std::vector<double>& points, int d) {
  Box box{std::vector<double>(d, std::numeric_limits<double>::infinity()),
          std::vector<double>(d, -std::numeric_limits<double>::infinity())};
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto axis = static_cast<int>(i % static_cast<std::size_t>(d));
    box.lo[axis] = std::min(box.lo[axis], points[i]);
    box.hi[axis] = std::max(box.hi[axis], points[i]);
  }
  return box;
}

}  // namespace msflow
