#pragma once
// Where a physical parameter may live, and the smooth bijection that maps that set onto the real
// line, so that optimizers and posterior flows work on unconstrained coordinates u:
//   free      value = u
//   positive  value = exp(u)                       (ℓ, σ0, a)
//   interval  value = lo + (hi − lo)·sigmoid(u)
#include <string>

namespace msflow {

class ParameterDomain {
 public:
  enum class Kind { kFree, kPositive, kInterval };

  static ParameterDomain free() { return ParameterDomain(Kind::kFree, 0, 0); }
  static ParameterDomain positive() { return ParameterDomain(Kind::kPositive, 0, 0); }
  /// lower < upper, both finite.
  static ParameterDomain interval(double lower, double upper);

  Kind kind() const { return kind_; }
  bool contains(double value) const;
  /// u of a value in the domain (std::domain_error outside it).
  double to_unconstrained(double value) const;
  double from_unconstrained(double u) const;
  /// d value / d u at u.
  double derivative(double u) const;
  /// "free", "positive (log)", "in (0, 1) (logit)".
  std::string describe() const;

  friend bool operator==(const ParameterDomain& a, const ParameterDomain& b) {
    return a.kind_ == b.kind_ && a.lower_ == b.lower_ && a.upper_ == b.upper_;
  }

 private:
  ParameterDomain(Kind kind, double lower, double upper)
      : kind_(kind), lower_(lower), upper_(upper) {}
  Kind kind_;
  double lower_, upper_;
};

/// A named physical parameter of a model's b and σσᵀ, with its domain.
struct ParameterInfo {
  std::string name;
  ParameterDomain domain = ParameterDomain::free();
};

}  // namespace msflow
