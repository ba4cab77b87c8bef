#!/usr/bin/env bash
# rootless-suite.sh — rootless containers with a delegated cgroup v2 subtree and a user systemd
# manager, inside the systemd qemu guest (run-in-vm.sh --systemd: systemd 252 as PID 1, pure v2).
# As root in the guest it creates a user with /etc/subuid and /etc/subgid ranges and starts its
# user manager (user@UID.service; the guest has no logind and no system bus, so two drop-ins do
# what pam_systemd and systemd-user-runtime-dir would: XDG_RUNTIME_DIR, /run/user/UID). Then:
#   * outside any delegated subtree (setpriv from the root-owned test service): no cgroup is a
#     warning only when none was asked for; a limit is refused;
#   * inside the subtree the user manager delegates (a transient service with Delegate=yes, run
#     with systemd-run --user, the way a user session runs a rootless engine), with the cgroupfs
#     driver: memory.max, pids.max, cpu.max applied, read back outside and inside, enforced,
#     updated, removed by delete; a limit whose controller (io, cpuset) was not delegated refused;
#   * --systemd-cgroup through the user's own manager: a transient scope in the user manager's
#     user.slice, properties applied, delete stops it and nothing is left; the same lifecycle with
#     the runtime as uid 0 of a user namespace (unshare --map-root-user), as rootless podman runs it.
#
# Prints "PASS <check>" / "FAIL <check>: <why>" / "SKIP <check> (...)" lines and ends with
# "N passed, N failed"; exits 0 only if nothing failed. OCI_RUNTIME=/usr/sbin/runc runs the same
# checks against runc 1.1.5 (the oracle).
# Usage (host): conformance/vm/rootless-suite.sh [run-in-vm options]   — boots the VM, runs itself
#        (guest): rootless-suite.sh --guest   (as root)   /   rootless-suite.sh --user (the user part)
set -uo pipefail

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
REPO=$(cd "$(dirname "$SELF")/../.." && pwd)
RL_USER=ocirootless
RL_UID=1742
RL_IDS=300000
CG=/sys/fs/cgroup

if [[ ${1:-} != --guest && ${1:-} != --user ]]; then
  exec "$(dirname "$SELF")/run-in-vm.sh" --systemd --timeout "${ROOTLESS_SUITE_TIMEOUT:-480}" "$@" -- "$SELF" --guest
fi
[[ ${RUN_IN_VM:-} == 1 || ${1:-} == --user ]] || { echo "rootless-suite.sh --guest must run inside run-in-vm.sh --systemd" >&2; exit 2; }

# A busybox rootfs and a bundle maker, for both parts. The bundle is runc's `spec --rootless`
# (user namespace with the caller as root, /sys an rbind of the host's), without a cgroup
# namespace so the container reads its cgroup's files at their host path through that /sys.
make_rootfs() {
  mkdir -p $W/rootfs/{bin,proc,dev,sys,tmp,etc}
  cp /bin/busybox $W/rootfs/bin/busybox
  # Only the applets the checks use: every process costs tens of ms under TCG.
  for a in sh cat sed tr dd sleep true id; do ln -s busybox "$W/rootfs/bin/$a"; done
  (cd $W && "$RT" spec --rootless) || return 1
  mv $W/config.json $W/base.json
}
# Every bundle shares the runtime's cgroup namespace, as podman's rootless containers do.
BUNDLE_FILTER='.linux.namespaces |= map(select(.type != "cgroup"))'
T0=${T0:-$(date +%s.%N)}
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
# The container's own cgroup files, read from inside (no cgroup namespace: the host path).
INSIDE='c=$(sed -n "s/^0:://p" /proc/self/cgroup); cat /sys/fs/cgroup$c/memory.max /sys/fs/cgroup$c/pids.max /sys/fs/cgroup$c/cpu.max | tr "\n" " "'

