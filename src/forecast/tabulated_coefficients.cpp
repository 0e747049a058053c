#include "msflow/forecast/tabulated_coefficients.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "msflow/core/error.hpp"

namespace msflow::forecast {

TabulatedCoefficients::TabulatedCoefficients(const TruthOnGrid& truth, const std::string& source)
    : dim_(truth.dim), truth_(truth) {
  if (dim_ < 1 || dim_ > 3)
    throw InputError(source + ": /truth tables are interpolated for d <= 3");
  const std::size_t g = truth.size();
  points_ = static_cast<int>(std::lround(std::pow(static_cast<double>(g), 1.0 / dim_)));
  std::size_t expected = 1;
  for (int a = 0; a < dim_; ++a)
    expected *= static_cast<std::size_t>(points_);
  if (points_ < 2 || expected != g)
    throw InputError(source + ": /truth/grid is not a tensor grid of at least 2 points per axis");
  if (truth.diffusion.empty()) throw InputError(source + ": /truth/diffusion is missing");
  const auto d = static_cast<std::size_t>(dim_);
  // Axis a varies with stride points^(d−1−a) (axis 0 slowest).
  std::size_t stride = g;
  for (int a = 0; a < dim_; ++a) {
    stride /= static_cast<std::size_t>(points_);
    const double lo = truth.grid[static_cast<std::size_t>(a)];
    const double hi = truth.grid[(g - 1) * d + static_cast<std::size_t>(a)];
    const double next = truth.grid[stride * d + static_cast<std::size_t>(a)];
    const double step = (hi - lo) / (points_ - 1);
    if (!(step > 0) || std::abs(next - lo - step) > 1e-9 * std::max(1.0, std::abs(hi - lo)))
      throw InputError(source + ": /truth/grid is not a uniform tensor grid (axis " +
                       std::to_string(a) + ")");
    lo_.push_back(lo);
    step_.push_back(step);
  }
}

void TabulatedCoefficients::evaluate(const double* x, double* drift, double* diffusion) const {
  const auto d = static_cast<std::size_t>(dim_);
  std::size_t base[3] = {0, 0, 0};
  double offset[3] = {0, 0, 0};
  for (std::size_t a = 0; a < d; ++a) {
    const double s = std::clamp((x[a] - lo_[a]) / step_[a], 0.0, points_ - 1.0);
    base[a] = std::min(static_cast<std::size_t>(s), static_cast<std::size_t>(points_ - 2));
    offset[a] = s - static_cast<double>(base[a]);
  }
  std::fill(drift, drift + d, 0.0);
  std::fill(diffusion, diffusion + d * d, 0.0);
  for (unsigned corner = 0; corner < (1u << d); ++corner) {
    std::size_t index = 0;
    double weight = 1;
    for (std::size_t a = 0; a < d; ++a) {
      const bool up = (corner >> a) & 1u;
      index = index * static_cast<std::size_t>(points_) + base[a] + (up ? 1 : 0);
      weight *= up ? offset[a] : 1 - offset[a];
    }
    for (std::size_t a = 0; a < d; ++a)
      drift[a] += weight * truth_.drift[index * d + a];
    for (std::size_t a = 0; a < d * d; ++a)
      diffusion[a] += weight * truth_.diffusion[index * d * d + a];
  }
}

}  // namespace msflow::forecast
