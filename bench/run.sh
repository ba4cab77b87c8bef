#!/usr/bin/env bash
# bench/run.sh (make bench): times oci-runtime against runc with hyperfine on one busybox bundle.
#
# Scenarios (each: --warmup 3, --runs 30 or $BENCH_RUNS):
#   run      `RT --root R run --bundle B ID` of /bin/true (one call: create, start, wait, delete)
#   lifecycle `RT create`, `RT start`, `RT delete --force` as three calls (what containerd does)
# Prints the median of each runtime, the ratio ours/runc per scenario, and the cost of the
# protections against hostile images (ours minus the test-only weak build, if built), then runs
# bench/seccomp/run.sh if it exists. crun is timed only if it can run here: crun 1.8.1 refuses
# hybrid-cgroup hosts like this one ("cgroups in hybrid mode not supported").
#
# Env: OCI_RUNTIME (default bin/oci-runtime), RUNC (default: runc in PATH), CRUN (default: crun in PATH),
#      BENCH_RUNS (default 30, at least 30), BENCH_WARMUP (default 3, at least 3),
#      BENCH_OUT (default build/bench: hyperfine JSON exports).
# Needs root, hyperfine, jq, busybox-static. Exit status 1 if oci-runtime could not be timed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

ours=${OCI_RUNTIME:-$repo/bin/oci-runtime}
runc_bin=${RUNC:-$(command -v runc || true)}
crun_bin=${CRUN:-$(command -v crun || true)}
runs=${BENCH_RUNS:-30}; [ "$runs" -ge 30 ] || runs=30
warmup=${BENCH_WARMUP:-3}; [ "$warmup" -ge 3 ] || warmup=3
out=${BENCH_OUT:-$repo/build/bench}

