#pragma once
// A multiscale model (docs/method.md, "The multiscale system"): slow X ∈ R^d observed, fast Y ∈ R^m
// never observed,
//   dX = b(X, Y; η) dt + σ(X, Y; η) dW,       dY = n B(X, Y) dt + √n α dW̃,  α = √(2/β) I.
// b and σσᵀ (with the derivatives that `fit` needs) are known; B is needed only to simulate.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "msflow/model/parameter_domain.hpp"

namespace msflow {

class Model {
 public:
  virtual ~Model() = default;

  virtual std::string name() const = 0;
  /// An independent copy (models are values: the estimators own one each, so evaluating with
  /// learned physical parameters never changes a model someone else holds).
  virtual std::unique_ptr<Model> clone() const = 0;
  int slow_dim() const { return slow_dim_; }               ///< d
  int fast_dim() const { return fast_dim_; }               ///< m
  double scale_separation() const { return separation_; }  ///< n = 1/ε

  // ---- slow dynamics ----------------------------------------------------------------------
  /// b(x, y): d values.
  virtual void slow_drift(const double* x, const double* y, double* drift) const = 0;
  /// σσᵀ(x, y): d×d, row-major.
  virtual void slow_diffusion(const double* x, const double* y, double* diffusion) const = 0;
  /// σ(x, y) ξ for d standard normals ξ (σ any square root of σσᵀ; default: Cholesky).
  virtual void slow_noise(const double* x, const double* y, const double* xi, double* out) const;
  /// Whether σσᵀ depends on y at all (if not, Σ̄ = σσᵀ and there is nothing to learn).
  virtual bool diffusion_depends_on_fast() const = 0;
  /// Whether σσᵀ is the same for every (x, y) (it may depend on η; conservatively false).
  virtual bool diffusion_is_constant() const { return false; }

  // ---- derivatives for training: vector–Jacobian products, accumulated (+=) ---------------
  /// y_adjoint (m) += (∂b/∂y)ᵀ w,  eta_adjoint (P) += (∂b/∂η)ᵀ w  for w = drift_adjoint (d).
  /// Either output pointer may be null.
  virtual void slow_drift_vjp(const double* x, const double* y, const double* drift_adjoint,
                              double* y_adjoint, double* eta_adjoint) const = 0;
  /// Same for σσᵀ with W = diffusion_adjoint (d×d row-major): Σ_ij W_ij ∂(σσᵀ)_ij/∂(y, η).
  virtual void slow_diffusion_vjp(const double* x, const double* y, const double* diffusion_adjoint,
                                  double* y_adjoint, double* eta_adjoint) const = 0;

  // ---- Monte Carlo averages over a batch of fast states: the hot loop of `fit` -------------
  /// b̄ (d) and Σ̄ (d×d row-major) at one slow state — or their adjoints ∂J/∂b̄, ∂J/∂Σ̄.
  struct SlowAverages {
    double drift[3] = {0, 0, 0};
    double diffusion[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  };
  /// Receives the averages at x and returns the adjoints ∂J/∂(b̄, Σ̄) of the caller's objective.
  using AverageAdjoint = std::function<SlowAverages(const SlowAverages&)>;
  /// For one slow state x and `count` fast states y_l (column l of `fast`, m × count,
  /// column-major):  b̄ = (1/count) Σ_l b(x, y_l),  Σ̄ = (1/count) Σ_l σσᵀ(x, y_l).
  /// If `adjoint` is set it is called once with (b̄, Σ̄), and the reverse mode is accumulated:
  /// fast_adjoint (m × count) += ∂J/∂y_l and eta_adjoint (P) += ∂J/∂η (either may be null).
  /// The default loops over slow_drift/slow_diffusion and their vjps; models override it with
  /// fused, vectorized kernels.
  virtual SlowAverages average_slow_terms(const double* x, const double* fast, int count,
                                          const AverageAdjoint& adjoint, double* fast_adjoint,
                                          double* eta_adjoint) const;

  // ---- physical parameters η of b and σσᵀ (those `fit --fit.learn` may estimate) ----------
  virtual std::vector<std::string> parameter_names() const = 0;
  /// The names with their domains (default: every parameter free).
  virtual std::vector<ParameterInfo> parameter_info() const;
  virtual std::vector<double> parameters() const = 0;
  virtual void set_parameters(const std::vector<double>& values) = 0;
  /// Whether σσᵀ depends on physical parameter `index` (conservatively true by default).
  virtual bool diffusion_depends_on_parameter(int /*index*/) const { return true; }

  // ---- fast dynamics (simulation) ---------------------------------------------------------
  /// B(x, y): m values (the fast drift without the factor n).
  virtual void fast_drift(const double* x, const double* y, double* drift) const = 0;
  /// α = fast_noise_scale() · I.
  double fast_noise_scale() const { return fast_noise_; }
  /// The fastest relaxation rate of B (per unit n); Euler needs n·h·rate ≪ 1.
  virtual double fast_stiffness() const = 0;
  /// Advances y over fast time τ = n·h with x frozen, given m standard normals.
  using FastStep = std::function<void(const double* x, const double* xi, double* y)>;
  /// An exact-in-law step (linear fast dynamics only); empty if the model has none.
  virtual FastStep exact_fast_step(double tau) const;
  /// Whether the invariant law π_x of the fast process depends on x (the "coupled" case, which
  /// needs a conditional flow y = T(z; x)).
  virtual bool fast_law_depends_on_slow() const { return false; }
  /// A draw y ~ π_x from m standard normals; false if π_x has no closed-form sampler.
  virtual bool sample_invariant(const double* x, const double* xi, double* y) const;

  // ---- exact averaged model (docs/method.md,
  // "Models")----------------------------------------------
  virtual bool has_exact_average() const { return false; }
  /// b̄(x) (d) and Σ̄(x) (d×d) where known.
  virtual void exact_average(const double* x, double* drift, double* diffusion) const;

 protected:
  Model(int slow_dim, int fast_dim, double separation, double fast_noise)
      : slow_dim_(slow_dim),
        fast_dim_(fast_dim),
        separation_(separation),
        fast_noise_(fast_noise) {}

 private:
  int slow_dim_, fast_dim_;
  double separation_, fast_noise_;
};

}  // namespace msflow
