#!/usr/bin/env bash
# Fault injection (docs/tests.md, "Fault injection"): full disks for outputs and checkpoints,
# read-only directories, SIGKILL at many points of a checkpointing run, two runs sharing a
# checkpoint directory, corrupted checkpoints, signals at start-up, mid-run and near the end,
# extreme values of every numeric option, a CRLF INI file. Every case must end with its
# documented exit status, at most one error message, no hang (a timeout bounds each run), no
# output or temporary left behind, and the input unmodified. Prints the number of cases and
# how many passed. Cases that need root (tmpfs mounts) are skipped, and counted as skipped,
# without it.
source "$(dirname "$0")/common.bash"
cases=0 passed=0 skipped=0
failures=()
ok() { cases=$((cases + 1)) passed=$((passed + 1)); }
bad() {
  cases=$((cases + 1))
  failures+=("$*")
  echo "FAILED: $*" >&2
}
is_root() { [[ $(id -u) -eq 0 ]]; }
leftovers() { compgen -G "$1.tmp.*" || true; }  # msflow's temporaries next to a path

run_np 2 simulate --model.n 200 --simulate.T 40 --simulate.progress 0 --out data.h5 > /dev/null
input_sum=$(sha256sum data.h5)
small=(--model.n 200 --fit.L 16 --flow.layers 2 --flow.width 8 --fit.progress 0)

# expect STATUS FRAGMENT OUT ranks msflow-arguments...: the documented outcome of one run.
expect() {
  local want=$1 fragment=$2 out=$3 ranks=$4
  shift 4
  # An output path that exists already (a link to the input, /dev/null, an old file) must be
  # exactly as it was after a refused or failed run.
  local before=""
  [[ -e $out || -L $out ]] && before=$(stat -c '%F %i %s %Y' "$out")
  local status=0
  timeout 120 "$MPIEXEC" -n "$ranks" "$MSFLOW" "$@" > case.out 2> case.err || status=$?
  local messages
  messages=$(grep -c "msflow: error" case.err || true)
  if [[ $status -eq 124 ]]; then
    bad "hung: $*"
  elif [[ $status -ne $want ]]; then
    bad "status $status, expected $want: $* :: $(grep 'msflow' case.err | head -2)"
  elif [[ $want -ne 0 && $messages -ne 1 ]]; then
    bad "$messages error messages, expected 1: $* :: $(head -3 case.err)"
  elif [[ -n $fragment ]] && ! grep -qF -- "$fragment" case.err; then
    bad "message lacks '$fragment': $* :: $(grep msflow case.err)"
  elif [[ $want -ne 0 && -z $before && -e $out ]]; then
    bad "output left behind: $*"
  elif [[ $want -ne 0 && -n $before && $(stat -c '%F %i %s %Y' "$out") != "$before" ]]; then
    bad "an existing $out was changed: $*"
  elif [[ -n $(leftovers "$out") ]]; then
    bad "temporary left behind ($(leftovers "$out")): $*"
  elif [[ $(sha256sum data.h5) != "$input_sum" ]]; then
    bad "the input was modified: $*"
  else
    ok
  fi
  [[ -z $before ]] && rm -f "$out"
  return 0
}