die() { echo "bench: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "must run as root"
for t in hyperfine jq; do command -v $t >/dev/null || die "$t missing (apt-get install hyperfine jq)"; done
[ -x /bin/busybox ] || die "/bin/busybox missing (apt-get install busybox-static)"

work=$(mktemp -d /tmp/oci-bench.XXXXXX)
chmod 755 "$work"
cgparent=oci-bench-$$
cleanup() {
  for rt in "$ours" "$runc_bin" "$crun_bin"; do
    [ -n "$rt" ] && [ -x "$rt" ] || continue
    for r in "$work"/root-*; do
      [ -d "$r" ] || continue
      for id in $(ls "$r" 2>/dev/null); do "$rt" --root "$r" delete --force "$id" >/dev/null 2>&1 || true; done
    done
  done
  # Only our own top-level cgroup name is ever removed (never anything else under /sys/fs/cgroup).
  for h in /sys/fs/cgroup/*/; do
    d="${h}${cgparent}"
    [ -d "$d" ] || continue
    find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null || true
    rmdir "$d" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# --- the busybox bundle (same recipe as the conformance suite's BusyboxRootfs) ---
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,etc,proc,dev,sys,tmp}
cp /bin/busybox "$rootfs/bin/busybox"
for a in $(/bin/busybox --list); do
  [ "$a" = busybox ] || ln -s busybox "$rootfs/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$rootfs/etc/group"

# The config comes from the oracle's `spec` when available (both runtimes read the same file). Its
# ambient capabilities are dropped: runc 1.1.5 lists them with an empty inheritable set and silently
# fails to raise them; a stricter runtime refuses that config (the conformance suite's
# CompatibilityTests cover it), and the bench is about speed, not that difference.
spec_from=$runc_bin; [ -n "$spec_from" ] || spec_from=$ours
bundle=$work/bundle
mkdir -p "$bundle"
"$spec_from" spec --bundle "$bundle"
jq --arg root "$rootfs" --arg cg "/$cgparent/bench" \
   '.root = {path: $root, readonly: true} | .process.terminal = false | .process.args = ["/bin/true"]
    | del(.process.capabilities.ambient)
    | .linux.cgroupsPath = $cg' "$bundle/config.json" > "$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

mkdir -p "$out"
declare -A median

# usable RT NAME: one real `run` must succeed before a runtime is timed.
usable() {
  local rt=$1 name=$2
  [ -n "$rt" ] && [ -x "$rt" ] || { echo "  $name: not installed, skipped"; return 1; }
  mkdir -p "$work/root-$name"
  local msg
  if ! msg=$("$rt" --root "$work/root-$name" run --bundle "$bundle" probe-$$ 2>&1 </dev/null); then
    "$rt" --root "$work/root-$name" delete --force probe-$$ >/dev/null 2>&1 || true
    echo "  $name: cannot run a container here, skipped: $(echo "$msg" | tail -1)"
    return 1
  fi
  return 0
}

bench_runtime() { # RT NAME
  local rt=$1 name=$2
  local root=$work/root-$name id=bench-$name-$$
  # Per-iteration script for the three-call lifecycle (runs with `sh`, like a client would spawn them).
  local script=$work/lifecycle-$name.sh
  cat > "$script" <<EOF
#!/bin/sh
"$rt" --root "$root" create --bundle "$bundle" $id </dev/null >/dev/null 2>&1 || exit 1
"$rt" --root "$root" start $id || exit 1
exec "$rt" --root "$root" delete --force $id
EOF
  chmod +x "$script"
  echo "=== $name ($rt)"
  hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$out/run-$name.json" \
    --command-name "$name run /bin/true" \
    "$rt --root $root run --bundle $bundle $id"
  hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$out/lifecycle-$name.json" \
    --prepare "$rt --root $root delete --force $id" \
    --command-name "$name create+start+delete" \
    "$script"
  median[run-$name]=$(jq '.results[0].median * 1000' "$out/run-$name.json")
  median[lifecycle-$name]=$(jq '.results[0].median * 1000' "$out/lifecycle-$name.json")

  # exec latency (Kubernetes exec probes): /bin/true in an already running container.
  local xbundle=$work/bundle-exec-$name xid=bench-exec-$name-$$
  mkdir -p "$xbundle"
  jq '.process.args = ["sleep", "1000"]' "$bundle/config.json" > "$xbundle/config.json"
  "$rt" --root "$root" run -d --bundle "$xbundle" $xid </dev/null >/dev/null 2>&1 || { echo "  $name: cannot start the exec target"; return 0; }
  hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$out/exec-$name.json" \
    --command-name "$name exec /bin/true" \
    "$rt --root $root exec $xid /bin/true"
  "$rt" --root "$root" delete --force $xid >/dev/null 2>&1 || true
  median[exec-$name]=$(jq '.results[0].median * 1000' "$out/exec-$name.json")
}

echo "bench: busybox bundle in $bundle; $warmup warmup + $runs runs per scenario"
names=()
ours_ok=1
if usable "$ours" oci-runtime; then bench_runtime "$ours" oci-runtime; names+=(oci-runtime); else ours_ok=0; fi
# The test-only weak build (`make weak`: every protection of conformance/Security/weakenings.txt
# compiled out) shows what the protections cost: same code otherwise, same bundle, same run.
weak_bin=${OCI_WEAK_RUNTIME:-$repo/build/weak/oci-runtime}
if [ -x "$weak_bin" ] && usable "$weak_bin" unprotected; then bench_runtime "$weak_bin" unprotected; names+=(unprotected)
else echo "  unprotected (build/weak/oci-runtime): not built, skipped (make weak)"; fi
if usable "$runc_bin" runc; then bench_runtime "$runc_bin" runc; names+=(runc); fi
if usable "$crun_bin" crun; then bench_runtime "$crun_bin" crun; names+=(crun)
else echo "  (crun 1.8.1 refuses hybrid-cgroup hosts like this one: time it in a pure cgroup v2 guest)"; fi

echo
echo "=== medians (ms)"
printf '%-22s' scenario; for n in "${names[@]}"; do printf '%14s' "$n"; done; printf '%18s%22s\n' "oci-runtime/runc" "protections cost (ms)"
for s in run lifecycle exec; do
  case $s in run) label="run /bin/true" ;; lifecycle) label="create+start+delete" ;; *) label="exec /bin/true" ;; esac
  printf '%-22s' "$label"
  for n in "${names[@]}"; do printf '%14.2f' "${median[$s-$n]:-0}"; done
  if [ -n "${median[$s-oci-runtime]:-}" ] && [ -n "${median[$s-runc]:-}" ]; then
    printf '%18s' "$(awk -v a="${median[$s-oci-runtime]}" -v b="${median[$s-runc]}" 'BEGIN { printf "%.2fx", a / b }')"
  else
    printf '%18s' "n/a"
  fi
  if [ -n "${median[$s-oci-runtime]:-}" ] && [ -n "${median[$s-unprotected]:-}" ]; then
    printf '%22s\n' "$(awk -v a="${median[$s-oci-runtime]}" -v b="${median[$s-unprotected]}" 'BEGIN { printf "%+.2f", a - b }')"
  else
    printf '%22s\n' "n/a"
  fi
done
echo "(hyperfine JSON in $out)"

if [ -x "$weak_bin" ]; then
  echo; echo "=== bench/protections-ab.sh (interleaved A/B: the cost of the protections)"
  OCI_RUNTIME=$ours OCI_WEAK_RUNTIME=$weak_bin bench/protections-ab.sh
fi

if [ -x bench/seccomp/run.sh ]; then
  echo; echo "=== bench/seccomp/run.sh"
  bench/seccomp/run.sh
elif [ -f bench/seccomp/run.sh ]; then
  echo; echo "=== bench/seccomp/run.sh"
  bash bench/seccomp/run.sh
fi

if [ $ours_ok = 0 ]; then
  echo "bench: oci-runtime ($ours) could not be timed" >&2
  exit 1
fi
