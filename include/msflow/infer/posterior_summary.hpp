#pragma once
// What the posterior says, on the estimate grid and for the physical parameters
// (docs/output.md, "/posterior"): S draws of b̄ (and Σ̄), their pointwise mean and quantiles, the
// empirical coverage of a known truth by the central bands, and the mean, standard deviation and
// 95% interval of every learned physical parameter.

#include <Eigen/Core>
#include <string>
#include <vector>

namespace msflow::infer {

/// The quantile at `level` of sorted, non-empty values (Hyndman–Fan type 7: linear between
/// order statistics).
double sorted_quantile(const std::vector<double>& sorted, double level);

/// The quantile at `level` of sorted values with normalized weights (in the same order; weight 0
/// leaves a value out): linear
/// between the points (cumulative weight − half its own weight, value), constant beyond the
/// first and last (Hazen's rule, which equal weights reduce to).
double weighted_sorted_quantile(const std::vector<double>& sorted,
                                const std::vector<double>& weights, double level);

/// The quantile levels stored with every band: 2.5, 5, 25, 50, 75, 95, 97.5 %.
const std::vector<double>& quantile_levels();
/// The central bands reported (nominal levels 50, 90, 95 %) as (lower, upper) indices into
/// quantile_levels().
struct Band {
  double level;
  int lower, upper;
};
const std::vector<Band>& central_bands();

/// Draws of one field on the grid: S × n values (n = G·d or G·d·d), row s one draw.
struct FieldDraws {
  Eigen::Index draws = 0, size = 0;
  std::vector<double> values;   ///< S × n row-major
  std::vector<double> weights;  ///< S normalized importance weights; empty: all equal
  std::vector<double> mean() const;
  /// levels × n: quantile per entry (equal weights: linear interpolation between order
  /// statistics; weighted: weighted_sorted_quantile).
  std::vector<double> quantiles() const;
  /// The draws `rows` (with repetitions) as equally weighted draws.
  FieldDraws select(const std::vector<std::size_t>& rows) const;
  /// Shifts every draw of entry i by centre[i] − mean()[i], so that the mean becomes `centre`
  /// and the spread about it stays the same.
  void recentre(const std::vector<double>& centre);
};

/// The fraction of entries `included` (a mask over the n entries; empty: all) whose truth lies in
/// each central band, in central_bands() order.
std::vector<double> band_coverage(const std::vector<double>& quantiles, std::size_t n,
                                  const std::vector<double>& truth,
                                  const std::vector<char>& included);

struct ParameterPosterior {
  std::string name;
  double mean = 0, sd = 0, lower = 0, upper = 0;  ///< physical values; 95% interval
  std::vector<double> draws;
};
/// Mean, sd and central 95% interval of `draws` with normalized `weights` (empty: equal; the
/// variance then has the n − 1 divisor, and with weights its generalization 1 − Σw²).
ParameterPosterior summarize_parameter(const std::string& name, std::vector<double> draws,
                                       const std::vector<double>& weights = {});

}  // namespace msflow::infer
