#include "msflow/model/parameter_domain.hpp"

#include <cmath>
#include <stdexcept>

#include "msflow/core/log.hpp"

namespace msflow {

ParameterDomain ParameterDomain::interval(double lower, double upper) {
  if (!(std::isfinite(lower) && std::isfinite(upper) && lower < upper))
    throw std::logic_error("ParameterDomain::interval: needs finite lower < upper");
  return ParameterDomain(Kind::kInterval, lower, upper);
}

bool ParameterDomain::contains(double value) const {
  switch (kind_) {
    case Kind::kFree:
      return std::isfinite(value);
    case Kind::kPositive:
      return std::isfinite(value) && value > 0;
    case Kind::kInterval:
      return value > lower_ && value < upper_;
  }
  return false;
}

double ParameterDomain::to_unconstrained(double value) const {
  if (!contains(value))
    throw std::domain_error(format_number(value) + " is outside the domain " + describe());
  switch (kind_) {
    case Kind::kFree:
      return value;
    case Kind::kPositive:
      return std::log(value);
    case Kind::kInterval: {
      const double fraction = (value - lower_) / (upper_ - lower_);
      return std::log(fraction) - std::log1p(-fraction);
    }
  }
  return value;
}

double ParameterDomain::from_unconstrained(double u) const {
  switch (kind_) {
    case Kind::kFree:
      return u;
    case Kind::kPositive:
      return std::exp(u);
    case Kind::kInterval:
      return lower_ + (upper_ - lower_) / (1 + std::exp(-u));
  }
  return u;
}

double ParameterDomain::derivative(double u) const {
  switch (kind_) {
    case Kind::kFree:
      return 1;
    case Kind::kPositive:
      return std::exp(u);
    case Kind::kInterval: {
      const double s = 1 / (1 + std::exp(-u));
      return (upper_ - lower_) * s * (1 - s);
    }
  }
  return 1;
}

std::string ParameterDomain::describe() const {
  switch (kind_) {
    case Kind::kFree:
      return "free";
    case Kind::kPositive:
      return "positive (log)";
    case Kind::kInterval:
      return "in (" + format_number(lower_) + ", " + format_number(upper_) + ") (logit)";
  }
  return "";
}

}  // namespace msflow
