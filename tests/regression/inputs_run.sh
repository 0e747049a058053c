#!/usr/bin/env bash
# Every ready-to-run file in inputs/ is accepted by simulate and fit and runs (shortened: T = 1,
# 3 iterations) on 2 ranks.
source "$(dirname "$0")/common.bash"

for input in "$SOURCE_DIR"/inputs/*.ini; do
  name=$(basename "$input" .ini)
  run_np 2 simulate --config "$input" --simulate.T 1 --simulate.progress 0 --out "$name.h5" \
    > "$name.log" 2>&1 || fail "$name: $(tail -5 "$name.log")"
  run_np 2 fit --config "$input" --data "$name.h5" --fit.iterations 3 --fit.warmup 0 \
    --fit.progress 0 --run.checkpoint_every 0 --out "fit-$name.h5" > "fit-$name.log" 2>&1 ||
    fail "fit $name: $(tail -5 "fit-$name.log")"
  "$PYTHON" -c "
import h5py, sys
f = h5py.File('$name.h5', 'r')
assert f.attrs['schema'].startswith('msflow.'), f.attrs['schema']
assert f['trajectory/x'].shape[0] == f['trajectory/t'].shape[0] > 1
" || fail "$name: unexpected output"
  echo "ok: $name"
done
