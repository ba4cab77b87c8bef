#!/usr/bin/env bash
# Runs the unit tests (Tests/*), the conformance suite (conformance/), the runtime-tools validation
# suite (scripts/validation.sh), the CRI suite (conformance/Cri) and the real clients, writes TRX files to
# build/test-results, and ends with one line "N passed, N failed, N skipped" counted from them.
# Honest totals: a project that fails to build, crashes, or whose `dotnet test` exits non-zero with
# no failed test counts as one failure; error/timeout/aborted outcomes are failures, never skips; a
# --filter that runs nothing is a failure; runc's client results are printed but never counted.
set -uo pipefail
cd "$(dirname "$0")/.."

mode=all
filter=""
clients=1
while [ $# -gt 0 ]; do
  case "$1" in
    --unit-only) mode=unit ;;
    --conformance-only) mode=conformance ;;
    --filter) filter="$2"; shift ;;
    --no-clients) clients=0 ;;
    *) echo "run-tests: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

# ../shared (the spec, its schemas, client test data) sits beside the clone, in CI too.
shared="${OCI_SHARED_DIR:-$(cd .. && pwd)/shared}"
[ -d "$shared" ] || shared=/work/shared
export OCI_SHARED_DIR="$shared"
export OCI_RUNTIME_SPEC_DIR="${OCI_RUNTIME_SPEC_DIR:-$shared/oci-runtime-spec}"
export OCI_SPEC_SCHEMA_DIR="${OCI_SPEC_SCHEMA_DIR:-$shared/oci-runtime-spec/schema}"
export OCI_TESTDATA_DIR="${OCI_TESTDATA_DIR:-$shared/testdata}"

results=build/test-results
rm -rf "$results"; mkdir -p "$results"
# The qemu guest suites record each check here (conformance/Fixtures/VmSuite.cs); counted at the end.
export OCI_VM_RESULTS_DIR="$PWD/$results/vm"
passed=0; failed=0; skipped=0; executed=0

# One project: its TRX counters, and its exit status, which is never ignored: a test host that
# crashed or aborted may still leave a TRX that reads "N passed, 0 failed".
run_project() { # $1 = project file, $2 = results name
  local args=(test "$1" -nologo --logger "trx;LogFileName=$2.trx" --results-directory "$results")
  [ -n "$filter" ] && args+=(--filter "$filter")
  echo "=== $1"
  dotnet "${args[@]}"
  local rc=$?
  local trx="$results/$2.trx"
  if [ ! -s "$trx" ]; then
    echo "run-tests: $1 produced no results (build or host failure, exit status $rc): counted as 1 failure" >&2
    failed=$((failed + 1))
    return
  fi
  local counters outcome
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  outcome=$(grep -o '<ResultSummary outcome="[A-Za-z]*"' "$trx" | head -1 | sed 's/.*outcome="\([A-Za-z]*\)"/\1/')
  get() { local v; v=$(echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"); echo "${v:-0}"; }
  local t p f bad
  t=$(get total); p=$(get passed); f=$(get failed)
  # error, timeout and aborted are failures, not skips; so is a pass whose run then aborted.
  bad=$(( $(get error) + $(get timeout) + $(get aborted) + $(get passedButRunAborted) + $(get disconnected) ))
  p=$((p - $(get passedButRunAborted)))
  f=$((f + bad))
  if [ "$rc" -ne 0 ] || [[ "$outcome" =~ ^(Aborted|Error|Timeout)$ ]]; then
    if [ "$f" -eq 0 ]; then
      echo "run-tests: $1: dotnet test exited $rc (run outcome ${outcome:-unknown}) with no failed test in its results: counted as 1 failure" >&2
      f=1
    fi
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + t - $(get passed) - $(get failed) - bad))
  executed=$((executed + $(get executed)))
}

