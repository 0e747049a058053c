// Validation of user trajectories (docs/method.md, "Bad input"): each problem named with dataset
// and index.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "msflow/core/error.hpp"
#include "msflow/io/trajectory_file.hpp"

namespace msflow {
namespace {

TrajectorySet two_trajectories() {
  TrajectorySet set;
  set.dim = 2;
  set.t = {0, 1, 2, 0, 0.5, 1};
  set.x.assign(12, 0.0);
  set.offsets = {0, 3};
  return set;
}

std::string error_of(const TrajectorySet& set, int dim = 2, std::size_t min_transitions = 1) {
  try {
    validate_trajectory_set(set, "f.h5", dim, min_transitions);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(TrajectoryFile, ConcatenatedTrajectoriesRestartTheirClocks) {
  const TrajectorySet set = two_trajectories();
  EXPECT_EQ(error_of(set), "");
  EXPECT_EQ(set.trajectories(), 2u);
  EXPECT_EQ(set.transitions(), 4u);
  EXPECT_EQ(set.end_of(0), 3u);
  EXPECT_EQ(set.end_of(1), 6u);
}

TEST(TrajectoryFile, NonFiniteValuesAreLocated) {
  TrajectorySet set = two_trajectories();
  set.x[4 * 2 + 1] = std::numeric_limits<double>::infinity();
  EXPECT_NE(error_of(set).find("/trajectory/x: non-finite value (inf) at index (4, 1)"),
            std::string::npos)
      << error_of(set);
  set = two_trajectories();
  set.t[2] = std::nan("");
  EXPECT_NE(error_of(set).find("/trajectory/t: non-finite value"), std::string::npos);
}

TEST(TrajectoryFile, TimesMustIncreaseWithinEachTrajectory) {
  TrajectorySet set = two_trajectories();
  set.t[5] = 0.5;
  EXPECT_NE(error_of(set).find("times not increasing at index 5"), std::string::npos);
}

TEST(TrajectoryFile, OffsetsAreChecked) {
  TrajectorySet set = two_trajectories();
  set.offsets = {1, 3};
  EXPECT_NE(error_of(set).find("must start with 0"), std::string::npos);
  set.offsets = {0, 3, 3};
  EXPECT_NE(error_of(set).find("not increasing at index 2"), std::string::npos);
  set.offsets = {0, 6};
  EXPECT_NE(error_of(set).find("past the last row"), std::string::npos);
}

TEST(TrajectoryFile, TooFewTransitionsAndWrongDimension) {
  TrajectorySet set = two_trajectories();
  EXPECT_NE(error_of(set, 2, 3).find("trajectory 0 (rows 0 to 2) has 2 transitions"),
            std::string::npos);
  EXPECT_NE(error_of(set, 1).find("d = 2 columns but the model has slow dimension d = 1"),
            std::string::npos);
}

}  // namespace
}  // namespace msflow
