#include "msflow/fit/interpolation_grid.hpp"

#include <algorithm>
#include <cmath>

#include "msflow/core/error.hpp"

namespace msflow::fit {

InterpolationGrid::InterpolationGrid(const Box& box, int intervals)
    : dim_(static_cast<int>(box.lo.size())), intervals_(intervals), per_axis_(intervals + 3) {
  require(dim_ >= 1 && dim_ <= 3, "interpolated averaging: needs 1 <= d <= 3");
  require(intervals_ >= 1, "interpolated averaging: needs at least one interval per axis");
  lo_.resize(dim_);
  spacing_.resize(dim_);
  inverse_spacing_.resize(dim_);
  for (int a = 0; a < dim_; ++a) {
    require(std::isfinite(box.lo[a]) && std::isfinite(box.hi[a]) && box.lo[a] <= box.hi[a],
            "interpolated averaging: the observations span no finite box");
    // A path that never moves along an axis still needs cells of positive width.
    const double width = std::max(box.hi[a] - box.lo[a], 1e-8 * std::max(1.0, std::abs(box.lo[a])));
    lo_[a] = box.lo[a];
    spacing_[a] = width / intervals_;
    inverse_spacing_[a] = intervals_ / width;
  }
  std::size_t count = 1;
  for (int a = 0; a < dim_; ++a)
    count *= static_cast<std::size_t>(per_axis_);
  nodes_.resize(count * dim_);
  for (std::size_t j = 0; j < count; ++j) {
    std::size_t rest = j;
    for (int a = dim_ - 1; a >= 0; --a) {
      const auto e = static_cast<int>(rest % per_axis_);  // extended index: 0 is the ghost node
      rest /= per_axis_;
      nodes_[j * dim_ + a] = lo_[a] + (e - 1) * spacing_[a];
    }
  }
}

std::vector<double> InterpolationGrid::cell_centres() const {
  std::size_t count = 1;
  for (int a = 0; a < dim_; ++a)
    count *= static_cast<std::size_t>(intervals_);
  std::vector<double> centres(count * dim_);
  for (std::size_t j = 0; j < count; ++j) {
    std::size_t rest = j;
    for (int a = dim_ - 1; a >= 0; --a) {
      const auto c = static_cast<int>(rest % intervals_);
      rest /= intervals_;
      centres[j * dim_ + a] = lo_[a] + (c + 0.5) * spacing_[a];
    }
  }
  return centres;
}

void InterpolationGrid::cubic(const double* x, Stencil& stencil) const {
  switch (dim_) {
    case 1:
      stencil.count = 4, cubic_fixed<1>(x, stencil.node.data(), stencil.weight.data());
      break;
    case 2:
      stencil.count = 16, cubic_fixed<2>(x, stencil.node.data(), stencil.weight.data());
      break;
    default:
      stencil.count = 64, cubic_fixed<3>(x, stencil.node.data(), stencil.weight.data());
  }
}

void InterpolationGrid::linear(const double* x, Stencil& stencil) const {
  switch (dim_) {
    case 1:
      stencil.count = 2, linear_fixed<1>(x, stencil.node.data(), stencil.weight.data());
      break;
    case 2:
      stencil.count = 4, linear_fixed<2>(x, stencil.node.data(), stencil.weight.data());
      break;
    default:
      stencil.count = 8, linear_fixed<3>(x, stencil.node.data(), stencil.weight.data());
  }
}

}  // namespace msflow::fit
