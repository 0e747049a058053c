// The tagged-particle models with a harmonic solvent (docs/method.md, "Models") against their exact
// answers: the invariant law, the exact-in-law step, Euler's O(h) variance bias, and the exact
// averages b̄ and Σ̄ against Monte Carlo. Monte Carlo tolerances are 5 standard errors computed
// from the sample variance (all streams have fixed seeds, so the tests are deterministic).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "test_model_support.hpp"

namespace msflow {
namespace {

using test::RunningStats;
using Args = std::vector<std::string>;

constexpr double kTolerance = 5;  // in standard errors

/// s² = [(1 − 1/N)/(k + k_s N) + 1/(kN)]/β (docs/method.md, "Models"), written out independently.
double solvent_variance(int N, double k, double ks, double beta) {
  return ((1 - 1.0 / N) / (k + ks * N) + 1 / (k * N)) / beta;
}

/// Tracks the largest |estimate − exact| / standard error of a test, for the report.
struct Agreement {
  double worst = 0;
  void check(const RunningStats& stats, double exact, const std::string& what) {
    const double z = std::abs(stats.mean() - exact) / stats.standard_error();
    worst = std::max(worst, z);
    EXPECT_LE(z, kTolerance) << what << ": Monte Carlo " << stats.mean() << " ± "
                             << stats.standard_error() << ", exact " << exact;
  }
  void print(const std::string& test) const {
    std::cout << "[ agreement ] " << test << ": max |error|/SE = " << worst << "\n";
  }
};

/// b̄(x) (and Σ̄(x) if the diffusion depends on y) against (1/S) Σ_s b(x, y_s), y_s ~ π_x.
void check_exact_average(const Model& model, const std::vector<std::vector<double>>& points,
                         int samples, std::uint64_t seed, const std::string& label) {
  ASSERT_TRUE(model.has_exact_average());
  const int d = model.slow_dim();
  const int m = model.fast_dim();
  const bool diffusion = model.diffusion_depends_on_fast();
  Agreement agreement;
  for (std::size_t p = 0; p < points.size(); ++p) {
    const std::vector<double>& x = points[p];
    std::vector<RunningStats> drift_stats(d), diffusion_stats(d * d);
    std::vector<double> y(m), b(d), s(d * d);
    constexpr int kChunk = 1000;
    for (int chunk = 0; chunk < samples / kChunk; ++chunk) {
      const auto xi = test::normals(seed, p, static_cast<std::size_t>(kChunk) * m, chunk);
      for (int i = 0; i < kChunk; ++i) {
        ASSERT_TRUE(model.sample_invariant(x.data(), xi.data() + i * m, y.data()));
        model.slow_drift(x.data(), y.data(), b.data());
        for (int a = 0; a < d; ++a)
          drift_stats[a].add(b[a]);
        if (diffusion) {
          model.slow_diffusion(x.data(), y.data(), s.data());
          for (int a = 0; a < d * d; ++a)
            diffusion_stats[a].add(s[a]);
        }
      }
    }
    std::vector<double> exact_drift(d), exact_diffusion(d * d);
    model.exact_average(x.data(), exact_drift.data(), exact_diffusion.data());
    const std::string at = label + " at point " + std::to_string(p);
    for (int a = 0; a < d; ++a)
      agreement.check(drift_stats[a], exact_drift[a], at + ", drift " + std::to_string(a));
    if (diffusion) {
      for (int a = 0; a < d * d; ++a) {
        if (a / d == a % d)
          agreement.check(diffusion_stats[a], exact_diffusion[a], at + ", diffusion diagonal");
        else
          EXPECT_EQ(exact_diffusion[a], 0.0) << at;
      }
    } else {
      std::vector<double> constant(d * d);
      model.slow_diffusion(x.data(), y.data(), constant.data());
      for (int a = 0; a < d * d; ++a)
        EXPECT_EQ(exact_diffusion[a], constant[a]) << at;
    }
  }
  agreement.print(label);
}

// Points that put the tagged particle inside, at the edge of and outside the solvent cloud.
const Args kSolvent = {"--model.N",    "10", "--model.k", "1.2", "--model.ks",  "0.4",
                       "--model.beta", "2",  "--model.A", "1.5", "--model.ell", "0.6"};

Args solvent(Args args) {
  args.insert(args.end(), kSolvent.begin(), kSolvent.end());
  return args;
}

TEST(ModelTagged, ExactAverageMatchesMonteCarloIn1d) {
  const auto model = test::make_model(solvent({"--model.d", "1", "--model.c", "0.3"}));
  check_exact_average(*model, {{0.35}, {0.9}, {-0.6}, {1.8}}, 200000, 11, "tagged d=1");
}

TEST(ModelTagged, ExactAverageMatchesMonteCarloIn2d) {
  const auto model = test::make_model(
      solvent({"--model.d", "2", "--model.c", "0.3,-0.2", "--model.V", "double-well"}));
  check_exact_average(*model, {{0.3, -0.1}, {0.9, 0.4}, {-0.7, -0.8}}, 200000, 12, "tagged d=2");
}

TEST(ModelTaggedCoupled, ExactAverageMatchesMonteCarlo) {
  const auto model = test::make_model(
      solvent({"--model.name", "tagged-coupled", "--model.d", "2", "--model.gamma", "0.6"}));
  check_exact_average(*model, {{0.2, 0.1}, {1.5, -1.0}, {-2.0, 0.5}}, 200000, 13,
                      "tagged-coupled d=2");
}

TEST(ModelTaggedSigma, ExactAveragesMatchMonteCarlo) {
  for (const char* d : {"1", "2"}) {
    const auto model = test::make_model(
        solvent({"--model.name", "tagged-sigma", "--model.d", d, "--model.ell_sigma", "0.4"}));
    std::vector<std::vector<double>> points = {{0.5}, {1.1}, {-0.4}};
    if (model->slow_dim() == 2) points = {{0.5, 0.5}, {1.1, 0.2}, {-0.4, 0.9}};
    check_exact_average(*model, points, 200000, 14, std::string("tagged-sigma d=") + d);
  }
}

TEST(ModelTagged, InvariantSamplesHaveMeanCAndVarianceS2) {
  const int d = 2, N = 10;
  const double k = 1.2, ks = 0.4, beta = 2;
  const double c[2] = {0.3, -0.2};
  for (const bool coupled : {false, true}) {
    Args args = solvent({"--model.d", "2", "--model.c", "0.3,-0.2", "--model.gamma", "0.5"});
    if (coupled) args.insert(args.end(), {"--model.name", "tagged-coupled"});
    const auto model = test::make_model(args);
    const std::vector<double> x = {1.4, -0.8};
    const double centre[2] = {coupled ? 0.5 * x[0] : c[0], coupled ? 0.5 * x[1] : c[1]};
    const double s2 = solvent_variance(N, k, ks, beta);
    // Same axis, different particles: the centre-of-mass variance minus the relative modes' share.
    const double cross = 1 / (beta * k * N) - 1 / (N * beta * (k + ks * N));
    const int m = d * N;
    std::vector<RunningStats> mean(m), variance(m);
    RunningStats cross_particle, cross_axis;
    std::vector<double> y(m);
    const int samples = 100000;
    const auto xi = test::normals(21, coupled, static_cast<std::size_t>(samples) * m);
    for (int s = 0; s < samples; ++s) {
      model->sample_invariant(x.data(), xi.data() + static_cast<std::size_t>(s) * m, y.data());
      for (int j = 0; j < m; ++j) {
        mean[j].add(y[j]);
        variance[j].add(std::pow(y[j] - centre[j % d], 2));
      }
      cross_particle.add((y[0] - centre[0]) * (y[2 * d] - centre[0]));
      cross_axis.add((y[0] - centre[0]) * (y[1] - centre[1]));
    }
    Agreement agreement;
    for (int j = 0; j < m; ++j) {
      agreement.check(mean[j], centre[j % d], "mean of y[" + std::to_string(j) + "]");
      agreement.check(variance[j], s2, "variance of y[" + std::to_string(j) + "]");
    }
    agreement.check(cross_particle, cross, "covariance of particles 0 and 2");
    agreement.check(cross_axis, 0, "covariance of the two axes");
    agreement.print(coupled ? "tagged-coupled invariant samples" : "tagged invariant samples");
  }
}

/// The OU transition of the whole solvent computed from its m×m Hessian, independently of the
/// mode decomposition the model uses: mean c + e^{−Kτ}(y0 − c), covariance
/// (K⁻¹ − e^{−Kτ} K⁻¹ e^{−Kτ})/β.
struct Transition {
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
};

Transition solvent_transition(int d, int N, double k, double ks, double beta, double tau,
                              const Eigen::VectorXd& y0, const Eigen::VectorXd& centre) {
  const int m = d * N;
  Eigen::MatrixXd K = Eigen::MatrixXd::Zero(m, m);
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j)
      for (int a = 0; a < d; ++a)
        K(i * d + a, j * d + a) = (i == j ? k + ks * N : 0.0) - ks;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(K);
  const Eigen::MatrixXd& V = eigen.eigenvectors();
  const Eigen::ArrayXd lambda = eigen.eigenvalues().array();
  const Eigen::MatrixXd decay = V * (-lambda * tau).exp().matrix().asDiagonal() * V.transpose();
  const Eigen::ArrayXd variance = (1 - (-2 * lambda * tau).exp()) / (beta * lambda);
  Transition t;
  Eigen::VectorXd tiled(m);
  for (int j = 0; j < m; ++j)
    tiled[j] = centre[j % d];
  t.mean = tiled + decay * (y0 - tiled);
  t.covariance = V * variance.matrix().asDiagonal() * V.transpose();
  return t;
}

TEST(ModelTagged, ExactStepMatchesTheOuTransition) {
  const int d = 2, N = 4, m = d * N;
  const double k = 1.2, ks = 0.4, beta = 2, tau = 0.3, gamma = 0.5;
  for (const bool coupled : {false, true}) {
    Args args = {"--model.d",     "2",   "--model.N",    "4", "--model.k", "1.2",
                 "--model.ks",    "0.4", "--model.beta", "2", "--model.c", "0.3,-0.2",
                 "--model.gamma", "0.5"};
    if (coupled) args.insert(args.end(), {"--model.name", "tagged-coupled"});
    const auto model = test::make_model(args);
    const std::vector<double> x = {1.4, -0.8};
    const auto step = model->exact_fast_step(tau);
    ASSERT_TRUE(step);
    Eigen::VectorXd y0(m), centre(d);
    for (int j = 0; j < m; ++j)
      y0[j] = 0.5 * j - 1.0;
    centre << (coupled ? gamma * x[0] : 0.3), (coupled ? gamma * x[1] : -0.2);
    const Transition exact = solvent_transition(d, N, k, ks, beta, tau, y0, centre);

    std::vector<RunningStats> mean(m), covariance(m * m);
    const int samples = 200000;
    std::vector<double> y(m);
    const auto xi = test::normals(31, coupled, static_cast<std::size_t>(samples) * m);
    for (int s = 0; s < samples; ++s) {
      for (int j = 0; j < m; ++j)
        y[j] = y0[j];
      step(x.data(), xi.data() + static_cast<std::size_t>(s) * m, y.data());
      for (int i = 0; i < m; ++i) {
        mean[i].add(y[i]);
        for (int j = 0; j <= i; ++j)
          covariance[i * m + j].add((y[i] - exact.mean[i]) * (y[j] - exact.mean[j]));
      }
    }
    Agreement agreement;
    for (int i = 0; i < m; ++i) {
      agreement.check(mean[i], exact.mean[i], "mean " + std::to_string(i));
      for (int j = 0; j <= i; ++j)
        agreement.check(covariance[i * m + j], exact.covariance(i, j),
                        "covariance " + std::to_string(i) + "," + std::to_string(j));
    }
    agreement.print(coupled ? "tagged-coupled exact step" : "tagged exact step");
  }
}

TEST(ModelTagged, RepeatedExactStepsRelaxToTheStationaryVariance) {
  // From a point far from c, 60 steps of τ = 0.25 (15 slowest relaxation times) must reach π0:
  // mean c, variance s² — the check docs/method.md, "Models" demands of the simulator's fast step.
  const int d = 2, N = 10, m = d * N;
  const double k = 1.2, ks = 0.4, beta = 2;
  const auto model = test::make_model(solvent({"--model.d", "2", "--model.c", "0.3,-0.2"}));
  const auto step = model->exact_fast_step(0.25);
  const double c[2] = {0.3, -0.2};
  const double s2 = solvent_variance(N, k, ks, beta);
  const int chains = 20000, steps = 60;
  const std::vector<double> x = {0.0, 0.0};
  RunningStats variance, mean;
  std::vector<double> y(m);
  for (int chain = 0; chain < chains; ++chain) {
    for (int j = 0; j < m; ++j)
      y[j] = 3.0 + 0.1 * j;
    const auto xi = test::normals(41, chain, static_cast<std::size_t>(steps) * m);
    for (int s = 0; s < steps; ++s)
      step(x.data(), xi.data() + s * m, y.data());
    double q = 0, shift = 0;  // per chain: the mean square and mean displacement from c
    for (int j = 0; j < m; ++j) {
      q += std::pow(y[j] - c[j % d], 2) / m;
      shift += (y[j] - c[j % d]) / m;
    }
    variance.add(q);
    mean.add(shift);
  }
  Agreement agreement;
  agreement.check(variance, s2, "stationary variance");
  agreement.check(mean, 0, "stationary mean");
  agreement.print("tagged repeated exact steps");
  EXPECT_NEAR(variance.mean(), s2, 0.01 * s2);
}

/// `tagged` d = 1 with Table 1's solvent (k = 1, k_s = 0.5, β = 1, c = 0.5) and N particles.
std::unique_ptr<Model> table1_solvent(int N) {
  return test::make_model({"--model.d", "1", "--model.N", std::to_string(N), "--model.k", "1",
                           "--model.ks", "0.5", "--model.beta", "1", "--model.c", "0.5"});
}

TEST(ModelTagged, ExactStepsKeepTheStationaryVarianceForOddN) {
  // Table 1's N = 15 with the fast steps of its n = 1000 and n = 15000 simulations (τ = n·h =
  // 0.1 and 1): started in π0, the chains must stay at mean c and variance s² (1%).
  const int N = 15;
  const double k = 1, ks = 0.5, beta = 1, c = 0.5;
  const auto model = table1_solvent(N);
  const double s2 = solvent_variance(N, k, ks, beta);
  for (const double tau : {0.1, 1.0}) {
    const auto step = model->exact_fast_step(tau);
    const int chains = 400, steps = 2000;
    const double x = 0;
    RunningStats variance, mean;
    std::vector<double> y(N);
    for (int chain = 0; chain < chains; ++chain) {
      const auto xi = test::normals(43, chain, static_cast<std::size_t>(steps + 1) * N);
      model->sample_invariant(&x, xi.data(), y.data());
      double q = 0, shift = 0;
      for (int s = 1; s <= steps; ++s) {
        step(&x, xi.data() + s * N, y.data());
        for (int j = 0; j < N; ++j) {
          q += (y[j] - c) * (y[j] - c);
          shift += y[j] - c;
        }
      }
      variance.add(q / (static_cast<double>(steps) * N));
      mean.add(shift / (static_cast<double>(steps) * N));
    }
    EXPECT_NEAR(variance.mean(), s2, 0.01 * s2) << "tau = " << tau;
    EXPECT_NEAR(mean.mean(), 0, 4 * mean.standard_error() + 1e-3) << "tau = " << tau;
    std::cout << "[ agreement ] N = 15, tau = " << tau << ": variance " << variance.mean() << " ± "
              << variance.standard_error() << " (s² = " << s2 << ")\n";
  }
}

/// Per-chain time average of the mean square displacement from c under Euler–Maruyama steps
/// y += h B(y) + √h α ξ of fast time h, starting from π0.
RunningStats euler_variance(const Model& model, double h, int chains, int burn_in, int steps,
                            double c, std::uint64_t seed) {
  const int m = model.fast_dim();
  const double noise = std::sqrt(h) * model.fast_noise_scale();
  const std::vector<double> x(model.slow_dim(), 0.0);
  std::vector<double> y(m), drift(m);
  RunningStats stats;
  for (int chain = 0; chain < chains; ++chain) {
    const auto xi = test::normals(seed, chain, static_cast<std::size_t>(burn_in + steps + 1) * m);
    model.sample_invariant(x.data(), xi.data(), y.data());
    double sum = 0;
    for (int s = 1; s <= burn_in + steps; ++s) {
      model.fast_drift(x.data(), y.data(), drift.data());
      const double* z = xi.data() + static_cast<std::size_t>(s) * m;
      for (int j = 0; j < m; ++j)
        y[j] += h * drift[j] + noise * z[j];
      if (s > burn_in)
        for (int j = 0; j < m; ++j)
          sum += (y[j] - c) * (y[j] - c);
    }
    stats.add(sum / (static_cast<double>(steps) * m));
  }
  return stats;
}

TEST(ModelTagged, EulerStepsReproduceTheStationaryVarianceToOrderH) {
  // Euler inflates a mode of rate θ by 1/(1 − θh/2) (docs/method.md, "Models"). With n·h·(k + k_s
  // N) = 0.01 the bias is 0.3% of s²; with 0.2 it is ~6% and must match the predicted inflation.
  const int N = 10;
  const double k = 1, ks = 0.5, beta = 1, c = 0.5;
  const auto model = table1_solvent(N);
  const double K = model->fast_stiffness();
  ASSERT_DOUBLE_EQ(K, k + ks * N);
  const double s2 = solvent_variance(N, k, ks, beta);
  for (const double stiffness_step : {0.01, 0.2}) {
    const double h = stiffness_step / K;
    const double biased =
        ((1 - 1.0 / N) / (K * (1 - K * h / 2)) + 1 / (k * N * (1 - k * h / 2))) / beta;
    const int steps = static_cast<int>(4 / h);  // four relaxation times of the slowest mode
    const RunningStats stats = euler_variance(*model, h, 2000, 0, steps, c, 51);
    Agreement agreement;
    agreement.check(stats, biased, "Euler variance at n h K = " + std::to_string(stiffness_step));
    agreement.print("tagged Euler, n h K = " + std::to_string(stiffness_step));
    EXPECT_LE(std::abs(stats.mean() - s2), (biased - s2) + kTolerance * stats.standard_error());
    std::cout << "[ agreement ] Euler variance " << stats.mean() << " ± " << stats.standard_error()
              << ", predicted " << biased << ", exact s² " << s2 << "\n";
  }
}

}  // namespace
}  // namespace msflow
