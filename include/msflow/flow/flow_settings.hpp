#pragma once
// The architecture options of a normalizing flow, declared and read under a named INI section
// ([flow] for the invariant-law flow; a posterior flow uses its own section with the same keys).
#include <string>

#include "msflow/core/options.hpp"
#include "msflow/flow/flow_spec.hpp"

namespace msflow::flow {

struct FlowSettings {
  CouplingType type = CouplingType::kAffine;
  int layers = 6;
  int width = 64;
  int depth = 2;
  nn::Activation activation = nn::Activation::kTanh;
  int bins = 8;        ///< spline only
  double bound = 5.0;  ///< spline only: the spline acts on [-bound, bound]

  /// The spec of a flow of dimension `dim` conditioned on `context_dim` inputs.
  FlowSpec spec(int dim, int context_dim) const;
};

/// Declares [section] type (default `type`), layers, width, depth, activation, bins, bound.
void declare_flow_options(OptionCatalog& catalog, const std::string& section,
                          CouplingType type = CouplingType::kAffine);
/// Only width, depth and activation (a plain network, e.g. the unstructured estimator's MLP).
FlowSettings read_network_settings(const Config& config, const std::string& section);
/// Reads and validates them (InputError naming the option).
FlowSettings read_flow_settings(const Config& config, const std::string& section);

}  // namespace msflow::flow
