#!/usr/bin/env bash
# Solve time of msflow fp against grid size (docs/fp.md): the nonrev-ring fast process on
# 64² … 1024² cells and the 1-D tagged-dw particle on 1e3 … 1e6 cells, on 1 and 2 ranks, with
# three solvers: GMRES + BoomerAMG (hypre, the default), direct LU (PETSc's own on 1 rank, MUMPS
# on 2) and GMRES + ASM/ILU(0). Prints a markdown table: KSP iterations, the solve's wall time
# (the fp_solve attribute: assembly, both pinned solves if any, and the gather), peak memory.
#   bench/fp_solve.sh [BUILD_DIR]     (about 5 min on 2 cores; runs over LIMIT s are cut off)
set -uo pipefail
build=${1:-build}
limit=${LIMIT:-120}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/../tools/mpi-env.sh"
ring=(--model.name nonrev-ring --model.c 0.5,-0.5 --fp.half_width 3.5)
line=(--model.name tagged-dw --model.d 1 --model.N 1 --model.beta 2 --fp.half_width 3)
declare -A solvers=(
  [hypre]=""
  [lu]="-fp_ksp_type preonly -fp_pc_type lu"
  [asm]="-fp_pc_type asm -fp_sub_pc_type ilu"
)
echo "| m | cells | unknowns | ranks | solver | iterations | solve (s) | peak MiB/rank |"
echo "|---|---|---|---|---|---|---|---|"
run() {  # m cells ranks solver
  local m=$1 cells=$2 ranks=$3 solver=$4 model options
  if [[ $m == 1 ]]; then model=("${line[@]}"); else model=("${ring[@]}"); fi
  # shellcheck disable=SC2206
  options=(${solvers[$solver]})
  [[ $solver == lu && $ranks -gt 1 ]] && options+=(-fp_pc_factor_mat_solver_type mumps)
  local out
  out=$(timeout "$limit" mpirun -n "$ranks" "$build/msflow" fp "${model[@]}" --fp.cells "$cells" \
    --fp.points 1 "${options[@]}" --out "$work/fp.h5" 2>&1)
  local status=$?
  local unknowns=$((m == 1 ? cells : cells * cells))
  if [[ $status -ne 0 ]]; then
    local why="failed"
    [[ $status -eq 124 ]] && why="> $limit s"
    grep -q "did not converge" <<< "$out" && why="no convergence"
    echo "| $m | $cells | $unknowns | $ranks | $solver | — | $why | — |"
    return 1
  fi
  local summary
  summary=$(grep '^solver' <<< "$out")
  local iterations seconds memory
  iterations=$(sed -E 's/.*: ([0-9]+) iterations.*/\1/' <<< "$summary")
  seconds=$(sed -E 's/.*, ([0-9.e+-]+) s on.*/\1/' <<< "$summary")
  memory=$(sed -E 's/.*peak memory ([0-9.]+) MiB.*/\1/' <<< "$summary")
  echo "| $m | $cells | $unknowns | $ranks | $solver | $iterations | $seconds | $memory |"
}
for solver in hypre lu asm; do
  for ranks in 1 2; do
    for cells in 64 128 256 512 1024; do
      run 2 "$cells" "$ranks" "$solver" || break  # a larger grid would only take longer
    done
    for cells in 1000 10000 100000 1000000; do
      run 1 "$cells" "$ranks" "$solver" || break
    done
  done
done
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(free -g | awk '/Mem:/ {print $2}') GB; msflow $("$build/msflow" --version | cut -d' ' -f2)"
