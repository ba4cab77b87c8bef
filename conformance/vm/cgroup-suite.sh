#!/usr/bin/env bash
# cgroup-suite.sh — cgroup v2 enforcement by bin/oci-runtime, checked inside the pure cgroup v2
# qemu guest (run-in-vm.sh): memory.max OOM-kills a hog (memory.events, the events stream),
# pids.max stops a fork loop, cpu.max throttles (cpu.stat), device rules deny / allow, freeze and
# thaw, update of a running container, stats, unified keys, nested / relative / default
# cgroupsPath, and delete leaving no cgroup directory.
#
# Prints one "PASS <check>" or "FAIL <check>: <why>" line per check and ends with
# "N passed, N failed"; exits 0 only if nothing failed.
# Usage (host): conformance/vm/cgroup-suite.sh [run-in-vm options]   — boots the VM and runs itself
#        (guest): cgroup-suite.sh --guest
set -uo pipefail

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
REPO=$(cd "$(dirname "$SELF")/../.." && pwd)

if [[ ${1:-} != --guest ]]; then
  exec "$(dirname "$SELF")/run-in-vm.sh" --timeout "${CGROUP_SUITE_TIMEOUT:-300}" "$@" -- "$SELF" --guest
fi
[[ ${RUN_IN_VM:-} == 1 ]] || { echo "cgroup-suite.sh --guest must run inside run-in-vm.sh" >&2; exit 2; }

W=/tmp/cgs
source "$(dirname "$SELF")/suite-lib.sh"
field() { awk -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null; }
rt() { "$RT" --root "$ROOT" "$@"; }
lines_ge() { [ "$(wc -l < "$1")" -ge "$2" ]; }
wait_for() { # wait_for SECONDS COMMAND... (the command is re-run, so pass functions, not $(...))
  local t=$1; shift
  local end=$(( $(date +%s) + t ))
  while ! "$@"; do (( $(date +%s) >= end )) && return 1; sleep 0.1; done
}

echo "# kernel $(uname -r), $(nproc) cpus; runtime $RT; controllers: $(cat $CG/cgroup.controllers)"

# ---- a busybox rootfs and a bundle maker ------------------------------------------------------
mkdir -p $W/rootfs/{bin,proc,dev,sys,tmp,etc} $ROOT
cp /bin/busybox $W/rootfs/bin/busybox
for a in $(/bin/busybox --list); do [[ $a == busybox ]] || ln -s busybox "$W/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/:/bin/sh' > $W/rootfs/etc/passwd
(cd $W && "$RT" spec) || { echo "FAIL spec"; echo "0 passed, 1 failed"; exit 1; }
mv $W/config.json $W/base.json

# bundle NAME CGROUPSPATH JQ-FILTER ARGS...: suite-lib.sh.
# create NAME [OUT]: create from $W/NAME, the container's stdio into OUT; a failure is shown.
create() {
  local out=${2:-/dev/null} err
  if ! rt create --bundle "$W/$1" "$1" > "$out" 2> $W/create.err; then
    echo "# create $1 failed: $(cat $W/create.err)"
    return 1
  fi
}
mknod_caps='.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'

# ---- 1. memory: memory.max OOM-kills a hog; memory.events and the events stream see it --------
bundle mem /cgs/mem '.linux.resources.memory = {limit: 33554432, swap: 33554432}' \
  sh -c 'dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo "hog-exit=$?"; sleep 100'
create mem $W/mem.out
check "memory: memory.max = 32M" eq "$(cat $CG/cgs/mem/memory.max 2>&1)" 33554432
check "memory: swap = limit → memory.swap.max 0" eq "$(cat $CG/cgs/mem/memory.swap.max 2>&1)" 0
rt events --interval 100ms mem > $W/mem.events 2>&1 &
EV=$!
sleep 0.3
rt start mem
wait_for 60 grep -q hog-exit $W/mem.out
check "memory: the hog was OOM-killed (exit 137)" grep -qx hog-exit=137 $W/mem.out
check "memory: memory.events oom_kill >= 1" test "$(field $CG/cgs/mem/memory.events oom_kill)" -ge 1
wait_for 5 grep -q '"type":"oom"' $W/mem.events
check "memory: events stream printed {\"type\":\"oom\"}" grep -q "{\"type\":\"oom\",\"id\":\"mem\"}" $W/mem.events
kill $EV 2>/dev/null; wait $EV 2>/dev/null
rt delete --force mem
check "memory: delete removed the cgroup" test ! -d $CG/cgs/mem