if [ "$mode" != conformance ]; then
  for proj in Tests/*/*.csproj; do
    run_project "$proj" "$(basename "$proj" .csproj)"
  done
fi
if [ "$mode" != unit ]; then
  export OCI_RUNTIME="${OCI_RUNTIME:-$PWD/bin/oci-runtime}"
  # The test-only weak build (protections switched off) that conformance/Security attacks too.
  make -s weak || echo "run-tests: make weak failed; the security suite will say so" >&2
  export OCI_WEAK_RUNTIME="${OCI_WEAK_RUNTIME:-$PWD/build/weak/oci-runtime}"
  run_project conformance/Oci.Conformance.csproj conformance
  # The rootless (as a user made for the run) and NOTIFY_SOCKET suites are part of that project
  # and counted with it; their own time, from the TRX durations:
  for suite in Rootless.RootlessTests Tests.NotifySocketTests; do
    grep -o "testName=\"OciRuntime.Conformance.$suite\.[^\"]*\"[^>]* duration=\"[0-9:.]*\"" "$results/conformance.trx" 2>/dev/null |
      sed -E 's/.*duration="([0-9]+):([0-9]+):([0-9.]+)"/\1 \2 \3/' |
      awk -v s="$suite" '{ t += $1 * 3600 + $2 * 60 + $3; n++ } END { if (n) printf "%s: %d tests, %.1f s\n", s, n, t }'
  done
fi

# The security suite attacks runc too, the oracle: each attack runc blocks is shown to be real.
# Its results are printed on their own line and never counted (runc's known weaknesses, such as
# CVE-2025-31133 in 1.1.5, are recorded by the tests, not failed).
runc_bin=$(command -v runc || true)
if [ "$mode" = all ] && [ -z "$filter" ] && [ -n "$runc_bin" ]; then
  echo "=== conformance/Security with runc (the oracle, not counted)"
  oracle_dir="$results/oracle"
  OCI_RUNTIME="$runc_bin" dotnet test conformance/Oci.Conformance.csproj -nologo --no-build \
    --filter "FullyQualifiedName~OciRuntime.Conformance.Security" \
    --logger "trx;LogFileName=security-runc.trx" --results-directory "$oracle_dir" > "$results/security-runc.log" 2>&1
  oc=$(grep -o '<Counters [^>]*>' "$oracle_dir/security-runc.trx" 2>/dev/null | head -1)
  ocount() { local v; v=$(echo "$oc" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"); echo "${v:-0}"; }
  echo "security suite with runc (the oracle, not counted below): $(ocount passed) passed, $(ocount failed) failed (details: $results/security-runc.log, build/security-report.txt)"
fi

# A filter that selects nothing proves nothing: it must not read "0 passed, 0 failed".
if [ -n "$filter" ] && [ "$executed" -eq 0 ]; then
  echo "run-tests: --filter '$filter' ran no test: counted as 1 failure" >&2
  failed=$((failed + 1))
fi

# The runtime-tools validation suite, program by program against conformance/validation/expected.txt.
# Its last lines are "validation: N skipped ..." and "N passed, N failed"; no such line counts as one failure.
if [ "$mode" = all ] && [ -z "$filter" ]; then
  echo "=== runtime-tools validation (scripts/validation.sh)"
  scripts/validation.sh "$OCI_RUNTIME" | tee "$results/validation.log"
  vcounts=$(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$results/validation.log" | tail -1)
  vskipped=$(sed -nE 's/^validation: ([0-9]+) skipped.*/\1/p' "$results/validation.log" | tail -1)
  if [ -n "$vcounts" ] && [ -n "$vskipped" ]; then
    read -r vp vf <<<"$vcounts"
    passed=$((passed + vp)); failed=$((failed + vf)); skipped=$((skipped + vskipped))
  else
    echo "run-tests: the validation suite printed no result: counted as 1 failure" >&2
    failed=$((failed + 1))
  fi
fi

