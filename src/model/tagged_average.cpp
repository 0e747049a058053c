// The fused Monte Carlo averages of the tagged-particle family: the hot loop of `fit`
// (docs/method.md, "The flow model"). For one slow state x and a batch of `count` fast states,
//   b̄  = −∇V(x) − (A/(N L ℓ²)) Σ_p e_p r_p,             e_p = exp(−|r_p|²/(2ℓ²)),
//   Σ̄  = σ0² I                         (family)    or
//   Σ̄  = σ0² (1 + (1/(N L)) Σ_p s_p) I  (tagged-sigma), s_p = exp(−|r_p|²/(2ℓσ²)),
// where p runs over all P = N·L (particle, sample) pairs and r_p = x − y_p. With the fast batch
// column-major (m × L, m = N·d) the pairs are simply consecutive d-vectors of the batch, so
// both passes are flat loops over p that GCC vectorizes:
//   forward: e_p (and s_p) once per pair, stored, plus the sums above and, when η's adjoint is
//            wanted, the moments Σ e_p |r_p|² r_p and Σ s_p |r_p|² that ∂/∂ℓ and ∂/∂ℓσ need;
//   reverse: ∂J/∂y_p from the stored kernel values (no second exp).
// Sums use kLanes independent accumulators: without -ffast-math GCC does not reassociate a
// floating-point reduction, but it does vectorize the loop over the lanes.
#include <cstddef>
#include <type_traits>
#include <vector>

#include "dimension_dispatch.hpp"
#include "msflow/core/vector_exp.hpp"
#include "tagged_family.hpp"

