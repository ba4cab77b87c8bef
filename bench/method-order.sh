#!/usr/bin/env bash
# bench/method-order.sh (make method-order): regenerates Runtime/method-order.txt, the order in
# which ILC lays out managed methods (IlcOrderFile in nativeaot.props).
#
# Why: the kernel maps a file-backed page fault's whole 64 KiB neighbourhood (fault-around), so
# code that a command runs, scattered over 2.1 MB of managed code, made almost all of it resident:
# 1.9 MB of `state`'s 6.7 MB peak RSS was our text. Methods the short commands run are laid out
# first (tier 1: state/kill/list, tier 2: start/kill/delete, tier 3: create/run/exec), so each
# command touches a few contiguous windows instead (docs/performance.md has the numbers).
#
# How: the built binary (bin/oci-runtime, symbols from build/publish/oci-runtime.dbg) runs each
# tier's commands under `perf record` twice: sampled at 49 kHz (the hot set), and with every
# page fault's address (perf -d: the first method touched in each 64 KiB window, which sampling
# can miss). The current file's names are kept after the new ones, so running this on a binary
# built with the file refines it (each pass finds the methods behind the windows still touched);
# two passes converged in the measurements. Names that no longer exist are ignored by ILC.
# Needs root, perf, jq, busybox-static. Then `make` and compare with `make bench-quick`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
bin=${OCI_RUNTIME:-$repo/bin/oci-runtime}
dbg=${OCI_RUNTIME_DBG:-$repo/build/publish/oci-runtime.dbg}
iters=${ORDER_ITERATIONS:-60}
out=$repo/Runtime/method-order.txt
die() { echo "method-order: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "must run as root"
command -v perf >/dev/null || die "perf missing (apt-get install linux-perf)"
[ -x "$bin" ] && [ -f "$dbg" ] || die "$bin or $dbg missing (make)"
perf buildid-cache --add "$dbg" 2>/dev/null || true

work=$(mktemp -d /tmp/oci-order.XXXXXX)
chmod 755 "$work"
root=$work/root
cleanup() {
  for id in $(ls "$root" 2>/dev/null); do "$bin" --root "$root" delete --force "$id" >/dev/null 2>&1 || true; done
  for d in /sys/fs/cgroup/*/oci-order-$$; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# A busybox bundle. The short-lived containers get no cgroupsPath, hence one cgroup per id (a
# shared one would send delete down its "cgroup not empty" path instead of the usual one).
mkdir -p "$work/rootfs"/{bin,etc,proc,dev,sys,tmp} "$root"
cp /bin/busybox "$work/rootfs/bin/busybox"
for a in true sleep sh; do ln -s busybox "$work/rootfs/bin/$a"; done
"$bin" spec --bundle "$work"
bundle() { # NAME ARGS-JSON SECCOMP(none|podman)
  mkdir -p "$work/$1"
  jq --arg root "$work/rootfs" --arg cg "/oci-order-$$/$1" --argjson args "$2" --arg sc "$3" --slurpfile prof "$repo/bench/podman-default-seccomp.json" \
     '.root = {path: $root, readonly: true} | .process.terminal = false | .process.args = $args
      | if $args[0] == "/bin/sleep" then .linux.cgroupsPath = $cg else del(.linux.cgroupsPath) end
      | if $sc == "podman" then .linux.seccomp = $prof[0] else del(.linux.seccomp) end' "$work/config.json" > "$work/$1/config.json"
}
bundle long '["/bin/sleep","100000"]' none
bundle short '["/bin/true"]' none
bundle sec '["/bin/true"]' podman
"$bin" --root "$root" run -d --bundle "$work/long" long

R="$bin --root $root"
tier1="$R state long >/dev/null; $R kill long 0; $R list >/dev/null"
tier2="$R start c\$i; $R kill c\$i KILL 2>/dev/null || true; $R delete --force c\$i"
tier3="$R run --bundle $work/short r\$i; $R run --bundle $work/sec q\$i; $R exec long /bin/true; $R create --bundle $work/short k\$i; $R delete --force k\$i"
created() { for i in $(seq "$1"); do "$bin" --root "$root" create --bundle "$work/short" "c$i"; done; }

# profile TIER N LOOP-BODY: managed method names seen sampled or faulting, most samples first.
profile() {
  local t=$1 n=$2 body=$3
  perf record -q -F 49000 -o "$work/$t.s" -- sh -c "for i in \$(seq $n); do $body; done" >/dev/null 2>&1
  perf report -i "$work/$t.s" --comm oci-runtime --dso oci-runtime --sort sym -g none --no-children 2>/dev/null \
    | awk '$2 == "[.]" { print $3 }' > "$work/$t.names"
  [ "$t" = tier2 ] && created 3
  perf record -q -e page-faults -c 1 -d -o "$work/$t.f" -- sh -c "for i in 1 2 3; do $body; done" >/dev/null 2>&1
  # Fields: comm, fault address, its symbol, its dso, ...: faults inside our binary, by symbol.
  perf script -i "$work/$t.f" -F comm,addr,ip,sym,dso 2>/dev/null \
    | awk '$1 == "oci-runtime" && $4 ~ /oci-runtime\)$/ { print $3 }' >> "$work/$t.names"
}
profile tier1 "$iters" "$tier1"
created "$iters"; profile tier2 "$iters" "$tier2"
profile tier3 "$((iters / 3 + 1))" "$tier3"

# Only managed methods: symbols inside ILC's sections (the C++ runtime and the C helper in .text
# are laid out by the linker, not by the order file).
readelf -S -W "$dbg" 2>/dev/null | awk '$2 == "__managedcode" || $2 == "__unbox" { print $4, $6 }' > "$work/ranges"
[ -s "$work/ranges" ] || die "no __managedcode section in $dbg"
nm "$dbg" | python3 -c '
import sys
r = [(int(a, 16), int(a, 16) + int(n, 16)) for a, n in (l.split() for l in open(sys.argv[1]))]
for l in sys.stdin:
    p = l.split()
    if len(p) == 3 and p[1] in "tT" and any(lo <= int(p[0], 16) < hi for lo, hi in r): print(p[2])
' "$work/ranges" | sort -u > "$work/methods"
# Each tier: this run's names, then the names the file already had in that tier (a method seen
# once keeps its place even when this run's samples miss it). "# tier N" lines mark the tiers.
for t in 1 2 3; do
  { cat "$work/tier$t.names"
    [ -f "$out" ] && awk -v t="$t" '/^# tier / { cur = $3; next } /^#/ { next } cur == t' "$out"
  } > "$work/cand$t"
done
{
  echo "# ILC method layout (IlcOrderFile): written by bench/method-order.sh, read by nativeaot.props."
  echo "# Methods the short commands run first, so that each command's code sits in a few 64 KiB windows."
  python3 -c '
import sys
methods = set(l.strip() for l in open(sys.argv[1]))
seen = set()
for t, f in enumerate(sys.argv[2:], 1):
    print("# tier %d" % t)
    for n in (l.split()[-1] for l in open(f) if l.strip()):
        if n in methods and n not in seen:
            seen.add(n); print(n)
' "$work/methods" "$work/cand1" "$work/cand2" "$work/cand3"
} > "$work/order"
mv "$work/order" "$out"
echo "method-order: $(grep -vc '^#' "$out") methods -> $out (rebuild with make)"
