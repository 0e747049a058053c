// GoogleTest main under MPI: PETSc/MPI start after GoogleTest has taken its flags, only rank 0
// prints, and every rank returns the same status (MAX over ranks).
#include <gtest/gtest.h>
#include <mpi.h>

#include "msflow/parallel/environment.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  msflow::Environment environment(&argc, &argv);
  if (environment.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int status = RUN_ALL_TESTS();
  MPI_Allreduce(MPI_IN_PLACE, &status, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return status;
}
