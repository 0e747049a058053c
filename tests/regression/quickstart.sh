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
status=0
"$MSFLOW" report qs/report.txt > bad.log 2>&1 || status=$?
[[ $status -eq 2 && $(grep -c "msflow: error" bad.log) -eq 1 ]] ||
  fail "report of a text file: status $status"
"$MSFLOW" fit --help | grep -q -- "--fit.weight_decay" || fail "msflow fit --help"
echo "ok: report of data, fit and forecast outputs; a non-HDF5 file refused; fit --help"
