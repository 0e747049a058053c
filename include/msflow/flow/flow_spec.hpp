#pragma once
// The architecture description of a Flow (everything needed to rebuild it; stored as HDF5
// attributes next to the parameters).
#include <string>

#include "msflow/flow/rational_quadratic.hpp"
#include "msflow/nn/activation.hpp"

namespace msflow::flow {

enum class CouplingType { kAffine, kSpline };
CouplingType parse_coupling_type(const std::string& name);  ///< "affine" | "spline"
std::string to_string(CouplingType type);

struct FlowSpec {
  CouplingType type = CouplingType::kAffine;
  int dim = 1;          ///< m, the dimension of z and y
  int context_dim = 0;  ///< dimension of the conditioning input x (0: unconditional)
  int layers = 4;       ///< coupling layers
  int width = 64;       ///< hidden units of each conditioner layer
  int depth = 2;        ///< hidden layers of each conditioner
  nn::Activation activation = nn::Activation::kTanh;
  double scale_bound = 2.0;        ///< α of the affine coupling's soft clamp α·tanh(s/α)
  rq::SplineShape spline;          ///< bins K, bound B and minimum width/height/derivative
  bool elementwise_affine = true;  ///< a final y = exp(s)⊙z + t layer (learned location/scale)

  /// Throws InputError naming the first bad field.
  void validate() const;
};

bool operator==(const FlowSpec& a, const FlowSpec& b);

}  // namespace msflow::flow
