#include "msflow/flow/permutation.hpp"

#include <random>
#include <utility>

#include "msflow/core/error.hpp"

namespace msflow::flow {

namespace {
// out.row(i) = in.row(index[i]).
void gather_rows(const Matrix& in, const std::vector<Index>& index, Matrix& out) {
  out.resize(in.rows(), in.cols());
  const Index rows = in.rows();
  for (Index n = 0; n < in.cols(); ++n)
    for (Index i = 0; i < rows; ++i)
      out(i, n) = in(index[i], n);
}
}  // namespace

Permutation::Permutation(std::vector<Index> source)
    : source_(std::move(source)), target_(source_.size(), -1) {
  for (std::size_t i = 0; i < source_.size(); ++i) {
    const Index s = source_[i];
    require(s >= 0 && s < dim() && target_[s] < 0, "permutation: not a permutation");
    target_[s] = static_cast<Index>(i);
  }
}

Permutation Permutation::seeded(Index dim, std::uint64_t seed) {
  std::vector<Index> source(dim);
  for (Index i = 0; i < dim; ++i)
    source[i] = i;
  std::mt19937_64 engine(seed);
  for (Index i = dim - 1; i > 0; --i) {
    const auto j = static_cast<Index>(engine() % static_cast<std::uint64_t>(i + 1));
    std::swap(source[i], source[j]);
  }
  return Permutation(std::move(source));
}

std::unique_ptr<FlowLayer> Permutation::clone() const {
  return std::make_unique<Permutation>(*this);
}

void Permutation::forward(const Matrix& z, const Matrix&, Matrix& y, Vector& logdet) {
  require(z.rows() == dim(), "permutation: input has the wrong dimension");
  direction_ = Direction::kForward;
  gather_rows(z, source_, y);
  logdet.setZero(z.cols());
}

void Permutation::inverse(const Matrix& y, const Matrix&, Matrix& z, Vector& logdet) {
  require(y.rows() == dim(), "permutation: input has the wrong dimension");
  direction_ = Direction::kInverse;
  gather_rows(y, target_, z);
  logdet.setZero(y.cols());
}

void Permutation::backward(const Matrix& grad_output, const Vector&, double*, Matrix& grad_input,
                           Matrix&) {
  // The transpose of a permutation is its inverse.
  gather_rows(grad_output, direction_ == Direction::kForward ? target_ : source_, grad_input);
}

}  // namespace msflow::flow
