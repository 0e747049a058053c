#!/usr/bin/env bash
# fit on bad input (docs/method.md, "Bad input"), 2 ranks: one clear message, exit status 2, no hang, no
# output left behind; and a diverging optimization is rolled back, retried with halved steps,
# then stopped with a message.
source "$(dirname "$0")/common.bash"

run_np 1 simulate --model.n 200 --simulate.T 20 --simulate.progress 0 --out data.h5 > /dev/null
run_np 1 simulate --model.name nonrev-ou --simulate.T 1 --simulate.progress 0 --out data2d.h5 \
  > /dev/null
small=(--model.n 200 --fit.L 16 --flow.layers 2 --flow.width 8 --fit.iterations 20 --fit.warmup 0
       --fit.progress 0)

expect_failure() {  # fragment, then msflow arguments
  local fragment=$1
  shift
  local status=0
  run_np 2 "$@" --out out.h5 > stdout.txt 2> stderr.txt || status=$?
  [[ $status -ne 124 ]] || fail "$*: hung"
  [[ $status -eq 2 ]] || fail "$*: status $status, expected 2: $(cat stderr.txt)"
  [[ $(grep -c "msflow: error" stderr.txt) -eq 1 ]] || fail "$*: not one message: $(cat stderr.txt)"
  grep -qF -- "$fragment" stderr.txt || fail "$*: message lacks '$fragment': $(cat stderr.txt)"
  [[ ! -e out.h5 ]] && ! compgen -G "out.h5.tmp*" > /dev/null || fail "$*: output left behind"
  echo "ok: $(cat stderr.txt)"
}

expect_failure "needs an input trajectory" fit "${small[@]}"
expect_failure "slow dimension d = 1" fit "${small[@]}" --data data2d.h5
expect_failure "has no parameter 'B'" fit "${small[@]}" --data data.h5 --fit.learn A,B
expect_failure "did you mean --fit.L" fit "${small[@]}" --data data.h5 --fit.LL 3
expect_failure "fit.optimizer: must be one of adam, tao" fit "${small[@]}" --data data.h5 --fit.optimizer sgd
expect_failure "fit.tao_type: not a PETSc TAO type" fit "${small[@]}" --data data.h5 --fit.optimizer tao \
  --fit.tao_type nope
expect_failure "fit.averaging: must be one of auto, exact, interpolated" fit "${small[@]}" --data data.h5 \
  --fit.averaging nodes
expect_failure "fit.tolerance: must be > 0" fit "${small[@]}" --data data.h5 \
  --fit.averaging interpolated --fit.tolerance 0
expect_failure "the most --fit.nodes auto tries" fit "${small[@]}" --data data.h5 \
  --fit.averaging interpolated --fit.tolerance 1e-30
expect_failure "after 3 rollbacks with halved steps" fit "${small[@]}" --data data.h5 \
  --fit.lr 1e4 --fit.retries 3
grep -q "rolled back, step scale 0.125" stdout.txt || fail "no rollback messages"

# Checked before any work (the grid used to be read after the whole optimization).
expect_failure "fit.grid: must be auto or an integer in [2, 100000]" fit "${small[@]}" --data data.h5 \
  --fit.grid -3
expect_failure "fit.grid: must be auto or an integer" fit "${small[@]}" --data data.h5 --fit.grid 2.5
# Integers are parsed exactly: 2^32 + 16 is not silently 16.
expect_failure "flow.width: must be an integer in" fit "${small[@]}" --data data.h5 \
  --flow.width 4294967312
expect_failure "fit.L: must be an integer in [1," fit "${small[@]}" --data data.h5 --fit.L 0
# a = 0 is a valid model, but a learned a lives on a log scale.
expect_failure "must be positive (log)" fit "${small[@]}" --data data.h5 --fit.learn a \
  --model.a 0

# The output is never the input, however it is spelled; the input survives untouched.
cp data.h5 keep.h5
for spelling in data.h5 ./data.h5 "$PWD/data.h5" link.h5; do
  ln -sf data.h5 link.h5
  status=0
  run_np 2 fit "${small[@]}" --data data.h5 --out "$spelling" > stdout.txt 2> stderr.txt || status=$?
  [[ $status -eq 2 ]] || fail "--out $spelling: status $status, expected 2"
  grep -q "is the input file" stderr.txt || fail "--out $spelling: $(cat stderr.txt)"
  cmp -s data.h5 keep.h5 || fail "--out $spelling: the input was modified"
  echo "ok: $(cat stderr.txt)"
done
expect_fragment_for_out() {  # fragment, output path
  local status=0
  run_np 2 fit "${small[@]}" --data data.h5 --out "$2" > stdout.txt 2> stderr.txt || status=$?
  [[ $status -eq 2 ]] || fail "--out $2: status $status, expected 2"
  grep -qF -- "$1" stderr.txt || fail "--out $2: $(cat stderr.txt)"
  echo "ok: $(cat stderr.txt)"
}
mkdir -p a_directory
expect_fragment_for_out "is a directory" a_directory
expect_fragment_for_out "does not exist" no/such/dir/out.h5
expect_fragment_for_out "not a regular file" /dev/null

# Options that the run never used are reported at its end (a warning; the run succeeds): a key
# of another flow type, a PETSc typo, and one of msflow's options written with one dash.
run_np 2 fit "${small[@]}" --data data.h5 --flow.bins 4 -tao_monitr -fit.weight_decay 3 \
  --out unused.h5 > stdout.txt 2> stderr.txt || fail "unused options: $(cat stderr.txt)"
grep -q "options given but not used by this run.*--flow.bins" stdout.txt ||
  fail "--flow.bins (affine flow) not reported: $(tail -5 stdout.txt)"
grep -q "^  -tao_monitr" stdout.txt || fail "-tao_monitr not reported: $(tail -5 stdout.txt)"
grep -q "^  -fit.weight_decay 3 .*two dashes: --fit.weight_decay" stdout.txt ||
  fail "-fit.weight_decay not explained: $(tail -5 stdout.txt)"
# Printed options are those that apply: no spline keys for an affine flow, no TAO keys for Adam.
sed -n '/# effective options/,/^data .* transitions/p' stdout.txt > printed.txt
! grep -q -e "^bins" -e "^tao_type" -e "^gradient_tolerance" printed.txt ||
  fail "options that do not apply were printed: $(cat printed.txt)"
grep -q "^lr = " printed.txt || fail "Adam's lr not printed: $(cat printed.txt)"
run_np 1 fit "${small[@]}" --data data.h5 -options_left false -tao_monitr --out unused2.h5 \
  > stdout.txt 2>&1 || fail "-options_left false: $(cat stdout.txt)"
! grep -q "PETSc options given but not used" stdout.txt || fail "-options_left false not honoured"
echo "ok: unused options reported, only applicable options printed"
