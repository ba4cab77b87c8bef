#!/usr/bin/env bash
# run-in-vm.sh — run one command as root inside a throw-away qemu guest whose only cgroup
# hierarchy is a pure cgroup v2 one at /sys/fs/cgroup (cgroup_no_v1=all), with all controllers
# enabled in the root's cgroup.subtree_control.
#
#   conformance/vm/run-in-vm.sh [--timeout SECONDS] [--mem MB] [--cpus N] [-e NAME[=VALUE]]...
#                               [--export DIR] [--systemd] [--verbose] -- COMMAND [ARGS...]
#
# The guest boots Debian's own kernel (software emulation, TCG: KVM hangs on these machines) with
# a tiny busybox initramfs that mounts the host's / read-only over virtio-9p and switch_roots into
# it, so COMMAND sees the host's files and binaries (same paths), with writable tmpfs on /tmp,
# /run, /var/tmp, /dev/shm. COMMAND runs with cwd = the caller's cwd, PATH and selected env vars
# passed through; its stdout and stderr are streamed back to this script's stdout and stderr,
# and this script exits with COMMAND's exit status.
#
# --systemd boots systemd as PID 1 instead (over a tmpfs overlay of the host root, cgroup2 mounted
# by systemd, only a dedicated target started: systemd.unit=run-in-vm.target) and runs COMMAND as
# its one service, so the systemd cgroup driver can be tested against real systemd.
#
# Exit status: COMMAND's status; 124 if --timeout expired; 125 if the VM failed to boot or the
# command never completed (a message and the tail of the guest console go to stderr).
# See docs/vm-harness.md.
set -euo pipefail

SELF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SELF_DIR/../.." && pwd)
CACHE_DIR=${RUN_IN_VM_CACHE:-$REPO_ROOT/build/vm}

TIMEOUT=600
MEM=1024
CPUS=2
VERBOSE=0
SYSTEMD=0
EXPORT_DIR=
EXTRA_ENV=()

die() { echo "run-in-vm: $*" >&2; exit 125; }
usage() {
  sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 125
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --timeout) TIMEOUT=${2:?}; shift 2 ;;
    --timeout=*) TIMEOUT=${1#*=}; shift ;;
    --mem) MEM=${2:?}; shift 2 ;;
    --mem=*) MEM=${1#*=}; shift ;;
    --cpus) CPUS=${2:?}; shift 2 ;;
    --cpus=*) CPUS=${1#*=}; shift ;;
    -e|--env) EXTRA_ENV+=("${2:?}"); shift 2 ;;
    --env=*) EXTRA_ENV+=("${1#*=}"); shift ;;
    --export) EXPORT_DIR=${2:?}; shift 2 ;;
    --export=*) EXPORT_DIR=${1#*=}; shift ;;
    -v|--verbose) VERBOSE=1; shift ;;
    --systemd) SYSTEMD=1; shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    *) echo "run-in-vm: unexpected argument '$1' (missing '--' before the command?)" >&2; usage ;;
  esac
