#include "msflow/fit/parameter_layout.hpp"

#include <stdexcept>

namespace msflow::fit {

void ParameterLayout::append(const std::string& name, Eigen::Index size, ParameterDomain domain) {
  if (find(name)) throw std::logic_error("ParameterLayout: block '" + name + "' twice");
  blocks_.push_back({name, size_, size, domain});
  size_ += size;
}

const ParameterBlock* ParameterLayout::find(const std::string& name) const {
  for (const auto& block : blocks_)
    if (block.name == name) return &block;
  return nullptr;
}

std::vector<ParameterBlock> ParameterLayout::with_prefix(const std::string& prefix) const {
  std::vector<ParameterBlock> found;
  for (const auto& block : blocks_)
    if (block.name.compare(0, prefix.size(), prefix) == 0) found.push_back(block);
  return found;
}

}  // namespace msflow::fit
