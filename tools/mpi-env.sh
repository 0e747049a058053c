# Source me: lets OpenMPI run as root and oversubscribe (3 ranks on 2 cores), as in CI.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# One machine: shared memory (ob1) instead of probing UCX — 0.2 s less per process start (the
# test suite starts about 1500). (Not ess_singleton_isolated: concurrent isolated singletons
# share one session directory, and one's cleanup fails the other's start.)
export OMPI_MCA_pml=ob1
# When a rank exits non-zero mpirun ends the others; by default it then waits 1 s before SIGKILL
# even if they are gone. msflow's ranks exit together after their last collective, so no grace.
export OMPI_MCA_odls_base_sigkill_timeout=0
export GTEST_COLOR=no
