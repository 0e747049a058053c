#!/usr/bin/env bash
# The README's first command ends in tools/quickstart.sh: it runs simulate → fit → infer →
# forecast → report → figures on inputs/quickstart.ini and leaves every output and figure.
source "$(dirname "$0")/common.bash"
MSFLOW=$MSFLOW timeout 600 "$SOURCE_DIR/tools/quickstart.sh" qs > quickstart.log 2>&1 ||
  fail "tools/quickstart.sh failed: $(tail -5 quickstart.log)"
for file in data.h5 fit.h5 infer.h5 forecast.h5 report.txt drift.png law.png history.png \
            forecast.png; do
  [[ -s qs/$file ]] || fail "the quickstart did not write $file"
done
grep -q "coverage of the exact b̄" qs/report.txt || fail "the report lacks the posterior summary"
[[ -z $(ls -A qs/checkpoints 2> /dev/null) ]] || fail "checkpoints were left behind"
echo "ok: the quickstart wrote every output and figure"
# report describes every kind of output, and refuses what is not one (status 2, one message).
for file in data fit forecast; do
  "$MSFLOW" report "qs/$file.h5" > "report-$file.txt" || fail "report of $file.h5 failed"
done
grep -q "exact averaged coefficients in /truth" report-data.txt || fail "report: data"
grep -q "drift MSE against /truth" report-fit.txt || fail "report: fit"
grep -q "quantiles of x1 at the horizon" report-forecast.txt || fail "report: forecast"
grep -q "s per iteration over the 1000 iterations of this run" report-fit.txt ||
  fail "report: the fit's timings"
grep -q "5. optimize: " report-fit.txt && grep -q "peak memory" report-data.txt ||
  fail "report: phase timings"
status=0
"$MSFLOW" report qs/report.txt > bad.log 2>&1 || status=$?
[[ $status -eq 2 && $(grep -c "msflow: error" bad.log) -eq 1 ]] ||
  fail "report of a text file: status $status"
"$MSFLOW" fit --help | grep -q -- "--fit.weight_decay" || fail "msflow fit --help"
# report --data: −ln L per transition on held-out data — about the training value on a new
# trajectory of the same system, clearly worse on one with another noise level σ0.
"$MSFLOW" simulate --config "$SOURCE_DIR/inputs/quickstart.ini" --simulate.T 100 \
  --simulate.seed 101 --out held.h5 > /dev/null
"$MSFLOW" simulate --config "$SOURCE_DIR/inputs/quickstart.ini" --simulate.T 100 \
  --simulate.seed 102 --model.sigma0 0.7 --out other.h5 > /dev/null
per_transition() {  # report, which line: held-out value or the fit's own
  awk -v want="$2" '/-ln L per transition/ && ((want == "own") == /on the fit.s data/) {print $5}' "$1"
}
"$MSFLOW" report qs/fit.h5 --data held.h5 > held.txt || fail "report --data: $(tail -3 held.txt)"
"$MSFLOW" report qs/fit.h5 --data other.h5 > other.txt || fail "report --data: $(tail -3 other.txt)"
held=$(per_transition held.txt held) own=$(per_transition held.txt own)
other=$(per_transition other.txt held)
echo "held-out -ln L per transition: $held (same system), $other (sigma0 0.7); fit's data $own"
awk -v h="$held" -v o="$own" -v w="$other" 'BEGIN {exit !(h - o < 0.05 && o - h < 0.05 && w > h + 0.1)}' ||
  fail "held-out likelihood: $held (same system) vs $own (training) vs $other (other sigma0)"
echo "ok: report of data, fit and forecast outputs; a non-HDF5 file refused; fit --help"