# ================================================================================================
# The user part: inside the transient service the user manager made with Delegate=yes.
# ================================================================================================
if [[ $1 == --user ]]; then
  W=/tmp/rls/u
  source "$(dirname "$SELF")/suite-lib.sh"
  rt() { "$RT" --root "$ROOT" "$@"; }
  uprop() { systemctl --user show -p "$2" --value "$1" 2>&1; }
  unit_gone() { local i; for i in $(seq 50); do [[ $(uprop "$1" LoadState) == not-found ]] && return 0; sleep 0.1; done; return 1; }
  report() { echo "$PASSED $FAILED" > $W/counts; }
  trap report EXIT
  make_rootfs || { fail "spec --rootless" "as uid $(id -u)"; exit 1; }
  SVC=$(sed -n 's/^0:://p' /proc/self/cgroup)
  echo "# user part: uid $(id -u), XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR, in $SVC (controllers: $(cat $CG$SVC/cgroup.controllers))"
  check "delegated: the service's cgroup belongs to the user" eq "$(stat -c %u $CG$SVC)" "$(id -u)"
  # The delegatee's own rule: its processes move to a leaf, so the service's cgroup can give
  # controllers to the containers' cgroups beside it (no internal processes).
  mkdir -p $CG$SVC/sup && echo $$ > $CG$SVC/sup/cgroup.procs
  check "delegated: the suite moved itself into a leaf" grep -qx "0::$SVC/sup" /proc/self/cgroup

  # ---- a. limits with the cgroupfs driver in the delegated subtree ------------------------------
  echo "# cgroupfs at $(elapsed) s"
  L=$SVC/lim
  bundle lim "$L" '.linux.resources = {memory: {limit: 33554432, swap: 33554432}, pids: {limit: 10}, cpu: {quota: 50000, period: 100000}}' sleep 1000
  if rt create --bundle $W/lim lim > /dev/null 2> $W/lim.err; then
    rt start lim
    pid=$(rt state lim | jq .pid)
    check "cgroupfs: the init is in the delegated cgroupsPath" grep -qx "0::$L" /proc/$pid/cgroup
    check "cgroupfs: memory.max (outside)" eq "$(cat $CG$L/memory.max 2>&1)" 33554432
    check "cgroupfs: pids.max (outside)" eq "$(cat $CG$L/pids.max 2>&1)" 10
    check "cgroupfs: cpu.max (outside)" eq "$(cat $CG$L/cpu.max 2>&1)" "50000 100000"
    check "cgroupfs: memory.max, pids.max, cpu.max (inside)" eq "$(rt exec lim sh -c "$INSIDE" 2>&1)" "33554432 10 50000 100000 "
    rt exec lim dd if=/dev/zero of=/dev/null bs=64M count=1 > /dev/null 2>&1
    check "cgroupfs: memory.max enforced (64 MiB in the container is OOM-killed, 137)" eq "$?" 137
    rt exec lim sh -c 'i=0; while [ $i -lt 15 ]; do sleep 3 & i=$((i + 1)); done 2>/dev/null; true' > /dev/null 2>&1
    check "cgroupfs: pids.max enforced (pids.events max > 0)" test "$(awk '$1 == "max" {print $2}' $CG$L/pids.events)" -gt 0
    rt update --memory 67108864 --pids-limit 20 lim
    check "cgroupfs: update → memory.max" eq "$(cat $CG$L/memory.max 2>&1)" 67108864
    check "cgroupfs: update → pids.max" eq "$(cat $CG$L/pids.max 2>&1)" 20
    rt delete --force lim
    check "cgroupfs: delete removed the cgroup" test ! -d $CG$L
  else
    fail "cgroupfs: create with limits in the delegated subtree" "$(cat $W/lim.err)"
  fi

  # ---- a. a limit whose controller was not delegated (user@.service: Delegate=pids memory cpu) --
  for c in io cpuset; do
    case $c in
      io) res='{blockIO: {weight: 500}}' ;;
      cpuset) res='{cpu: {cpus: "0"}}' ;;
    esac
    bundle "nd-$c" "$SVC/nd-$c" ".linux.resources = $res" true
    rt create --bundle "$W/nd-$c" "nd-$c" > /dev/null 2> "$W/nd-$c.err"
    check "not delegated: a $c limit is refused" test $? -ne 0
    if ours; then
      check "not delegated: the $c refusal names the controller and the delegation" \
        grep -q "the $c controller is not delegated to uid $(id -u)" "$W/nd-$c.err"
    else
      skip "not delegated: the $c refusal names the controller" "$(head -c 200 "$W/nd-$c.err")"
    fi
    check "not delegated: nothing left of the $c container" test ! -d "$CG$SVC/nd-$c" -a ! -d "$ROOT/nd-$c"
    rt delete --force "nd-$c" 2> /dev/null
  done

  # ---- b. --systemd-cgroup through the user's own manager ---------------------------------------
  echo "# systemd at $(elapsed) s"
  MGR=$(systemctl --user show -p ControlGroup --value)
  bundle sd "" '.linux.resources = {memory: {limit: 67108864}, pids: {limit: 30}, cpu: {quota: 50000, period: 100000}}' sleep 1000
  if rt --systemd-cgroup create --bundle $W/sd sd > /dev/null 2> $W/sd.err; then
    S=$MGR/user.slice/runc-sd.scope
    pid=$(rt state sd | jq .pid)
    check "systemd: scope runc-sd.scope is active in the user manager" eq "$(uprop runc-sd.scope ActiveState)" active
    check "systemd: in the user manager's user.slice" eq "$(uprop runc-sd.scope Slice)" user.slice
    check "systemd: the scope's cgroup is under user@$(id -u).service" eq "$(uprop runc-sd.scope ControlGroup)" "$S"
    check "systemd: the init is in the scope" grep -qx "0::$S" /proc/$pid/cgroup
    check "systemd: memory.max file" eq "$(cat $CG$S/memory.max 2>&1)" 67108864
    check "systemd: MemoryMax property" eq "$(uprop runc-sd.scope MemoryMax)" 67108864
    check "systemd: pids.max file" eq "$(cat $CG$S/pids.max 2>&1)" 30
    check "systemd: TasksMax property" eq "$(uprop runc-sd.scope TasksMax)" 30
    check "systemd: cpu.max file" eq "$(cat $CG$S/cpu.max 2>&1)" "50000 100000"
    check "systemd: CPUQuotaPerSecUSec property" eq "$(uprop runc-sd.scope CPUQuotaPerSecUSec)" 500ms
    rt start sd
    check "systemd: limits read back inside" eq "$(rt exec sd sh -c "$INSIDE" 2>&1)" "67108864 30 50000 100000 "
    rt --systemd-cgroup delete --force sd
    check "systemd: delete stopped the unit" unit_gone runc-sd.scope
    check "systemd: delete removed the scope's cgroup" test ! -d $CG$S
    check "systemd: delete removed the state" test ! -d $ROOT/sd
  else
    fail "systemd: create through the user manager" "$(cat $W/sd.err)"
  fi

  # ---- c. --systemd-cgroup as uid 0 of a user namespace (how rootless podman calls the runtime) -
  # uid 0 there is the user here; the manager sees the user's uid through SO_PEERCRED, so AUTH
  # EXTERNAL must name that uid, not 0. Every command in a namespace of its own, as `unshare
  # --map-root-user` makes (setgroups denied in it); the container shares the runtime's
  # namespace, as podman's containers do (no user namespace in the config).
  echo "# systemd from uid 0 of a user namespace at $(elapsed) s"
  inns() { unshare --user --map-root-user "$RT" --root "$ROOT" --systemd-cgroup "$@"; }
  check "userns: uid 0 inside is the user outside" \
    eq "$(unshare --user --map-root-user sh -c 'id -u; cat /proc/self/uid_map' | tr -s ' \n' ' ')" "0 0 $(id -u) 1 "
  bundle sdns "" 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces |= map(select(.type != "user"))
      | .linux.resources = {pids: {limit: 30}}' sleep 1000
  if inns create --bundle $W/sdns sdns > /dev/null 2> $W/sdns.err; then
    S=$MGR/user.slice/runc-sdns.scope
    pid=$(inns state sdns | jq .pid)
    check "userns: scope runc-sdns.scope is active in the user manager" eq "$(uprop runc-sdns.scope ActiveState)" active
    check "userns: in the user manager's user.slice" eq "$(uprop runc-sdns.scope Slice)" user.slice
    check "userns: the init is in the scope, under user@$(id -u).service" grep -qx "0::$S" /proc/$pid/cgroup
    check "userns: TasksMax property and pids.max file" eq "$(uprop runc-sdns.scope TasksMax) $(cat $CG$S/pids.max 2>&1)" "30 30"
    inns start sdns
    check "userns: start → running" eq "$(inns state sdns | jq -r .status)" running
    check "userns: the init runs as the user" eq "$(stat -c %u /proc/$pid)" "$(id -u)"
    inns delete --force sdns
    check "userns: delete stopped the unit" unit_gone runc-sdns.scope
    check "userns: delete removed the scope's cgroup" test ! -d $CG$S
    check "userns: delete removed the state" test ! -d $ROOT/sdns
  else
    fail "userns: create through the user manager as uid 0 of a user namespace" "$(cat $W/sdns.err)"
    inns delete --force sdns 2> /dev/null
  fi
  exit 0
