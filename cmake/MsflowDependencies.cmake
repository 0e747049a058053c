# Finds every dependency of README.md, "Install". A missing one stops configuration with the Debian
# package that provides it (tools/setup-debian.sh installs them all).

function(msflow_require found what package)
  if(NOT ${found})
    message(FATAL_ERROR
      "msflow: ${what} not found. Install the Debian package '${package}' "
      "(or run tools/setup-debian.sh, which installs every dependency).")
  endif()
endfunction()

find_package(MPI COMPONENTS C CXX)
msflow_require(MPI_FOUND "MPI (C and C++)" "libopenmpi-dev openmpi-bin")

find_package(PkgConfig)
msflow_require(PKG_CONFIG_FOUND "pkg-config" "pkg-config")
pkg_check_modules(PETSC IMPORTED_TARGET PETSc>=3.18)
msflow_require(PETSC_FOUND "PETSc >= 3.18" "libpetsc-real-dev")

set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 COMPONENTS C)
msflow_require(HDF5_FOUND "HDF5 (C API)" "libhdf5-openmpi-dev")
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "msflow: the HDF5 found (${HDF5_C_INCLUDE_DIRS}) is serial; msflow needs parallel HDF5. "
    "Install the Debian package 'libhdf5-openmpi-dev'.")
endif()

find_package(Eigen3 3.4 NO_MODULE)
msflow_require(Eigen3_FOUND "Eigen >= 3.4" "libeigen3-dev")

find_package(Boost 1.74 COMPONENTS program_options)
msflow_require(Boost_FOUND "Boost.Program_options" "libboost-program-options-dev")

find_path(RANDOM123_INCLUDE_DIR Random123/philox.h)
if(RANDOM123_INCLUDE_DIR)
  set(RANDOM123_FOUND TRUE)
endif()
msflow_require(RANDOM123_FOUND "Random123 (Random123/philox.h)" "librandom123-dev")
add_library(Random123::Random123 INTERFACE IMPORTED)
target_include_directories(Random123::Random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})

if(MSFLOW_BUILD_TESTS)
  find_package(GTest)
  msflow_require(GTest_FOUND "GoogleTest" "libgtest-dev")
endif()
if(MSFLOW_BUILD_BENCHMARKS)
  find_package(benchmark)
  msflow_require(benchmark_FOUND "Google Benchmark" "libbenchmark-dev")
endif()
