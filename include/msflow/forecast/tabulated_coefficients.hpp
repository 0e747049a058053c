#pragma once
// b̄ and Σ̄ of a /truth table (e.g. an msflow fp output) at any x: multilinear interpolation on
// its tensor grid (make_box_grid's layout), x clamped to the grid's box. Used by forecast
// --truth as the reference averaged model where the model has no closed form.
#include <vector>

#include "msflow/io/truth_file.hpp"

namespace msflow::forecast {

class TabulatedCoefficients {
 public:
  /// InputError (naming `source`) unless the table is a tensor grid with a diffusion table.
  TabulatedCoefficients(const TruthOnGrid& truth, const std::string& source);

  /// drift: d values, diffusion: d×d.
  void evaluate(const double* x, double* drift, double* diffusion) const;

 private:
  int dim_ = 0, points_ = 0;
  std::vector<double> lo_, step_;
  TruthOnGrid truth_;
};

}  // namespace msflow::forecast