fi

# ================================================================================================
# The root part: the user, its manager, the checks outside the delegated subtree, then the user part.
# ================================================================================================
W=/tmp/rls
source "$(dirname "$SELF")/suite-lib.sh"
echo "# $(systemctl --version | head -1); PID 1 is $(cat /proc/1/comm); runtime $RTNAME"
check "guest: systemd is PID 1, pure cgroup v2" eq "$(cat /proc/1/comm) $(stat -fc %T $CG)" "systemd cgroup2fs"

# ---- the user, its id ranges and its manager ------------------------------------------------------
useradd -m -u $RL_UID -U -s /bin/sh $RL_USER
printf '%s:%s:65536\n' $RL_USER $RL_IDS > /etc/subuid
printf '%s:%s:65536\n' $RL_USER $RL_IDS > /etc/subgid
RL_GID=$(id -g $RL_USER)
XDG=/run/user/$RL_UID
# No logind and no system bus in the guest: pam_systemd would set XDG_RUNTIME_DIR, and
# systemd-user-runtime-dir asks logind (over the system bus) for the tmpfs size. The drop-ins give
# the manager its XDG_RUNTIME_DIR and make the directory without logind; DefaultDependencies=no
# keeps sysinit.target (udev, tmpfiles, journald: ~30 s under TCG) out of the start.
mkdir -p /etc/systemd/system/user@.service.d /etc/systemd/system/user-runtime-dir@.service.d
printf '%s\n' '[Unit]' 'DefaultDependencies=no' '[Service]' 'Environment=XDG_RUNTIME_DIR=/run/user/%i' \
  > /etc/systemd/system/user@.service.d/90-run-in-vm.conf
