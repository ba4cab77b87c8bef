#!/usr/bin/env bash
# podman-rootless.sh — rootless podman 4.3 (+ conmon) against a runtime binary, as a real
# unprivileged user created for the run and removed after it.
#
#   OCI_RUNTIME=runc conformance/clients/podman-rootless.sh
#   OCI_RUNTIME=$PWD/bin/oci-runtime conformance/clients/podman-rootless.sh
#
# The user gets 65536 subordinate uids/gids (usermod --add-subuids/--add-subgids: podman maps them
# through newuidmap/newgidmap), its own XDG_RUNTIME_DIR, and podman storage (vfs), run and tmp dirs
# under its home. Every podman command runs as that user (setpriv, clean environment) with
# `--runtime RUNTIME`, `--network none` and the cgroupfs manager: on this hybrid-cgroup host the user
# has no delegated cgroup, so podman asks for none and the runtime must run without one. The
# runtime binary is copied to a world-readable dir when the user cannot execute it in place.
SUITE=podman-rootless
source "$(dirname "$0")/lib.sh"
suite_init
resolve_runtime || { not_ok "podman-rootless: runtime" "OCI_RUNTIME ${OCI_RUNTIME:-} not usable"; finish; }
need podman conmon umoci skopeo setpriv useradd usermod userdel newuidmap newgidmap
log "runtime: $RUNTIME_ARG ($RUNTIME_BIN), $(podman --version)"

W=$WORK
U=ocpr$$
SUB=$((2000000 + ($$ % 4000) * 65536))
IMG=localhost/busybox:latest

remove_user() {
  id -u "$U" >/dev/null 2>&1 || return 0
  local uid p
  uid=$(id -u "$U")
  # Whatever still runs as the user (conmon, containers): by pid, then the user and its home.
  for p in $(awk -v u="$uid" '$1 == "Uid:" && $2 == u { print FILENAME }' /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3); do
    kill -9 "$p" 2>/dev/null || true
  done
  sleep 0.2
  # vfs layers and the user namespace leave files owned by subordinate ids: remove as root.
  rm -rf --one-file-system "/home/$U" 2>/dev/null
  userdel --remove "$U" >/dev/null 2>&1 || userdel "$U" >/dev/null 2>&1
}
defer remove_user

begin "user $U with subordinate ids $SUB-$((SUB + 65535))"
run -- useradd --create-home --shell /bin/sh --user-group "$U"
want_rc 0
run -- usermod --add-subuids "$SUB-$((SUB + 65535))" --add-subgids "$SUB-$((SUB + 65535))" "$U"
want_rc 0
end
[ -n "$_REASON" ] && finish
UID_=$(id -u "$U") GID_=$(id -g "$U") H=/home/$U
XDG=$W/xdg
mkdir -p "$XDG" && chown "$UID_:$GID_" "$XDG" && chmod 700 "$XDG"

# The runtime as the user sees it.
rt=$RUNTIME_BIN
ok_path=1
for d in "$rt" $(p=$(dirname "$rt"); while [ "$p" != / ]; do echo "$p"; p=$(dirname "$p"); done); do
  [ $((0$(stat -c %a "$d") & 1)) = 1 ] || ok_path=0
done
if [ "$ok_path" = 0 ]; then
  mkdir -p "$W/bin" && cp "$rt" "$W/bin/" && chmod 755 "$W/bin" "$W/bin/$RUNTIME_NAME"
  rt=$W/bin/$RUNTIME_NAME
  log "copied the runtime to $rt (the user cannot reach $RUNTIME_BIN)"
fi

P_DIR=$H/podman
# A command array (not a function): lib.sh's run hands it to `timeout`.
AS=(setpriv --reuid "$UID_" --regid "$GID_" --clear-groups -- /usr/bin/env -i HOME="$H" USER="$U" LOGNAME="$U"
  PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin XDG_RUNTIME_DIR="$XDG"
  CONTAINERS_CONF="$P_DIR/containers.conf" CONTAINERS_STORAGE_CONF="$P_DIR/storage.conf"
  CONTAINERS_REGISTRIES_CONF="$P_DIR/registries.conf")
