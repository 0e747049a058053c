#include "msflow/model/ring_quadrature.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace msflow {
namespace {

constexpr double kPi = 3.14159265358979323846;
/// p1 is truncated where β U1 reaches this value (e^{−46} ≈ 1e-20).
constexpr double kTruncation = 46;
/// Upper bounds on the nodes per axis (guard the memory against absurd parameters).
constexpr int kMaxNodes1d = 100000;
constexpr int kMaxNodes2d = 2000;

/// Gauss–Legendre nodes and weights on [−1, 1] (Newton on the Legendre recurrence).
void gauss_legendre(int n, std::vector<double>& nodes, std::vector<double>& weights) {
  nodes.assign(n, 0.0);
  weights.assign(n, 0.0);
  for (int i = 0; i < (n + 1) / 2; ++i) {
    double z = std::cos(kPi * (i + 0.75) / (n + 0.5));
    double derivative = 1;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double p1 = 1, p2 = 0;
      for (int j = 1; j <= n; ++j) {
        const double p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      derivative = n * (z * p1 - p2) / (z * z - 1);
      const double previous = z;
      z = previous - p1 / derivative;
      if (std::abs(z - previous) < 1e-16) break;
    }
    nodes[i] = -z;
    nodes[n - 1 - i] = z;
    weights[i] = weights[n - 1 - i] = 2 / ((1 - z * z) * derivative * derivative);
  }
}

int node_count(double count, int limit) {
  return static_cast<int>(std::min<double>(std::ceil(count), limit));
}

}  // namespace

RingLawQuadrature::RingLawQuadrature(int d, double h, double r0, double beta, double resolution,
                                     double refinement)
    : d_(d) {
  if (d != 1 && d != 2) throw std::invalid_argument("RingLawQuadrature: d must be 1 or 2");
  if (!(h > 0 && beta > 0 && r0 >= 0 && resolution > 0 && refinement > 0))
    throw std::invalid_argument("RingLawQuadrature: bad parameters");
  const double bh = beta * h;
  // β U1 = bh (ρ² − r0²)²/4 reaches kTruncation at ρ² = r0² + 2 √(kTruncation/bh).
  const double radius = std::sqrt(r0 * r0 + 2 * std::sqrt(kTruncation / bh));
  // p1 varies on the scale of its radial width: 1/√(2 bh r0²) about a ring, (bh)^{-1/4} for the
  // quartic well r0 = 0; this interpolates between the two.
  const double width = 1 / std::sqrt(2 * bh * r0 * r0 + std::sqrt(bh));
  const double spacing = std::min(width, resolution) / 4 / refinement;
  // p1 is isotropic, so in angle only the integrand's scale matters (arc spacing at ρ = R).
  const double arc_spacing = resolution / 4 / refinement;
  const auto boltzmann = [&](double rho2) {
    const double q = rho2 - r0 * r0;
    return std::exp(-0.25 * bh * q * q);
  };

  if (d == 1) {
    const int half = node_count(radius / spacing, kMaxNodes1d);
    const double step = radius / half;
    for (int j = -half; j <= half; ++j) {
      const double y = j * step;
      const double end = (j == -half || j == half) ? 0.5 : 1.0;
      nodes_.push_back(y);
      weights_.push_back(end * step * boltzmann(y * y));
    }
  } else {
    std::vector<double> legendre_nodes, legendre_weights;
    gauss_legendre(node_count(2 * radius / spacing, kMaxNodes2d), legendre_nodes, legendre_weights);
    const int angles = node_count(2 * kPi * radius / arc_spacing, kMaxNodes2d);
    for (std::size_t i = 0; i < legendre_nodes.size(); ++i) {
      const double rho = 0.5 * radius * (1 + legendre_nodes[i]);
      const double radial = 0.5 * radius * legendre_weights[i] * rho * boltzmann(rho * rho);
      for (int k = 0; k < angles; ++k) {
        const double theta = 2 * kPi * k / angles;
        nodes_.push_back(rho * std::cos(theta));
        nodes_.push_back(rho * std::sin(theta));
        weights_.push_back(radial * 2 * kPi / angles);
      }
    }
  }
  for (const double w : weights_)
    normalization_ += w;
  for (double& w : weights_)
    w /= normalization_;
  // Drop the nodes that carry no mass (the tails of the radial grid): together they hold less
  // than 1e-20 × size() ≤ 1e-13 of it, below the accuracy of the rule.
  std::size_t kept = 0;
  for (std::size_t j = 0; j < weights_.size(); ++j) {
    if (weights_[j] < 1e-20) continue;
    for (int a = 0; a < d_; ++a)
      nodes_[kept * d_ + a] = nodes_[j * d_ + a];
    weights_[kept++] = weights_[j];
  }
  weights_.resize(kept);
  nodes_.resize(kept * d_);
}

}  // namespace msflow
