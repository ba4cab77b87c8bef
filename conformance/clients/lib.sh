# Shared helpers for the real-client suites (containerd.sh, podman.sh, docker.sh). Source it.
#
# A suite is a sequence of checks:
#     begin "run --rm exit code"
#     run -- ctr ... sh -c 'exit 3'       # every client command runs under a timeout
#     want_rc 3
#     end                                 # prints "ok - NAME" or "not ok - NAME: first reason"
# `skip NAME REASON` prints "skip - NAME: REASON". `finish` prints the suite's closing line
# "SUITE: N passed, N failed, N skipped" and exits 1 if anything failed. If the script dies before
# `finish` (error, signal, timeout of the whole suite), the EXIT trap counts one more failure and
# still prints the line. Cleanups registered with `defer` run in reverse order on every exit, then
# anything still mounted under the suite's temp dir is unmounted and the dir removed.
#
# Environment:
#   OCI_RUNTIME       runtime under test: a path, or a bare name looked up in PATH (default
#                     <repo>/bin/oci-runtime). RUNTIME_BIN is its absolute path, RUNTIME_NAME its basename,
#                     RUNTIME_ARG what to pass to a client (the bare name if one was given, else the path).
#   CLIENTS_TIMEOUT   seconds allowed for one client command (default 60)
#   CLIENTS_KEEP=1    keep the temp dir (configs, daemon logs) for debugging

set -u -o pipefail

CLIENTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$CLIENTS_DIR/../.." && pwd)
SUITE=${SUITE:-$(basename "$0" .sh)}
CMD_TIMEOUT=${CLIENTS_TIMEOUT:-60}
export PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin:/usr/local/bin

PASSED=0 FAILED=0 SKIPPED=0
_FINISHED=0
_CLEANUPS=()
WORK=""

log() { echo "# $*"; }

# --- runtime under test -------------------------------------------------------------------------
resolve_runtime() {
  local r=${OCI_RUNTIME:-$REPO_DIR/bin/oci-runtime}
  if [[ $r != */* ]]; then
    r=$(command -v "$r" 2>/dev/null) || { echo "$SUITE: runtime '${OCI_RUNTIME}' not found in PATH" >&2; return 1; }
  fi
  [[ $r = /* ]] || r=$PWD/$r
  [ -x "$r" ] || { echo "$SUITE: runtime $r missing or not executable (run make)" >&2; return 1; }
  # What to hand to a client: the bare name when one was given (the client looks it up in PATH,
  # as users configure runc), else the absolute path.
  if [[ ${OCI_RUNTIME:-/} != */* ]]; then RUNTIME_ARG=$OCI_RUNTIME; else RUNTIME_ARG=$r; fi
  RUNTIME_BIN=$r
  RUNTIME_NAME=$(basename "$r")
}

# --- cleanup ------------------------------------------------------------------------------------
defer() { _CLEANUPS+=("$*"); }

