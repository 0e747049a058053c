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
  for (int a = 0; a < dim_; ++a) {
    require(std::isfinite(box.lo[a]) && std::isfinite(box.hi[a]) && box.lo[a] <= box.hi[a],
            "interpolated averaging: the observations span no finite box");
    // A path that never moves along an axis still needs cells of positive width.
    const double width = std::max(box.hi[a] - box.lo[a], 1e-8 * std::max(1.0, std::abs(box.lo[a])));
    lo_[a] = box.lo[a];
    spacing_[a] = width / intervals_;
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

void InterpolationGrid::locate(const double* x, int axis, int& cell, double& offset) const {
  const double t = (x[axis] - lo_[axis]) / spacing_[axis];
  cell = std::clamp(static_cast<int>(std::floor(t)), 0, intervals_ - 1);
  offset = std::clamp(t - cell, 0.0, 1.0);
}

void InterpolationGrid::cubic(const double* x, Stencil& stencil) const {
  // Per axis: the four nodes around the cell (extended indices c .. c+3) and the Catmull–Rom
  // weights at offset s; then the tensor product.
  std::size_t first[3];
  double weights[3][4];
  for (int a = 0; a < dim_; ++a) {
    int cell;
    double s;
    locate(x, a, cell, s);
    first[a] = static_cast<std::size_t>(cell);
    const double s2 = s * s, s3 = s2 * s;
    weights[a][0] = 0.5 * (-s3 + 2 * s2 - s);
    weights[a][1] = 0.5 * (3 * s3 - 5 * s2 + 2);
    weights[a][2] = 0.5 * (-3 * s3 + 4 * s2 + s);
    weights[a][3] = 0.5 * (s3 - s2);
  }
  int count = 1;
  for (int a = 0; a < dim_; ++a)
    count *= 4;
  stencil.count = count;
  const auto stride = static_cast<std::size_t>(per_axis_);
  for (int i = 0; i < count; ++i) {
    std::size_t node = 0;
    double weight = 1;
    int rest = i;
    for (int a = 0; a < dim_; ++a) {
      const int k = rest % 4;
      rest /= 4;
      node = node * stride + first[a] + static_cast<std::size_t>(k);
      weight *= weights[a][k];
    }
    stencil.node[i] = node;
    stencil.weight[i] = weight;
  }
}

void InterpolationGrid::linear(const double* x, Stencil& stencil) const {
  std::size_t first[3];
  double weights[3][2];
  for (int a = 0; a < dim_; ++a) {
    int cell;
    double s;
    locate(x, a, cell, s);
    first[a] = static_cast<std::size_t>(cell) + 1;  // the cell's left node, extended index
    weights[a][0] = 1 - s;
    weights[a][1] = s;
  }
  const int count = 1 << dim_;
  stencil.count = count;
  const auto stride = static_cast<std::size_t>(per_axis_);
  for (int i = 0; i < count; ++i) {
    std::size_t node = 0;
    double weight = 1;
    for (int a = 0; a < dim_; ++a) {
      const int k = (i >> a) & 1;
      node = node * stride + first[a] + static_cast<std::size_t>(k);
      weight *= weights[a][k];
    }
    stencil.node[i] = node;
    stencil.weight[i] = weight;
  }
}

}  // namespace msflow::fit