# The CRI suite (conformance/Cri): a private containerd's CRI plugin drives runc and oci-runtime as
# kubelet does. Both handlers must pass, so both count. Timings and what containerd returned are in
# build/cri-report.txt, printed here (xunit does not show a passing test's output).
if [ "$mode" = all ] && [ "$clients" = 1 ] && [ -z "$filter" ]; then
  cri_start=$SECONDS
  export OCI_CRI_REPORT="$PWD/build/cri-report.txt"
  rm -f "$OCI_CRI_REPORT"
  rm -f build/cri-guest-report.txt
  run_project conformance/Cri/Oci.Cri.csproj cri
  [ -f "$OCI_CRI_REPORT" ] && sed 's/^/# cri: /' "$OCI_CRI_REPORT"
  [ -f build/cri-guest-report.txt ] && sed 's/^/# cri (systemd guest): /' build/cri-guest-report.txt
  # Its systemd-guest part (SystemdCgroup = true, conformance/Cri/systemd-guest.sh) is one test of
  # that project, one qemu boot; it records its checks for scripts/vm-checks.sh below (ours only).
  echo "CRI suite (conformance/Cri, handlers runc and $(basename "$OCI_RUNTIME"), host and systemd guest): $((SECONDS - cri_start)) s"
fi

# The real clients (containerd, podman, docker) against runc, then oci-runtime. run-all.sh prints one
# "# runtime INDEX PATH: ..." line per runtime: runc's results are the oracle's, shown on their own
# line and never counted; only the runtime under test (index 2) adds to the totals.
if [ "$mode" = all ] && [ "$clients" = 1 ] && [ -z "$filter" ]; then
  echo "=== conformance/clients (runc, then oci-runtime)"
  conformance/clients/run-all.sh runc "$OCI_RUNTIME" | tee "$results/clients.log"
  counts() { sed -nE "s/^# runtime $1 .*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p" "$results/clients.log" | tail -1; }
  oracle=$(counts 1); tested=$(counts 2)
  if [ -n "$oracle" ]; then
    read -r op of ok <<<"$oracle"
    echo "clients with runc (the oracle, not counted below): ${op} passed, ${of} failed, ${ok} skipped"
  fi
  if [ -n "$tested" ]; then
    read -r cp cf ck <<<"$tested"
    echo "clients with $(basename "$OCI_RUNTIME"): ${cp} passed, ${cf} failed, ${ck} skipped"
    passed=$((passed + cp)); failed=$((failed + cf)); skipped=$((skipped + ck))
  else
    echo "run-tests: the client suites printed no result for $OCI_RUNTIME: counted as 1 failure" >&2
    failed=$((failed + 1))
  fi
fi

# make bench-quick: oci-runtime, runc and crun interleaved, 10 iterations. It prints ratios and never
# counts: a shared CI machine's noise must not fail the build (make bench is the full, manual run).
if [ "$mode" = all ] && [ -z "$filter" ]; then
  echo "=== bench-quick (ratios printed, not counted)"
  bstart=$(date +%s)
  BENCH_QUICK=1 BENCH_OUT="$PWD/build/bench-quick" bench/run.sh 2>&1 | tee "$results/bench-quick.log" || true
  echo "bench-quick: $(( $(date +%s) - bstart )) s"
fi

# The qemu guest suites (conformance/vm/*-suite.sh) each ran as one xunit test, counted above from
# the TRX; their checks count instead (a crashed or timed-out guest's missing checks as failures):
# scripts/vm-checks.sh prints each suite's counts and time, and what to replace.
if [ -d "$OCI_VM_RESULTS_DIR" ]; then
  vmout=$(scripts/vm-checks.sh "$OCI_VM_RESULTS_DIR")
  echo "$vmout" | grep -v '^vm-checks: '
  vmline=$(echo "$vmout" | sed -n 's/^vm-checks: //p')
  if [ -z "$vmline" ]; then
    echo "run-tests: scripts/vm-checks.sh printed no counts: counted as 1 failure" >&2
    vmline="0 1 0 0 0"
  fi
  read -r vp vf vs vtp vtf <<<"$vmline"
  passed=$((passed - vtp + vp)); failed=$((failed - vtf + vf)); skipped=$((skipped + vs))
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
