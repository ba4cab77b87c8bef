#!/usr/bin/env bash
# docker.sh — dockerd 20.10 (Debian docker.io; its own managed containerd 1.6 and
# containerd-shim-runc-v2) against a runtime binary.
#
#   OCI_RUNTIME=runc conformance/clients/docker.sh
#   OCI_RUNTIME=$PWD/bin/oci-runtime conformance/clients/docker.sh
#
# A private dockerd: own --data-root, --exec-root, socket, pidfile and an empty --config-file under a
# temp dir; no network (--bridge=none --iptables=false --ip6tables=false --ip-masq=false, containers
# get --network none); --cgroup-parent /occd<pid>; started with a clean environment and no fds
# above 2. runc is docker's built-in runtime `runc` (looked up in PATH); any other runtime is
# registered with --add-runtime NAME=PATH (NAME = its basename) and chosen with
# `docker run --runtime NAME`. The image is built locally and `docker load`ed. The daemon, its
# containerd, shims, containers and cgroups are removed on every exit.
SUITE=docker
source "$(dirname "$0")/lib.sh"
suite_init
resolve_runtime || { not_ok "docker: runtime" "OCI_RUNTIME ${OCI_RUNTIME:-} not usable"; finish; }
need dockerd /usr/bin/docker containerd containerd-shim-runc-v2 umoci skopeo script
log "runtime: $RUNTIME_ARG ($RUNTIME_BIN), $(dockerd --version)"

W=$WORK
CG=occd$$
IMG=localhost/busybox:latest
SOCK=$W/docker.sock
mkdir -p "$W/data" "$W/exec"
echo '{}' >"$W/daemon.json"
if [ "$RUNTIME_NAME" = runc ] && [ "$RUNTIME_ARG" = runc ]; then
  RT=runc ADD=()
else
  RT=$RUNTIME_NAME ADD=(--add-runtime "$RUNTIME_NAME=$RUNTIME_BIN")
fi
P=(/usr/bin/docker -H "unix://$SOCK")
# CLIENTS_DOCKER_NETWORK=host runs the containers in the host's netns instead (diagnosis: docker
# then leaves out the net.ipv4.* sysctls it sets for a private netns)
RUN=(--runtime "$RT" --network "${CLIENTS_DOCKER_NETWORK:-none}")

teardown_docker() {
  if [ -n "${DAEMON_PID:-}" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    local c
    for c in $(timeout 10 "${P[@]}" ps -aq 2>/dev/null); do timeout 20 "${P[@]}" rm -f "$c" >/dev/null 2>&1; done
  fi
  [ -n "${DAEMON_PID:-}" ] && stop_pid "$DAEMON_PID" 15
  kill_matching "$W/" KILL        # its containerd and shims carry our paths on their command lines
  remove_cgroup "$CG"
}
defer teardown_docker
# dockerd creates /run/docker/plugins whatever its --exec-root: remove it if it was not there before
[ -e /run/docker ] || defer 'rmdir /run/docker/plugins /run/docker 2>/dev/null'

start_daemon "$W/dockerd.log" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root -- \
  dockerd --config-file "$W/daemon.json" --data-root "$W/data" --exec-root "$W/exec" \
  -H "unix://$SOCK" --pidfile "$W/docker.pid" --containerd-namespace "occd$$" \
  --containerd-plugins-namespace "occd$$-plugins" \
  --bridge=none --iptables=false --ip6tables=false --ip-masq=false --userland-proxy=false \
  --storage-driver overlay2 --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$CG" \
  "${ADD[@]}"
if ! wait_for 30 "${P[@]}" version; then
  not_ok "daemon starts" "dockerd did not answer on $SOCK within 30 s: $(tail -c 800 "$W/dockerd.log" | tr '\n' ' ')"
  finish
fi
ok "daemon starts (private data-root, exec-root, socket; no bridge, no iptables)"

# --- image ----------------------------------------------------------------------------------------
begin "docker load of the locally built busybox (docker-archive)"
run -- "$CLIENTS_DIR/build-image.sh" "$W/image"
want_rc 0
[ "$RC" = 0 ] && { run -- "${P[@]}" load -q -i "$W/image/busybox-docker.tar"; want_rc 0; }
run -- "${P[@]}" images --format '{{.Repository}}:{{.Tag}}'
want_out_has "$IMG"
end
[ -n "$_REASON" ] && finish

rmf() { timeout 20 "${P[@]}" rm -f "$@" >/dev/null 2>&1; true; }
name() { echo "d$1-$$"; }

source "$(dirname "$0")/docker-like-checks.sh"

# (docker 20.10 maps every OCI exec failure to 126; the runtime's message is printed on stdout)
begin "exec of a missing executable: exit status 126, the runtime's message shown"
run -- "${P[@]}" exec "$D" /no/such/exec
want_rc 126
want '[[ "$OUT$ERR" == *"/no/such/exec"* ]]' "the runtime's message is not shown: $(_ctx)"
end

RM_F=(rm -f)
source "$(dirname "$0")/docker-like-lifecycle-checks.sh"

# --- nothing left --------------------------------------------------------------------------------
begin "nothing left: no containers, no container cgroups"
run -- "${P[@]}" ps -a -q
want_out ""
cgs=$(for h in /sys/fs/cgroup/*/; do [ -d "$h$CG" ] && find "$h$CG" -mindepth 1 -type d -mindepth 1; done 2>/dev/null | tr '\n' ' ')
want '[ -z "$cgs" ]' "container cgroups left: $(_short "$cgs")"
end

finish
