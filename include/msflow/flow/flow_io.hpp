#pragma once
// HDF5 storage of a Flow: a group whose attributes are the architecture (FlowSpec) and whose
// dataset `parameters` is the flat parameter vector (see Flow). Readable by h5py without the
// code: schema "msflow.flow", version 1; attributes type, activation (strings), dim,
// context_dim, layers, width, depth, bins, elementwise_affine, parameter_count (int64), bound,
// scale_bound, min_bin_width, min_bin_height, min_derivative (double).
#include <mpi.h>

#include <string>

#include "msflow/flow/flow.hpp"
#include "msflow/io/hdf5.hpp"

namespace msflow::flow {

/// Creates group `name` under `parent` and writes the flow (collective over comm; every rank
/// holds the same replicated flow).
void write_flow(MPI_Comm comm, hid_t parent, const std::string& name, const Flow& flow);

/// Reads a flow written by write_flow; parameters are bitwise those written. Throws InputError
/// naming the attribute or dataset on a malformed group.
Flow read_flow(hid_t parent, const std::string& name);

}  // namespace msflow::flow