# ---- 2. pids: pids.max stops a fork loop ------------------------------------------------------
# The loop runs in a subshell: busybox sh gives up on a failed fork, and the init must stay.
bundle pids /cgs/pids '.linux.resources.pids = {limit: 10}' \
  sh -c '(for i in $(seq 30); do sleep 100 & done) 2>/dev/null; echo forked; exec sleep 100'
create pids $W/pids.out
rt start pids
wait_for 30 grep -q forked $W/pids.out
sleep 0.3
cur=$(cat $CG/cgs/pids/pids.current 2>&1)
echo "# pids.current $cur, pids.events: $(tr '\n' ' ' < $CG/cgs/pids/pids.events)"
check "pids: pids.max = 10" eq "$(cat $CG/cgs/pids/pids.max 2>&1)" 10
check "pids: the fork loop stopped short of 31 tasks, at most 10 ($cur)" test "$cur" -ge 5 -a "$cur" -le 10
check "pids: pids.events max >= 1" test "$(field $CG/cgs/pids/pids.events max)" -ge 1
check "pids: ps -f json lists every task" eq "$(rt ps -f json pids | jq length)" "$cur"
rt kill --all pids KILL
rt delete --force pids
check "pids: delete removed the cgroup" test ! -d $CG/cgs/pids

# ---- 3. cpu: cpu.max throttles a busy loop; shares → cpu.weight; cpuset -----------------------
bundle cpu /cgs/cpu '.linux.resources.cpu = {quota: 10000, period: 100000, shares: 1024, cpus: "0", mems: "0"}' \
  sh -c 'while :; do :; done'
create cpu
rt start cpu
check "cpu: cpu.max = 10000 100000" eq "$(cat $CG/cgs/cpu/cpu.max 2>&1)" "10000 100000"
check "cpu: shares 1024 → cpu.weight 39" eq "$(cat $CG/cgs/cpu/cpu.weight 2>&1)" 39
check "cpu: cpuset.cpus = 0" eq "$(cat $CG/cgs/cpu/cpuset.cpus 2>&1)" 0
sleep 1.5
check "cpu: cpu.stat nr_throttled > 0" test "$(field $CG/cgs/cpu/cpu.stat nr_throttled)" -gt 0
check "cpu: cpu.stat throttled_usec > 0" test "$(field $CG/cgs/cpu/cpu.stat throttled_usec)" -gt 0
# ---- 4. stats of a running container -----------------------------------------------------------
rt events --stats cpu > $W/stats.json 2>&1
check "stats: type stats, id cpu" eq "$(jq -r '.type + " " + .id' $W/stats.json 2>&1)" "stats cpu"
check "stats: cpu usage total > 0" test "$(jq '.data.cpu.usage.total' $W/stats.json)" -gt 0
check "stats: cpu throttling periods > 0" test "$(jq '.data.cpu.throttling.throttledPeriods // 0' $W/stats.json)" -gt 0
check "stats: memory usage > 0" test "$(jq '.data.memory.usage.usage // 0' $W/stats.json)" -gt 0
check "stats: pids current = 1" eq "$(jq '.data.pids.current' $W/stats.json)" 1
check "stats: memory.stat in raw" test "$(jq '.data.memory.raw | length' $W/stats.json)" -gt 5
rt delete --force cpu

