#include "msflow/fit/transition_window.hpp"

namespace msflow::fit {

TransitionWindow make_transition_window(const TrajectorySet& data, int rank, int size) {
  const int d = data.dim;
  TransitionWindow window;
  window.dim = d;
  window.total = data.transitions();
  window.blocks = transition_blocks(window.total);
  window.my_blocks = window.blocks.blocks_of(rank, size);
  window.range = window.blocks.items_of(rank, size);
  window.start.reserve(window.range.size() * d);
  window.increment.reserve(window.range.size() * d);
  window.dt.reserve(window.range.size());
  std::size_t global = 0;  // index of the transition in the global order
  for (std::size_t k = 0; k < data.trajectories(); ++k) {
    for (std::size_t row = data.begin_of(k); row + 1 < data.end_of(k); ++row, ++global) {
      if (global < window.range.begin || global >= window.range.end) continue;
      for (int a = 0; a < d; ++a) {
        window.start.push_back(data.x[row * d + a]);
        window.increment.push_back(data.x[(row + 1) * d + a] - data.x[row * d + a]);
      }
      window.dt.push_back(data.t[row + 1] - data.t[row]);
    }
  }
  return window;
}

}  // namespace msflow::fit