# Unmount everything mounted at or below $1 (deepest first), lazily if busy.
unmount_under() {
  local dir=$1 m
  [ -n "$dir" ] || return 0
  # mountinfo field 5 is the mount point (octal-escaped spaces are not expected in our paths)
  for m in $(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}

# Kill the processes whose command line contains $1 (our unique temp dir or socket path), by pid.
kill_matching() {
  local pat=$1 sig=${2:-KILL} p
  for p in $(grep -lsF -- "$pat" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
    [ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] && continue
    kill -s "$sig" "$p" 2>/dev/null || true
  done
}

# Remove a cgroup (and its children) named $1 from every hierarchy, killing what is left inside.
remove_cgroup() {
  local name=${1#/} h d p
  [ -n "$name" ] || return 0
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    d=$h$name
    [ -d "$d" ] || continue
    for p in $(cat $(find "$d" -name cgroup.procs 2>/dev/null) 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

_on_exit() {
  local rc=$?
  trap - EXIT INT TERM HUP
  set +e
  local i
  for ((i = ${#_CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${_CLEANUPS[i]}" >/dev/null 2>&1
  done
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    unmount_under "$WORK"
    if [ "${CLIENTS_KEEP:-}" = 1 ]; then
      echo "# kept $WORK"
    else
      rm -rf --one-file-system "$WORK"
    fi
  fi
  if [ "$_FINISHED" = 0 ]; then
    echo "not ok - $SUITE: suite aborted (exit status $rc) before finishing"
    FAILED=$((FAILED + 1))
    _summary
    exit 1
  fi
}

suite_init() {
  trap _on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  [ "$(id -u)" = 0 ] || { echo "$SUITE: must run as root" >&2; exit 2; }
  WORK=$(mktemp -d "/tmp/occ-$SUITE.XXXXXX")
  chmod 755 "$WORK"
  # containerd 1.6 shims put their sockets in /run/containerd/s whatever the daemon's state dir is.
  # If no /run/containerd existed before us (no system containerd), remove the empty dirs they leave.
  if [ ! -e /run/containerd ]; then
    defer 'rmdir /run/containerd/s /run/containerd/fifo /run/containerd/runc /run/containerd 2>/dev/null'
  fi
}

_summary() { echo "$SUITE: $PASSED passed, $FAILED failed, $SKIPPED skipped"; }

finish() {
  _FINISHED=1
  _summary
  [ "$FAILED" = 0 ]
  exit $?
}

# --- running client commands -------------------------------------------------------------------
# run [-t SECS] [-i STRING] [--] CMD... : runs CMD under `timeout`, stdin from STRING (else
# /dev/null); sets OUT, ERR (stdout/stderr, trailing newlines and CRs stripped), RC (124 = timeout).
run() {
  local secs=$CMD_TIMEOUT input="" have_input=0
  while [ $# -gt 0 ]; do
    case $1 in
      -t) secs=$2; shift 2 ;;
      -i) input=$2; have_input=1; shift 2 ;;
      --) shift; break ;;
      *) break ;;
    esac
  done
  local o=$WORK/.out e=$WORK/.err
  if [ $have_input = 1 ]; then
    printf '%s' "$input" | timeout -k 5 "$secs" "$@" >"$o" 2>"$e"
  else
    timeout -k 5 "$secs" "$@" </dev/null >"$o" 2>"$e"
  fi
  RC=$?
  OUT=$(tr -d '\r' <"$o")
  ERR=$(tr -d '\r' <"$e")
  LAST_CMD="$*"
  return 0
}

# run_tty [-t SECS] CMD... : like run, but CMD gets a pseudo-terminal as stdin/stdout/stderr
# (util-linux `script`); OUT holds everything written to the terminal.
run_tty() {
  local secs=$CMD_TIMEOUT
  [ "${1:-}" = -t ] && { secs=$2; shift 2; }
  local q="" a
  for a in "$@"; do q+=" $(printf '%q' "$a")"; done
  run -t "$secs" -- script -qefc "$q" /dev/null
}

# --- checks -------------------------------------------------------------------------------------
_CUR="" _REASON=""
begin() { _CUR=$1; _REASON=""; }
fail() { [ -n "$_REASON" ] || _REASON=$1; }
_short() { printf '%s' "$1" | tr '\n' ' ' | cut -c1-${2:-240}; }
end() {
  if [ -z "$_REASON" ]; then
    echo "ok - $_CUR"; PASSED=$((PASSED + 1))
  else
    echo "not ok - $_CUR: $_REASON"; FAILED=$((FAILED + 1))
  fi
  _CUR=""
}
skip() { echo "skip - $1: $2"; SKIPPED=$((SKIPPED + 1)); }
# ok NAME / not_ok NAME REASON: a one-line check decided by the caller.
ok() { begin "$1"; end; }
not_ok() { begin "$1"; fail "$2"; end; }

_ctx() { echo "[$(_short "$LAST_CMD" 80)] rc $RC; stdout: $(_short "$OUT" 160); stderr: $(_short "$ERR" 240)"; }
want_rc() { [ "$RC" = "$1" ] || fail "exit status $RC, want $1: $(_ctx)"; }
want_out() { [ "$OUT" = "$1" ] || fail "stdout '$(_short "$OUT" 160)', want '$(_short "$1")': $(_ctx)"; }
want_out_has() { [[ $OUT == *"$1"* ]] || fail "stdout lacks '$1': $(_ctx)"; }
want_err_has() { [[ $ERR == *"$1"* ]] || fail "stderr lacks '$1': $(_ctx)"; }
want_out_re() { [[ $OUT =~ $1 ]] || fail "stdout does not match /$1/: $(_ctx)"; }
# want COND REASON : COND is evaluated by bash ([[ ]] syntax allowed)
want() { eval "$1" || fail "$2"; }

# True when the runtime under test manages cgroup v2 only (oci-runtime) and this host's v2
# hierarchy lacks the memory controller (hybrid cgroups, as on the development machines):
# limits then cannot be applied, and the runtime must refuse them clearly (issue 6) — runc uses v1.
v2_only_on_hybrid() {
  [ "$RUNTIME_NAME" != runc ] && [ -f /sys/fs/cgroup/unified/cgroup.controllers ] &&
    ! grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers
}

# wait_for SECS CMD... : retry CMD (quietly) every 0.1 s until it succeeds; returns its status.
wait_for() {
  local secs=$1; shift
  local end=$((SECONDS + secs))
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    [ $SECONDS -ge $end ] && return 1
    sleep 0.1
  done
}

gone() { ! kill -0 "$1" 2>/dev/null; }

# A container's state, pid and exit code through a docker-like CLI, the command line in P=(...).
cstate() { timeout 10 "${P[@]}" inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
cpid() { timeout 10 "${P[@]}" inspect -f '{{.State.Pid}}' "$1" 2>/dev/null; }
cexit() { timeout 10 "${P[@]}" inspect -f '{{.State.ExitCode}}' "$1" 2>/dev/null; }
state_is() { [ "$(cstate "$1")" = "$2" ]; }

# Start a daemon with a clean environment (only the variables given) and no fds above 2;
# stdin /dev/null, stdout+stderr to LOGFILE. Sets DAEMON_PID.
#   start_daemon LOGFILE VAR=value... -- CMD ARGS...
start_daemon() {
  local logf=$1; shift
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  (
    for fd in $(ls /proc/$BASHPID/fd); do
      [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid env -i "${envs[@]}" "$@" </dev/null >"$logf" 2>&1
  ) &
  DAEMON_PID=$!
}

# stop_pid PID [SECS]: SIGTERM, then SIGKILL after SECS (default 10).
stop_pid() {
  local p=$1 secs=${2:-10} i
  kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$p" 2>/dev/null || { wait "$p" 2>/dev/null; return 0; }
    sleep 0.1
  done
  kill -KILL "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  return 0
}

# need CMD... : fail the whole suite with a clear reason if a tool is missing.
need() {
  local c missing=()
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  if [ ${#missing[@]} -gt 0 ]; then
    not_ok "$SUITE: prerequisites" "missing ${missing[*]} (apt-get install the packages in conformance/clients/packages.txt)"
    finish
  fi
}
