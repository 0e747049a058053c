#pragma once
#include <vector>

namespace msflow {

/// A tensor grid over a box [lo, hi] ⊂ R^d with `points` per axis: G = points^d rows of d
/// coordinates (row-major G×d; axis 0 varies slowest).
struct BoxGrid {
  int dim = 0;
  std::vector<double> points;  ///< G×d
  std::size_t size() const { return dim ? points.size() / dim : 0; }
};
BoxGrid make_box_grid(const std::vector<double>& lo, const std::vector<double>& hi, int points);

/// The smallest box [lo, hi] containing the rows of `points` (row-major, d columns); lo = +inf,
/// hi = −inf on every axis if there are none (so a min/max reduction over ranks is correct).
struct Box {
  std::vector<double> lo, hi;
};
Box bounding_box(const std::vector<double>& points, int d);

}  // namespace msflow
