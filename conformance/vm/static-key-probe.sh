#!/usr/bin/env bash
# static-key-probe.sh — the reproducer for the qemu guest hang that run-in-vm.sh avoids by running
# TCG single-threaded (docs/vm-harness.md, "Why TCG runs single-threaded").
#
# In the guest, as root: switch a cgroup's cpu.max quota on and off N times while another process
# keeps the other vCPU busy. With no other quota in the guest, every switch flips the kernel's
# __cfs_bandwidth_used static key, i.e. patches kernel text on a live SMP system (text_poke_bp:
# int3 plus IPIs). Under qemu 7.2 multi-threaded TCG (RUN_IN_VM_TCG_THREAD=multi) the guest
# wedges within a few hundred to a thousand flips, with no kernel message; single-threaded TCG,
# or one vCPU, runs all of them. --control keeps a second cgroup's quota set, so the same writes
# patch nothing: it finishes under multi-threaded TCG too.
#
# Usage (host): conformance/vm/static-key-probe.sh [--control] [--flips N] [run-in-vm options]
# Prints "flips K at S s" every 500 flips and "done N"; exits 124 when the guest hung past --timeout.
set -uo pipefail

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
if [[ ${1:-} != --guest ]]; then
  CONTROL=0 FLIPS=3000 ARGS=()
  while [[ $# -gt 0 ]]; do
    case $1 in
      --control) CONTROL=1; shift ;;
      --flips) FLIPS=${2:?}; shift 2 ;;
      *) ARGS+=("$1"); shift ;;
    esac
  done
  exec "$(dirname "$SELF")/run-in-vm.sh" --timeout 400 "${ARGS[@]}" -- "$SELF" --guest "$CONTROL" "$FLIPS"
fi

CONTROL=$2 FLIPS=$3
CG=/sys/fs/cgroup
mkdir -p $CG/probe
if [[ $CONTROL == 1 ]]; then mkdir -p $CG/keep && echo "50000 100000" > $CG/keep/cpu.max; fi
( while :; do /bin/true; done ) &
busy=$!
start=$(date +%s)
for ((i = 1; i <= FLIPS; i++)); do
  echo "50000 100000" > $CG/probe/cpu.max
  echo "max 100000" > $CG/probe/cpu.max
  (( i % 500 == 0 )) && echo "flips $i at $(( $(date +%s) - start )) s"
done
kill $busy
echo "done $FLIPS"