done
[[ $# -gt 0 ]] || usage
[[ $TIMEOUT =~ ^[0-9]+$ && $TIMEOUT -gt 0 ]] || die "--timeout must be a positive integer"
[[ $MEM =~ ^[0-9]+$ && $MEM -ge 128 ]] || die "--mem must be an integer >= 128 (MB)"
[[ $CPUS =~ ^[0-9]+$ && $CPUS -ge 1 ]] || die "--cpus must be a positive integer"

QEMU=${RUN_IN_VM_QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null || die "$QEMU not found (apt-get install qemu-system-x86; see conformance/vm/packages.txt)"
BUSYBOX=${RUN_IN_VM_BUSYBOX:-/bin/busybox}
[[ -x $BUSYBOX ]] && "$BUSYBOX" true 2>/dev/null \
  || die "$BUSYBOX is not a working busybox (apt-get install busybox-static)"
if command -v ldd >/dev/null && ldd "$BUSYBOX" 2>&1 | grep -q '=>'; then
  die "$BUSYBOX is dynamically linked; the initramfs needs busybox-static"
fi

# ---------------------------------------------------------------------------------------------
# Kernel: the newest /boot/vmlinuz-*-amd64 whose /lib/modules/<version> exists (or RUN_IN_VM_KERNEL).
if [[ -n ${RUN_IN_VM_KERNEL:-} ]]; then
  VMLINUZ=$RUN_IN_VM_KERNEL
else
  VMLINUZ=
  while read -r k; do
    v=${k#/boot/vmlinuz-}
    if [[ -d /lib/modules/$v/kernel ]]; then VMLINUZ=$k; fi
  done < <(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -V)
fi
[[ -n $VMLINUZ && -r $VMLINUZ ]] || die "no readable /boot/vmlinuz-*-amd64 with /lib/modules (apt-get install linux-image-amd64)"
KVER=${VMLINUZ##*/vmlinuz-}
MODDIR=/lib/modules/$KVER
[[ -d $MODDIR ]] || die "$MODDIR missing for $VMLINUZ"

# Modules needed to mount the 9p shares, in load order (dependencies first).
MODULES=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
         netfs fscache 9pnet 9pnet_virtio 9p overlay)

mkdir -p "$CACHE_DIR"

# The guest's /init (busybox sh). Generic: everything per-run is in the results share's stage2.
read -r -d '' INIT_SCRIPT <<'INIT' || true
#!/bin/busybox sh
export PATH=/bin
fail() {
  echo "run-in-vm(init): $*"
  [ -d /newroot/run/vm ] && echo "$*" > /newroot/run/vm/init-failed
  poweroff -f
}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules.list); do
  insmod "/modules/$m.ko" || echo "run-in-vm(init): insmod $m failed"
done
# vm.systemd=1 (run-in-vm.sh --systemd): systemd becomes PID 1 on a writable overlay of the host root.
SYSTEMD=0
grep -q 'vm.systemd=1' /proc/cmdline && SYSTEMD=1
LOWER=/newroot
if [ $SYSTEMD = 1 ]; then LOWER=/lower; mkdir -p /lower /ovl; fi
# virtio devices may probe asynchronously: retry the mount for up to ~10 s.
i=0
until mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot $LOWER 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 200 ] && fail "cannot mount the host root over virtio-9p"
  usleep 50000
done
if [ $SYSTEMD = 1 ]; then
  # systemd writes /etc (machine-id, unit state) and /var: a tmpfs upper layer takes it all.
  mount -t tmpfs -o mode=0755 tmpfs /ovl || fail "tmpfs for the overlay"
  mkdir -p /ovl/upper /ovl/work
  mount -t overlay overlay -o lowerdir=/lower,upperdir=/ovl/upper,workdir=/ovl/work /newroot \
    || fail "cannot mount the overlay over the host root"
fi
R=/newroot
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs $R/run || fail "tmpfs /run"
mkdir -p $R/run/vm $R/run/.vm $R/run/host-tmp
mount -t 9p -o rw,trans=virtio,version=9p2000.L,msize=512000,cache=none results $R/run/vm \
  || fail "cannot mount the results share"
cat /proc/uptime > $R/run/vm/booted
# The host's /tmp stays reachable (read-only) at /run/host-tmp before tmpfs hides it.
mount --bind $R/tmp $R/run/host-tmp
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs $R/tmp || fail "tmpfs /tmp"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs $R/var/tmp || fail "tmpfs /var/tmp"
mount -t proc proc $R/proc || fail "proc"
mount -t sysfs sysfs $R/sys || fail "sysfs"
if [ $SYSTEMD = 0 ]; then
  mount -t cgroup2 -o nsdelegate cgroup2 $R/sys/fs/cgroup || fail "cannot mount cgroup2"
  for c in $(cat $R/sys/fs/cgroup/cgroup.controllers); do
    echo "+$c" > $R/sys/fs/cgroup/cgroup.subtree_control || echo "run-in-vm(init): cannot enable $c"
  done
fi
mount -t devtmpfs devtmpfs $R/dev || fail "devtmpfs"
mkdir -p $R/dev/pts $R/dev/shm $R/dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts $R/dev/pts || fail "devpts"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs $R/dev/shm
mount -t mqueue mqueue $R/dev/mqueue 2>/dev/null
ln -sf /proc/self/fd $R/dev/fd 2>/dev/null
cp /bin/busybox $R/run/.vm/busybox
hostname vm
ip link set lo up 2>/dev/null
[ -f $R/run/vm/stage2 ] || fail "no stage2 in the results share"
umount /proc /sys
umount /dev 2>/dev/null
if [ $SYSTEMD = 1 ]; then
  # Only this target and its one service start (systemd.unit=run-in-vm.target on the kernel
  # command line), never the host's enabled units (containerd, docker, ...).
  U=$R/etc/systemd/system
  mkdir -p $U
  printf '%s\n' '[Unit]' 'Description=run-in-vm: the test command only' 'DefaultDependencies=no' \
    'Requires=run-in-vm.service' 'AllowIsolate=yes' > $U/run-in-vm.target
  printf '%s\n' '[Unit]' 'Description=run-in-vm command' 'DefaultDependencies=no' '[Service]' \
    'Type=oneshot' 'StandardOutput=null' 'ExecStart=/run/.vm/busybox sh /run/vm/stage2' > $U/run-in-vm.service
  # Generators are a dozen programs exec'd over 9p under TCG before any unit starts, and none
  # matters here (no fstab, no gettys): the overlay hides them.
  rm -f $R/usr/lib/systemd/system-generators/* $R/lib/systemd/system-generators/* 2>/dev/null
  # The host root may carry /.dockerenv (a CI container): systemd would then believe it runs in
  # a container and ignore the kernel command line. The overlay hides it.
  rm -f $R/.dockerenv $R/run/.containerenv
  exec switch_root /newroot /lib/systemd/systemd --unit=run-in-vm.target --show-status=0 --log-level=warning
fi
exec switch_root /newroot /run/.vm/busybox sh /run/vm/stage2
INIT

# Everything below is cached under $CACHE_DIR and rebuilt when its inputs change. A lock keeps
# concurrent callers from building at the same time.
stamp_of() { # files... -> one line describing them (name, size, mtime)
  stat -L -c '%n %s %Y' "$@" | tr '\n' ' '
}

build_initramfs() {
  local out=$1 tmp mod f
  tmp=$(mktemp -d "$CACHE_DIR/.initramfs.XXXXXX")
  mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,modules}
  cp "$BUSYBOX" "$tmp/bin/busybox"
  for a in sh mount umount insmod usleep poweroff switch_root cat cp mkdir ln echo hostname ip grep; do
    ln -s busybox "$tmp/bin/$a"
  done
  : > "$tmp/modules.list"
  for mod in "${MODULES[@]}"; do
    if ! f=$(modfile "$mod"); then
      # Built into this kernel (e.g. a later kernel with netfs=y): nothing to load.
      if grep -qE "/(${mod}|${mod//_/-})\.ko" "$MODDIR/modules.builtin" 2>/dev/null; then continue; fi
      rm -rf "$tmp"; die "module $mod not found under $MODDIR"
    fi
    case $f in
      *.ko) cp "$f" "$tmp/modules/$mod.ko" ;;
      *.ko.xz) xz -dc "$f" > "$tmp/modules/$mod.ko" ;;
      *.ko.zst) zstd -qdc "$f" > "$tmp/modules/$mod.ko" ;;
      *.ko.gz) gzip -dc "$f" > "$tmp/modules/$mod.ko" ;;
    esac
    echo "$mod" >> "$tmp/modules.list"
  done
  printf '%s\n' "$INIT_SCRIPT" > "$tmp/init"
  chmod 755 "$tmp/init"
  (cd "$tmp" && find . | LC_ALL=C sort | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) > "$out.tmp"
  mv -f "$out.tmp" "$out"
  rm -rf "$tmp"
}

modfile() { # module name -> path of its .ko[.xz|.zst|.gz] (names with - or _ are equivalent)
  local n=$1 alt f
  alt=${n//_/-}
  f=$(awk -F: -v a="/$n.ko" -v b="/$alt.ko" \
        '{ p = $1; sub(/\.(xz|zst|gz)$/, "", p) }
         substr(p, length(p) - length(a) + 1) == a || substr(p, length(p) - length(b) + 1) == b { print $1; exit }' \
        "$MODDIR/modules.dep" 2>/dev/null)
  [[ -n $f ]] && f=$MODDIR/$f
  [[ -n $f && -f $f ]] || f=$(find "$MODDIR/kernel" \( -name "$n.ko*" -o -name "$alt.ko*" \) -print -quit)
  [[ -n $f ]] && echo "$f"
}

# The PVH trick: the bzImage's payload is the compressed vmlinux ELF, which carries a Xen PVH
# entry note (CONFIG_PVH). qemu boots such an ELF directly, skipping the ~6 s of in-guest
# decompression under TCG. Falls back to the bzImage if anything does not fit.
build_pvh() {
  local out=$1 setup_sects off len base magic
  setup_sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$VMLINUZ" | tr -d ' ')
  [[ $setup_sects == 0 ]] && setup_sects=4
  read -r off len < <(od -An -tu4 -j $((0x248)) -N8 "$VMLINUZ")
  base=$(( (setup_sects + 1) * 512 + off ))
  magic=$(od -An -tx1 -j "$base" -N6 "$VMLINUZ" | tr -d ' ')
  local decomp
  case $magic in
    fd377a585a00) decomp=(xz -dc --single-stream) ;;
    28b52ffd*) decomp=(zstd -qdc) ;;
    1f8b*) decomp=(gzip -dc) ;;
    *) return 1 ;;
  esac
  tail -c +$((base + 1)) "$VMLINUZ" | head -c "$len" | "${decomp[@]}" > "$out.tmp" 2>/dev/null || true
  if [[ $(od -An -tx1 -N4 "$out.tmp" | tr -d ' ') != 7f454c46 ]]; then rm -f "$out.tmp"; return 1; fi
  if command -v readelf >/dev/null; then
    readelf -n "$out.tmp" 2>/dev/null | grep -q 'note type: (0x00000012)' || { rm -f "$out.tmp"; return 1; }
  elif ! grep -q '^CONFIG_PVH=y' "/boot/config-$KVER" 2>/dev/null; then
    rm -f "$out.tmp"; return 1
  fi
  mv -f "$out.tmp" "$out"
}

INITRAMFS=$CACHE_DIR/initramfs-$KVER.cpio
PVH=$CACHE_DIR/vmlinux-$KVER.pvh
{
  flock 9
  init_hash=$(printf '%s\n%s\n' "$INIT_SCRIPT" "${MODULES[*]}" | sha256sum | cut -c1-16)
  mods=()
  for m in "${MODULES[@]}"; do f=$(modfile "$m") && mods+=("$f"); done
  want="v1 $init_hash $(stamp_of "$BUSYBOX" "${mods[@]}")"
  if [[ ! -s $INITRAMFS || $(cat "$INITRAMFS.stamp" 2>/dev/null) != "$want" ]]; then
    [[ $VERBOSE == 1 ]] && echo "run-in-vm: building $INITRAMFS" >&2
    build_initramfs "$INITRAMFS"
    echo "$want" > "$INITRAMFS.stamp"
  fi
  KERNEL_IMAGE=$VMLINUZ
  if [[ -z ${RUN_IN_VM_NO_PVH:-} ]]; then
    want="v1 $(stamp_of "$VMLINUZ")"
    if [[ $(cat "$PVH.stamp" 2>/dev/null) != "$want" ]]; then
      [[ $VERBOSE == 1 ]] && echo "run-in-vm: extracting the PVH ELF from $VMLINUZ" >&2
      rm -f "$PVH"
      if build_pvh "$PVH"; then echo "$want" > "$PVH.stamp"
      else echo "$want failed" > "$PVH.stamp"; fi
    fi
    [[ -s $PVH && $(cat "$PVH.stamp") == "$want" ]] && KERNEL_IMAGE=$PVH
  fi
} 9>"$CACHE_DIR/.lock"

# ---------------------------------------------------------------------------------------------
# Per-run results share: stage2 (run by the guest's PID 1 after switch_root), output, status.
RES=$(mktemp -d "${TMPDIR:-/tmp}/run-in-vm.XXXXXX")
QEMU_PID=
TAIL_PIDS=()
cleanup() {
  local p
  if [[ -n $QEMU_PID ]] && kill -0 "$QEMU_PID" 2>/dev/null; then
    kill -TERM "$QEMU_PID" 2>/dev/null || true
    sleep 0.5; kill -KILL "$QEMU_PID" 2>/dev/null || true
  fi
  for p in "${TAIL_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  # For debugging a guest: keep its whole console (kernel messages included) after the run.
  [[ -n ${RUN_IN_VM_CONSOLE_COPY:-} ]] && cp "$RES/console.log" "$RUN_IN_VM_CONSOLE_COPY" 2>/dev/null
  rm -rf "$RES"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$RES/export"
: > "$RES/stdout"; : > "$RES/stderr"

q() { # POSIX-shell single-quoting
  local s=${1//\'/\'\\\'\'}
  printf "'%s'" "$s"
}

{
  echo '# generated by run-in-vm.sh; run by busybox sh as PID 1 in the guest'
  echo 'BB=/run/.vm/busybox'
  echo 'export HOME=/root'
  # Environment passed through: PATH, locale/terminal basics, OCI_*, DOTNET_*, and -e NAME[=VALUE].
  while IFS= read -r name; do
    case $name in
      PATH|LANG|LANGUAGE|LC_*|TZ|TERM|OCI_*|DOTNET_*) echo "export $name=$(q "${!name}")" ;;
    esac
  done < <(compgen -e)
  for e in "${EXTRA_ENV[@]}"; do
    if [[ $e == *=* ]]; then echo "export ${e%%=*}=$(q "${e#*=}")"
    elif [[ -n ${!e+x} ]]; then echo "export $e=$(q "${!e}")"; fi
  done
  echo 'export VM_EXPORT=/run/vm/export RUN_IN_VM=1'
  # The guest's /tmp is a fresh tmpfs. A caller working under the host's /tmp (a CI clone, say)
  # gets those top-level /tmp entries bound back, read-only, from /run/host-tmp.
  declare -A tmp_tops=()
  for p in "$PWD" "$@"; do
    if [[ $p == /tmp/?* ]]; then top=${p#/tmp/}; tmp_tops[${top%%/*}]=1; fi
  done
  for top in "${!tmp_tops[@]}"; do
    echo "\$BB mkdir -p $(q "/tmp/$top") && \$BB mount --bind $(q "/run/host-tmp/$top") $(q "/tmp/$top")"
  done
  echo "cd $(q "$PWD") 2>/dev/null || { echo \"run-in-vm: cwd $(q "$PWD") does not exist in the guest; using /\" >&2; cd /; }"
  echo '$BB cat /proc/uptime > /run/vm/started'
  printf '%s' '( exec'
  for a in "$@"; do printf ' %s' "$(q "$a")"; done
  echo ' ) </dev/null >/run/vm/stdout 2>/run/vm/stderr'
  echo 'rc=$?'
  echo '$BB cat /proc/uptime > /run/vm/finished'
  echo 'echo $rc > /run/vm/status.tmp && $BB mv /run/vm/status.tmp /run/vm/status'
  echo '$BB sync'
  echo '$BB poweroff -f'
} > "$RES/stage2"

APPEND="console=ttyS0 quiet loglevel=3 panic=-1 mitigations=off cgroup_no_v1=all tsc=reliable"
APPEND+=" no_timer_check rdinit=/init random.trust_cpu=on 8250.nr_uarts=1"
if [[ $SYSTEMD == 1 ]]; then
  APPEND+=" vm.systemd=1 systemd.unit=run-in-vm.target systemd.unified_cgroup_hierarchy=1"
  APPEND+=" systemd.show_status=0 systemd.log_level=warning systemd.log_target=console"
fi
APPEND+=" ${RUN_IN_VM_APPEND:-}"

# Single-threaded TCG: under multi-threaded TCG (qemu 7.2) the guest wedges when its kernel patches
# its own text on both vCPUs (a static key flip, e.g. the first cpu.max quota set or the last one
# removed): static-key-probe.sh shows it, docs/vm-harness.md "Why TCG runs single-threaded".
QEMU_ARGS=(
  -accel tcg,thread=${RUN_IN_VM_TCG_THREAD:-single} -cpu max -smp "$CPUS" -m "$MEM"
  -nographic -no-reboot -nodefaults -serial stdio -net none
  -kernel "$KERNEL_IMAGE" -initrd "$INITRAMFS" -append "$APPEND"
  -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
  -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
  -fsdev local,id=results,path="$RES",security_model=none,multidevs=remap
  -device virtio-9p-pci,fsdev=results,mount_tag=results
)
# Extra qemu arguments for experiments (word-split), e.g. RUN_IN_VM_QEMU_EXTRA="-bios qboot.rom".
if [[ -n ${RUN_IN_VM_QEMU_EXTRA:-} ]]; then
  read -r -a extra <<<"$RUN_IN_VM_QEMU_EXTRA"
  QEMU_ARGS+=("${extra[@]}")
fi

T0=$(date +%s.%N)
"$QEMU" "${QEMU_ARGS[@]}" </dev/null >"$RES/console.log" 2>&1 &
QEMU_PID=$!

# Stream the command's output while it runs (the results share is written through, cache=none).
tail -n +1 -s 0.2 -f --pid="$QEMU_PID" "$RES/stdout" &
TAIL_PIDS+=($!)
tail -n +1 -s 0.2 -f --pid="$QEMU_PID" "$RES/stderr" >&2 &
TAIL_PIDS+=($!)

# Watchdog: the deadline covers boot + command + power-off.
TIMED_OUT=0
deadline=$(( $(date +%s) + TIMEOUT ))
while kill -0 "$QEMU_PID" 2>/dev/null; do
  if (( $(date +%s) >= deadline )); then
    TIMED_OUT=1
    kill -TERM "$QEMU_PID" 2>/dev/null || true
    sleep 1
    kill -KILL "$QEMU_PID" 2>/dev/null || true
    break
  fi
  sleep 0.2
done
QEMU_RC=0
wait "$QEMU_PID" || QEMU_RC=$?
QEMU_PID=
T1=$(date +%s.%N)
for p in "${TAIL_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
TAIL_PIDS=()

show_console() {
  echo "---- guest console (last 40 lines) ----" >&2
  tail -n 40 "$RES/console.log" | tr -d '\r' >&2
  echo "---------------------------------------" >&2
}

if [[ $VERBOSE == 1 ]]; then
  tr -d '\r' < "$RES/console.log" | sed 's/^/[console] /' >&2
  printf 'run-in-vm: kernel %s, wall %.2f s; guest uptime at init %s s, command start %s s, end %s s\n' \
    "${KERNEL_IMAGE##*/}" "$(awk -v a="$T0" -v b="$T1" 'BEGIN{print b-a}')" \
    "$(cut -d' ' -f1 "$RES/booted" 2>/dev/null || echo -)" \
    "$(cut -d' ' -f1 "$RES/started" 2>/dev/null || echo -)" \
    "$(cut -d' ' -f1 "$RES/finished" 2>/dev/null || echo -)" >&2
fi

if [[ -n $EXPORT_DIR ]]; then
  mkdir -p "$EXPORT_DIR" && cp -a "$RES/export/." "$EXPORT_DIR/"
fi

if [[ -s $RES/status ]]; then
  exit "$(cat "$RES/status")"
fi
if [[ $TIMED_OUT == 1 ]]; then
  echo "run-in-vm: timed out after ${TIMEOUT} s (VM killed)" >&2
  if [[ -e $RES/started ]]; then
    # A command that hangs may be stuck in the guest kernel: its warnings name the task.
    tr -d '\r' < "$RES/console.log" | grep -E 'soft lockup|hung_task|blocked for more than|BUG:|rcu.*stall|csd:' \
      | tail -n 5 | sed 's/^/run-in-vm: guest kernel: /' >&2 || true
  else
    show_console
  fi
  exit 124
fi
if [[ -e $RES/init-failed ]]; then
  echo "run-in-vm: VM init failed: $(cat "$RES/init-failed")" >&2
elif [[ ! -e $RES/booted ]]; then
  echo "run-in-vm: the VM failed to boot (qemu exit status $QEMU_RC)" >&2
elif [[ ! -e $RES/started ]]; then
  echo "run-in-vm: the VM booted but never started the command (qemu exit status $QEMU_RC)" >&2
else
  echo "run-in-vm: the VM stopped before the command finished (qemu exit status $QEMU_RC)" >&2
fi
show_console
exit 125
