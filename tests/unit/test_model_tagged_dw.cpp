// tagged-dw (docs/method.md, "Models"): the quadrature of the one-particle law p1 ∝ exp(−β U1)
// against closed-form normalizations and under refinement, and the quadrature b̄ against Monte Carlo
// with exact draws of p1 (rejection sampling: no discretization bias, only Monte Carlo error).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "msflow/model/ring_quadrature.hpp"
#include "test_model_support.hpp"

namespace msflow {
namespace {

constexpr double kPi = 3.14159265358979323846;

TEST(ModelTaggedDw, QuadratureNormalizationMatchesClosedForms) {
  for (const double beta : {0.5, 2.0}) {
    for (const double h : {1.0, 4.0}) {
      const double a = beta * h / 4;  // p1 ∝ exp(−a (ρ² − r0²)²)
      // d = 1, r0 = 0: ∫ exp(−a y⁴) dy = 2 Γ(5/4) a^{-1/4}.
      EXPECT_NEAR(RingLawQuadrature(1, h, 0, beta, 0.5).normalization(),
                  2 * std::tgamma(1.25) * std::pow(a, -0.25), 1e-12);
      // d = 1, r0 > 0: (π/2) r0 e^{−a r0⁴/2} [I_{−1/4}(a r0⁴/2) + I_{1/4}(a r0⁴/2)].
      for (const double r0 : {0.5, 1.0, 1.5}) {
        const double z = a * std::pow(r0, 4) / 2;
        // I_{−1/4} = I_{1/4} + (2/π) sin(π/4) K_{1/4}
        const double i_minus =
            std::cyl_bessel_i(0.25, z) + 2 / kPi * std::sin(kPi / 4) * std::cyl_bessel_k(0.25, z);
        const double exact = kPi / 2 * r0 * std::exp(-z) * (i_minus + std::cyl_bessel_i(0.25, z));
        EXPECT_NEAR(RingLawQuadrature(1, h, r0, beta, 0.5).normalization() / exact, 1, 1e-12)
            << "d=1 beta=" << beta << " h=" << h << " r0=" << r0;
      }
      // d = 2: π ∫_0^∞ exp(−a(t − r0²)²) dt = π √(π/a)/2 (1 + erf(r0² √a)).
      for (const double r0 : {0.0, 1.0, 1.5}) {
        const double exact = kPi * std::sqrt(kPi / a) / 2 * (1 + std::erf(r0 * r0 * std::sqrt(a)));
        EXPECT_NEAR(RingLawQuadrature(2, h, r0, beta, 0.5).normalization() / exact, 1, 1e-12)
            << "d=2 beta=" << beta << " h=" << h << " r0=" << r0;
      }
    }
  }
}

/// E_{p1}[∇Φ(u − Z)] by the given quadrature.
std::vector<double> kernel_average(const RingLawQuadrature& q, const std::vector<double>& u,
                                   double A, double ell) {
  const int d = q.dim();
  std::vector<double> sum(d, 0.0);
  for (std::size_t j = 0; j < q.size(); ++j) {
    double r2 = 0;
    for (int a = 0; a < d; ++a)
      r2 += std::pow(u[a] - q.node(j)[a], 2);
    for (int a = 0; a < d; ++a)
      sum[a] +=
          q.weight(j) * A / (ell * ell) * (u[a] - q.node(j)[a]) * std::exp(-r2 / (2 * ell * ell));
  }
  return sum;
}

TEST(ModelTaggedDw, ExactAverageIsConvergedUnderRefinement) {
  // The model's b̄ (default nodes) against a quadrature with twice the nodes per axis.
  const double h = 2, r0 = 1, beta = 1.5, A = 1.3, ell = 0.4;
  for (const int d : {1, 2}) {
    const auto model =
        test::make_model({"--model.name", "tagged-dw", "--model.d", std::to_string(d), "--model.h",
                          "2", "--model.r0", "1", "--model.beta", "1.5", "--model.A", "1.3",
                          "--model.ell", "0.4", "--model.c", "0.2", "--model.V", "double-well"});
    const RingLawQuadrature fine(d, h, r0, beta, ell, 2);
    double worst = 0;
    for (const double position : {-2.5, -1.0, 0.0, 0.3, 1.1, 3.0}) {
      std::vector<double> x(d, position), drift(d), diffusion(d * d);
      if (d == 2) x[1] = 0.7 - position;
      model->exact_average(x.data(), drift.data(), diffusion.data());
      std::vector<double> u(d);
      double x2 = 0;
      for (int a = 0; a < d; ++a) {
        u[a] = x[a] - 0.2;
        x2 += x[a] * x[a];
      }
      const auto average = kernel_average(fine, u, A, ell);
      for (int a = 0; a < d; ++a) {
        const double expected = -(x2 - 1) * x[a] - average[a];
        EXPECT_NEAR(drift[a], expected, 1e-10) << "d=" << d << " x=" << position;
        worst = std::max(worst, std::abs(drift[a] - expected));
        EXPECT_EQ(diffusion[a * d + a], 0.5 * 0.5);  // σ0² I (default sigma0 = 0.5)
      }
    }
    std::cout << "[ agreement ] tagged-dw d=" << d << ": |b̄(nodes) − b̄(2× nodes)| <= " << worst
              << "\n";
  }
}

/// Exact draws from p1 (offsets from c) by rejection against a uniform proposal on the box
/// [−R, R]^d that holds all but e^{−46} of the mass; exp(−β U1) ≤ 1 is the acceptance ratio.
class RingSampler {
 public:
  RingSampler(int d, double h, double r0, double beta, std::uint64_t seed)
      : d_(d),
        h_(h),
        r0_(r0),
        beta_(beta),
        seed_(seed),
        radius_(std::sqrt(r0 * r0 + 2 * std::sqrt(46 / (beta * h)))) {}

