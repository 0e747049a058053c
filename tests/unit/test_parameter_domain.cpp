// Parameter domains: the maps to the unconstrained line round-trip, their derivatives match
// central differences, and values outside a domain are refused.
#include "msflow/model/parameter_domain.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace msflow {
namespace {

TEST(ParameterDomain, RoundTripAndDerivative) {
  const ParameterDomain domains[] = {ParameterDomain::free(), ParameterDomain::positive(),
                                     ParameterDomain::interval(-1.0, 3.0)};
  const double values[] = {-2.5, 0.7, 0.2};
  for (int i = 0; i < 3; ++i) {
    const ParameterDomain& domain = domains[i];
    const double u = domain.to_unconstrained(values[i]);
    EXPECT_NEAR(domain.from_unconstrained(u), values[i], 1e-14) << domain.describe();
    const double h = 1e-6;
    const double difference =
        (domain.from_unconstrained(u + h) - domain.from_unconstrained(u - h)) / (2 * h);
    EXPECT_NEAR(domain.derivative(u), difference, 1e-8) << domain.describe();
    // Every real u maps into the domain.
    for (const double far : {-30.0, 0.0, 30.0})
      EXPECT_TRUE(domain.contains(domain.from_unconstrained(far)) || std::isinf(far))
          << domain.describe();
  }
}

TEST(ParameterDomain, OutsideTheDomainIsRefused) {
  EXPECT_THROW(ParameterDomain::positive().to_unconstrained(0.0), std::domain_error);
  EXPECT_THROW(ParameterDomain::positive().to_unconstrained(-1.0), std::domain_error);
  EXPECT_THROW(ParameterDomain::interval(0, 1).to_unconstrained(1.0), std::domain_error);
  EXPECT_THROW(ParameterDomain::interval(1, 1), std::logic_error);
  EXPECT_EQ(ParameterDomain::positive().describe(), "positive (log)");
}

}  // namespace
}  // namespace msflow
