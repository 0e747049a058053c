#pragma once
// Objective terms that depend on the parameters alone (no data): priors on named blocks of the
// layout (docs/method.md, "The objective"). They are evaluated on every rank alike, so they need
// no reduction and are counted once.
#include <Eigen/Core>
#include <memory>
#include <string>
#include <vector>

#include "msflow/fit/parameter_layout.hpp"

namespace msflow::fit {

class ParameterTerm {
 public:
  virtual ~ParameterTerm() = default;
  /// The name under which evaluations report the term ("prior.flow.couplings").
  virtual std::string name() const = 0;
  /// One line for the log.
  virtual std::string describe() const = 0;
  /// The value at `parameters`; ADDS its gradient to `gradient`.
  virtual double add(const Eigen::VectorXd& parameters, Eigen::VectorXd& gradient) const = 0;
};

/// (precision/2)·|ϑ_B − μ_B|² over the named blocks B: −ln of the Gaussian prior N(μ, 1/precision)
/// up to a constant. The weight decay of the flow is this prior on "flow.couplings" with μ = 0.
class GaussianPrior final : public ParameterTerm {
 public:
  /// `mean`: the full parameter vector's μ (only the blocks' entries are used), or empty for 0.
  GaussianPrior(const ParameterLayout& layout, const std::vector<std::string>& blocks,
                double precision, Eigen::VectorXd mean = {});
  std::string name() const override { return name_; }
  std::string describe() const override;
  double add(const Eigen::VectorXd& parameters, Eigen::VectorXd& gradient) const override;

 private:
  std::string name_;
  std::vector<ParameterBlock> blocks_;
  double precision_;
  Eigen::VectorXd mean_;
};

}  // namespace msflow::fit
