#!/usr/bin/env bash
# The OCI runtime-tools validation suite (../shared/runtime-tools) against one runtime, judged
# program by program against conformance/validation/expected.txt.
#
# Usage: scripts/validation.sh [RUNTIME]   (default bin/oci-runtime; run as root)
#   VALIDATION_TESTS="a b"  only these programs (the rest of the expectation file is not judged)
#   VALIDATION_TIMEOUT=N    per-program timeout in seconds (default 30)
#
# Builds the suite once into build/rtools (../shared is read-only in CI; Go from golang-go, which
# scripts/install-deps.sh installs), rebuilt when the bundled source or setup.sh changes.
# Verdicts, per program: expected `pass` and passed -> passed; expected `pass` and did not pass, or
# a program the expectation file does not list, or a listed program the suite did not run ->
# failed; expected `skip <reason>` -> skipped (and reported when it passes all the same, so the
# list can be tightened). A suite that cannot be built or run counts as one failure.
# The last two lines are "validation: N skipped ..." and "N passed, N failed" (scripts/run-tests.sh
# reads both). Per-program TAP, stderr and runtime calls: build/rtools/results/<label>/.
set -uo pipefail
cd "$(dirname "$0")/.."

t0=$(date +%s)
runtime=$(readlink -f "${1:-bin/oci-runtime}")
expected=conformance/validation/expected.txt
shared="${OCI_SHARED_DIR:-$(cd .. && pwd)/shared}"
[ -d "$shared/runtime-tools" ] || shared=/work/shared
suite=$shared/runtime-tools
work=$PWD/build/rtools
label=$(basename "$runtime")
finish() { # $1 passed, $2 failed, $3 skipped
  echo "validation: $3 skipped (expected not to pass on this host, reasons in $expected)"
  echo "validation took $(( $(date +%s) - t0 )) s"
  echo "$1 passed, $2 failed"
  [ "$2" -eq 0 ]
  exit
}
broken() { echo "validation: $*: counted as 1 failure" >&2; finish 0 1 0; }

[ -x "$runtime" ] || broken "no runtime at $runtime (run make first)"
[ -f "$suite/setup.sh" ] || broken "no runtime-tools suite at $suite"
[ -f "$expected" ] || broken "no $expected"

# ---- build (once per suite version) ----------------------------------------------------------
stamp=$work/.built
want=$(cat "$suite/runtime-tools-"*.tar.gz "$suite/setup.sh" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || [ ! -x "$work/runtime-tools/runtimetest" ]; then
  echo "=== building runtime-tools into $work"
  rm -rf "$work/runtime-tools" "$stamp"
  mkdir -p "$work"
  APT=0 "$suite/setup.sh" "$work" >"$work.setup.log" 2>&1 || { tail -20 "$work.setup.log" >&2; broken "setup.sh failed (log: $work.setup.log)"; }
  echo "$want" > "$stamp"
fi

# ---- run -------------------------------------------------------------------------------------
echo "=== runtime-tools validation against $runtime"
# In a private copy of the host's mount namespace: programs without a mount namespace
# (linux_ns_itype) have the runtime mount in the caller's namespace, which must never be the host's.
TESTS="${VALIDATION_TESTS:-}" RUNTIME="$runtime" NAME="$label" TIMEOUT="${VALIDATION_TIMEOUT:-30}" \
  unshare -m --propagation private "$suite/run-suite-host.sh" "$work" || broken "run-suite-host.sh exited $?"
summary=$work/results/$label/summary.tsv
[ -s "$summary" ] || broken "no $summary"

# ---- judge -----------------------------------------------------------------------------------
declare -A expect reason
while IFS= read -r line; do
  line=${line%%#*}
  read -r prog verdict why <<<"$line"
  [ -n "${prog:-}" ] || continue
  case "$verdict" in
    pass) ;;
    skip) [ -n "$why" ] || broken "$expected: $prog is skipped without a reason" ;;
    *) broken "$expected: $prog: '$verdict' is neither pass nor skip" ;;
  esac
  expect[$prog]=$verdict; reason[$prog]=$why
done < "$expected"

passed=0; failed=0; skipped=0
declare -A ran
while IFS=$'\t' read -r prog verdict _; do
  ran[$prog]=1
  case "${expect[$prog]:-}" in
    pass)
      if [ "$verdict" = PASS ]; then passed=$((passed + 1))
      else failed=$((failed + 1)); echo "FAILED  $prog: $verdict (expected to pass; see build/rtools/results/$label/$prog.tap and .stderr)"; fi ;;
    skip)
      skipped=$((skipped + 1))
      [ "$verdict" = PASS ] && echo "NOTE    $prog passes although listed as skip (${reason[$prog]}): tighten $expected" ;;
    *)
      failed=$((failed + 1)); echo "FAILED  $prog: $verdict, and not listed in $expected" ;;
  esac
done < <(tail -n +2 "$summary")
if [ -z "${VALIDATION_TESTS:-}" ]; then
  for prog in "${!expect[@]}"; do
    [ -n "${ran[$prog]:-}" ] || { failed=$((failed + 1)); echo "FAILED  $prog: listed in $expected but the suite has no such program"; }
  done
fi
finish "$passed" "$failed" "$skipped"
