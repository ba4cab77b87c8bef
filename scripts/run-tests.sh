#!/usr/bin/env bash
# Runs the unit tests (Tests/*) and the conformance suite (conformance/), writes TRX files to
# build/test-results, and ends with one line "N passed, N failed, N skipped" counted from them.
# A test project that fails to build or crashes before writing results counts as one failure.
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
crashed=0

run_project() { # $1 = project file, $2 = results name
  local args=(test "$1" -nologo --logger "trx;LogFileName=$2.trx" --results-directory "$results")
  [ -n "$filter" ] && args+=(--filter "$filter")
  echo "=== $1"
  if ! dotnet "${args[@]}"; then
    if [ ! -s "$results/$2.trx" ]; then
      echo "run-tests: $1 produced no results (build or host failure)" >&2
      crashed=$((crashed + 1))
    fi
  fi
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
fi

# The real clients (containerd, podman, docker) against runc and oci-runtime: their own runner
# prints "N passed, N failed, N skipped", added to the totals below.
client_passed=0; client_failed=0; client_skipped=0
if [ "$mode" = all ] && [ "$clients" = 1 ] && [ -z "$filter" ]; then
  echo "=== conformance/clients (runc, then oci-runtime)"
  conformance/clients/run-all.sh runc "$OCI_RUNTIME" | tee "$results/clients.log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$results/clients.log" | tail -1)
  if [ -n "$line" ]; then
    client_passed=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    client_failed=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    client_skipped=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
  else
    echo "run-tests: the client suites printed no summary" >&2
    client_failed=1
  fi
fi

passed=0; failed=0; total=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  t=$(get total); p=$(get passed); f=$(get failed)
  total=$((total + ${t:-0})); passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
skipped=$((total - passed - failed))
passed=$((passed + client_passed))
failed=$((failed + crashed + client_failed))
skipped=$((skipped + ${client_skipped:-0}))
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
