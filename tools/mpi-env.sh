# Source me: lets OpenMPI run as root and oversubscribe (3 ranks on 2 cores), as in CI.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export GTEST_COLOR=no
