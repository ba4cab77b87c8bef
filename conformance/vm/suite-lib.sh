# suite-lib.sh — sourced by the guest side of the VM suites (cgroup-, systemd-, rootless-suite.sh) after
# their --guest guard, with W set to the suite's work dir: the runtime under test ($OCI_RUNTIME,
# default bin/oci-runtime) as a private copy, and the PASS/FAIL bookkeeping and checks both share.

RT=${OCI_RUNTIME:-$REPO/bin/oci-runtime}
[[ -x $RT ]] || { echo "FAIL runtime present: $RT is not executable (run make first)"; echo "0 passed, 1 failed"; exit 1; }
CG=/sys/fs/cgroup
mkdir -p "$W"
RTNAME=$(basename "$RT")
# A private copy: the host's bin/oci-runtime may be rebuilt while the guest runs (the 9p share is
# cache=loose, and a replaced mapped binary dies with SIGBUS).
cp "$RT" "$W/runtime" && RT=$W/runtime
# runc (the oracle, OCI_RUNTIME=/usr/sbin/runc) words its errors differently and accepts some
# settings oci-runtime refuses: those checks are oci-runtime's only, and say so.
ours() { [[ $RTNAME != runc* ]]; }
skip() { echo "SKIP $1 ($RTNAME differs: $2)"; }
ROOT=$W/state
PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1: $2"; }
# check NAME COMMAND...: PASS if the command succeeds.
check() { local n=$1; shift; if "$@"; then pass "$n"; else fail "$n" "$(printf '%q ' "$@")"; fi; }
eq() { [[ "$1" == "$2" ]] || { echo "    expected [$2], got [$1]" >&2; return 1; }; }
# bundle NAME CGROUPSPATH JQ-FILTER ARGS...: $W/NAME/config.json from $W/base.json (the suite's
# `spec` output) with the rootfs at $W/rootfs, ARGS as process.args, the cgroupsPath ("" leaves it
# unset), $BUNDLE_FILTER (a suite-wide edit, default none) and then JQ-FILTER applied.
bundle() {
  local name=$1 cgpath=$2 filter=$3; shift 3
  mkdir -p "$W/$name"
  # The args travel as a JSON array: jq would take a "-c" among positional args for its own flag.
  local args='[]' a
  for a in "$@"; do args=$(jq -c --arg a "$a" '. + [$a]' <<<"$args"); done
  jq --arg root "$W/rootfs" --arg cg "$cgpath" --argjson args "$args" "
      .root = {path: \$root, readonly: false} | .process.terminal = false | .process.args = \$args
      | ${BUNDLE_FILTER:-.}
      | (if \$cg == \"\" then del(.linux.cgroupsPath) else .linux.cgroupsPath = \$cg end) | $filter" \
    < "$W/base.json" > "$W/$name/config.json"
}
