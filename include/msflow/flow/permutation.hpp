#pragma once
// A fixed permutation of the coordinates, y_i = z_{p(i)}: no parameters, log-det 0. Between
// coupling layers it mixes which coordinates condition which.
#include <cstdint>
#include <vector>

#include "msflow/flow/layer.hpp"

namespace msflow::flow {

class Permutation : public FlowLayer {
 public:
  explicit Permutation(std::vector<Index> source);  ///< y_i = z_{source[i]}
  /// A pseudo-random permutation of dim coordinates, a pure function of (dim, seed): Fisher–Yates
  /// on std::mt19937_64 raw output (portable, unlike std::shuffle).
  static Permutation seeded(Index dim, std::uint64_t seed);

  const std::vector<Index>& source() const { return source_; }

  std::unique_ptr<FlowLayer> clone() const override;
  std::string kind() const override { return "permutation"; }
  Index dim() const override { return static_cast<Index>(source_.size()); }
  Index parameter_count() const override { return 0; }
  void get_parameters(double*) const override {}
  void set_parameters(const double*) override {}
  void forward(const Matrix& z, const Matrix& context, Matrix& y, Vector& logdet) override;
  void inverse(const Matrix& y, const Matrix& context, Matrix& z, Vector& logdet) override;
  void backward(const Matrix& grad_output, const Vector& grad_logdet, double* grad_params,
                Matrix& grad_input, Matrix& grad_context) override;

 private:
  std::vector<Index> source_, target_;  // target_ = inverse permutation
  Direction direction_ = Direction::kForward;
};

}  // namespace msflow::flow