# ---- full disks and read-only directories (tmpfs: root only) --------------------------------
if is_root; then
  mkdir -p tiny small_disk readonly
  mount -t tmpfs -o size=64k tmpfs tiny
  mount -t tmpfs -o size=512k tmpfs small_disk
  mount -t tmpfs -o ro tmpfs readonly
  trap 'umount -l tiny small_disk readonly 2> /dev/null || true; rm -rf "$WORK"' EXIT
  expect 2 "No space left on device" tiny/sim.h5 2 simulate --model.n 200 --simulate.T 200 \
    --simulate.progress 0 --out tiny/sim.h5
  expect 2 "No space left on device" tiny/fit.h5 2 fit "${small[@]}" --data data.h5 \
    --fit.iterations 20 --fit.eval_samples 8192 --out tiny/fit.h5
  # The checkpoint directory fills up at the first checkpoint, mid-run.
  expect 2 "No space left on device" fit.h5 2 fit "${small[@]}" --data data.h5 \
    --flow.layers 4 --flow.width 64 --fit.iterations 40 --run.checkpoint_every 10 \
    --run.checkpoint_dir tiny/ckpt --out fit.h5
  [[ -z $(ls -A tiny/ckpt 2> /dev/null) ]] && ok || bad "a partial checkpoint was left"
  expect 2 "is not writable" readonly/fit.h5 2 fit "${small[@]}" --data data.h5 \
    --fit.iterations 5 --out readonly/fit.h5
  expect 2 "option --run.checkpoint_dir" fit.h5 2 fit "${small[@]}" --data data.h5 \
    --fit.iterations 5 --run.checkpoint_dir readonly/ckpt --out fit.h5
  expect 2 "is not writable" readonly/sim.h5 2 simulate --simulate.T 1 --simulate.progress 0 \
    --out readonly/sim.h5
  # The disk fills while an existing output is being replaced: the old file survives whole.
  cp data.h5 small_disk/previous.h5
  status=0
  timeout 120 "$MPIEXEC" -n 2 "$MSFLOW" simulate --model.n 200 --simulate.T 400 \
    --simulate.progress 0 --out small_disk/previous.h5 > case.out 2> case.err || status=$?
  if [[ $status -ne 2 ]] || ! grep -q "No space left" case.err; then
    bad "replacing an output on a full disk: status $status: $(grep msflow case.err)"
  elif ! cmp -s data.h5 small_disk/previous.h5 || [[ -n $(leftovers small_disk/previous.h5) ]]; then
    bad "replacing an output on a full disk: the old file was damaged or a temporary left"
  else
    ok
  fi
else
  skipped=$((skipped + 9))
  echo "skipped 9 disk cases: tmpfs mounts need root"
fi

# ---- output paths -------------------------------------------------------------------------------
ln -sf data.h5 alias.h5
expect 2 "is the input file" alias.h5 2 fit "${small[@]}" --data data.h5 --out alias.h5
[[ -L alias.h5 ]] && ok || bad "the link to the input was replaced"
rm -f alias.h5
# A stale temporary with the old fixed name, even a link to another file, is never followed.
echo precious > precious.txt
ln -sf precious.txt out.h5.tmp
expect 0 "" out.h5 2 simulate --simulate.T 1 --simulate.progress 0 --out out.h5
[[ $(cat precious.txt) == precious ]] && ok || bad "a stale temporary link was followed"
rm -f out.h5.tmp
expect 2 "not a regular file" /dev/null 2 simulate --simulate.T 1 --simulate.progress 0 \
  --out /dev/null
[[ -c /dev/null ]] && ok || bad "/dev/null is no longer a device"

# ---- SIGKILL at many points of a run with frequent checkpoints: every resume is bitwise ----------
kill_fit=(fit "${small[@]}" --data data.h5 --fit.averaging exact --fit.L 256
          --fit.iterations 150 --run.checkpoint_every 5)
timeout 300 "$MPIEXEC" -n 2 "$MSFLOW" "${kill_fit[@]}" --run.checkpoint_dir ck0 \
  --out reference.h5 > /dev/null