as_user() { "${AS[@]}" "$@"; }
as_user mkdir -p "$P_DIR/storage" "$P_DIR/run" "$P_DIR/tmp" "$P_DIR/volumes"
as_user sh -c "cat > '$P_DIR/containers.conf'" <<EOC
[containers]
netns = "none"
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P_DIR/events.log"
tmp_dir = "$P_DIR/tmp"
volume_path = "$P_DIR/volumes"
num_locks = 256
runtime_supports_json = ["runc", "crun", "oci-runtime", "$RUNTIME_NAME"]
EOC
as_user sh -c "cat > '$P_DIR/storage.conf'" <<EOC
[storage]
driver = "vfs"
graphroot = "$P_DIR/storage"
runroot = "$P_DIR/run"
EOC
as_user sh -c "echo 'unqualified-search-registries = []' > '$P_DIR/registries.conf'"

P=("${AS[@]}" podman --runtime "$rt")
RUN=(--network none)

teardown_podman() {
  timeout 30 "${P[@]}" rm -af -t 0 >/dev/null 2>&1
  timeout 30 "${P[@]}" unshare rm -rf "$P_DIR/storage" >/dev/null 2>&1
}
defer teardown_podman

# --- image ----------------------------------------------------------------------------------------
begin "podman load (as the user) of the locally built busybox"
run -- "$CLIENTS_DIR/build-image.sh" "$W/image"
want_rc 0
chmod 755 "$W/image" && chmod 644 "$W/image/busybox-docker.tar"
[ "$RC" = 0 ] && { run -- "${P[@]}" load -q -i "$W/image/busybox-docker.tar"; want_rc 0; }
run -- "${P[@]}" images --format '{{.Repository}}:{{.Tag}}'
want_out_has "$IMG"
end
[ -n "$_REASON" ] && finish


begin "run --rm: echo, exit status 0"
run -- "${P[@]}" run --rm "${RUN[@]}" "$IMG" echo hello-rootless
want_rc 0
want_out hello-rootless
end

begin "run --rm: exit status 7"
run -- "${P[@]}" run --rm "${RUN[@]}" "$IMG" sh -c 'exit 7'
want_rc 7
end

begin "run --rm: root in the container is the user on the host"
run -- "${P[@]}" run --rm "${RUN[@]}" "$IMG" sh -c 'id -u; cat /proc/self/uid_map'
want_rc 0
want_out_re "^0"$'\n'" *0 +$UID_ +1"
want_out_re " +$SUB +65536"
end

begin "run --rm of a missing executable: exit status 127"
run -- "${P[@]}" run --rm "${RUN[@]}" "$IMG" /no/such/binary
want_rc 127
end

D=rl$$
begin "run -d: running"
run -- "${P[@]}" run -d --name "$D" "${RUN[@]}" "$IMG" sleep 1000
want_rc 0
want 'wait_for 10 state_is "$D" running' "state '$(cstate "$D")', want running"
end

begin "exec: output and exit status"
run -- "${P[@]}" exec "$D" sh -c 'echo exec-out; exit 5'
want_rc 5
want_out exec-out
end

begin "exec of a missing executable: exit status 127"
run -- "${P[@]}" exec "$D" /no/such/exec
want_rc 127
end

begin "stop: the container exits (SIGTERM, then SIGKILL after -t 2)"
run -- "${P[@]}" stop -t 2 "$D"
want_rc 0
want 'wait_for 10 state_is "$D" exited' "state '$(cstate "$D")', want exited"
end

begin "rm: nothing left"
run -- "${P[@]}" rm "$D"
want_rc 0
run -- "${P[@]}" ps -a -q
want_out ""
end

finish
