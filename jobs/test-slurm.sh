#!/usr/bin/env bash
# End-to-end test of the jobs/ scripts on a throw-away single-node SLURM (run as root).
#   jobs/test-slurm.sh            prints PASS or FAIL and exits 0 or 1
# Needs slurm-wlm and munge (tools/setup-debian.sh --slurm) and a built msflow. Environment:
# MSFLOW (default build/msflow), MPIEXEC (default mpirun), PYTHON (default /usr/bin/python3),
# MSFLOW_LAUNCHER (srun or mpirun, passed on to the job), MSFLOW_TEST_KEEP=1 keeps the temp dir.
#
# It starts its own munged, slurmctld and slurmd under a temp dir (own socket, key and ports, so
# it touches no system service and two copies can run at once), and then
#  1. makes the input with jobs/msflow-simulate.sbatch (an INI file);
#  2. submits jobs/msflow-fit.sbatch (INI file + options) and jobs/msflow-infer.sbatch (options
#     only), sends each batch script USR1 once msflow wrote its first checkpoint (as
#     --signal=B:USR1@T would before the time limit), and checks that msflow checkpointed (in
#     checkpoints/JOBID) and exited 3, the script requeued the job, the second run resumed from
#     that checkpoint and finished, /history holds every iteration, and the output is bitwise
#     identical to an uninterrupted mpirun of the same command outside SLURM;
#  3. runs jobs/pipeline.sh (simulate -> fit -> infer -> forecast -> report, tiny sizes) and
#     checks that every step completed, read the previous step's output and wrote its own, and
#     the report (and the figures, if matplotlib is there); and one whose fit step fails, whose
#     later steps must be cancelled;
#  4. runs jobs/table1-array.sh on two tiny cells (a 2-task array and its collecting job) and
#     checks that the table has both cells, and beside it jobs/sweep.sh over two simulation
#     seeds (a 2-task array and its collecting report).
# On exit it cancels every job of its private controller and stops the daemons, by the PIDs in
# their pid files.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
msflow=${MSFLOW:-$root/build/msflow}
[[ "$msflow" == /* ]] || msflow=$PWD/$msflow   # the job runs in another directory
export MSFLOW=$msflow   # for the job scripts, whose default is build/msflow in the submit dir
mpiexec=${MPIEXEC:-mpirun}
python=${PYTHON:-/usr/bin/python3}
iterations=300         # fit: ~0.015 s each on 2 ranks (2e4 transitions, L = 256): long
                       # enough to interrupt after the first checkpoints, short enough for ctest
infer_iterations=200   # infer: ~0.03 s each (40 samples)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1

log() { echo "test-slurm: [$(printf '%3d' "$SECONDS") s] $*"; }

tmp=""
job=""
out=""
reference_pid=""
failed=1

# Dumps what helps to diagnose a failure: the job's output and the daemons' logs.
show_logs() {
  local file
  for file in "$tmp"/job/*-*.out "$tmp"/job/*/*-*.out "$tmp"/ref/*.log "$tmp"/log/*.log; do
    [[ -f "$file" ]] || continue
    echo "----- $file (last 40 lines)"
    tail -n 40 "$file"
  done
}

fail() {
  echo "FAIL: $*"
  [[ -n "$tmp" ]] && show_logs
  exit 1
}

# stop_pid NAME PIDFILE: TERM, wait up to 15 s, then KILL; only the PID that the daemon recorded.
stop_pid() {
  local name=$1 file=$2 pid i
  [[ -s "$file" ]] || return 0
  pid=$(<"$file")
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "test-slurm: $name ($pid) ignored TERM; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$? i
  trap - EXIT INT TERM
  if [[ -n "$reference_pid" ]] && kill -0 "$reference_pid" 2>/dev/null; then
    kill -TERM "$reference_pid" 2>/dev/null || true
    wait "$reference_pid" 2>/dev/null || true
  fi
  if [[ -n "$tmp" && -s "$tmp/run/slurmctld.pid" ]]; then
    # Jobs first: slurmstepd and the solver outlive a killed slurmd. Every job of this private
    # controller is one of ours.
    local queued
    queued=$(squeue -h -o %A 2>/dev/null | sort -u || true)
    if [[ -n "$queued" ]]; then
      # shellcheck disable=SC2086  # one job ID per word
      scancel $queued 2>/dev/null || true
      for ((i = 0; i < 300; i++)); do
        [[ -z "$(squeue -h -o %A 2>/dev/null || true)" ]] && break
        sleep 0.1
      done
    fi
    stop_pid slurmd "$tmp/run/slurmd.pid"
    stop_pid slurmctld "$tmp/run/slurmctld.pid"
  fi
  [[ -n "$tmp" ]] && stop_pid munged "$tmp/run/munged.pid"
  if [[ -n "$tmp" ]]; then
    if [[ $failed -eq 0 && "${MSFLOW_TEST_KEEP:-0}" != 1 ]]; then
      rm -rf "$tmp"
    else
      echo "test-slurm: kept $tmp"
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.5 s; a timeout is a failure.
wait_until() {
  local limit=$1 what=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < deadline)) || fail "timed out after ${limit} s waiting for $what"
    sleep 0.5
  done
}

# ---- prerequisites
[[ $(id -u) -eq 0 ]] || fail "run as root (slurmd and slurmctld run as root here)"
for tool in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
  command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" ]] ||
    fail "$tool not found: install with tools/setup-debian.sh --slurm"
done
[[ -x "$msflow" ]] || fail "msflow binary $msflow not found (build it, or set MSFLOW)"
command -v "$mpiexec" >/dev/null || fail "$mpiexec not found (set MPIEXEC)"
export PATH=$PATH:/usr/sbin

tmp=$(mktemp -d "${TMPDIR:-/tmp}/msflow-slurm.XXXXXX")
mkdir -p "$tmp"/{run,state,log,spool,munge,job,ref}
chmod 700 "$tmp/munge"   # munged refuses a socket directory that others can write to

# ---- a private munged: own key and socket, so no system munged is needed or disturbed
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
munged --force --socket="$socket" --key-file="$tmp/munge/munge.key" \
  --pid-file="$tmp/run/munged.pid" --log-file="$tmp/log/munged.log" \
  --seed-file="$tmp/munge/munged.seed" || fail "munged did not start"
wait_until 10 "munged" test -s "$tmp/run/munged.pid"

# ---- slurm.conf: two free ports (a system SLURM or another copy of this test may use 6817/8)
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for ((attempt = 0; ; attempt++)); do
  ((attempt < 50)) || fail "no two free TCP ports found"
  ctld_port=$((20000 + RANDOM % 20000))
  port_in_use "$ctld_port" || port_in_use "$((ctld_port + 1))" || break
done
cpus=$(nproc)
memory=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 - 1024))
ntasks=$((cpus < 2 ? cpus : 2))   # more than the node has would stay pending forever
# cred_expire also sets how long a requeued job is held (cred_expire + 1 s); the scheduler
# intervals make it start soon after that instead of at the next 30-60 s scheduling pass.
cat >"$tmp/slurm.conf" <<EOF
ClusterName=msflowtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket,cred_expire=10
MailProg=/bin/true
MpiDefault=pmix
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmdSpoolDir=$tmp/spool
StateSaveLocation=$tmp/state
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf   # for the daemons, the client commands and the job

# ---- daemons
log "starting slurmctld and slurmd in $tmp (ports $ctld_port, $((ctld_port + 1)))"
slurmctld -i || fail "slurmctld did not start"
slurmd -N localhost || fail "slurmd did not start"   # the hostname is not "localhost"
node_idle() { [[ "$(sinfo -h -o %T 2>/dev/null || true)" == idle ]]; }
wait_until 30 "the node to become idle (sinfo)" node_idle
log "SLURM is up"

job_state() { squeue -h -j "$job" -o %T 2>/dev/null || true; }
job_done() { [[ -z "$(job_state)" ]]; }
job_info() { scontrol show job "$job" 2>/dev/null || true; }
# jobs_done ID...: none of the jobs (array jobs included) is still queued or running.
jobs_done() {
  local id
  for id in "$@"; do [[ -z "$(squeue -h -j "$id" -o %T 2>/dev/null || true)" ]] || return 1; done
}
# expect_completed NAME ID LOG: the job (every task of an array) completed with exit code 0.
expect_completed() {
  local name=$1 id=$2 log=$3 info
  info=$(scontrol show job "$id" 2>/dev/null || true)
  [[ -n "$info" ]] || fail "$name job $id: scontrol knows no such job"
  if grep -o 'JobState=[A-Z_]*' <<<"$info" | grep -vq 'JobState=COMPLETED' ||
    grep -o ' ExitCode=[^ ]*' <<<"$info" | grep -vq ' ExitCode=0:0'; then
    fail "$name job $id: $(grep -o 'JobState=[A-Z_]*\| ExitCode=[^ ]*' <<<"$info" | tr '\n' ' ')(see $log)"
  fi
}

# ---- the input, made by jobs/msflow-simulate.sbatch
cd "$tmp/job"
cat >"$tmp/job/simulate.ini" <<EOF
out = d.h5

[model]
n = 1000

[simulate]
T = 200
EOF
job=$(sbatch --parsable --ntasks="$ntasks" --time=5 --output="$tmp/job/simulate-%j.out" \
  "$root/jobs/msflow-simulate.sbatch" simulate.ini --simulate.progress 0) ||
  fail "sbatch msflow-simulate.sbatch failed"
job=${job%%;*}
log "submitted simulate job $job"
wait_until 60 "simulate job $job to finish" job_done
expect_completed simulate "$job" "$tmp/job/simulate-$job.out"
[[ -f d.h5 ]] || fail "simulate job $job wrote no d.h5"
log "simulate job $job completed"

# ---- fit and infer: USR1 mid-run, checkpoint, exit 3, requeue, resume, bitwise identical
# interrupted_job NAME COMMAND ITERATIONS OUTPUT JOB_ARGS...: submits jobs/msflow-COMMAND.sbatch
# JOB_ARGS from $tmp/job, interrupts it after its first checkpoint, runs the same command
# uninterrupted with mpirun in $tmp/ref (the same relative names: the outputs record them)
# while the requeued job is held, and checks the story and the output.
interrupted_job() {
  local name=$1 command=$2 iterations=$3 output=$4
  shift 4
  local args=("$@") reference=("$@")
  # The job scripts take an INI file as a bare first argument; msflow takes --config.
  [[ "${reference[0]}" == -* ]] || reference=(--config "${reference[@]}")
  job=$(sbatch --parsable --ntasks="$ntasks" --time=10 --output="$tmp/job/$name-%j.out" \
    "$root/jobs/msflow-$command.sbatch" "${args[@]}") || fail "sbatch msflow-$command.sbatch failed"
  job=${job%%;*}
  out=$tmp/job/$name-$job.out
  log "submitted $name job $job ($ntasks tasks)"
  wait_until 60 "$name job $job to start" running

  # Interrupt once a checkpoint exists in the job's own directory: msflow then surely has its
  # signal handler. (Any checkpoint: only the newest two are kept.)
  wait_until 90 "the first checkpoint in checkpoints/$job" checkpoint_exists
  scancel --signal=USR1 --batch "$job" || fail "scancel --signal=USR1 --batch failed"
  local t_signal=$SECONDS
  log "sent USR1 to the batch script of $name job $job"

  # The script's last words may be cut short: slurmctld ends the run as soon as it requeues.
  wait_until 60 "the requeue (\"requeueing job\" in $out)" in_output "requeueing job $job"
  local t_requeued=$SECONDS
  log "$name job $job requeued itself"

  (cd "$tmp/ref" && exec timeout 300 "$mpiexec" -n "$ntasks" "$msflow" "$command" \
    "${reference[@]}" >"$name.log" 2>&1) &
  reference_pid=$!

  wait_until 120 "the second run of $name job $job to start" in_output "run 2 on"
  local t_restart=$SECONDS
  wait_until 180 "$name job $job to finish" job_done
  local t_done=$SECONDS
  local reference_status=0
  wait "$reference_pid" || reference_status=$?
  reference_pid=""
  ((reference_status == 0)) ||
    fail "the reference mpirun of $name exited with status $reference_status (see $tmp/ref/$name.log)"

  expect_completed "$name" "$job" "$out"
  grep -q "Restarts=1" <<<"$(job_info)" ||
    fail "$name job $job restarts: $(job_info | grep -o 'Restarts=[0-9]*')"
  local stopped resumed
  stopped=$(sed -n 's/.*stopped by a signal at iteration \([0-9]*\).*/\1/p' "$out")
  resumed=$(sed -n 's/.*resumed from .* at iteration \([0-9]*\).*/\1/p' "$out")
  [[ -n "$stopped" ]] || fail "$name: msflow did not report a signal stop"
  in_output "asks to be resumed (status 3)" || fail "$name: the script did not see exit status 3"
  in_output "--run.checkpoint_dir checkpoints/$job" || fail "$name: no per-job checkpoint directory"
  in_output "--run.resume true" || fail "$name: the second run was not given --run.resume true"
  [[ "$resumed" == "$stopped" ]] ||
    fail "$name: stopped at iteration $stopped but resumed at iteration '${resumed:-none}'"
  in_output "msflow finished (status 0)" || fail "$name: the second run did not finish"
  [[ -f "$tmp/job/$output" ]] || fail "$name: no output $output"
  "$python" - "$tmp/job/$output" "$iterations" <<'PY' || fail "$name: the output's /history is incomplete"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    iterations = f["history/iteration"][:]
    objective = f["history/objective"][:]
n = int(sys.argv[2])
assert len(iterations) == n and np.array_equal(iterations, np.arange(n)), iterations
assert len(objective) == n and np.all(np.isfinite(objective))
PY
  "$python" "$root/tools/h5_same.py" "$tmp/job/$output" "$tmp/ref/$output" ||
    fail "$name: the resumed output differs from an uninterrupted run of the same command"
  [[ -z "$(ls -A "$tmp/job/checkpoints/$job")" ]] || fail "$name: the finished job left its checkpoints"
  log "$name: stopped at iteration $stopped, resumed there; $iterations iterations in /history;" \
    "results bitwise identical to the uninterrupted run (h5_same.py)"
  log "$name timings: signal -> requeue $((t_requeued - t_signal)) s, requeue -> restart" \
    "$((t_restart - t_requeued)) s, restart -> done $((t_done - t_restart)) s"
}
running() { [[ "$(job_state)" == RUNNING ]]; }
checkpoint_exists() { compgen -G "$tmp/job/checkpoints/$job/*.ckpt.*.h5" >/dev/null; }
in_output() { grep -q -- "$1" "$out" 2>/dev/null; }

# fit: an INI file and options after it.
cat >"$tmp/job/fit.ini" <<END_OF_INI
data = d.h5
out = fit.h5

[model]
n = 1000

[fit]
iterations = $iterations

[run]
checkpoint_every = 20
END_OF_INI
cp "$tmp/job/d.h5" "$tmp/job/fit.ini" "$tmp/ref/"
interrupted_job fit fit "$iterations" fit.h5 fit.ini --fit.progress 1

# infer: no INI file, every option on the command line; its input is the fit just checked
# (and the reference's the reference fit, bitwise the same).
interrupted_job infer infer "$infer_iterations" infer.h5 --infer.from fit.h5 \
  --infer.iterations "$infer_iterations" --infer.samples 40 --infer.elbo_draws 16 \
  --infer.draws 6 --infer.progress 1 --run.checkpoint_every 10 --out infer.h5

# ---- the pipeline: simulate -> fit -> infer -> forecast -> report, 1 task per step
small=(--sbatch "--ntasks=1 --time=5" --model.n 100 --simulate.T 50 --simulate.progress 0
  --fit.iterations 30 --fit.progress 0 --infer.iterations 20 --infer.samples 16
  --infer.progress 0 --forecast.paths 200 --forecast.T 1)
figures=()
"$python" -c "import matplotlib" 2>/dev/null && figures=(--figures)
"$root/jobs/pipeline.sh" --dir pipe "${small[@]}" "${figures[@]}" >pipeline.ids ||
  fail "jobs/pipeline.sh failed"
declare -A step_job=()
while read -r step id; do step_job[$step]=$id; done <pipeline.ids
for step in simulate fit infer forecast report; do
  [[ -n "${step_job[$step]:-}" ]] || fail "jobs/pipeline.sh printed no job ID for $step: $(cat pipeline.ids)"
done
log "submitted the pipeline: $(tr '\n' ' ' <pipeline.ids)"
grep -q "Dependency=afterok:${step_job[forecast]}" <<<"$(scontrol show job "${step_job[report]}")" ||
  fail "the report job does not depend on the forecast job: $(scontrol show job "${step_job[report]}" | grep -o 'Dependency=[^ ]*')"
# shellcheck disable=SC2046  # one job ID per word
wait_until 150 "the pipeline to finish" jobs_done $(cut -d' ' -f2 pipeline.ids)
for step in simulate fit infer forecast report; do
  expect_completed "pipeline $step" "${step_job[$step]}" "$tmp/job/pipe/$step-${step_job[$step]}.out"
done
# Each step started only after the one before it had ended (afterok; SLURM clears a job's
# Dependency= once it is satisfied, so the times are what is left to check).
when() { scontrol show job "$2" | sed -n "s/.* $1=\([^ ]*\).*/\1/p" | head -1; }
previous=""
for step in simulate fit infer forecast report; do
  if [[ -n "$previous" ]]; then
    started=$(when StartTime "${step_job[$step]}")
    ended=$(when EndTime "${step_job[$previous]}")
    [[ ! "$started" < "$ended" ]] ||
      fail "pipeline: $step started at $started, before $previous ended at $ended"
  fi
  previous=$step
done
for file in data fit infer forecast; do
  [[ -s "pipe/$file.h5" ]] || fail "the pipeline's $file step wrote no pipe/$file.h5"
done
"$python" - pipe <<'PY' || fail "the pipeline's outputs do not chain (see $tmp/job/pipe)"
import sys, h5py
d = sys.argv[1]
def option(name, section, key):
    text = h5py.File(f"{d}/{name}.h5", "r").attrs["options"]
    text = text.decode() if isinstance(text, bytes) else text
    current = ""
    for line in text.splitlines():
        line = line.split(";")[0].strip()
        if line.startswith("["):
            current = line.strip("[]")
        elif "=" in line and current == section and line.split("=")[0].strip() == key:
            return line.split("=", 1)[1].strip()
for name, section, key, want in (("fit", "", "data", "data.h5"), ("infer", "infer", "from", "fit.h5"),
                                 ("forecast", "forecast", "from", "infer.h5")):
    got = option(name, section, key)
    assert got == f"{d}/{want}", f"{name}.h5: {section}.{key} = {got!r}, expected {d}/{want}"
PY
grep -q "coverage of the exact b̄" pipe/report.txt || fail "the report lacks the posterior summary"
grep -q "quantiles of x1 at the horizon" pipe/report.txt || fail "the report lacks the forecast"
if ((${#figures[@]})); then
  for figure in drift law history forecast; do
    [[ -s "pipe/$figure.png" ]] || fail "the report step drew no pipe/$figure.png"
  done
fi
log "pipeline: every step completed, each read the previous one's output; report${figures[*]:+ and figures} written"

# ---- a pipeline whose fit step fails (an unknown option): the steps after it are cancelled,
# not left pending for ever (--kill-on-invalid-dep); checked after the arrays below
"$root/jobs/pipeline.sh" --dir bad --sbatch "--ntasks=1 --time=5" --model.n 100 --simulate.T 5 \
  --simulate.progress 0 --fit-args "--fit.no_such_option 1" >bad.ids || fail "jobs/pipeline.sh (bad) failed"
declare -A bad_job=()
while read -r step id; do bad_job[$step]=$id; done <bad.ids
log "submitted a pipeline with a failing fit step: $(tr '\n' ' ' <bad.ids)"

# ---- job arrays with their collecting jobs, side by side (1 task each): two Table 1 cells, and
# a sweep.sh grid of two simulation seeds
export SIMULATE_OPTIONS="--simulate.T 20 --simulate.trajectories 1 --simulate.progress 0"
export FIT_OPTIONS="--fit.iterations 10 --fit.L 64 --flow.layers 2 --flow.width 16 --fit.progress 0"
"$root/jobs/table1-array.sh" t1 1 10 100,1000 -- --ntasks=1 --time=5 >table1.ids ||
  fail "jobs/table1-array.sh failed"
array=$(sed -n 's/^array //p' table1.ids)
collect=$(sed -n 's/^collect //p' table1.ids)
[[ -n "$array" && -n "$collect" ]] || fail "jobs/table1-array.sh printed no job IDs: $(cat table1.ids)"
log "submitted the Table 1 array $array (2 tasks) and its collecting job $collect"
"$root/jobs/sweep.sh" --dir sweep --vary simulate.seed=1,2 --sbatch "--ntasks=1 --time=5" \
  simulate --model.n 100 --simulate.T 20 --simulate.progress 0 >sweep.ids || fail "jobs/sweep.sh failed"
sweep_array=$(sed -n 's/^array //p' sweep.ids)
sweep_collect=$(sed -n 's/^collect //p' sweep.ids)
[[ -n "$sweep_array" && -n "$sweep_collect" ]] || fail "jobs/sweep.sh printed no job IDs: $(cat sweep.ids)"
log "submitted the sweep array $sweep_array (2 tasks) and its collecting job $sweep_collect"
wait_until 150 "the arrays and their collecting jobs" jobs_done "$array" "$collect" "$sweep_array" \
  "$sweep_collect"

for id in "$sweep_array" "$array"; do
  expect_completed array "$id" "$tmp/job/{t1,sweep}/*-${id}_*.out"
  [[ $(scontrol show job "$id" | grep -c "JobState=COMPLETED") -eq 2 ]] ||
    fail "array $id: not 2 completed tasks"
done
expect_completed "sweep collect" "$sweep_collect" "$tmp/job/sweep/collect-$sweep_collect.out"
for seed in 1 2; do
  [[ -s "sweep/simulate-seed-$seed.h5" ]] || fail "the sweep wrote no sweep/simulate-seed-$seed.h5"
  grep -q "report of sweep/simulate-seed-$seed.h5" sweep/report.txt ||
    fail "the sweep's collecting job did not report sweep/simulate-seed-$seed.h5"
done
"$python" - sweep/simulate-seed-1.h5 sweep/simulate-seed-2.h5 <<'PY' || fail "the sweep's two seeds gave the same data"
import sys, h5py, numpy as np
a, b = (h5py.File(name, "r")["trajectory/x"][:] for name in sys.argv[1:])
assert a.shape == b.shape and not np.array_equal(a, b)
PY
log "sweep: both tasks (seeds 1, 2) and the collecting report completed"

# shellcheck disable=SC2046  # one job ID per word
wait_until 60 "the failing pipeline to leave the queue" jobs_done $(cut -d' ' -f2 bad.ids)
expect_completed "bad pipeline simulate" "${bad_job[simulate]}" "$tmp/job/bad/simulate-${bad_job[simulate]}.out"
bad_fit=$(scontrol show job "${bad_job[fit]}")
if ! grep -q "JobState=FAILED" <<<"$bad_fit" || ! grep -q " ExitCode=2:0" <<<"$bad_fit"; then
  fail "the failing fit step: $(scontrol show job "${bad_job[fit]}" | grep -o 'JobState=[A-Z_]*\| ExitCode=[^ ]*' | tr '\n' ' ')"
fi
grep -q "unknown option 'fit.no_such_option'" "$tmp/job/bad/fit-${bad_job[fit]}.out" ||
  fail "the failing fit step did not name the bad option"
for step in infer forecast report; do
  grep -q "JobState=CANCELLED" <<<"$(scontrol show job "${bad_job[$step]}")" ||
    fail "after the failed fit, the $step step is $(scontrol show job "${bad_job[$step]}" | grep -o 'JobState=[A-Z_]*'), not CANCELLED"
done
log "failing pipeline: fit failed (status 2, the option named), infer, forecast and report cancelled"

expect_completed "table1 collect" "$collect" "$tmp/job/t1/collect-$collect.out"
for cell in d1_N10_n100 d1_N10_n1000; do
  for file in data flow unstructured; do
    [[ -s "t1/${file}_$cell.h5" ]] || fail "the array wrote no t1/${file}_$cell.h5"
  done
done
[[ -s t1/table1.md ]] || fail "the collecting job wrote no t1/table1.md"
"$python" - t1/table1.md <<'PY' || fail "t1/table1.md lacks the two cells: $(cat t1/table1.md)"
import re, sys
rows = {}
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 6 and cells[0] == "d=1, N=10":
        rows[cells[2]] = cells[3:]
for estimator in ("flow", "unstructured"):
    n100, n1000, n15000 = rows[estimator]
    assert re.match(r"[0-9.]+(e[+-]?[0-9]+)?( |$)", n100), rows[estimator]
    assert re.match(r"[0-9.]+(e[+-]?[0-9]+)?( |$)", n1000), rows[estimator]
    assert n15000.startswith("–"), rows[estimator]
PY
log "table1 array: both tasks and the collecting job completed; t1/table1.md has both cells"

log "total $SECONDS s"
failed=0
echo "PASS"