  void draw(double* z) {
    for (;;) {
      if (next_ + d_ + 1 > buffer_.size()) refill();
      double rho2 = 0;
      for (int a = 0; a < d_; ++a) {
        z[a] = radius_ * (2 * buffer_[next_ + a] - 1);
        rho2 += z[a] * z[a];
      }
      const double accept = buffer_[next_ + d_];
      next_ += d_ + 1;
      const double q = rho2 - r0_ * r0_;
      if (accept < std::exp(-beta_ * h_ * q * q / 4)) return;
    }
  }

 private:
  void refill() {
    buffer_.resize(1 << 16);
    fill_uniforms(StreamKey{seed_, Purpose::kTest}, block_++, 0, buffer_.data(), buffer_.size());
    next_ = 0;
  }
  int d_;
  double h_, r0_, beta_;
  std::uint64_t seed_, block_ = 0;
  double radius_;
  std::vector<double> buffer_;
  std::size_t next_ = 0;
};

TEST(ModelTaggedDw, ExactAverageMatchesMonteCarlo) {
  const double h = 2, r0 = 1, beta = 1.5;
  const int N = 5;
  for (const int d : {1, 2}) {
    const auto model =
        test::make_model({"--model.name", "tagged-dw", "--model.d", std::to_string(d), "--model.N",
                          "5", "--model.h", "2", "--model.r0", "1", "--model.beta", "1.5",
                          "--model.A", "1.3", "--model.ell", "0.4", "--model.c", "0.2"});
    const std::vector<double> c(d, 0.2);
    RingSampler sampler(d, h, r0, beta, 60 + d);
    double worst = 0;
    for (const double position : {0.2, 1.0, -0.9, 2.0}) {
      std::vector<double> x(d, position);
      if (d == 2) x[1] = 0.5 * position;
      std::vector<test::RunningStats> stats(d);
      std::vector<double> y(d * N), b(d);
      for (int s = 0; s < 100000; ++s) {
        for (int i = 0; i < N; ++i) {
          sampler.draw(&y[i * d]);
          for (int a = 0; a < d; ++a)
            y[i * d + a] += c[a];
        }
        model->slow_drift(x.data(), y.data(), b.data());
        for (int a = 0; a < d; ++a)
          stats[a].add(b[a]);
      }
      std::vector<double> exact(d);
      model->exact_average(x.data(), exact.data(), nullptr);
      for (int a = 0; a < d; ++a) {
        const double z = std::abs(stats[a].mean() - exact[a]) / stats[a].standard_error();
        worst = std::max(worst, z);
        EXPECT_LE(z, 5) << "d=" << d << " x=" << position << ": Monte Carlo " << stats[a].mean()
                        << " ± " << stats[a].standard_error() << ", quadrature " << exact[a];
      }
    }
    std::cout << "[ agreement ] tagged-dw d=" << d << ": max |error|/SE = " << worst << "\n";
  }
}

TEST(ModelTaggedDw, HasNoExactStepAndNoSampler) {
  const auto model = test::make_model({"--model.name", "tagged-dw"});
  EXPECT_FALSE(model->exact_fast_step(0.1));
  std::vector<double> x(1), xi(model->fast_dim()), y(model->fast_dim());
  EXPECT_FALSE(model->sample_invariant(x.data(), xi.data(), y.data()));
  // fast_stiffness = h (3 r0² + 6/√(βh)) with the defaults h = r0 = β = 1.
  EXPECT_DOUBLE_EQ(model->fast_stiffness(), 9);
}

TEST(ModelTaggedDw, ExactAverageFollowsALearnedRange) {
  // set_parameters rebuilds the nodes for the new ℓ: b̄ must equal a fresh model's.
  const auto model = test::make_model({"--model.name", "tagged-dw", "--model.d", "2"});
  const auto fresh = test::make_model(
      {"--model.name", "tagged-dw", "--model.d", "2", "--model.ell", "0.2", "--model.A", "2"});
  model->set_parameters({1, 2, 0.2, 0.5});
  const std::vector<double> x = {0.9, -0.3};
  std::vector<double> b1(2), b2(2);
  model->exact_average(x.data(), b1.data(), nullptr);
  fresh->exact_average(x.data(), b2.data(), nullptr);
  EXPECT_EQ(b1, b2);
}

}  // namespace
}  // namespace msflow
