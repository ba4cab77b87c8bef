#!/usr/bin/env bash
# make demo: runs one busybox container with bin/oci-runtime and prints what it says about itself.
# Builds the bundle in a temp dir (busybox-static + applet links + /etc/passwd, /etc/group), takes the
# config from `bin/oci-runtime spec`, and removes everything afterwards. Needs root and busybox-static.
set -euo pipefail
cd "$(dirname "$0")/.."
rt=${OCI_RUNTIME:-$PWD/bin/oci-runtime}
[ -x "$rt" ] || { echo "demo: $rt missing (run make)" >&2; exit 2; }
[ -x /bin/busybox ] || { echo "demo: /bin/busybox missing (apt-get install busybox-static)" >&2; exit 2; }
command -v jq >/dev/null || { echo "demo: jq missing (apt-get install jq)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "demo: must run as root" >&2; exit 2; }

work=$(mktemp -d /tmp/oci-demo.XXXXXX)
chmod 755 "$work"
id=demo-$$
cg=oci-demo-$$
cleanup() {
  "$rt" --root "$work/state" delete --force "$id" >/dev/null 2>&1 || true
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h$cg" ] && { find "$h$cg" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null; rmdir "$h$cg" 2>/dev/null; }
  done
  rm -rf "$work"
}
trap cleanup EXIT

bundle=$work/bundle
mkdir -p "$bundle/rootfs"/{bin,etc,proc,dev,sys,tmp} "$work/state"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$bundle/rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$bundle/rootfs/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$bundle/rootfs/etc/group"

"$rt" spec --bundle "$bundle"
script='echo hello from oci-runtime; cat /proc/self/status | grep -E "^(Name|Pid|Cap)"; hostname'
# An absolute cgroupsPath of our own: a relative one would nest under the caller's cgroups.
jq --arg s "$script" --arg cg "/$cg/$id" \
   '.process.terminal = false | .process.args = ["sh", "-c", $s] | .linux.cgroupsPath = $cg' \
   "$bundle/config.json" > "$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

echo "\$ $(basename "$rt") run --bundle $bundle $id"
set +e
"$rt" --root "$work/state" run --bundle "$bundle" "$id"
rc=$?
set -e
echo "(exit status $rc)"
exit $rc
