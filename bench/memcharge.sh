#!/usr/bin/env bash
# bench/memcharge.sh: what each runtime charges to a container's memory cgroup, and whether a
# container starts under memory.max = 512 KiB (and, with 64 MiB, what the runtimes charge when
# nothing forces reclaim). Runs inside the pure cgroup v2 qemu guest
# (`make bench` calls conformance/vm/run-in-vm.sh -- bench/memcharge.sh); the hybrid host cannot
# enforce memory.max. Per runtime (OCI_RUNTIME, RUNC, CRUN): `create` of a busybox `echo`
# container with linux.resources.memory.limit 524288, memory.current of its cgroup while the init
# waits for start (the runtime's charge before exec), then `start`, whether `echo` printed, and
# memory.peak and oom_kill of the cgroup. One line per runtime, then one JSON line.
set -uo pipefail
[[ ${RUN_IN_VM:-} == 1 ]] || { echo "memcharge.sh must run inside conformance/vm/run-in-vm.sh" >&2; exit 2; }
W=/tmp/memcharge
mkdir -p $W/rootfs/{bin,proc,dev,sys,tmp,etc}
cp /bin/busybox $W/rootfs/bin/busybox
for a in echo sh true; do ln -s busybox $W/rootfs/bin/$a; done
CG=/sys/fs/cgroup
json='[]'
# 512 KiB: does it start at all; 64 MiB: the charge when nothing forces reclaim.
for limit in 524288 67108864; do
for pair in "oci-runtime=${OCI_RUNTIME:-}" "runc=${RUNC:-}" "crun=${CRUN:-}"; do
  name=${pair%%=*} bin=${pair#*=}
  [ -x "$bin" ] || { echo "$name: not installed"; continue; }
  # A private copy: the host's binary may be rebuilt while the guest runs (9p, cache=loose).
  cp "$bin" $W/$name-bin; rt="$W/$name-bin --root $W/root-$name"
  mkdir -p $W/$name; rm -f $W/$name/config.json
  "$W/$name-bin" spec --bundle $W/$name >/dev/null 2>&1 || runc spec --bundle $W/$name
  jq --arg r $W/rootfs --arg cg "/memcharge/$name" '.ociVersion = "1.0.2" | .root = {path: $r, readonly: true}
      | .process.terminal = false | .process.args = ["echo", "started"] | del(.process.capabilities.ambient)
      | .linux.cgroupsPath = $cg | .linux.resources.memory = {limit: ($limit | tonumber)}' --arg limit $limit $W/$name/config.json > $W/$name/c.json
  mv $W/$name/c.json $W/$name/config.json
  created=no charged=- peak=- oom=- started=no
  if $rt create --bundle $W/$name mc-$name > $W/$name.out 2> $W/$name.err; then
    created=yes
    charged=$(( $(cat $CG/memcharge/$name/memory.current) / 1024 ))
    $rt start mc-$name 2>> $W/$name.err
    for _ in $(seq 50); do grep -q started $W/$name.out && break; sleep 0.1; done
    grep -q started $W/$name.out && started=yes
    peak=$(( $(cat $CG/memcharge/$name/memory.peak 2>/dev/null || echo 0) / 1024 ))
    oom=$(awk '$1 == "oom_kill" { print $2 }' $CG/memcharge/$name/memory.events)
  fi
  $rt delete --force mc-$name >/dev/null 2>&1
  rmdir $CG/memcharge/$name 2>/dev/null
  printf 'memory.max %5s KiB  %-12s create %-3s  charged before exec %6s KiB  peak %6s KiB  echo ran: %-3s  oom_kill %s  %s\n' \
    $((limit / 1024)) "$name" "$created" "$charged" "$peak" "$started" "$oom" "$(tail -c 200 $W/$name.err | tr '\n' ' ')"
  json=$(jq -c --arg l $limit --arg n "$name" --arg c "$created" --arg ch "$charged" --arg p "$peak" --arg s "$started" --arg o "$oom" \
    '. + [{limit: ($l | tonumber), runtime: $n, created: ($c == "yes"), charged_kib: ($ch | tonumber? // null), peak_kib: ($p | tonumber? // null), started: ($s == "yes"), oom_kill: ($o | tonumber? // null)}]' <<<"$json")
done
done
rmdir $CG/memcharge 2>/dev/null
echo "memcharge-json $json"
