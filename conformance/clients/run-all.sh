#!/usr/bin/env bash
# run-all.sh [RUNTIME...] — every real-client suite (containerd, podman, docker) against each RUNTIME
# in turn. RUNTIME is a path or a bare name looked up in PATH; default: `runc` (the oracle: a suite
# that fails with runc is itself wrong) and <repo>/bin/oci-runtime.
# Lines are prefixed "[SUITE/RUNTIME]". The summary gives one line per runtime, in argument order,
# "# runtime INDEX PATH: N passed, N failed, N skipped" (1-based: run-tests.sh counts only the
# runtime under test, never the oracle's results); the last line is the combined
# "N passed, N failed, N skipped" of every runtime.
# Exit status 1 if any check failed. Env: CLIENTS_SUITES="containerd podman podman-rootless docker" to choose,
# CLIENTS_SUITE_TIMEOUT (seconds per suite run, default 600), and lib.sh's CLIENTS_TIMEOUT, CLIENTS_KEEP.
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$dir/../.." && pwd)
[ $# -gt 0 ] || set -- runc "$repo/bin/oci-runtime"
suites=${CLIENTS_SUITES:-containerd podman podman-rootless docker}
per_suite=${CLIENTS_SUITE_TIMEOUT:-600}

passed=0 failed=0 skipped=0
summary=()
per_runtime=()
idx=0
t_start=$SECONDS
out=$(mktemp /tmp/occ-run-all.XXXXXX)
trap 'rm -f "$out"' EXIT
for rt in "$@"; do
  idx=$((idx + 1))
  label_rt=$(basename "$rt")
  rp=0 rf=0 rk=0
  for s in $suites; do
    label="$s/$label_rt"
    t0=$SECONDS
    echo "# === $label ==="
    OCI_RUNTIME=$rt timeout -k 15 "$per_suite" "$dir/$s.sh" </dev/null 2>&1 | tee "$out" | sed -u "s|^|[$label] |"
    rc=${PIPESTATUS[0]}
    line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$out" | tail -n 1)
    if [ -z "$line" ]; then
      echo "[$label] not ok - $s: no summary line (exit status $rc$([ "$rc" = 124 ] && echo ", suite timed out after ${per_suite}s"))"
      failed=$((failed + 1)) rf=$((rf + 1))
      summary+=("$label: no summary (exit status $rc)")
      continue
    fi
    read -r p f k < <(sed -E 's/^[a-z-]+: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/' <<<"$line")
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + k))
    rp=$((rp + p)) rf=$((rf + f)) rk=$((rk + k))
    summary+=("$(printf '%-24s %3d passed, %3d failed, %3d skipped  (%d s)' "$label:" "$p" "$f" "$k" $((SECONDS - t0)))")
  done
  per_runtime+=("runtime $idx $rt: $rp passed, $rf failed, $rk skipped")
done
echo "# === summary ($((SECONDS - t_start)) s) ==="
for l in "${summary[@]}"; do echo "# $l"; done
for l in "${per_runtime[@]}"; do echo "# $l"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
