// HDF5 storage of flows: write-then-read gives a bitwise identical flow.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "flow_test_support.hpp"
#include "msflow/core/error.hpp"
#include "msflow/flow/flow_io.hpp"

namespace msflow::flow {
namespace {

class FlowIo : public ::testing::TestWithParam<CouplingType> {};

TEST_P(FlowIo, WriteThenReadIsBitwiseIdentical) {
  FlowSpec spec;
  spec.type = GetParam();
  spec.dim = 4;
  spec.context_dim = 2;
  spec.layers = 3;
  spec.width = 9;
  spec.depth = 2;
  spec.activation = nn::Activation::kSilu;
  spec.scale_bound = 1.5;
  spec.spline.bins = 7;
  spec.spline.bound = 4.5;
  spec.spline.min_derivative = 2e-3;
  Flow flow(spec);
  flow.initialize(5, 1.0);
  flow.set_parameters(flow.parameters() + testing::random_vector(flow.parameter_count(), 81, 0.1));

  const std::string path = "test_flow_io_" + to_string(GetParam()) + ".h5";
  {
    h5::AtomicOutput output(MPI_COMM_SELF, path);
    write_flow(MPI_COMM_SELF, output.file().id(), "flow", flow);
    output.commit();
  }
  h5::File file = h5::File::open_read(MPI_COMM_SELF, path);
  Flow read = read_flow(file.id(), "flow");
  file.close();
  std::remove(path.c_str());

  EXPECT_TRUE(read.spec() == spec);
  const Vector a = flow.parameters(), b = read.parameters();
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), sizeof(double) * a.size()), 0);
  const Matrix z = testing::random_matrix(4, 20, 82, 2.0);
  const Matrix context = testing::random_matrix(2, 20, 83);
  Matrix ya, yb;
  Vector la, lb;
  flow.forward(z, context, ya, la);
  read.forward(z, context, yb, lb);
  EXPECT_EQ(std::memcmp(ya.data(), yb.data(), sizeof(double) * ya.size()), 0);
  EXPECT_EQ(std::memcmp(la.data(), lb.data(), sizeof(double) * la.size()), 0);
}

INSTANTIATE_TEST_SUITE_P(AffineAndSpline, FlowIo,
                         ::testing::Values(CouplingType::kAffine, CouplingType::kSpline),
                         [](const auto& info) { return to_string(info.param); });

TEST(FlowIoErrors, MissingGroupOrDatasetIsNamed) {
  const std::string path = "test_flow_io_errors.h5";
  {
    h5::AtomicOutput output(MPI_COMM_SELF, path);
    {
      h5::Handle group = h5::create_group(output.file().id(), "broken");
      h5::write_attribute(group, "schema", std::string("msflow.flow"));
    }
    output.commit();
  }
  h5::File file = h5::File::open_read(MPI_COMM_SELF, path);
  try {
    read_flow(file.id(), "absent");
    ADD_FAILURE() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("absent"), std::string::npos);
  }
  try {
    read_flow(file.id(), "broken");
    ADD_FAILURE() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing attribute"), std::string::npos);
  }
  file.close();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace msflow::flow
