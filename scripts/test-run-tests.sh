#!/usr/bin/env bash
# test-run-tests.sh [RUN_TESTS_SCRIPT] — checks that scripts/run-tests.sh cannot report a lie.
# Runs a copy of the script in a scratch tree where `dotnet` is a stub that writes a chosen TRX and
# exits with a chosen status, and conformance/clients/run-all.sh is a stub printing chosen client
# results; compares the final "N passed, N failed, N skipped" line with what is true.
# Prints "ok - CASE" / "not ok - CASE" and ends with "run-tests self-test: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script=${1:-$here/run-tests.sh}
work=$(mktemp -d /tmp/run-tests-selftest.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/scripts" "$work/Tests/Alpha" "$work/conformance/clients" "$work/fakebin" "$work/scenario" "$work/shared"
cp "$script" "$work/scripts/run-tests.sh"
mkdir -p "$work/conformance/Cri"
touch "$work/Tests/Alpha/Alpha.csproj" "$work/conformance/Oci.Conformance.csproj" "$work/conformance/Cri/Oci.Cri.csproj"
# The validation suite's real closing lines, counting nothing (its counting is not what these cases test).
printf '#!/usr/bin/env bash\necho "validation: 0 skipped"\necho "0 passed, 0 failed"\n' > "$work/scripts/validation.sh"
chmod +x "$work/scripts/validation.sh"

# dotnet test PROJECT ... --logger trx;LogFileName=NAME.trx --results-directory DIR [--filter F]
cat > "$work/fakebin/dotnet" <<'EOF'
#!/usr/bin/env bash
proj=$2 name="" dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --logger) name=${2#trx;LogFileName=}; shift ;;
    --results-directory) dir=$2; shift ;;
  esac
  shift
done
sc="$SCENARIO_DIR/$(basename "$proj" .csproj)"
rc=0 counters="" outcome=Completed
[ -f "$sc" ] && . "$sc"
if [ -n "$counters" ]; then
  printf '<TestRun><ResultSummary outcome="%s"><Counters %s /></ResultSummary></TestRun>\n' "$outcome" "$counters" > "$dir/$name"
fi
exit "$rc"
EOF
chmod +x "$work/fakebin/dotnet"

# The client runner's real format: per-suite lines, one "# runtime INDEX PATH:" line per runtime,
# and the combined line last.
cat > "$work/conformance/clients/run-all.sh" <<'EOF'
#!/usr/bin/env bash
echo "[containerd/runc] ok - something"
echo "# === summary (1 s) ==="
echo "# runtime 1 $1: 40 passed, 0 failed, 1 skipped"
echo "# runtime 2 $2: 30 passed, 2 failed, 0 skipped"
echo "70 passed, 2 failed, 1 skipped"
[ 1 = 0 ]
EOF
chmod +x "$work/conformance/clients/run-all.sh"

passed=0 failed=0
# check NAME EXPECTED_LAST_LINE EXPECTED_EXIT(0|nonzero) ARGS... ; scenario files are set up before.
check() {
  local name=$1 want=$2 want_rc=$3; shift 3
  local out rc last
  out=$(cd "$work" && PATH="$work/fakebin:$PATH" SCENARIO_DIR="$work/scenario" OCI_SHARED_DIR="$work/shared" \
        OCI_RUNTIME=/opt/fake/oci-runtime bash scripts/run-tests.sh "$@" 2>&1)
  rc=$?
  last=$(tail -n 1 <<<"$out")
  local rc_ok=0
  if [ "$want_rc" = 0 ]; then [ "$rc" = 0 ] && rc_ok=1; else [ "$rc" != 0 ] && rc_ok=1; fi
  if [ "$last" = "$want" ] && [ "$rc_ok" = 1 ]; then
    echo "ok - $name"; passed=$((passed + 1))
  else
    echo "not ok - $name: got '$last' (exit $rc), want '$want' (exit $want_rc)"; failed=$((failed + 1))
    sed 's/^/#   /' <<<"$out"
  fi
}
scenario() { rm -f "$work/scenario/"*; while [ $# -gt 0 ]; do printf '%s\n' "$2" > "$work/scenario/$1"; shift 2; done; }
ok_counters() { echo "counters='total=\"$1\" executed=\"$1\" passed=\"$1\" failed=\"0\" error=\"0\" timeout=\"0\" aborted=\"0\"'"; }

scenario Alpha "$(ok_counters 3)" Oci.Conformance "$(ok_counters 2)"
check "all green" "5 passed, 0 failed, 0 skipped" 0 --no-clients

scenario Alpha "$(ok_counters 3); rc=1" Oci.Conformance "$(ok_counters 2)"
check "dotnet test exits 1 with an all-passed TRX (crashed test host)" "5 passed, 1 failed, 0 skipped" 1 --no-clients

scenario Alpha "rc=1"
check "no TRX at all" "0 passed, 1 failed, 0 skipped" 1 --unit-only

scenario Alpha "counters='total=\"6\" executed=\"5\" passed=\"2\" failed=\"0\" error=\"1\" timeout=\"1\" aborted=\"1\" notExecuted=\"1\"'; outcome=Failed; rc=1"
check "error, timeout and aborted count as failed, not skipped" "2 passed, 3 failed, 1 skipped" 1 --unit-only

scenario Alpha "counters='total=\"3\" executed=\"3\" passed=\"3\" failed=\"0\" error=\"0\" timeout=\"0\" aborted=\"0\"'; outcome=Aborted"
check "a run whose outcome is Aborted fails" "3 passed, 1 failed, 0 skipped" 1 --unit-only

scenario Alpha "counters='total=\"0\" executed=\"0\" passed=\"0\" failed=\"0\"'" Oci.Conformance "counters='total=\"0\" executed=\"0\" passed=\"0\" failed=\"0\"'"
check "a --filter that runs nothing fails" "0 passed, 1 failed, 0 skipped" 1 --filter "FullyQualifiedName~NoSuchTest"

scenario Alpha "$(ok_counters 3)" Oci.Conformance "$(ok_counters 2)" Oci.Cri "$(ok_counters 6)"
check "runc's client results are not counted; the CRI suite's are" "41 passed, 2 failed, 0 skipped" 1

scenario Alpha "$(ok_counters 3)" Oci.Conformance "$(ok_counters 2)"
check "a CRI suite that leaves no results counts as a failure" "35 passed, 3 failed, 0 skipped" 1

echo "run-tests self-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