# ---- 5. devices ----------------------------------------------------------------------------------
bundle dev /cgs/dev "$mknod_caps" sh -c \
  'mknod /dev/cg-mem c 1 1 && echo mknod-ok; head -c1 /dev/cg-mem >/dev/null 2>&1 && echo mem-open || echo mem-denied; echo x > /dev/null && echo null-ok; head -c1 /dev/zero | wc -c'
out=$(rt run --bundle $W/dev dev 2>&1)
check "devices: default rules allow mknod but deny opening /dev/mem (1:1)" grep -qx mem-denied <<<"$out"
check "devices: /dev/null and /dev/zero are allowed" eq "$(grep -c -e null-ok -e '^1$' <<<"$out")" 2
bundle devbl /cgs/devbl "$mknod_caps | .linux.resources.devices = [{allow: true, access: \"rwm\"}, {allow: false, type: \"c\", major: 1, minor: 1, access: \"rwm\"}]" \
  sh -c 'mknod /dev/cg-mem c 1 1 2>/dev/null && echo mem-mknod-ok || echo mem-mknod-denied; mknod /dev/cg-zero c 1 5 && head -c1 /dev/cg-zero | wc -c'
out=$(rt run --bundle $W/devbl devbl 2>&1)
check "devices: a deny rule after allow-all denies mknod of 1:1" grep -qx mem-mknod-denied <<<"$out"
check "devices: ... and leaves other devices usable" grep -qx 1 <<<"$out"

# ---- 6. freeze / thaw ------------------------------------------------------------------------------
bundle frz /cgs/frz '.' sh -c 'while :; do echo t; sleep 0.1; done'
create frz $W/frz.out
rt start frz
wait_for 10 lines_ge $W/frz.out 2
check "freeze: pause succeeds" rt pause frz
check "freeze: cgroup.events frozen 1" eq "$(field $CG/cgs/frz/cgroup.events frozen)" 1
check "freeze: state is paused" eq "$(rt state frz | jq -r .status)" paused
n1=$(wc -l < $W/frz.out); sleep 1; n2=$(wc -l < $W/frz.out)
check "freeze: no output while frozen" eq "$n2" "$n1"
check "thaw: resume succeeds" rt resume frz
check "thaw: cgroup.events frozen 0" eq "$(field $CG/cgs/frz/cgroup.events frozen)" 0
check "thaw: state is running" eq "$(rt state frz | jq -r .status)" running
check "thaw: output continues" wait_for 10 lines_ge $W/frz.out $((n2 + 2))
rt delete --force frz

# ---- 7. update of a running container --------------------------------------------------------------
bundle upd /cgs/upd '.linux.resources.memory = {limit: 104857600}' sleep 1000
create upd
rt start upd
check "update: flags accepted" rt update --memory 50M --pids-limit 20 --cpu-quota 20000 --cpu-period 100000 --cpu-share 512 upd
check "update: memory.max = 50M" eq "$(cat $CG/cgs/upd/memory.max)" 52428800
check "update: pids.max = 20" eq "$(cat $CG/cgs/upd/pids.max)" 20
check "update: cpu.max = 20000 100000" eq "$(cat $CG/cgs/upd/cpu.max)" "20000 100000"
check "update: shares 512 → cpu.weight 20" eq "$(cat $CG/cgs/upd/cpu.weight)" 20
check "update: --resources - (stdin)" rt update --resources - upd <<<'{"memory": {"limit": -1}, "pids": {"limit": -1}, "unified": {"memory.high": "80000000"}}'
check "update: memory.max = max" eq "$(cat $CG/cgs/upd/memory.max)" max
check "update: pids.max = max" eq "$(cat $CG/cgs/upd/pids.max)" max
check "update: unified memory.high" eq "$(cat $CG/cgs/upd/memory.high)" 79998976
out=$(rt update --resources - upd <<<'{"unified": {"../memory.max": "1"}}' 2>&1); rc=$?
check "update: a unified key escaping the cgroup is refused" test $rc -ne 0
if ours; then check "update: ... with a message saying why" grep -q "must be a file name inside the cgroup" <<<"$out"
else skip "update: ... with a message saying why" "its own wording"; fi
if ours; then
  out=$(rt update --resources - upd <<<'{"cpu": {"realtimeRuntime": 1000}}' 2>&1)
  check "update: realtime cpu is refused on v2" grep -q "no realtime" <<<"$out"
