#!/usr/bin/env bash
# bench/run.sh (make bench; make bench-quick sets BENCH_QUICK=1): oci-runtime, runc and crun timed
# side by side in one interleaved run (bench/timer.c), with and without podman's seccomp profile.
#
# Runtimes (each with its own --root):
#   oci-runtime, runc      on the host, cgroups on (an absolute cgroupsPath under a private
#                          top-level name; runc uses the v1 hierarchies, we the unified one)
#   oci-runtime-ns, crun   inside a private mount namespace with cgroup2 on /sys/fs/cgroup (crun
#                          1.8.1 refuses this hybrid host otherwise), both --cgroup-manager=disabled
# Commands timed per runtime and profile: run, create, start, delete (--force), exec and state
# (the last two against a long-running container). Every bundle says ociVersion 1.0.2 (crun
# refuses >= 1.2). Results: build/bench/{samples,summary}.json; the table printed last gives
# medians (ms), the medians of the paired ratios of wall time and of CPU time (user + system, which
# a loaded machine disturbs less), and the peak RSS (MB, from wait4); then the floor rows: an empty
# NativeAOT program with nativeaot.props' settings (bench/floor) and each runtime's --version,
# what a process costs before it does any container work.
#
# Every runtime's --root is on a tmpfs, as /run is on a systemd host: this development VM keeps
# /run on its root ext4 (no journal, mounted with discard), where removing a state directory waits
# for a synchronous discard of its block (perf sched: blkdev_issue_discard under rmdir, 0.4-10 ms),
# the same for every runtime and nothing any of them does. BENCH_STATE_TMPFS=0 keeps them on disk.
#
# Env: OCI_RUNTIME (bin/oci-runtime), RUNC, CRUN (from PATH), BENCH_RUNS (default 40; quick: 10),
#      BENCH_WARMUP (default 3; quick: 1), BENCH_OUT (build/bench), BENCH_QUICK=1 (no A/B, no
#      seccomp compiler bench, never fails on ratios), BENCH_VM=0 (skip the 512 KiB memory.max
#      check in the qemu guest), BENCH_ONLY_SECCOMP=none|podman, BENCH_STATE_TMPFS=0 (roots on $work's disk).
# Needs root, jq, cc, busybox-static. Exit 1 only if oci-runtime could not run a container.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

ours=${OCI_RUNTIME:-$repo/bin/oci-runtime}
runc_bin=${RUNC:-$(command -v runc || true)}
crun_bin=${CRUN:-$(command -v crun || true)}
quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then runs=${BENCH_RUNS:-10}; warmup=${BENCH_WARMUP:-1}
else runs=${BENCH_RUNS:-40}; warmup=${BENCH_WARMUP:-3}; fi
out=${BENCH_OUT:-$repo/build/bench}
profile=$repo/bench/podman-default-seccomp.json

