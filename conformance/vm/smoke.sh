#!/usr/bin/env bash
# smoke.sh — proves the VM harness: boots the guest with run-in-vm.sh and checks, inside it, that
#   1. /sys/fs/cgroup is a pure cgroup v2 hierarchy offering memory, pids, cpu, io, cpuset;
#   2. a child cgroup with pids.max=5 stops a fork loop at 5 tasks (pids.events max >= 1);
#   3. a memory hog in a child cgroup with memory.max=32M is OOM-killed (memory.events oom_kill >= 1);
#   4. runc runs a busybox container with a 32M memory limit: the container sees memory.max=33554432
#      and a memory hog inside it is OOM-killed.
# Exit 0 only if every check holds. Usage: conformance/vm/smoke.sh [run-in-vm options]
set -uo pipefail

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")

if [[ ${1:-} != --guest ]]; then
  # On the host: run this same script inside the VM.
  exec "$(dirname "$SELF")/run-in-vm.sh" --timeout 300 "$@" -- "$SELF" --guest
fi

[[ ${RUN_IN_VM:-} == 1 ]] || { echo "smoke.sh --guest must run inside run-in-vm.sh" >&2; exit 2; }

FAILED=0
N=0
ok()     { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
check()  { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
field()  { awk -v k="$2" '$1 == k { print $2 }' "$1"; }   # "key value" files: memory.events etc.

CG=/sys/fs/cgroup
echo "# kernel $(uname -r), $(nproc) cpus, $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)"

# 1. pure cgroup v2 with the controllers we need ---------------------------------------------
check "/sys/fs/cgroup is cgroup2" [ "$(stat -f -c %T $CG)" = cgroup2fs ]
check "no cgroup v1 hierarchy mounted" [ -z "$(awk '$3 == "cgroup"' /proc/mounts)" ]
controllers=$(cat $CG/cgroup.controllers)
echo "# cgroup.controllers: $controllers"
for c in memory pids cpu io cpuset; do
  check "controller $c available" grep -qw "$c" <<<"$controllers"
  check "controller $c enabled in root subtree_control" grep -qw "$c" $CG/cgroup.subtree_control
done

# 2. pids.max=5 stops a fork loop ----------------------------------------------------------------
P=$CG/smoke-pids
mkdir $P
echo 5 > $P/pids.max
# A forker (perl-base is essential in Debian) moves itself into the cgroup and tries to fork 20
# sleepers; a failed fork is counted, not fatal. It reports "<forked> <failed>" and stays alive.
perl -e 'open(my $f, ">", $ARGV[0]) or die; print $f "$$\n"; close $f;
         my ($ok, $fail) = (0, 0);
         for (1 .. 20) { my $p = fork; if (!defined $p) { $fail++; next } if (!$p) { sleep 60; exit 0 } $ok++ }
         open(my $o, ">", $ARGV[1]); print $o "$ok $fail\n"; close $o; sleep 60' \
     $P/cgroup.procs /tmp/smoke-forks &
for _ in $(seq 100); do [ -s /tmp/smoke-forks ] && break; sleep 0.1; done
read -r forked failed < /tmp/smoke-forks
echo "# forks: $forked succeeded, $failed failed; pids.current $(cat $P/pids.current); pids.events: $(cat $P/pids.events)"
check "fork loop stopped at the limit: 4 of 20 forks succeeded (forker + 4 = pids.max 5)" [ "$forked" = 4 -a "$failed" = 16 ]
check "pids.current = 5 with the forker alive" [ "$(cat $P/pids.current)" -eq 5 ]
check "pids.events max >= 1" [ "$(field $P/pids.events max)" -ge 1 ]
echo 1 > $P/cgroup.kill
{ wait; } 2>/dev/null   # the killed forker is no news
for _ in $(seq 50); do [ "$(cat $P/pids.current)" -eq 0 ] && break; sleep 0.1; done
rmdir $P || not_ok "rmdir $P"

# 3. memory.max=32M OOM-kills a hog ---------------------------------------------------------------
M=$CG/smoke-mem
mkdir $M
echo 32M > $M/memory.max
echo 5 > $M/pids.max
echo "# memory.max $(cat $M/memory.max), pids.max $(cat $M/pids.max)"
# dd with a 128 MiB block reads /dev/zero into (and so touches) 128 MiB of anonymous memory.
{ sh -c 'echo $$ > '"$M"'/cgroup.procs; exec dd if=/dev/zero of=/dev/null bs=128M count=1'; } 2>/dev/null
rc=$?
echo "# hog exit status $rc; memory.events: $(tr '\n' ' ' < $M/memory.events)"
check "memory hog killed by SIGKILL (exit 137)" [ $rc -eq 137 ]
check "memory.events oom_kill >= 1" [ "$(field $M/memory.events oom_kill)" -ge 1 ]
if [ -f $M/memory.peak ]; then
  check "memory.peak stayed within 32M ($(cat $M/memory.peak))" [ "$(cat $M/memory.peak)" -le $((32 << 20)) ]
fi
# A small allocation in the same cgroup still works.
sh -c 'echo $$ > '"$M"'/cgroup.procs; exec dd if=/dev/zero of=/dev/null bs=4M count=1' 2>/dev/null
check "an allocation under the limit succeeds" [ $? -eq 0 ]
rmdir $M || not_ok "rmdir $M"

# 4. runc with a memory limit ---------------------------------------------------------------------
RUNC=$(command -v runc || echo /usr/sbin/runc)
if [ ! -x "$RUNC" ]; then
  not_ok "runc present in the guest (apt-get install runc on the host)"
else
  echo "# $($RUNC --version | head -1)"
  B=/tmp/smoke-bundle
  mkdir -p $B/rootfs/bin $B/rootfs/proc $B/rootfs/sys $B/rootfs/dev $B/rootfs/tmp
  cp /bin/busybox $B/rootfs/bin/busybox
  for a in sh cat dd echo sleep; do ln -s busybox $B/rootfs/bin/$a; done
  (cd $B && "$RUNC" spec)
  jq '.process.terminal = false
      | .process.args = ["/bin/sh", "-c", "cat /sys/fs/cgroup/memory.max; dd if=/dev/zero of=/dev/null bs=128M count=1 2>/dev/null; rc=$?; echo dd-exit=$rc; exit $rc"]
      | .linux.resources.memory = {"limit": 33554432, "swap": 33554432}
      | .linux.cgroupsPath = "/smoke-runc"' $B/config.json > $B/config.json.new && mv $B/config.json.new $B/config.json
  out=$(cd $B && "$RUNC" --root /run/runc run smoke 2>&1)
  rc=$?
  echo "# runc run exit status $rc; output: $(tr '\n' ' ' <<<"$out")"
  check "runc container sees memory.max = 33554432" grep -qx 33554432 <<<"$out"
  check "memory hog inside the runc container was OOM-killed (exit 137)" [ $rc -eq 137 ]
  check "the hog inside the container died of SIGKILL (dd-exit=137)" grep -qx dd-exit=137 <<<"$out"
  "$RUNC" --root /run/runc delete -f smoke >/dev/null 2>&1
  [ -d $CG/smoke-runc ] && rmdir $CG/smoke-runc 2>/dev/null
  # A plain run under the same limit succeeds.
  jq '.process.args = ["/bin/echo", "hello from runc"]' $B/config.json > $B/c2 && mv $B/c2 $B/config.json
  out=$(cd $B && "$RUNC" --root /run/runc run smoke2 2>&1)
  check "runc runs a busybox container (exit 0, output seen)" [ $? -eq 0 -a "$out" = "hello from runc" ]
fi

echo "1..$N"
if [ $FAILED -eq 0 ]; then echo "# smoke: all $N checks passed"; exit 0; fi
echo "# smoke: $FAILED of $N checks FAILED"
exit 1
