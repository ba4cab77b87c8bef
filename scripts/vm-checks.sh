#!/usr/bin/env bash
# vm-checks.sh DIR: counts the checks of the qemu guest suites recorded in DIR/*.checks (written by
# conformance/Fixtures/VmChecksFile.cs when OCI_VM_RESULTS_DIR=DIR), so that scripts/run-tests.sh's totals
# count each check, not the one xunit test that booted the guest. Prints one line per suite, then
#   vm-checks: CHECKS_PASSED CHECKS_FAILED CHECKS_SKIPPED TESTS_PASSED TESTS_FAILED
# where TESTS_* are the xunit tests these checks replace (already counted from the TRX: the caller
# subtracts them). Honest counting: a suite whose verdict is a failure (a FAIL line, a crashed or
# timed-out guest, a missing summary, too few checks) has every expected check it did not report
# counted as failed, and at least one failure; a file with no verdict line counts as failed.
# The file format is in docs/vm-harness.md ("Counting the checks").
set -uo pipefail
dir=${1:?usage: vm-checks.sh DIR}
cp=0; cf=0; cs=0; tp=0; tf=0
shopt -s nullglob
for f in "$dir"/*.checks; do
  name=$(basename "$f" .checks)
  p=$(grep -c '^PASS ' "$f"); fl=$(grep -c '^FAIL ' "$f"); s=$(grep -c '^SKIP ' "$f")
  expected=$(sed -n 's/^# expected \([0-9]*\).*/\1/p' "$f" | tail -1); expected=${expected:-0}
  verdict=$(sed -n 's/^# verdict //p' "$f" | tail -1)
  counted=$(sed -n 's/^# counted-as //p' "$f" | tail -1)
  secs=$(sed -n 's/^# suite .* seconds \([0-9]*\).*/\1/p' "$f" | tail -1)
  [ -n "$verdict" ] || verdict="fail: no verdict recorded (the run did not finish)"
  if [ "$verdict" != pass ]; then
    missing=$(( expected - p - fl - s ))
    [ "$missing" -gt 0 ] && fl=$((fl + missing))
    [ "$fl" -gt 0 ] || fl=1
  fi
  if [ "$counted" = xunit ]; then
    if [ "$verdict" = pass ]; then tp=$((tp + 1)); else tf=$((tf + 1)); fi
  fi
  echo "vm suite $name: $p passed, $fl failed, $s skipped in ${secs:-?} s ($verdict)"
  cp=$((cp + p)); cf=$((cf + fl)); cs=$((cs + s))
done
echo "vm-checks: $cp $cf $cs $tp $tf"