for trial in $(seq 1 20); do
  directory=kill$trial
  delay=$(awk -v t="$trial" 'BEGIN { printf "%.2f", 0.4 + 0.15 * t }')
  "$MPIEXEC" -n 2 "$MSFLOW" "${kill_fit[@]}" --run.checkpoint_dir "$directory" \
    --out "killed$trial.h5" > /dev/null 2>&1 &
  launcher=$!
  sleep "$delay"
  pkill -KILL -P "$launcher" 2> /dev/null || true
  kill -KILL "$launcher" 2> /dev/null || true
  wait "$launcher" 2> /dev/null || true
  status=0
  timeout 300 "$MPIEXEC" -n 2 "$MSFLOW" "${kill_fit[@]}" --run.checkpoint_dir "$directory" \
    --run.resume true --out "killed$trial.h5" > "resume$trial.log" 2>&1 || status=$?
  if [[ $status -ne 0 ]]; then
    bad "SIGKILL trial $trial (after $delay s): resume status $status"
  elif ! same reference.h5 "killed$trial.h5" >/dev/null; then
    bad "SIGKILL trial $trial (after $delay s): resumed output differs"
  elif [[ -n $(leftovers "killed$trial.h5") ]]; then
    bad "SIGKILL trial $trial: temporary left behind"
  else
    ok
  fi
done
if compgen -G "/dev/shm/sem.OMPIO*" > /dev/null; then
  bad "MPI-IO semaphores left in /dev/shm"
else
  ok
fi

# ---- two runs share a checkpoint directory (same output name, other options) ---------------------
shared=(fit "${small[@]}" --data data.h5 --fit.averaging exact --fit.L 256 --fit.iterations 150
        --run.checkpoint_every 5 --run.checkpoint_dir shared)
mkdir -p elsewhere
# Another run with the same output name (so the same stem) and other options, in the same
# checkpoint directory, pruning its own checkpoints all the while.
(timeout 300 "$MPIEXEC" -n 1 "$MSFLOW" "${shared[@]}" --fit.lambda 0.5 --out elsewhere/mine.h5 \
  > /dev/null) &
other=$!
"$MPIEXEC" -n 1 "$MSFLOW" "${shared[@]}" --out mine.h5 --run.keep_checkpoints true \
  > /dev/null 2>&1 &
launcher=$!
sleep 1.5
kill -USR1 "$launcher"
status=0
wait "$launcher" || status=$?
wait "$other"
if [[ $status -eq 3 ]]; then
  timeout 300 "$MPIEXEC" -n 1 "$MSFLOW" "${shared[@]}" --out mine.h5 --run.resume true \
    > shared.log 2>&1 || true
  grep -q "resumed from" shared.log && ok || bad "shared directory: the signalled run did not resume"
  timeout 300 "$MPIEXEC" -n 1 "$MSFLOW" "${shared[@]}" --out reference-mine.h5 \
    --run.checkpoint_dir s2 > /dev/null
  "$PYTHON" "$SOURCE_DIR/tools/h5_same.py" mine.h5 reference-mine.h5 > /dev/null &&
    ok || bad "shared directory: the resumed result differs from an uninterrupted run"
  [[ -e elsewhere/mine.h5 ]] && ok || bad "shared directory: the other run did not finish"
else
  bad "shared directory: SIGUSR1 gave status $status, expected 3"
fi

# ---- corrupted checkpoints ------------------------------------------------------------------------
corrupt=(fit "${small[@]}" --data data.h5 --fit.iterations 30 --run.checkpoint_every 10
         --run.keep_checkpoints true --run.checkpoint_dir corrupt)
