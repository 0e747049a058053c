#!/usr/bin/env bash
# End-to-end test of jobs/msflow-fit.sbatch on a throw-away single-node SLURM (run as root).
#   jobs/test-slurm.sh            prints PASS or FAIL and exits 0 or 1
# Needs slurm-wlm and munge (tools/setup-debian.sh --slurm) and a built msflow. Environment:
# MSFLOW (default build/msflow), MPIEXEC (default mpirun), PYTHON (default /usr/bin/python3),
# MSFLOW_LAUNCHER (srun or mpirun, passed on to the job), MSFLOW_TEST_KEEP=1 keeps the temp dir.
#
# It starts its own munged, slurmctld and slurmd under a temp dir (own socket, key and ports, so
# it touches no system service and two copies can run at once), makes the input with
# jobs/msflow-simulate.sbatch, submits jobs/msflow-fit.sbatch, sends the batch
# script USR1 mid-run (as --signal=B:USR1@T would near the time limit), and checks that msflow
# checkpointed and exited 3, the script requeued the job, the second run resumed from that
# checkpoint and finished, /history holds every iteration, and the output is bitwise identical to
# an uninterrupted mpirun of the same command outside SLURM. Everything it started is stopped on
# exit, by the PIDs in the daemons' pid files.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
msflow=${MSFLOW:-$root/build/msflow}
[[ "$msflow" == /* ]] || msflow=$PWD/$msflow   # the job runs in another directory
export MSFLOW=$msflow   # for the job scripts, whose default is build/msflow in the submit dir
mpiexec=${MPIEXEC:-mpirun}
python=${PYTHON:-/usr/bin/python3}
iterations=300      # ~0.07 s each on 2 ranks (2e4 transitions, L = 256): long enough to
                    # interrupt after the first checkpoints, short enough for ctest
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1

log() { echo "test-slurm: [$(printf '%3d' "$SECONDS") s] $*"; }

tmp=""
job=""
reference_pid=""
failed=1

# Dumps what helps to diagnose a failure: the job's output and the daemons' logs.
show_logs() {
  local file
  for file in "$tmp"/job/*-*.out "$tmp"/ref/ref.log "$tmp"/log/*.log; do
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
    # Jobs first: slurmstepd and the solver outlive a killed slurmd.
    if [[ -n "$job" ]] && [[ -n "$(squeue -h -j "$job" -o %T 2>/dev/null || true)" ]]; then
      scancel "$job" 2>/dev/null || true
      for ((i = 0; i < 300; i++)); do
        [[ -z "$(squeue -h -j "$job" -o %T 2>/dev/null || true)" ]] && break
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
grep -q "JobState=COMPLETED" <<<"$(job_info)" ||
  fail "simulate job $job: $(job_info | grep -o 'JobState=[A-Z_]*') (see $tmp/job/simulate-$job.out)"
[[ -f d.h5 ]] || fail "simulate job $job wrote no d.h5"
log "simulate job $job completed"

# ---- the fit configuration; the same run uninterrupted outside SLURM goes to $tmp/ref
cat >"$tmp/job/fit.ini" <<EOF
data = d.h5
out = fit.h5

[model]
n = 1000

[fit]
iterations = $iterations

[run]
checkpoint_every = 20
EOF
# The same relative names in both directories: the stored configuration records them.
cp "$tmp/job/d.h5" "$tmp/job/fit.ini" "$tmp/ref/"
extra=(--fit.progress 1)   # extra options after CONFIG.ini are passed on to msflow

# ---- the fit job
job=$(sbatch --parsable --ntasks="$ntasks" --time=10 --output="$tmp/job/fit-%j.out" \
  "$root/jobs/msflow-fit.sbatch" fit.ini "${extra[@]}") || fail "sbatch failed"
job=${job%%;*}
out=$tmp/job/fit-$job.out
log "submitted fit job $job ($ntasks tasks)"
running() { [[ "$(job_state)" == RUNNING ]]; }
wait_until 60 "job $job to start" running
log "job $job running"

# Interrupt once a periodic checkpoint exists: msflow then surely has its signal handler. (Any
# checkpoint: only the newest two are kept, so a given one may already be gone.)
checkpoint_exists() { compgen -G "$tmp/job/checkpoints/*.ckpt.*.h5" >/dev/null; }
wait_until 90 "the first checkpoint" checkpoint_exists
scancel --signal=USR1 --batch "$job" || fail "scancel --signal=USR1 --batch failed"
t_signal=$SECONDS
log "sent USR1 to the batch script of job $job"

in_output() { grep -q -- "$1" "$out" 2>/dev/null; }
wait_until 60 "the requeue (\"requeued at\" in $out)" in_output "requeued at"
t_requeued=$SECONDS
log "job $job requeued itself"

# Run the uninterrupted reference while the requeued job is held.
(cd "$tmp/ref" && exec timeout 300 "$mpiexec" -n "$ntasks" "$msflow" fit --config fit.ini \
  "${extra[@]}" >ref.log 2>&1) &
reference_pid=$!

wait_until 120 "the second run to start" in_output "run 2 on"
t_restart=$SECONDS
log "second run started $((t_restart - t_requeued)) s after the requeue"
wait_until 180 "job $job to finish" job_done
t_done=$SECONDS
log "job $job left the queue"

reference_status=0
wait "$reference_pid" || reference_status=$?
reference_pid=""
((reference_status == 0)) || fail "the reference mpirun exited with status $reference_status"
log "reference run done"

# ---- checks
info=$(job_info)
grep -q "JobState=COMPLETED" <<<"$info" || fail "job $job did not complete: $(grep -o 'JobState=[A-Z_]*' <<<"$info")"
grep -q "ExitCode=0:0" <<<"$info" || fail "job $job exit code: $(grep -o ' ExitCode=[^ ]*' <<<"$info")"
grep -q "Restarts=1" <<<"$info" || fail "job $job restarts: $(grep -o 'Restarts=[0-9]*' <<<"$info")"
stopped=$(sed -n 's/.*stopped by a signal at iteration \([0-9]*\).*/\1/p' "$out")
resumed=$(sed -n 's/.*resumed from .* at iteration \([0-9]*\).*/\1/p' "$out")
[[ -n "$stopped" ]] || fail "msflow did not report a signal stop"
in_output "asks to be resumed (status 3)" || fail "the script did not see exit status 3"
in_output "--run.resume true" || fail "the second run was not given --run.resume true"
[[ "$resumed" == "$stopped" ]] ||
  fail "stopped at iteration $stopped but resumed at iteration '${resumed:-none}'"
in_output "msflow finished (status 0)" || fail "the second run did not finish"
[[ -f "$tmp/job/fit.h5" ]] || fail "no output fit.h5"
"$python" - "$tmp/job/fit.h5" "$iterations" <<'PY' || fail "the output's /history is incomplete"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    iterations = f["history/iteration"][:]
    objective = f["history/objective"][:]
n = int(sys.argv[2])
assert len(iterations) == n and np.array_equal(iterations, np.arange(n)), iterations
assert len(objective) == n and np.all(np.isfinite(objective))
PY
cmp "$tmp/job/fit.h5" "$tmp/ref/fit.h5" ||
  fail "the resumed output differs from an uninterrupted run of the same command"

log "stopped at iteration $stopped, resumed there; $iterations iterations in /history;" \
  "bitwise identical to the uninterrupted run"
log "timings: signal -> requeue $((t_requeued - t_signal)) s, requeue -> restart" \
  "$((t_restart - t_requeued)) s, restart -> done $((t_done - t_restart)) s, total $SECONDS s"
failed=0
echo "PASS"
