#!/usr/bin/env bash
# podman.sh — podman 4.3 + conmon 2.1 against a runtime binary.
#
#   OCI_RUNTIME=runc conformance/clients/podman.sh
#   OCI_RUNTIME=$PWD/bin/oci-runtime conformance/clients/podman.sh
#
# Private containers.conf, storage.conf and registries.conf (CONTAINERS_CONF,
# CONTAINERS_STORAGE_CONF, CONTAINERS_REGISTRIES_CONF) with storage, run and tmp dirs under a temp
# dir; `--runtime RUNTIME` on every command; `--cgroup-parent /occp<pid>` on every container (a
# top-level cgroup of our own, removed at the end). The image is built locally and `podman load`ed.
# (podman load still writes its blob-info cache under /var/lib/containers/cache.)
SUITE=podman
source "$(dirname "$0")/lib.sh"
suite_init
resolve_runtime || { not_ok "podman: runtime" "OCI_RUNTIME ${OCI_RUNTIME:-} not usable"; finish; }
need podman conmon umoci skopeo script
log "runtime: $RUNTIME_ARG ($RUNTIME_BIN), $(podman --version), $(conmon --version 2>/dev/null | head -1)"

W=$WORK
CG=occp$$
IMG=localhost/busybox:latest
mkdir -p "$W/storage" "$W/run" "$W/tmp" "$W/volumes"

cat >"$W/containers.conf" <<EOF
[containers]
netns = "none"
cgroupns = "private"
log_driver = "k8s-file"
# root here lacks CAP_SYS_RESOURCE and the hard limits are nofile 20000, nproc ~96k: podman's
# defaults (1048576) cannot be granted by any runtime, so ask for what the host allows.
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
# podman's default pids limit (2048) needs the pids controller where the runtime puts its limits:
# on this hybrid host that is cgroup v1 for runc, but the cgroup2 hierarchy has only hugetlb. 0 = none.
pids_limit = 0

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$W/events.log"
tmp_dir = "$W/tmp"
volume_path = "$W/volumes"
num_locks = 256
runtime = "runc"
# conmon passes --log-format=json --log FILE only to runtimes listed here (by basename)
runtime_supports_json = ["runc", "crun", "oci-runtime", "$RUNTIME_NAME"]

[engine.runtimes]
runc = ["/usr/sbin/runc", "/usr/bin/runc"]
oci-runtime = ["/usr/local/sbin/oci-runtime"]
EOF
cat >"$W/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$W/storage"
runroot = "$W/run"
EOF
cat >"$W/registries.conf" <<EOF
unqualified-search-registries = []
EOF
export CONTAINERS_CONF=$W/containers.conf CONTAINERS_STORAGE_CONF=$W/storage.conf CONTAINERS_REGISTRIES_CONF=$W/registries.conf
unset XDG_RUNTIME_DIR XDG_CONFIG_HOME
P=(podman --runtime "$RUNTIME_ARG")
RUN=(--cgroup-parent "/$CG")

teardown_podman() {
  timeout 30 "${P[@]}" rm -af -t 0 >/dev/null 2>&1
  timeout 20 "${P[@]}" rmi -af >/dev/null 2>&1
  kill_matching "$W/" KILL        # conmon and anything else still holding our dirs
  remove_cgroup "$CG"
}
defer teardown_podman

# --- image ----------------------------------------------------------------------------------------
begin "podman load of the locally built busybox (docker-archive)"
run -- "$CLIENTS_DIR/build-image.sh" "$W/image"
want_rc 0
[ "$RC" = 0 ] && { run -- "${P[@]}" load -q -i "$W/image/busybox-docker.tar"; want_rc 0; }
run -- "${P[@]}" images --format '{{.Repository}}:{{.Tag}}'
want_out_has "$IMG"
end
[ -n "$_REASON" ] && finish

rmf() { timeout 20 "${P[@]}" rm -f -t 0 "$@" >/dev/null 2>&1; true; }
name() { echo "p$1-$$"; }

source "$(dirname "$0")/docker-like-checks.sh"

begin "exec of a missing executable: exit status 127"
run -- "${P[@]}" exec "$D" /no/such/exec
want_rc 127
end

RM_F=(rm -f -t 0)
source "$(dirname "$0")/docker-like-lifecycle-checks.sh"

# --- nothing left --------------------------------------------------------------------------------
begin "nothing left: no containers, no container cgroups"
run -- "${P[@]}" ps -a -q
want_out ""
cgs=$(for h in /sys/fs/cgroup/*/; do [ -d "$h$CG" ] && find "$h$CG" -mindepth 1 -type d -name 'libpod-*'; done 2>/dev/null | tr '\n' ' ')
want '[ -z "$cgs" ]' "container cgroups left: $(_short "$cgs")"
end

finish