else skip "update: realtime cpu is refused on v2" "runc 1.1.5 does not refuse it"; fi
check "update: the container still runs" eq "$(rt state upd | jq -r .status)" running
rt delete --force upd

# The device filter is swapped on a running container: /dev/kmsg (1:11) goes from allowed to
# denied. (Not a device of runc's default list: those are appended after the config's rules, so a
# deny of e.g. /dev/zero is undone by them, as in runc.)
if ours; then
  bundle devupd /cgs/devupd "$mknod_caps | .linux.resources.devices = [{allow: true, access: \"rwm\"}]" \
    sh -c 'mknod /dev/cg-kmsg c 1 11; while :; do (: < /dev/cg-kmsg) 2>/dev/null && echo open || echo denied; sleep 0.2; done'
  create devupd $W/devupd.out
  rt start devupd
  wait_for 10 grep -q open $W/devupd.out
  check "update: a devices list replaces the filter" rt update --resources - devupd <<<'{"devices": [{"allow": true, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 11, "access": "rwm"}]}'
  check "update: the running container is now denied /dev/kmsg" wait_for 10 grep -q denied $W/devupd.out
  rt delete --force devupd
else skip "update: a devices list replaces the filter" "runc 1.1.5 update ignores devices"; fi

# ---- 8. cgroupsPath: nested, relative, default ---------------------------------------------------
bundle nest /cgs/nested/a/b '.linux.resources.pids = {limit: 50}' sleep 1000
create nest
pid=$(rt state nest | jq .pid)
check "nested: the init is in /cgs/nested/a/b" grep -qx "0::/cgs/nested/a/b" /proc/$pid/cgroup
check "nested: pids enabled down the chain" grep -qw pids $CG/cgs/nested/a/cgroup.subtree_control
rt delete --force nest
check "nested: delete removed the leaf" test ! -d $CG/cgs/nested/a/b
# A caller in a cgroup of its own: relative and empty cgroupsPath nest below that cgroup's parent
# (runc's fs2 driver: the caller's own cgroup has processes, so it cannot have controlled children).
mkdir -p $CG/cgs-caller/runner
bundle rel rel-child '.linux.resources.pids = {limit: 20}' sleep 1000
bundle dflt '' '.' sleep 1000
(
  echo $BASHPID > $CG/cgs-caller/runner/cgroup.procs
  create rel
  create dflt
)
check "relative: the init is in <caller's parent>/rel-child" grep -qx "0::/cgs-caller/rel-child" /proc/"$(rt state rel | jq .pid)"/cgroup
check "empty: the init is in <caller's parent>/<id>" grep -qx "0::/cgs-caller/dflt" /proc/"$(rt state dflt | jq .pid)"/cgroup
check "relative: its limit is applied" eq "$(cat $CG/cgs-caller/rel-child/pids.max 2>&1)" 20
rt delete --force rel
rt delete --force dflt
check "relative/empty: delete removed both" test ! -d $CG/cgs-caller/rel-child -a ! -d $CG/cgs-caller/dflt

# ---- 9. failures leave nothing behind --------------------------------------------------------------
bundle bad /cgs/bad '.linux.resources.unified = {"nosuch.file": "1"}' true
out=$(rt create --bundle $W/bad bad 2>&1)
check "errors: an unknown unified file fails create, naming it" grep -q 'nosuch.file' <<<"$out"
check "errors: ... and leaves no cgroup" test ! -d $CG/cgs/bad
check "errors: ... and no state" test ! -d $ROOT/bad

rmdir $CG/cgs-caller/runner $CG/cgs-caller $CG/cgs/nested/a $CG/cgs/nested $CG/cgs 2>/dev/null
echo "$PASSED passed, $FAILED failed"
[[ $FAILED == 0 ]]
