#include "msflow/flow/flow_spec.hpp"

#include "msflow/core/error.hpp"

namespace msflow::flow {

CouplingType parse_coupling_type(const std::string& name) {
  if (name == "affine") return CouplingType::kAffine;
  if (name == "spline") return CouplingType::kSpline;
  throw InputError("unknown flow type '" + name + "' (expected affine or spline)");
}

std::string to_string(CouplingType type) {
  return type == CouplingType::kAffine ? "affine" : "spline";
}

void FlowSpec::validate() const {
  require(dim >= 1, "flow: dim must be at least 1");
  require(context_dim >= 0, "flow: context_dim must be non-negative");
  require(layers >= 1, "flow: layers must be at least 1");
  require(depth >= 0, "flow: depth must be non-negative");
  require(width >= 1, "flow: width must be at least 1");
  require(scale_bound > 0, "flow: scale_bound must be positive");
  if (type == CouplingType::kSpline) {
    require(spline.bins >= 2, "flow: bins must be at least 2");
    require(spline.bound > 0, "flow: bound must be positive");
    require(spline.min_bin_width > 0 && spline.min_bin_width * spline.bins < 1,
            "flow: min_bin_width must be in (0, 1/bins)");
    require(spline.min_bin_height > 0 && spline.min_bin_height * spline.bins < 1,
            "flow: min_bin_height must be in (0, 1/bins)");
    require(spline.min_derivative > 0 && spline.min_derivative < 1,
            "flow: min_derivative must be in (0, 1)");
  }
}

bool operator==(const FlowSpec& a, const FlowSpec& b) {
  return a.type == b.type && a.dim == b.dim && a.context_dim == b.context_dim &&
         a.layers == b.layers && a.width == b.width && a.depth == b.depth &&
         a.activation == b.activation && a.scale_bound == b.scale_bound &&
         a.spline.bins == b.spline.bins && a.spline.bound == b.spline.bound &&
         a.spline.min_bin_width == b.spline.min_bin_width &&
         a.spline.min_bin_height == b.spline.min_bin_height &&
         a.spline.min_derivative == b.spline.min_derivative &&
         a.elementwise_affine == b.elementwise_affine;
}

}  // namespace msflow::flow
