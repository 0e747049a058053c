// `nonrev-ou` (docs/method.md, "Models"): one fast particle in R² with the non-gradient linear
// drift
//   B(y) = −M (y − c),   M = H − ωJ,   H = diag(h1, h2),   J = [[0, −1], [1, 0]],
// so π0 = N(c, Σ) with M Σ + Σ Mᵀ = (2/β) I (not a Gibbs law when ω ≠ 0). The slow part is the
// tagged particle's with N = 1; b̄ is the Gaussian kernel average with covariance Σ.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "model_options.hpp"
#include "msflow/model/lyapunov.hpp"
#include "tagged_family.hpp"

namespace msflow {
namespace {

/// y' − c = e^{−Mτ}(y − c) + L ξ with L Lᵀ the transition covariance (τ = ∞: a draw of π0).
struct LinearStep {
  double c[2];
  double decay[2][2];
  double root[2][2];  // lower triangular

  void operator()(const double*, const double* xi, double* y) const {
    const double u0 = y[0] - c[0], u1 = y[1] - c[1];
    y[0] = c[0] + decay[0][0] * u0 + decay[0][1] * u1 + root[0][0] * xi[0];
    y[1] = c[1] + decay[1][0] * u0 + decay[1][1] * u1 + root[1][0] * xi[0] + root[1][1] * xi[1];
  }
};

class NonrevOuModel : public TaggedFamily {
 public:
  explicit NonrevOuModel(const Config& config)
      : TaggedFamily(config, model_options::fixed_integer(config, "model.d", 2, "nonrev-ou"),
                     model_options::fixed_integer(config, "model.N", 1, "nonrev-ou")),
        omega_(model_options::real(config, "model.omega")) {
    const double h1 = model_options::positive(config, "model.h1");
    const double h2 = model_options::positive(config, "model.h2");
    const auto c = model_options::centre(config, 2);
    centre_ << c[0], c[1];
    drift_matrix_ << h1, omega_, -omega_, h2;  // H − ωJ
    noise_ = (2 / beta()) * Eigen::Matrix2d::Identity();
    covariance_ = solve_lyapunov_2x2(drift_matrix_, noise_);
    covariance_root_ = covariance_.llt().matrixL();
  }

  std::string name() const override { return "nonrev-ou"; }
  std::unique_ptr<Model> clone() const override { return std::make_unique<NonrevOuModel>(*this); }

  void fast_drift(const double*, const double* y, double* drift) const override {
    const double u0 = y[0] - centre_[0], u1 = y[1] - centre_[1];
    drift[0] = -(drift_matrix_(0, 0) * u0 + drift_matrix_(0, 1) * u1);
    drift[1] = -(drift_matrix_(1, 0) * u0 + drift_matrix_(1, 1) * u1);
  }

  /// The spectral radius of M is at most its largest singular value ≤ max(h1, h2) + |ω|.
  double fast_stiffness() const override {
    return drift_matrix_.diagonal().maxCoeff() + std::abs(omega_);
  }

  FastStep exact_fast_step(double tau) const override {
    if (!(tau >= 0)) throw std::invalid_argument("exact_fast_step: tau must be >= 0");
    const OuTransition2 transition = ou_transition_2x2(drift_matrix_, noise_, tau);
    return step(transition.decay, transition.covariance.llt().matrixL());
  }

  bool sample_invariant(const double*, const double* xi, double* y) const override {
    y[0] = centre_[0] + covariance_root_(0, 0) * xi[0];
    y[1] = centre_[1] + covariance_root_(1, 0) * xi[0] + covariance_root_(1, 1) * xi[1];
    return true;
  }

  bool has_exact_average() const override { return true; }

  void exact_average(const double* x, double* drift, double* diffusion) const override {
    const double u[2] = {x[0] - centre_[0], x[1] - centre_[1]};
    drift[0] = drift[1] = 0;
    potential().add_force(x, 2, drift);
    kernel().add_gaussian_average_force(u, 2, covariance_.data(), drift);
    if (diffusion) slow_diffusion(x, nullptr, diffusion);
  }

 private:
  FastStep step(const Eigen::Matrix2d& decay, const Eigen::Matrix2d& root) const {
    LinearStep linear{};
    for (int i = 0; i < 2; ++i) {
      linear.c[i] = centre_[i];
      for (int j = 0; j < 2; ++j) {
        linear.decay[i][j] = decay(i, j);
        linear.root[i][j] = root(i, j);
      }
    }
    return linear;
  }

  double omega_;
  Eigen::Vector2d centre_;
  Eigen::Matrix2d drift_matrix_;     // M = H − ωJ
  Eigen::Matrix2d noise_;            // (2/β) I
  Eigen::Matrix2d covariance_;       // Σ of π0
  Eigen::Matrix2d covariance_root_;  // chol(Σ)
};

}  // namespace

std::unique_ptr<Model> make_nonrev_ou(const Config& config) {
  return std::make_unique<NonrevOuModel>(config);
}

}  // namespace msflow
