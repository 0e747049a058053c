#pragma once
// The slow part shared by every model of the tagged-particle family (docs/method.md, "Models"):
//   b(x, y) = −∇V(x) − (1/N) Σ_i ∇Φ(x − y_i),   σσᵀ = σ0² I_d,
// with its derivatives and the physical parameters η = (a [harmonic V only], A, ell, sigma0).
// Subclasses add the fast dynamics (and may replace the diffusion, see tagged-sigma).
// average_slow_terms is a fused, vectorized kernel (tagged_average.cpp) that assumes exactly
// this b and σσᵀ: a subclass that changes either must override it too (tagged-sigma does).
#include <string>
#include <vector>

#include "interaction_kernel.hpp"
#include "msflow/core/options.hpp"
#include "msflow/model/model.hpp"
#include "slow_potential.hpp"

namespace msflow {

class TaggedFamily : public Model {
 public:
  void slow_drift(const double* x, const double* y, double* drift) const override;
  void slow_diffusion(const double* x, const double* y, double* diffusion) const override;
  void slow_noise(const double* x, const double* y, const double* xi, double* out) const override;
  bool diffusion_depends_on_fast() const override { return false; }
  /// σ0² I (tagged-sigma's depends on y).
  bool diffusion_is_constant() const override { return !diffusion_depends_on_fast(); }
  void slow_drift_vjp(const double* x, const double* y, const double* drift_adjoint,
                      double* y_adjoint, double* eta_adjoint) const override;
  void slow_diffusion_vjp(const double* x, const double* y, const double* diffusion_adjoint,
                          double* y_adjoint, double* eta_adjoint) const override;
  /// The fused kernel for the constant diffusion σ0² I (the hot loop of `fit`).
  SlowAverages average_slow_terms(const double* x, const double* fast, int count,
                                  const AverageAdjoint& adjoint, double* fast_adjoint,
                                  double* eta_adjoint) const override;

  std::vector<std::string> parameter_names() const override;
  /// a, ell, sigma0 positive; A free (its sign makes the interaction attractive or repulsive).
  std::vector<ParameterInfo> parameter_info() const override;
  std::vector<double> parameters() const override;
  void set_parameters(const std::vector<double>& values) override;
  /// σσᵀ = σ0² I involves sigma0 alone (tagged-sigma's depends on y as well).
  bool diffusion_depends_on_parameter(int index) const override {
    return diffusion_depends_on_fast() || parameter_names().at(index) == "sigma0";
  }

 protected:
  /// Reads n, beta, V, a, A, ell, sigma0 from the [model] options; d and N are validated by
  /// the caller (some models fix them).
  TaggedFamily(const Config& config, int d, int particles);

  int particles() const { return particles_; }
  double beta() const { return beta_; }
  const SlowPotential& potential() const { return potential_; }
  const GaussianKernel& kernel() const { return kernel_; }
  double sigma0() const { return sigma0_; }

  /// The number of η entries this class owns (a subclass appends its own after them).
  int base_parameter_count() const { return potential_.has_stiffness() ? 4 : 3; }
  /// Position of sigma0 in η.
  int sigma0_index() const { return base_parameter_count() - 1; }
  /// Sets the base entries from values[0 .. base_parameter_count()).
  void set_base_parameters(const double* values);

  /// A fast-dependent diffusion σσᵀ = σ0² (1 + (1/N) Σ_i exp(−|x − y_i|²/(2 ell²))) I whose
  /// range ell is η[eta_index] (tagged-sigma).
  struct FastDiffusionKernel {
    double ell;
    int eta_index;
  };
  /// average_slow_terms for this family's drift and either σ0² I (diffusion_kernel null) or
  /// the fast-dependent diffusion: the Gaussian kernel values of all N·count (particle, sample)
  /// pairs are computed once, vectorized, and reused by the reverse mode.
  SlowAverages average_family_terms(const double* x, const double* fast, int count,
                                    const AverageAdjoint& adjoint, double* fast_adjoint,
                                    double* eta_adjoint,
                                    const FastDiffusionKernel* diffusion_kernel) const;

 private:
  int particles_;
  double beta_;
  SlowPotential potential_;
  GaussianKernel kernel_;
  double sigma0_;
};

}  // namespace msflow
