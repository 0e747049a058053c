# The cells of the paper's Table 1 and the msflow options of each (sourced by jobs/table1.sh,
# run serially, and jobs/table1-cell.sbatch, one cell per array task; jobs/README.md).
# Each cell simulates with its own seed, SEED·10⁹ + d·10⁸ + N·10⁵ + n: with one seed for all,
# the counter-based streams give every n of a row the same normals, so the cells of a row would
# share one realization (and its luck) instead of being independent trials.

table1_config=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/inputs/table1.ini

# table1_cells [DIMS] [N] [n]: one "d N n" line per cell. Lists are comma- or blank-separated;
# the defaults are the paper's: d = 1, 2; N = 10, 15, 20 (d = 1) or 10, 15 (d = 2);
# n = 100, 1000, 15000.
table1_cells() {
  local dims=${1:-1,2} separations=${3:-100,1000,15000} d N n particles
  separations=${separations//,/ }
  for d in ${dims//,/ }; do
    particles=${2:-$([[ $d == 1 ]] && echo 10,15,20 || echo 10,15)}
    for N in ${particles//,/ }; do
      for n in $separations; do echo "$d $N $n"; done
    done
  done
}

# shellcheck disable=SC2034  # the caller reads table1_tag, table1_simulate, table1_fit
# table1_cell d N n SEED: sets table1_tag (dN_NN_nn) and the cell's options:
#   table1_simulate  simulate options (without --out)
#   table1_fit       fit options shared by both estimators (without --fit.model, --data, --out)
table1_cell() {
  local d=$1 N=$2 n=$3 seed=$4
  if ! [[ "$d" =~ ^[0-9]+$ && "$N" =~ ^[0-9]+$ && "$n" =~ ^[0-9]+$ && "$seed" =~ ^[0-9]+$ ]]; then
    echo "table1: a cell is three integers d N n and SEED an integer (got '$d $N $n', SEED '$seed')" >&2
    return 2
  fi
  if ((N >= 1000 || n >= 100000)); then
    echo "table1: the cell seed needs N < 1000 and n < 100000" >&2
    return 2
  fi
  table1_tag="d${d}_N${N}_n${n}"
  local model=(--model.d "$d" --model.N "$N" --model.n "$n")
  local cell_seed=$((seed * 1000000000 + d * 100000000 + N * 100000 + n))
  # n = 15000: the solvent steps exactly in law, so the fine step only has to resolve the slow
  # path and the Riemann sum of b over the solvent's path; 1/n instead of auto's 0.1/n changes
  # the data's law by O(1/n) (docs/studies/table1.md) and makes these cells 10× cheaper.
  local fine_step=()
  ((n >= 15000)) && fine_step=(--simulate.dt "$(awk -v n="$n" 'BEGIN { printf "%.17g", 1 / n }')")
  table1_simulate=(--config "$table1_config" "${model[@]}" "${fine_step[@]}"
    --simulate.seed "$cell_seed" --simulate.progress 60)
  table1_fit=(--config "$table1_config" "${model[@]}" --fit.progress 60)
}
