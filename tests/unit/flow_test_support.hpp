#pragma once
// Finite-difference checks shared by the Nn*/Flow* unit tests.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <Eigen/LU>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>

namespace msflow::testing {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

inline Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed,
                            double scale = 1.0) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, scale);
  Matrix m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      m(i, j) = normal(engine);
  return m;
}

inline Vector random_vector(Eigen::Index size, std::uint64_t seed, double scale = 1.0) {
  return random_matrix(size, 1, seed, scale);
}

/// ‖a - b‖ / max(‖b‖, floor): the normwise relative error the tests bound.
inline double relative_error(const Matrix& a, const Matrix& b, double floor = 1e-12) {
  return (a - b).norm() / std::max(b.norm(), floor);
}

/// A differentiable map (θ, input, context) ↦ (output, logdet) with a reverse mode of its last
/// evaluation — a layer or a whole flow in one direction.
struct Differentiable {
  std::function<void(const Vector& params, const Matrix& in, const Matrix& ctx, Matrix& out,
                     Vector& logdet)>
      run;
  std::function<void(const Matrix& grad_out, const Vector& grad_logdet, Vector& grad_params,
                     Matrix& grad_in, Matrix& grad_ctx)>
      backward;
};

/// Fourth-order central difference of a scalar function of a step t: f'(0) with error O(h⁴)
/// (the spline tests use strongly curved random splines, where second order is marginal).
template <class F>
double central_difference(const F& f, double h) {
  return (8.0 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12.0 * h);
}

struct GradientErrors {
  double params = 0, input = 0, context = 0;
};

/// Relative errors of the reverse-mode gradients of L = Σ G⊙out + Σ g⊙logdet (random fixed G,
/// g) against fourth-order central differences with step h.
inline GradientErrors check_gradients(const Differentiable& f, const Vector& params,
                                      const Matrix& in, const Matrix& ctx, double h = 2e-5) {
  Matrix out;
  Vector logdet;
  f.run(params, in, ctx, out, logdet);
  const Matrix weight_out = random_matrix(out.rows(), out.cols(), 4242);
  const Vector weight_logdet = random_vector(out.cols(), 4343);
  Vector grad_params = Vector::Zero(params.size());
  Matrix grad_in, grad_ctx = Matrix::Zero(ctx.rows(), ctx.cols());
  f.backward(weight_out, weight_logdet, grad_params, grad_in, grad_ctx);

  auto loss = [&](const Vector& p, const Matrix& x, const Matrix& c) {
    Matrix o;
    Vector l;
    f.run(p, x, c, o, l);
    return (weight_out.array() * o.array()).sum() + weight_logdet.dot(l);
  };
  GradientErrors errors;
  Vector fd_params(params.size());
  for (Eigen::Index i = 0; i < params.size(); ++i)
    fd_params(i) = central_difference(
        [&](double t) {
          Vector p = params;
          p(i) += t;
          return loss(p, in, ctx);
        },
        h);
  errors.params = params.size() ? relative_error(grad_params, fd_params) : 0.0;
  Matrix fd_in(in.rows(), in.cols());
  for (Eigen::Index k = 0; k < in.size(); ++k)
    fd_in(k) = central_difference(
        [&](double t) {
          Matrix x = in;
          x(k) += t;
          return loss(params, x, ctx);
        },
        h);
  errors.input = relative_error(grad_in, fd_in);
  if (ctx.size() > 0) {
    Matrix fd_ctx(ctx.rows(), ctx.cols());
    for (Eigen::Index k = 0; k < ctx.size(); ++k)
      fd_ctx(k) = central_difference(
          [&](double t) {
            Matrix c = ctx;
            c(k) += t;
            return loss(params, in, c);
          },
          h);
    errors.context = relative_error(grad_ctx, fd_ctx);
  }
  return errors;
}

/// Largest error |logdet - log|det J_fd|| / max(1, |logdet|) over the batch, J_fd the
/// fourth-order central-difference Jacobian of the map (samples are independent, so perturbing
/// coordinate i of every sample at once gives column i of every sample's Jacobian).
inline double check_logdet(const Differentiable& f, const Vector& params, const Matrix& in,
                           const Matrix& ctx, double h = 2e-5) {
  Matrix out;
  Vector logdet;
  f.run(params, in, ctx, out, logdet);
  const Eigen::Index dim = in.rows(), batch = in.cols();
  std::vector<Matrix> columns(dim);
  const auto shifted = [&](Eigen::Index i, double t) {
    Matrix x = in, o;
    Vector unused;
    x.row(i).array() += t;
    f.run(params, x, ctx, o, unused);
    return o;
  };
  for (Eigen::Index i = 0; i < dim; ++i)  // fourth-order stencil, as central_difference
    columns[i] =
        (8.0 * (shifted(i, h) - shifted(i, -h)) - (shifted(i, 2 * h) - shifted(i, -2 * h))) /
        (12.0 * h);
  double worst = 0;
  for (Eigen::Index n = 0; n < batch; ++n) {
    Matrix jacobian(dim, dim);
    for (Eigen::Index i = 0; i < dim; ++i)
      jacobian.col(i) = columns[i].col(n);
    const double fd = std::log(std::abs(jacobian.determinant()));
    worst = std::max(worst, std::abs(fd - logdet(n)) / std::max(1.0, std::abs(logdet(n))));
  }
  return worst;
}

/// Errors of z → y → z and y0 → z → y0 and of logdet + logdet⁻¹ for a layer or a whole flow
/// (anything with forward/inverse(input, context, output, logdet)); y, logdet of the first pass.
struct RoundTrip {
  double forward_trip = 0, inverse_trip = 0, logdet_sum = 0;
  Matrix y;
  Vector logdet;
};

template <class Map>
RoundTrip round_trip(Map& map, const Matrix& z, const Matrix& context, const Matrix& y0) {
  RoundTrip trip;
  Matrix z_back, y_back;
  Vector logdet_inverse, logdet_forward;
  map.forward(z, context, trip.y, trip.logdet);
  map.inverse(trip.y, context, z_back, logdet_inverse);
  trip.forward_trip = (z_back - z).cwiseAbs().maxCoeff();
  trip.logdet_sum = (trip.logdet + logdet_inverse).cwiseAbs().maxCoeff();
  map.inverse(y0, context, z_back, logdet_inverse);
  map.forward(z_back, context, y_back, logdet_forward);
  trip.inverse_trip = (y_back - y0).cwiseAbs().maxCoeff();
  return trip;
}

/// Prints the measured gradient errors of `label` and expects each below 1e-6.
inline void expect_gradients_match(const GradientErrors& e, const std::string& label) {
  std::printf("[ measured ] %s: d/dθ %.1e, d/din %.1e, d/dctx %.1e\n", label.c_str(), e.params,
              e.input, e.context);
  EXPECT_LT(e.params, 1e-6) << label;
  EXPECT_LT(e.input, 1e-6) << label;
  EXPECT_LT(e.context, 1e-6) << label;
}

}  // namespace msflow::testing
