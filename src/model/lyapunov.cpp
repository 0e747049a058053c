#include "msflow/model/lyapunov.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <stdexcept>
#include <unsupported/Eigen/MatrixFunctions>

namespace msflow {

Eigen::Matrix2d solve_lyapunov_2x2(const Eigen::Matrix2d& M, const Eigen::Matrix2d& Q) {
  const Eigen::Vector2cd eigenvalues = M.eigenvalues();
  if (!(eigenvalues.real().minCoeff() > 0))
    throw std::domain_error("solve_lyapunov_2x2: M is not stable");
  // Unknowns (s11, s12, s22); rows: the (1,1), (1,2) and (2,2) entries of M Σ + Σ Mᵀ.
  Eigen::Matrix3d system;
  system << 2 * M(0, 0), 2 * M(0, 1), 0,    //
      M(1, 0), M(0, 0) + M(1, 1), M(0, 1),  //
      0, 2 * M(1, 0), 2 * M(1, 1);
  const Eigen::Vector3d rhs(Q(0, 0), 0.5 * (Q(0, 1) + Q(1, 0)), Q(1, 1));
  const Eigen::Vector3d s = system.fullPivLu().solve(rhs);
  Eigen::Matrix2d sigma;
  sigma << s[0], s[1], s[1], s[2];
  return sigma;
}

OuTransition2 ou_transition_2x2(const Eigen::Matrix2d& M, const Eigen::Matrix2d& Q, double tau) {
  // exp([[−M, Q], [0, Mᵀ]] τ) = [[e^{−Mτ}, G], [0, e^{Mᵀτ}]] with G = e^{−Mτ} ∫ e^{Ms} Q e^{Mᵀs}
  // ds, so the covariance ∫_0^τ e^{−Ms} Q e^{−Mᵀs} ds = G (e^{Mᵀτ})⁻¹ = G e^{−Mᵀτ}.
  Eigen::Matrix4d block = Eigen::Matrix4d::Zero();
  block.topLeftCorner<2, 2>() = -M * tau;
  block.topRightCorner<2, 2>() = Q * tau;
  block.bottomRightCorner<2, 2>() = M.transpose() * tau;
  const Eigen::Matrix4d exponential = block.exp();
  OuTransition2 transition;
  transition.decay = exponential.topLeftCorner<2, 2>();
  const Eigen::Matrix2d covariance =
      exponential.topRightCorner<2, 2>() * transition.decay.transpose();
  transition.covariance = 0.5 * (covariance + covariance.transpose());
  return transition;
}

}  // namespace msflow
