#!/usr/bin/env bash
# Every ready-to-run file in inputs/ is accepted and runs (shortened to T = 1) on 2 ranks.
source "$(dirname "$0")/common.bash"

for input in "$SOURCE_DIR"/inputs/*.ini; do
  name=$(basename "$input" .ini)
  command=simulate
  run_np 2 "$command" --config "$input" --simulate.T 1 --simulate.progress 0 --out "$name.h5" \
    > "$name.log" 2>&1 || fail "$name: $(tail -5 "$name.log")"
  "$PYTHON" -c "
import h5py, sys
f = h5py.File('$name.h5', 'r')
assert f.attrs['schema'].startswith('msflow.'), f.attrs['schema']
assert f['trajectory/x'].shape[0] == f['trajectory/t'].shape[0] > 1
" || fail "$name: unexpected output"
  echo "ok: $name"
done
