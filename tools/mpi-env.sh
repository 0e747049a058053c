# Source me: lets OpenMPI run as root and oversubscribe (3 ranks on 2 cores), as in CI.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# One machine: shared memory (ob1) instead of probing UCX, and a 1-rank run without mpirun starts
# no daemon — 0.2–0.45 s less per process start (the test suite starts about 1500).
export OMPI_MCA_pml=ob1 OMPI_MCA_ess_singleton_isolated=1
# When a rank exits non-zero mpirun ends the others; by default it then waits 1 s before SIGKILL
# even if they are gone. msflow's ranks exit together after their last collective, so no grace.
export OMPI_MCA_odls_base_sigkill_timeout=0
export GTEST_COLOR=no
