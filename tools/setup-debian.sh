#!/usr/bin/env bash
# Installs msflow's Debian 12 dependencies. Idempotent; prints nothing when all are present.
#   tools/setup-debian.sh            build + test dependencies
#   tools/setup-debian.sh --slurm    also a local single-node SLURM (for jobs/ tests)
set -euo pipefail

packages=(
  cmake g++ pkg-config make
  libopenmpi-dev openmpi-bin
  libpetsc-real-dev
  libhdf5-openmpi-dev hdf5-tools
  libeigen3-dev libboost-program-options-dev
  libgtest-dev libbenchmark-dev librandom123-dev
  python3-h5py python3-matplotlib python3-numpy
)
[[ "${1:-}" == "--slurm" ]] && packages+=(slurm-wlm munge)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
echo "setup: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
echo "setup: done"
