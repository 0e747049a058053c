#pragma once
// The named blocks of a parameter vector ϑ, in order: for the flow model "flow.couplings"
// (the coupling layers' conditioners), "flow.affine" (the final elementwise location/scale),
// then one block "eta.<name>" per learned physical parameter; for the unstructured baseline
// "mlp". Objective terms address blocks by name (the weight decay is a Gaussian prior on
// "flow.couplings"); optimizers and posterior flows see unconstrained coordinates, and each
// block's domain says how they map to the physical value.
#include <Eigen/Core>
#include <string>
#include <vector>

#include "msflow/model/parameter_domain.hpp"

namespace msflow::fit {

struct ParameterBlock {
  std::string name;
  Eigen::Index begin = 0, size = 0;
  ParameterDomain domain = ParameterDomain::free();  ///< of each entry's physical value
};

class ParameterLayout {
 public:
  /// Appends a block after the last one.
  void append(const std::string& name, Eigen::Index size,
              ParameterDomain domain = ParameterDomain::free());
  const std::vector<ParameterBlock>& blocks() const { return blocks_; }
  /// The block called `name`, or nullptr.
  const ParameterBlock* find(const std::string& name) const;
  /// Blocks whose name starts with `prefix` ("eta." for the physical parameters).
  std::vector<ParameterBlock> with_prefix(const std::string& prefix) const;
  Eigen::Index size() const { return size_; }

 private:
  std::vector<ParameterBlock> blocks_;
  Eigen::Index size_ = 0;
};

}  // namespace msflow::fit