printf '%s\n' '[Unit]' 'DefaultDependencies=no' '[Service]' 'ExecStart=' \
  "ExecStart=/bin/sh -c 'install -d -m 0700 -o \$1 -g \$(id -g \$1) /run/user/\$1' sh %i" \
  'ExecStop=' 'ExecStop=/bin/rm -rf /run/user/%i' > /etc/systemd/system/user-runtime-dir@.service.d/90-run-in-vm.conf
systemctl daemon-reload
t=$(date +%s%N)
systemctl start user@$RL_UID.service
echo "# user@$RL_UID.service started in $(( ($(date +%s%N) - t) / 1000000 )) ms (TCG)"
UCG=$CG/user.slice/user-$RL_UID.slice/user@$RL_UID.service
check "user: user@$RL_UID.service is active" eq "$(systemctl show -p ActiveState --value user@$RL_UID.service)" active
check "user: /run/user/$RL_UID belongs to the user, 0700" eq "$(stat -c '%u %a' $XDG 2>&1)" "$RL_UID 700"
check "user: the manager's private socket exists" test -S $XDG/systemd/private
check "user: the manager's cgroup is delegated to the user" eq "$(stat -c %u $UCG 2>&1)" $RL_UID
check "user: memory, pids and cpu are delegated" eq "$(tr ' ' '\n' < $UCG/cgroup.controllers | sort | tr '\n' ' ')" "cpu memory pids "

