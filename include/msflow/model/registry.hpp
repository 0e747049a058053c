#pragma once
// Models by name (PETSc-style type strings). Adding a model: write one file with its class and
// a `std::unique_ptr<Model> make_xxx(const Config&)` function, and add one line to
// src/model/registry.cpp.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "msflow/core/options.hpp"
#include "msflow/model/model.hpp"

namespace msflow {

struct ModelEntry {
  std::string name;
  std::string summary;
  std::function<std::unique_ptr<Model>(const Config&)> create;
};

/// All built-in models, in registration order.
const std::vector<ModelEntry>& model_registry();
/// Creates the model named by --model.name; an unknown name is an InputError listing the known.
std::unique_ptr<Model> create_model(const Config& config);
/// Declares the [model] options in the catalogue (`msflow help simulate` lists them).
void declare_model_options(OptionCatalog& catalog);

}  // namespace msflow