timeout 120 "$MPIEXEC" -n 2 "$MSFLOW" "${corrupt[@]}" --out corrupt.h5 > /dev/null
for file in corrupt/*.ckpt.*.h5; do : > "$file"; done  # every checkpoint emptied
expect 2 "no intact checkpoint" corrupt2.h5 2 "${corrupt[@]}" --run.resume true --out corrupt.h5
echo junk > "corrupt/corrupt.$(printf %016x 0).ckpt.99999999999999999999.h5"
expect 2 "no intact checkpoint" corrupt2.h5 2 "${corrupt[@]}" --run.resume true --out corrupt.h5

# A damaged newest checkpoint (one bit of the state flipped, a truncated file): the resume falls
# back to the older intact one, says so, and ends bitwise like an uninterrupted run.
fallback=(fit "${small[@]}" --data data.h5 --fit.iterations 30 --run.checkpoint_every 10
          --run.checkpoint_dir fallback)
timeout 120 "$MPIEXEC" -n 2 "$MSFLOW" "${fallback[@]}" --out fallback-reference.h5 > /dev/null
for damage in flip truncate; do
  rm -rf fallback
  timeout 120 "$MPIEXEC" -n 2 "$MSFLOW" "${fallback[@]}" --fit.iterations 30 \
    --run.keep_checkpoints true --out fallback.h5 > /dev/null
  rm -f fallback.h5
  newest=$(ls fallback/*.ckpt.*.h5 | sort | tail -1)
  if [[ $damage == flip ]]; then
    "$PYTHON" -c 'import h5py, sys
with h5py.File(sys.argv[1], "r+") as f:
    p = f["/state/parameters"]; v = p[...]; v[0] = -v[0] if v[0] != 0 else 1.0; p[...] = v' "$newest"
  else
    truncate -s 2000 "$newest"
  fi
  status=0
  timeout 120 "$MPIEXEC" -n 2 "$MSFLOW" "${fallback[@]}" --run.resume true --out fallback.h5 \
    > fallback.log 2>&1 || status=$?
  if [[ $status -ne 0 ]] || ! grep -q "skipped the damaged checkpoint" fallback.log; then
    bad "damaged ($damage) newest checkpoint: status $status, no fallback reported"
  elif ! same fallback-reference.h5 fallback.h5 >/dev/null; then
    bad "damaged ($damage) newest checkpoint: the result differs from the uninterrupted run"
  else
    ok
  fi
done
# The data file changed between the stop and the resume: refused, naming the data.
rm -rf fallback fallback.h5
cp data.h5 changing.h5
timeout 120 "$MPIEXEC" -n 2 "$MSFLOW" fit "${small[@]}" --data changing.h5 --fit.iterations 30 \
  --run.checkpoint_every 10 --run.keep_checkpoints true --run.checkpoint_dir fallback \
  --out changed.h5 > /dev/null
rm -f changed.h5
"$PYTHON" -c 'import h5py, sys
with h5py.File(sys.argv[1], "r+") as f:
    x = f["/trajectory/x"]; v = x[...]; v[5] += 1e-3; x[...] = v' changing.h5
changed_before=$(sha256sum changing.h5)
expect 2 "data" changed.h5 2 fit "${small[@]}" --data changing.h5 --fit.iterations 30 \
  --run.checkpoint_every 10 --run.checkpoint_dir fallback --run.resume true --out changed.h5
[[ $(sha256sum changing.h5) == "$changed_before" ]] && ok || bad "the changed input was modified"
# Stray arguments and a directory as --config: refused before any work.
expect 2 "unexpected argument" stray.h5 1 simulate --simulate.T 1 stray --out stray.h5
mkdir -p a_directory
expect 2 "a_directory" stray.h5 1 simulate --config a_directory --out stray.h5

# ---- signals: at start-up, mid-run, near the end ---------------------------------------------------
signal_fit=(fit "${small[@]}" --data data.h5 --fit.averaging exact --fit.L 256
            --fit.iterations 150 --run.checkpoint_every 0 --run.checkpoint_dir signals)
timeout 300 "$MPIEXEC" -n 2 "$MSFLOW" "${signal_fit[@]}" --out signal-reference.h5 > /dev/null
# wait_for_handlers PID: until every child of PID catches SIGUSR1 (bit 10 of SigCgt), ≤ 10 s.
wait_for_handlers() {
  local i pid mask ready
  for ((i = 0; i < 100; i++)); do
    kill -0 "$1" 2> /dev/null || return 0
    ready=1
    for pid in $(pgrep -P "$1"); do
      mask=$(awk '/^SigCgt/ {print $2}' "/proc/$pid/status" 2> /dev/null || echo 0)
      (( (0x${mask:-0} >> 9) & 1 )) || ready=0
    done
    [[ -n $(pgrep -P "$1") && $ready -eq 1 ]] && return 0
    sleep 0.1
  done
}
for delay in 0.2 0.5 1 2 3 4; do  # from MPI start-up (handlers are set before it) to the end
  for signal in USR1 TERM; do
    rm -rf signals signal.h5
    "$MPIEXEC" -n 2 "$MSFLOW" "${signal_fit[@]}" --out signal.h5 > signal.log 2>&1 &
    launcher=$!
    sleep "$delay"
    # A signal before a rank's main() runs kills it whatever msflow does (the default action):
    # on a loaded machine 0.2 s may come before that, so wait until the ranks catch USR1.
    wait_for_handlers "$launcher"
    # To the ranks themselves (what srun and the job scripts do; mpirun forwards USR1 alike).
    pkill "-$signal" -P "$launcher" 2> /dev/null || true
    status=0
    wait "$launcher" || status=$?
    if [[ $status -eq 3 ]]; then
      status=0
      timeout 300 "$MPIEXEC" -n 2 "$MSFLOW" "${signal_fit[@]}" --run.resume true \
        --out signal.h5 > signal2.log 2>&1 || status=$?
    fi
    if [[ $status -ne 0 ]]; then
      bad "SIG$signal after $delay s: status $status"
    elif ! same signal-reference.h5 signal.h5 >/dev/null; then
      bad "SIG$signal after $delay s: result differs from the uninterrupted run"
    elif [[ -n $(leftovers signal.h5) ]]; then
      bad "SIG$signal after $delay s: temporary left behind"
    else
      ok
    fi
  done
done

# ---- a CRLF INI file ---------------------------------------------------------------------------------
printf '[simulate]\r\nT = 1\r\nprogress = 0\r\n' > crlf.ini
expect 0 "" crlf.h5 1 simulate --config crlf.ini --out crlf.h5

# ---- fp: a model the grid cannot solve, an input as the output ----------------------------------------
expect 2 "dimension m = 10" fp-bad.h5 2 fp --model.name tagged --out fp-bad.h5
expect 2 "depends on x" fp-bad.h5 2 fp --model.name tagged-coupled --model.N 1 --out fp-bad.h5
expect 2 "is the input file" data.h5 2 fp --model.name tagged --model.N 1 --data data.h5 \
  --out data.h5

# ---- extreme values of every numeric option ------------------------------------------------------------
# Accepted values must finish (small problem, bounded by the timeout); the others must be one
# message naming the option, status 2.
numeric_options() {  # command: the options whose default is a number or auto
  "$MSFLOW" help "$1" | awk '$1 ~ /^--/ && ($2 ~ /^-?[0-9.eE+-]+$/ || $2 == "auto") {print $1}' |
    grep -v -e '--model.c$' -e '--simulate.x0$' -e '--infer.gradient_tolerance$' |
    if [[ $1 == fp ]]; then grep '^--fp\.'; else cat; fi  # fp's [model] options: simulate's
}
# (infer's ELBO is a Monte Carlo estimate: only Adam follows it, so TAO's tolerance never applies.)
extreme=(0 -1 nan 1e300 4294967312 1e12)
check_option() {  # command option value
  local command=$1 option=$2 value=$3 status=0 out="extreme-$RANDOM$RANDOM.h5"
  local base=(--simulate.T 1 --simulate.progress 0)
  [[ $command == fit ]] && base=("${small[@]}" --data data.h5 --fit.iterations 3
                                 --run.checkpoint_every 0 --run.checkpoint_dir "ck-$out")
  [[ $command == infer ]] && base=(--infer.from small-fit.h5 --infer.iterations 3
                                   --infer.samples 4 --infer.elbo_draws 4 --infer.subspace_dim 2
                                   --infer.progress 0
                                   --run.checkpoint_every 0 --run.checkpoint_dir "ck-$out")
  [[ $command == forecast ]] && base=(--forecast.from small-fit.h5 --forecast.paths 8
                                      --forecast.T 0.1)
  [[ $command == fp ]] && base=(--model.name nonrev-ring --fp.cells 24 --fp.points 3)
  # Options that apply only to another choice are tried under that choice.
  case "$option" in
    --model.gamma) base+=(--model.name tagged-coupled) ;;
    --model.ell_sigma) base+=(--model.name tagged-sigma) ;;
    --model.h | --model.r0) base+=(--model.name tagged-dw) ;;
    --model.h1 | --model.h2 | --model.omega) base+=(--model.name nonrev-ou) ;;
  esac
  case "$command $option" in
    "fit --fit.tao_type" | "fit --fit.gradient_tolerance") base+=(--fit.optimizer tao) ;;
    "fit --flow.bins" | "fit --flow.bound") base+=(--flow.type spline) ;;
    "infer --infer.proposals") base+=(--infer.importance psis) ;;
    "infer --infer.chains" | "infer --infer.steps" | "infer --infer.burnin")
      base+=(--infer.method mcmc --infer.steps 10 --infer.burnin 2) ;;
  esac
  timeout 20 "$MSFLOW" "$command" "${base[@]}" "$option" "$value" --out "$out" \
    > "$out.log" 2> "$out.err" || status=$?
  local verdict=pass
  if [[ $status -eq 124 || $status -eq 3 ]]; then
    # Stopped by the timeout's SIGTERM: fine for a valid run whose size the log states (a
    # simulation of 1e13 fine steps is work, not a hang).
    grep -q -e "fine steps of" -e "^Adam:" -e "^TAO " -e "^random-walk Metropolis" \
      -e "^forecast of" -e "^fp: " "$out.log" &&
      verdict="pass (a long valid run, stopped)" || verdict="hung"
  elif [[ $status -ne 0 && $status -ne 2 ]]; then
    verdict="status $status: $(head -2 "$out.err")"
  elif [[ $status -eq 2 && ($(grep -c 'msflow: error' "$out.err") -ne 1 || -e $out) ]]; then
    verdict="not one clean message: $(head -2 "$out.err")"
  elif [[ -n $(leftovers "$out") ]]; then
    verdict="temporary left behind"
  elif grep "options given but not used" "$out.log" | grep -q -e " $option\$" -e " $option "; then
    verdict="the option did not apply to the run that tried it"
  fi
  echo "$verdict | $command $option $value"
  rm -rf "$out" "$out.err" "$out.log" "ck-$out"
}
export -f check_option leftovers
export MSFLOW
# infer starts from a fit output: a small one.
timeout 120 "$MSFLOW" fit "${small[@]}" --data data.h5 --fit.iterations 20 --fit.eval_samples 64 \
  --run.checkpoint_dir ck-small --out small-fit.h5 > /dev/null
for command in simulate fit infer forecast fp; do
  for option in $(numeric_options "$command"); do
    for value in "${extreme[@]}"; do echo "$command $option $value"; done
  done
done > extreme-cases.txt
small_flat="${small[*]}"
export small_flat
while read -r command option value; do echo "$command $option $value"; done < extreme-cases.txt |
  xargs -P 2 -L 1 bash -c 'small=($small_flat); check_option "$@"' _ > extreme-results.txt
while IFS= read -r line; do
  if [[ $line == pass* ]]; then ok; else bad "extreme value: $line"; fi
done < extreme-results.txt
[[ $(sha256sum data.h5) == "$input_sum" ]] && ok || bad "the input was modified"

echo "fault injection: $cases cases, $passed passed, ${#failures[@]} failed, $skipped skipped" \
  "($(wc -l < extreme-cases.txt) of them extreme option values)"
[[ ${#failures[@]} -eq 0 ]] || fail "${#failures[@]} fault-injection cases failed"
