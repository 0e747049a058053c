#include "msflow/fit/parameter_terms.hpp"

#include <stdexcept>

#include "msflow/core/log.hpp"

namespace msflow::fit {

GaussianPrior::GaussianPrior(const ParameterLayout& layout, const std::vector<std::string>& blocks,
                             double precision, Eigen::VectorXd mean)
    : precision_(precision), mean_(std::move(mean)) {
  name_ = "prior";
  for (const auto& name : blocks) {
    const ParameterBlock* block = layout.find(name);
    if (!block) throw std::logic_error("GaussianPrior: no parameter block '" + name + "'");
    blocks_.push_back(*block);
    name_ += (name_ == "prior" ? "." : "+") + name;
  }
  if (mean_.size() != 0 && mean_.size() != layout.size())
    throw std::logic_error("GaussianPrior: the mean must cover the whole layout");
}

std::string GaussianPrior::describe() const {
  std::string blocks;
  Eigen::Index count = 0;
  for (const auto& block : blocks_) {
    blocks += (blocks.empty() ? "" : ", ") + block.name;
    count += block.size;
  }
  return "Gaussian prior N(" + std::string(mean_.size() ? "μ" : "0") + ", 1/" +
         format_number(precision_) + ") on " + blocks + " (" + std::to_string(count) +
         " parameters)";
}

double GaussianPrior::add(const Eigen::VectorXd& parameters, Eigen::VectorXd& gradient) const {
  double value = 0;
  for (const auto& block : blocks_) {
    Eigen::VectorXd offset = parameters.segment(block.begin, block.size);
    if (mean_.size()) offset -= mean_.segment(block.begin, block.size);
    gradient.segment(block.begin, block.size) += precision_ * offset;
    value += 0.5 * precision_ * offset.squaredNorm();
  }
  return value;
}

}  // namespace msflow::fit