die() { echo "bench: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "must run as root"
command -v jq >/dev/null || die "jq missing (apt-get install jq)"
[ -x /bin/busybox ] || die "/bin/busybox missing (apt-get install busybox-static)"
[ -x "$ours" ] || die "$ours missing (make)"
mkdir -p "$out"
cc -O2 -o "$out/timer" bench/timer.c || die "cannot build bench/timer.c"

work=$(mktemp -d /tmp/oci-bench.XXXXXX)
chmod 755 "$work"
# The runtimes' --root dirs (see the header): a private tmpfs, unmounted by cleanup.
state=$work/state
mkdir -p "$state"
if [ "${BENCH_STATE_TMPFS:-1}" != 0 ]; then mount -t tmpfs -o mode=755 oci-bench-state "$state"; fi
cgparent=oci-bench-$$
cleanup() {
  # crun's leftovers (an interrupted run) are deleted where crun works: a namespace with cgroup2.
  if [ -n "$crun_bin" ] && [ -d "$state/root-crun" ]; then
    unshare -m --propagation private sh -c 'mount -t cgroup2 none /sys/fs/cgroup && for id in $(ls "$2"); do "$1" --cgroup-manager=disabled --root "$2" delete --force "$id"; done' \
      sh "$crun_bin" "$state/root-crun" >/dev/null 2>&1 || true
  fi
  for r in "$state"/root-*; do
    [ -d "$r" ] || continue
    for rt in "$ours" "$runc_bin"; do
      [ -x "$rt" ] || continue
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
  umount "$state" 2>/dev/null || true
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

# The config comes from the oracle's `spec` (all runtimes read the same file). Ambient
# capabilities are dropped: runc 1.1.5 lists them with an empty inheritable set and silently fails
# to raise them; a stricter runtime refuses that config, and the bench is about speed.
spec_from=$runc_bin; [ -n "$spec_from" ] || spec_from=$ours
"$spec_from" spec --bundle "$work"
# bundle NAME ARGS-JSON SECCOMP(none|podman): one per runtime, so that no two runtimes share a cgroup
# (runc puts its containers into the unified hierarchy too on a hybrid host).
bundle() {
  mkdir -p "$work/$1"
  jq --arg root "$rootfs" --arg cg "/$cgparent/$1" --argjson args "$2" --arg sc "$3" --slurpfile prof "$profile" \
     '.ociVersion = "1.0.2" | .root = {path: $root, readonly: true} | .process.terminal = false | .process.args = $args
      | del(.process.capabilities.ambient) | .linux.cgroupsPath = $cg
      | if $sc == "podman" then .linux.seccomp = $prof[0] else del(.linux.seccomp) end' \
     "$work/config.json" > "$work/$1/config.json"
}
profiles=(none podman)
[ -n "${BENCH_ONLY_SECCOMP:-}" ] && profiles=("$BENCH_ONLY_SECCOMP")
bundles_for() { # RUNTIME-NAME
  for s in "${profiles[@]}"; do
    bundle "$1/b-$s" '["/bin/true"]' "$s"
    bundle "$1/x-$s" '["/bin/sleep","100000"]' "$s"
  done
}

# usable NAME NS RT GLOBALS...: one real `run` must succeed before a runtime is timed.
usable() {
  local name=$1 ns=$2; shift 2
  [ -x "$1" ] || { echo "  $name: not installed, skipped"; return 1; }
  mkdir -p "$state/root-$name"
  bundles_for "$name"
  printf '^ %s %s --root %s run --bundle %s probe\n' "$ns" "$*" "$state/root-$name" "$work/$name/b-${profiles[0]}" > "$work/probe.plan"
  printf -- '- %s %s --root %s delete --force probe\n' "$ns" "$*" "$state/root-$name" >> "$work/probe.plan"
  if ! "$out/timer" -n 1 -w 0 -e "$work/probe-$name.err" "$work/probe.plan" >/dev/null 2>"$work/probe-$name.timer" \
     || grep -q 'setup failed' "$work/probe-$name.timer"; then
    echo "  $name: cannot run a container here, skipped: $(tail -1 "$work/probe-$name.err" 2>/dev/null)"
    return 1
  fi
}

runtimes=()
declare -A cmd nsof
add_runtime() { # NAME NS RT GLOBALS...
  local name=$1 ns=$2; shift 2
  if usable "$name" "$ns" "$@"; then runtimes+=("$name"); cmd[$name]="$* --root $state/root-$name"; nsof[$name]=$ns; fi
}
echo "bench: $warmup warmup + $runs interleaved iterations; busybox bundle in $work"
add_runtime oci-runtime 0 "$ours"
[ " ${runtimes[*]} " = " oci-runtime " ] || { echo "bench: oci-runtime ($ours) cannot run a container" >&2; exit 1; }
add_runtime runc 0 "$runc_bin"
add_runtime oci-runtime-ns 1 "$ours" --cgroup-manager=disabled
add_runtime crun 1 "$crun_bin" --cgroup-manager=disabled

plan=$work/bench.plan
: > "$plan"
for n in "${runtimes[@]}"; do
  for s in "${profiles[@]}"; do
    c="${cmd[$n]}" ns=${nsof[$n]}
    {
      echo "^ $ns $c run -d --bundle $work/$n/x-$s x-$s"
      echo "$n.$s.run $ns $c run --bundle $work/$n/b-$s r{i}"
      echo "$n.$s.create $ns $c create --bundle $work/$n/b-$s l{i}"
      echo "$n.$s.start $ns $c start l{i}"
      echo "$n.$s.delete $ns $c delete --force l{i}"
      echo "$n.$s.exec $ns $c exec x-$s /bin/true"
      echo "$n.$s.state $ns $c state x-$s"
      echo "\$ $ns $c delete --force x-$s"
      echo
    } >> "$plan"
  done
done
# Floor rows, one block of their own: what any process of each kind costs before container work.
floor_bin=${BENCH_FLOOR:-$repo/build/bench/floor/oci-floor}
if [ ! -x "$floor_bin" ] && command -v dotnet >/dev/null; then make -s -C "$repo" build/bench/floor/oci-floor >/dev/null 2>&1 || true; fi
{
  [ -x "$floor_bin" ] && echo "floor.nativeaot-empty 0 $floor_bin"
  echo "floor.oci-runtime-version 0 $ours --version"
  for n in "${runtimes[@]}"; do
    case $n in runc) echo "floor.runc-version 0 $runc_bin --version" ;; crun) echo "floor.crun-version 0 $crun_bin --version" ;; esac
  done
  echo
} >> "$plan"
cp "$plan" "$out/bench.plan"
rm -f "$out/stderr.log"
timer_rc=0
"$out/timer" -n "$runs" -w "$warmup" -e "$out/stderr.log" "$plan" > "$out/samples.json" || timer_rc=$?

