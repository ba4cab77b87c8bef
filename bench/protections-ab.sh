#!/usr/bin/env bash
# bench/protections-ab.sh: the cost of the protections against hostile images, measured as an
# interleaved A/B of bin/oci-runtime and the test-only weak build (make weak: every protection
# in conformance/Security/weakenings.txt compiled out) on the same bundle: A, B, A, B, ... so
# that the drift of a shared machine hits both alike. Prints the median wall time of each and the
# difference, for `run /bin/true` and `exec /bin/true`. Env: AB_RUNS (default 200). Needs root,
# busybox-static and jq; `make bench` runs it when the weak build exists.
set -euo pipefail
cd "$(dirname "$0")/.."
ours=${OCI_RUNTIME:-$PWD/bin/oci-runtime}
weak=${OCI_WEAK_RUNTIME:-$PWD/build/weak/oci-runtime}
runs=${AB_RUNS:-200}
[ -x "$ours" ] && [ -x "$weak" ] || { echo "protections-ab: need $ours and $weak (make && make weak)" >&2; exit 2; }
work=$(mktemp -d /tmp/oci-ab.XXXXXX); chmod 755 "$work"
cg=oci-ab-$$
cleanup() {
  for rt in "$ours" "$weak"; do for r in "$work"/root-*; do [ -d "$r" ] && for id in $(ls "$r"); do "$rt" --root "$r" delete --force "$id" >/dev/null 2>&1 || true; done; done; done
  for h in /sys/fs/cgroup/*/; do [ -d "$h$cg" ] && { find "$h$cg" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null; rmdir "$h$cg" 2>/dev/null; }; done
  rm -rf "$work"
}
trap cleanup EXIT
rootfs=$work/rootfs; mkdir -p "$rootfs"/{bin,proc,dev,sys,tmp,etc}
cp /bin/busybox "$rootfs/bin/"; for a in true sleep sh; do ln -s busybox "$rootfs/bin/$a"; done
"$ours" spec --bundle "$work"
jq --arg r "$rootfs" --arg cg "/$cg/c" '.root={path:$r,readonly:true} | .process.terminal=false | .process.args=["/bin/true"] | .linux.cgroupsPath=$cg' \
  "$work/config.json" > "$work/c" && mv "$work/c" "$work/config.json"
mkdir -p "$work/x"; jq '.process.args=["sleep","1000"] | .linux.cgroupsPath += "x"' "$work/config.json" > "$work/x/config.json"

now() { date +%s%N; }
declare -A t
for name in ours weak; do
  rt=$ours; [ $name = weak ] && rt=$weak
  mkdir -p "$work/root-$name"
  "$rt" --root "$work/root-$name" run -d --bundle "$work/x" x-$name </dev/null >/dev/null
done
for i in $(seq 1 "$runs"); do
  for name in ours weak; do
    rt=$ours; [ $name = weak ] && rt=$weak
    s=$(now); "$rt" --root "$work/root-$name" run --bundle "$work" r-$name-$i </dev/null >/dev/null; e=$(now)
    t[run-$name]+="$(( (e - s) / 1000 )) "
    s=$(now); "$rt" --root "$work/root-$name" exec x-$name /bin/true </dev/null >/dev/null; e=$(now)
    t[exec-$name]+="$(( (e - s) / 1000 )) "
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-16s %14s %14s %14s\n' "scenario ($runs)" "oci-runtime" "unprotected" "cost"
for s in run exec; do
  a=$(echo "${t[$s-ours]}" | median); b=$(echo "${t[$s-weak]}" | median)
  awk -v s="$s /bin/true" -v a="$a" -v b="$b" 'BEGIN { printf "%-16s %11.2f ms %11.2f ms %+11.2f ms\n", s, a/1000, b/1000, (a-b)/1000 }'
done
