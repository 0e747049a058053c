#pragma once
// Every file msflow writes explains itself: schema, code version, resolved options, MPI size and
// seeds as root attributes (docs/method.md, "Checkpoints").
#include <mpi.h>

#include <string>

#include "msflow/core/options.hpp"
#include "msflow/io/hdf5.hpp"
#include "msflow/model/model.hpp"

namespace msflow {

/// Root attributes: schema ("msflow.<kind>/<version>"), msflow_version, command, options (the
/// effective configuration as INI), mpi_size, seeds.
void write_provenance(hid_t file, MPI_Comm comm, const std::string& schema,
                      const std::string& command, const Config& config, const std::string& seeds);

/// /model: name, dimensions, scale separation and the physical parameters η as attributes.
void write_model_group(hid_t file, const Model& model);
/// The reverse: if `file` has a /model of `model`'s name and slow dimension, sets every
/// physical parameter it records (the values a trajectory was simulated with) and returns true.
bool read_model_group(hid_t file, Model& model);

}  // namespace msflow