load=$(cut -d' ' -f1-3 /proc/loadavg)
date=$(date -u +%Y-%m-%dT%H:%MZ)
# Summary: per label the median ms and max peak RSS; per pair the median of the per-iteration ratios.
jq --arg date "$date" --arg load "$load" --argjson runs "$runs" --arg quick "$quick" '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  . as $s
  | def pair($a; $b; $f): if ($s[$a] and $s[$b]) then [range($s[$a][$f] | length) | $s[$a][$f][.] / ([$s[$b][$f][.], 1] | max)] | median else null end;
  {date: $date, load: $load, runs: $runs, quick: ($quick == "1"),
   commands: (to_entries | map({key, value: {median_ms: (.value.us | median / 1000), median_cpu_ms: (.value.cpu_us | median / 1000),
       peak_rss_mb: ((.value.rss_kb | max) / 1024), failed: .value.failed}}) | from_entries),
   floor: (to_entries | map(select(.key | startswith("floor.")) | {key: (.key | sub("^floor\\."; "")), value: {median_ms: (.value.us | median / 1000),
       median_cpu_ms: (.value.cpu_us | median / 1000), peak_rss_mb: ((.value.rss_kb | max) / 1024)}}) | from_entries),
   ratios: ([to_entries[] | .key | select(startswith("oci-runtime.")) | sub("^oci-runtime\\."; "")] | map({key: ., value: {
       vs_runc: pair("oci-runtime." + .; "runc." + .; "us"),
       vs_crun: pair("oci-runtime-ns." + .; "crun." + .; "us"),
       cpu_vs_runc: pair("oci-runtime." + .; "runc." + .; "cpu_us"),
       cpu_vs_crun: pair("oci-runtime-ns." + .; "crun." + .; "cpu_us")}}) | from_entries)}' \
  "$out/samples.json" > "$out/summary.json"

# The table, and each target of issue 16 checked (met / missed by how much).
jq -r '"\ndate \(.date), load \(.load), \(.runs) iterations\(if .quick then " (quick)" else "" end)\n"' "$out/summary.json"
jq -r '
  def f: if . == null then "-" else (. * 100 | round / 100 | tostring) end;
  def ms($k): .commands[$k].median_ms | f;
  def mb($k): .commands[$k].peak_rss_mb | f;
  (["command", "seccomp", "ours ms", "runc ms", "ours/runc", "(cpu)", "ours(ns) ms", "crun ms", "ours/crun", "(cpu)", "RSS MB ours/runc/crun"] | @tsv),
  (. as $r | .ratios | to_entries[] | (.key | split(".")) as [$s, $c] | [$c, $s,
     ($r | ms("oci-runtime.\($s).\($c)")), ($r | ms("runc.\($s).\($c)")), (.value.vs_runc | f) + "x", (.value.cpu_vs_runc | f) + "x",
     ($r | ms("oci-runtime-ns.\($s).\($c)")), ($r | ms("crun.\($s).\($c)")), (.value.vs_crun | f) + "x", (.value.cpu_vs_crun | f) + "x",
     "\($r | mb("oci-runtime.\($s).\($c)"))/\($r | mb("runc.\($s).\($c)"))/\($r | mb("crun.\($s).\($c)"))"] | @tsv)
' "$out/summary.json" | column -t -s $'\t'
# Floor rows: the process floor each command's time and RSS contain (no container work at all).
jq -r '
  def f: if . == null then "-" else (. * 100 | round / 100 | tostring) end;
  if (.floor | length) == 0 then empty else
  "\nfloor (a process doing no container work; median ms, CPU ms, peak RSS MB):",
  (.floor | to_entries[] | "  \(.key): \(.value.median_ms | f) ms, CPU \(.value.median_cpu_ms | f) ms, \(.value.peak_rss_mb | f) MB") end
