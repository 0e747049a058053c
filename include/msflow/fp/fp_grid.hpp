#pragma once
// The Fokker–Planck grid (docs/method.md, "The Fokker–Planck reference"): `cells` equal cells
// per axis over the box c ± half_width in each of the m = 1 or 2 fast dimensions. Cell
// (i0, i1) has centre lo + (i + ½) h; densities are stored in C order (axis 0 slowest).
#include <cstddef>
#include <vector>

namespace msflow::fp {

struct FpGrid {
  int dim = 1;                 ///< m: 1 or 2
  int cells = 0;               ///< per axis
  std::vector<double> centre;  ///< c (m values)
  double half_width = 0;

  double spacing() const { return 2 * half_width / cells; }
  double lower(int axis) const { return centre[static_cast<std::size_t>(axis)] - half_width; }
  double cell_centre(int axis, int index) const { return lower(axis) + (index + 0.5) * spacing(); }
  /// h^m: the weight of one cell in the normalization Σ p h^m = 1.
  double cell_volume() const { return dim == 1 ? spacing() : spacing() * spacing(); }
  std::size_t cell_count() const {
    return dim == 1 ? static_cast<std::size_t>(cells)
                    : static_cast<std::size_t>(cells) * static_cast<std::size_t>(cells);
  }
  /// The cell centres along one axis.
  std::vector<double> axis(int axis) const;
  /// The centre of cell `flat` (C order) in y (m values).
  void cell_point(std::size_t flat, double* y) const;
};

}  // namespace msflow::fp