namespace msflow {
namespace {

constexpr int kLanes = 8;

/// Sums over the (particle, sample) pairs of one batch.
template <int D>
struct PairSums {
  double force[D] = {};         ///< Σ e_p r_p
  double force_moment[D] = {};  ///< Σ e_p |r_p|² r_p
  double diffusion = 0;         ///< Σ s_p
  double diffusion_moment = 0;  ///< Σ s_p |r_p|²
};

/// Forward pass: kernel[p] = e_p = exp(−c |r_p|²) and, with kDiffusion,
/// diffusion_kernel[p] = s_p = exp(−c_σ |r_p|²); the moments only with kMoments.
template <int D, bool kDiffusion, bool kMoments>
PairSums<D> forward_pass(const double* x_in, const double* __restrict y, std::ptrdiff_t pairs,
                         double c, double c_sigma, double* __restrict kernel,
                         double* __restrict diffusion_kernel) {
  double x[D];
  for (int a = 0; a < D; ++a)
    x[a] = x_in[a];
  double force[D][kLanes] = {};
  double force_moment[D][kLanes] = {};
  double diffusion[kLanes] = {};
  double diffusion_moment[kLanes] = {};

  const auto accumulate = [&](std::ptrdiff_t p, int lane) {
    double r[D];
    double r2 = 0;
    for (int a = 0; a < D; ++a) {
      r[a] = x[a] - y[p * D + a];
      r2 += r[a] * r[a];
    }
    const double e = vector_exp(-c * r2);
    kernel[p] = e;
    for (int a = 0; a < D; ++a)
      force[a][lane] += e * r[a];
    if constexpr (kMoments) {
      const double e_r2 = e * r2;
      for (int a = 0; a < D; ++a)
        force_moment[a][lane] += e_r2 * r[a];
    }
    if constexpr (kDiffusion) {
      const double s = vector_exp(-c_sigma * r2);
      diffusion_kernel[p] = s;
      diffusion[lane] += s;
      if constexpr (kMoments) diffusion_moment[lane] += s * r2;
    }
  };

  std::ptrdiff_t p = 0;
  for (; p + kLanes <= pairs; p += kLanes)
    for (int lane = 0; lane < kLanes; ++lane)
      accumulate(p + lane, lane);
  for (; p < pairs; ++p)
    accumulate(p, 0);

  PairSums<D> sums;
  for (int lane = 0; lane < kLanes; ++lane) {
    for (int a = 0; a < D; ++a) {
      sums.force[a] += force[a][lane];
      sums.force_moment[a] += force_moment[a][lane];
    }
    sums.diffusion += diffusion[lane];
    sums.diffusion_moment += diffusion_moment[lane];
  }
  return sums;
}

/// Reverse pass for the fast states, from the stored kernel values:
///   ∂J/∂y_p += e_p (u − (r_p·u) r_p / ℓ²) + κ s_p r_p,
/// with u = (A/(N ℓ²)) ∂J/∂b̄ / L and κ = tr(∂J/∂Σ̄) σ0² / (N L ℓσ²) (kDiffusion only).
template <int D, bool kDiffusion>
void reverse_pass(const double* x_in, const double* __restrict y, std::ptrdiff_t pairs,
                  const double* __restrict kernel, const double* __restrict diffusion_kernel,
                  const double* u_in, double inv_ell2, double kappa,
                  double* __restrict fast_adjoint) {
  double x[D], u[D];
  for (int a = 0; a < D; ++a) {
    x[a] = x_in[a];
    u[a] = u_in[a];
  }
  for (std::ptrdiff_t p = 0; p < pairs; ++p) {
    double r[D];
    double ru = 0;
    for (int a = 0; a < D; ++a) {
      r[a] = x[a] - y[p * D + a];
      ru += r[a] * u[a];
    }
    const double e = kernel[p];
    const double along = e * ru * inv_ell2;
    double radial = -along;
    if constexpr (kDiffusion) radial += kappa * diffusion_kernel[p];
    for (int a = 0; a < D; ++a)
      fast_adjoint[p * D + a] += e * u[a] + radial * r[a];
  }
}

/// Grow-only per-thread scratch for the kernel values: no allocation after warm-up. (So the
/// adjoint callback must not itself run this kernel on the same thread.)
double* kernel_scratch(std::size_t size) {
  thread_local std::vector<double> scratch;
  if (scratch.size() < size) scratch.resize(size);
  return scratch.data();
}

}  // namespace

Model::SlowAverages TaggedFamily::average_slow_terms(const double* x, const double* fast, int count,
                                                     const AverageAdjoint& adjoint,
                                                     double* fast_adjoint,
                                                     double* eta_adjoint) const {
  return average_family_terms(x, fast, count, adjoint, fast_adjoint, eta_adjoint, nullptr);
}

Model::SlowAverages TaggedFamily::average_family_terms(
    const double* x, const double* fast, int count, const AverageAdjoint& adjoint,
    double* fast_adjoint, double* eta_adjoint, const FastDiffusionKernel* diffusion_kernel) const {
  // An empty batch has no average: keep the generic (degenerate) behaviour.
  if (count <= 0)
    return Model::average_slow_terms(x, fast, count, adjoint, fast_adjoint, eta_adjoint);

  const int d = slow_dim();
  const int N = particles_;
  const std::ptrdiff_t pairs = static_cast<std::ptrdiff_t>(N) * count;
  const double weight = 1.0 / count;
  const double ell = kernel_.ell, inv_ell2 = 1 / (ell * ell);
  const double ell_sigma = diffusion_kernel ? diffusion_kernel->ell : 1.0;
  const double inv_ell_sigma2 = 1 / (ell_sigma * ell_sigma);
  const double sigma0_2 = sigma0_ * sigma0_;
  // A/(N ℓ²) times the batch weight: the factor of Σ e_p r_p in b̄.
  const double force_scale = kernel_.A * inv_ell2 / N * weight;

  // The adjoint is called whenever it is set (the caller may evaluate its objective in it),
  // but the ℓ-moments are only summed when η's adjoint is wanted.
  const bool moments = adjoint && eta_adjoint;
  double* kernel = kernel_scratch(static_cast<std::size_t>(pairs) * (diffusion_kernel ? 2 : 1));
  double* sigma_kernel = diffusion_kernel ? kernel + pairs : nullptr;

  SlowAverages averages;
  with_dimension(d, [&](auto dimension) {
    constexpr int D = decltype(dimension)::value;
    const auto run = [&](auto diffusion_flag, auto moments_flag) {
      return forward_pass<D, decltype(diffusion_flag)::value, decltype(moments_flag)::value>(
          x, fast, pairs, 0.5 * inv_ell2, 0.5 * inv_ell_sigma2, kernel, sigma_kernel);
    };
    using Yes = std::true_type;
    using No = std::false_type;
    const PairSums<D> sums = diffusion_kernel ? (moments ? run(Yes{}, Yes{}) : run(Yes{}, No{}))
                                              : (moments ? run(No{}, Yes{}) : run(No{}, No{}));

    potential_.add_force(x, D, averages.drift);
    for (int a = 0; a < D; ++a)
      averages.drift[a] -= force_scale * sums.force[a];
    const double diffusion_factor = diffusion_kernel ? 1 + sums.diffusion / N * weight : 1.0;
    for (int a = 0; a < D; ++a)
      averages.diffusion[a * D + a] = sigma0_2 * diffusion_factor;
    if (!adjoint) return;

    const SlowAverages cotangent = adjoint(averages);
    double trace = 0;  // Σ̄ is a multiple of I: only the trace of ∂J/∂Σ̄ matters
    for (int a = 0; a < D; ++a)
      trace += cotangent.diffusion[a * D + a];

    if (eta_adjoint) {
      // With w = ∂J/∂b̄: w·b̄ = −w·∇V − force_scale Σ e_p (r_p·w), ∂e_p/∂ℓ = e_p |r_p|²/ℓ³.
      double force_w = 0, moment_w = 0;
      for (int a = 0; a < D; ++a) {
        force_w += sums.force[a] * cotangent.drift[a];
        moment_w += sums.force_moment[a] * cotangent.drift[a];
      }
      int next = 0;
      if (potential_.has_stiffness())
        eta_adjoint[next++] += potential_.stiffness_derivative(x, D, cotangent.drift);
      eta_adjoint[next] -= inv_ell2 / N * weight * force_w;
      eta_adjoint[next + 1] -= force_scale * (moment_w * inv_ell2 - 2 * force_w) / ell;
      eta_adjoint[sigma0_index()] += 2 * sigma0_ * diffusion_factor * trace;
      if (diffusion_kernel)
        eta_adjoint[diffusion_kernel->eta_index] +=
            trace * sigma0_2 / N * weight * sums.diffusion_moment * inv_ell_sigma2 / ell_sigma;
    }
    if (fast_adjoint) {
      double u[D];
      for (int a = 0; a < D; ++a)
        u[a] = force_scale * cotangent.drift[a];
      const double kappa = trace * sigma0_2 / N * weight * inv_ell_sigma2;
      if (diffusion_kernel)
        reverse_pass<D, true>(x, fast, pairs, kernel, sigma_kernel, u, inv_ell2, kappa,
                              fast_adjoint);
      else
        reverse_pass<D, false>(x, fast, pairs, kernel, nullptr, u, inv_ell2, 0.0, fast_adjoint);
    }
  });
  return averages;
}

}  // namespace msflow