' "$out/summary.json"

jq -r '
  def f: . * 100 | round / 100 | tostring;
  def target($what; $v; $max): if $v == null then "  n/a   \($what) (not measured)"
    elif $v <= $max then "  met   \($what): \($v | f) <= \($max)"
    else "  MISSED \($what): \($v | f) > \($max) (by \((($v / $max) - 1) * 100 | round)%)" end;
  "", "targets (issue 16, medians of paired ratios):",
  target("run, podman profile, vs runc"; .ratios["podman.run"].vs_runc; 0.35),
  target("run, podman profile, vs crun"; .ratios["podman.run"].vs_crun; 0.5),
  target("run, no seccomp, vs crun"; .ratios["none.run"].vs_crun; 1.0),
  (. as $r | ("none", "podman") as $s | ("create", "start", "delete", "exec") as $c |
     target("\($c), \($s), vs runc"; $r.ratios["\($s).\($c)"].vs_runc; 0.5),
     target("\($c), \($s), vs crun"; $r.ratios["\($s).\($c)"].vs_crun; 1.0)),
  target("peak RSS of every oci-runtime command (MB)"; [.commands | to_entries[] | select(.key | startswith("oci-runtime")) | .value.peak_rss_mb] | max; 6)
' "$out/summary.json" | grep -v 'n/a.*(not measured)' || true
# The same as a Markdown table, for the README.
jq -r '
  def f: if . == null then "-" else (. * 100 | round / 100 | tostring) end;
  def ms($k): .commands[$k].median_ms | f;
  def mb($k): .commands[$k].peak_rss_mb | f;
  "| command | seccomp | oci-runtime | runc 1.1.5 | ours/runc (cpu) | oci-runtime, ns | crun 1.8.1 | ours/crun (cpu) | peak RSS MB ours / runc / crun |",
  "|---|---|---|---|---|---|---|---|---|",
  (. as $r | .ratios | to_entries[] | (.key | split(".")) as [$s, $c] |
   "| `\($c)` | \($s) | \($r | ms("oci-runtime.\($s).\($c)")) ms | \($r | ms("runc.\($s).\($c)")) ms | **\(.value.vs_runc | f)x** (\(.value.cpu_vs_runc | f)x) | \($r | ms("oci-runtime-ns.\($s).\($c)")) ms | \($r | ms("crun.\($s).\($c)")) ms | **\(.value.vs_crun | f)x** (\(.value.cpu_vs_crun | f)x) | \($r | mb("oci-runtime.\($s).\($c)")) / \($r | mb("runc.\($s).\($c)")) / \($r | mb("crun.\($s).\($c)")) |")
' "$out/summary.json" > "$out/table.md"
echo "(samples: $out/samples.json, summary: $out/summary.json, Markdown table: $out/table.md, runtime stderr: $out/stderr.log)"
[ "$timer_rc" = 0 ] || echo "bench: some timed commands failed (see $out/stderr.log)"

[ "$quick" = 1 ] && exit 0

if [ "${BENCH_VM:-1}" != 0 ]; then
  echo; echo "=== memory charged under memory.max = 512 KiB (pure cgroup v2 qemu guest)"
  if command -v qemu-system-x86_64 >/dev/null; then
    conformance/vm/run-in-vm.sh --timeout 300 -e OCI_RUNTIME="$ours" -e RUNC="$runc_bin" -e CRUN="$crun_bin" \
      -- bench/memcharge.sh | tee "$out/memcharge.txt" || echo "bench: the VM memory check failed"
  else
    echo "  skipped: qemu-system-x86 not installed (conformance/vm/packages.txt)"
  fi
fi

weak_bin=${OCI_WEAK_RUNTIME:-$repo/build/weak/oci-runtime}
if [ -x "$weak_bin" ]; then
  echo; echo "=== bench/protections-ab.sh (interleaved A/B: the cost of the protections)"
  OCI_RUNTIME=$ours OCI_WEAK_RUNTIME=$weak_bin bench/protections-ab.sh
fi

if [ -f bench/seccomp/run.sh ]; then
  echo; echo "=== bench/seccomp/run.sh"
  bash bench/seccomp/run.sh
fi
