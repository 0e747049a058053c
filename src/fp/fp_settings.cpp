#include "msflow/fp/fp_settings.hpp"

#include <cmath>

#include "msflow/core/error.hpp"
#include "msflow/core/settings.hpp"

namespace msflow::fp {

const std::vector<std::string>& fp_sections() {
  static const std::vector<std::string> sections = {"", "model", "fp"};
  return sections;
}

void declare_fp_options(OptionCatalog& catalog) {
  catalog.section("fp")
      .add("cells", "256", "cells per axis of the fast grid (cells^m unknowns, at most 2^24)")
      .add("half_width", "5", "the fast grid is c ± half_width on every axis (--model.c)")
      .add("points", "auto",
           "points per axis of the x grid of /truth (auto: 101 if d = 1, else 41)")
      .add("lo", "auto",
           "lower corner of the x grid, d values (auto: the region of --data if given, else "
           "c − half_width)")
      .add("hi", "auto",
           "upper corner of the x grid, d values (auto: the region of --data if given, else "
           "c + half_width)");
}

namespace {

std::vector<double> corner(const SectionReader& options, const std::string& key, int d) {
  const std::vector<double> values = options.numbers(key);
  if (static_cast<int>(values.size()) != d)
    options.reject(key, "needs " + std::to_string(d) + " values (d of the model)");
  return values;
}

}  // namespace

FpSettings read_fp_settings(const Config& config, int fast_dim, int slow_dim) {
  const SectionReader options(config, "fp");
  FpSettings s;
  s.cells = static_cast<int>(options.integer("cells", 3, kMaxUnknowns));
  if (fast_dim == 2 && std::int64_t{s.cells} * s.cells > kMaxUnknowns)
    options.reject("cells", "cells^2 must be at most 2^24 = 16777216 unknowns");
  s.half_width = options.positive("half_width");
  if (!(s.half_width <= 1e6)) options.reject("half_width", "must be at most 1e6");
  const auto points = options.integer_or_auto("points", 1, 100000);
  s.points = points ? static_cast<int>(*points) : (slow_dim == 1 ? 101 : 41);
  if (std::pow(static_cast<double>(s.points), slow_dim) > 1e7)
    options.reject("points", "points^d must be at most 1e7");
  if (!options.is_auto("lo")) s.lo = corner(options, "lo", slow_dim);
  if (!options.is_auto("hi")) s.hi = corner(options, "hi", slow_dim);
  if (s.lo.empty() != s.hi.empty())
    throw InputError("options --fp.lo and --fp.hi: give both or neither");
  for (std::size_t a = 0; a < s.lo.size(); ++a)
    if (!(s.lo[a] < s.hi[a])) options.reject("hi", "must exceed --fp.lo on every axis");
  return s;
}

}  // namespace msflow::fp