as_user() { setpriv --reuid=$RL_UID --regid=$RL_GID --init-groups env -i PATH="$PATH" HOME=/home/$RL_USER USER=$RL_USER \
  XDG_RUNTIME_DIR=$XDG DBUS_SESSION_BUS_ADDRESS=unix:path=$XDG/bus "$@"; }
chmod 0755 $W
mkdir -p $W/u && chown $RL_UID:$RL_GID $W/u

# ---- outside the delegated subtree: the runtime as the user in the root-owned test service ------
echo "# outside delegation at $(elapsed) s"
mkdir -p $W/o && chown $RL_UID:$RL_GID $W/o
OW=$W/o
as_user env W=$OW RT="$RT" bash -c "$(declare -f make_rootfs bundle); make_rootfs && bundle nocg '' . true && bundle lim '' '.linux.resources = {pids: {limit: 10}}' true"
as_user "$RT" --root $OW/state --log $OW/nocg.log run --bundle $OW/nocg nocg > $OW/nocg.out 2>&1
check "no delegation, no limit: the container runs without a cgroup" eq "$?" 0
if ours; then
  check "no delegation, no limit: a warning in --log" grep -q 'running without a cgroup' $OW/nocg.log
else
  skip "no delegation, no limit: a warning in --log" "runc 1.1.5 ignores the error silently"
fi
as_user "$RT" --root $OW/state run --bundle $OW/lim lim > /dev/null 2> $OW/lim.err
check "no delegation, a limit: refused" test $? -ne 0
if ours; then
  check "no delegation, a limit: the refusal names the setting and the delegation" grep -q 'linux.resources.pids.limit: rootless: .*delegate' $OW/lim.err
fi
as_user "$RT" --root $OW/state delete --force lim 2> /dev/null

# ---- the user part, in a transient service of the user's manager with Delegate=yes --------------
env_args=(-E "T0=$T0")
echo "# user part at $(elapsed) s"
[[ -n ${OCI_RUNTIME:-} ]] && env_args+=(-E "OCI_RUNTIME=$OCI_RUNTIME")
as_user timeout 300 systemd-run --user --wait --pipe --quiet --collect -p Delegate=yes --unit=oci-rootless-suite \
  "${env_args[@]}" -- "$SELF" --user
urc=$?
if [[ -s $W/u/counts ]]; then
  read -r up uf < $W/u/counts
  PASSED=$((PASSED + up)); FAILED=$((FAILED + uf))
  check "user part: ran to the end (exit status $urc)" test $urc -eq 0
else
  fail "user part" "no counts (systemd-run --user exited $urc)"
fi
check "user part: no unit of the suite is left in the user manager" \
  eq "$(as_user systemctl --user list-units --all --no-legend 'runc-*' 2>&1 | wc -l)" 0

echo "# rootless suite took $(elapsed) s in the guest"
echo "$PASSED passed, $FAILED failed"
[[ $FAILED == 0 ]]
