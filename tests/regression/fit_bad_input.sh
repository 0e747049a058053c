#!/usr/bin/env bash
# fit on bad input (DESIGN.md §3.6), 2 ranks: one clear message, exit status 2, no hang, no
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
  grep -q -- "$fragment" stderr.txt || fail "$*: message lacks '$fragment': $(cat stderr.txt)"
  [[ ! -e out.h5 && ! -e out.h5.tmp ]] || fail "$*: output left behind"
  echo "ok: $(cat stderr.txt)"
}

expect_failure "needs an input trajectory" fit "${small[@]}"
expect_failure "slow dimension d = 1" fit "${small[@]}" --data data2d.h5
expect_failure "has no parameter 'B'" fit "${small[@]}" --data data.h5 --fit.learn A,B
expect_failure "did you mean --fit.L" fit "${small[@]}" --data data.h5 --fit.LL 3
expect_failure "not adam or tao" fit "${small[@]}" --data data.h5 --fit.optimizer sgd
expect_failure "is not a PETSc TAO type" fit "${small[@]}" --data data.h5 --fit.optimizer tao \
  --fit.tao_type nope
expect_failure "is not exact or interpolated" fit "${small[@]}" --data data.h5 \
  --fit.averaging nodes
expect_failure "fit.tolerance: must be > 0" fit "${small[@]}" --data data.h5 \
  --fit.averaging interpolated --fit.tolerance 0
expect_failure "the most that --fit.nodes auto tries" fit "${small[@]}" --data data.h5 \
  --fit.averaging interpolated --fit.tolerance 1e-30
expect_failure "after 3 rollbacks with halved steps" fit "${small[@]}" --data data.h5 \
  --fit.lr 1e4 --fit.retries 3
grep -q "rolling back, step scale 0.125" stdout.txt || fail "no rollback messages"
