#!/usr/bin/env bash
# Installs the Debian 12 packages that building and testing oci-runtime need (run as root).
# The .NET 10 SDK itself is expected on PATH (it is on the project's machines).
set -euo pipefail
packages=(
  build-essential      # cc for the C plan interpreter linked into the binary
  busybox-static       # the test and demo rootfs
  runc                 # the oracle the conformance suite is also run against
  crun                 # make bench / bench-quick time it beside runc
  jq                   # bench and demo scripts edit config.json
  python3-jsonschema   # validates spec/features/state output against the spec's schemas
  hyperfine            # make bench
  libseccomp-dev       # differential seccomp tests (never linked into the shipped binary)
  util-linux           # unshare/nsenter used by namespace-join tests
  strace
  golang-go            # builds the runtime-tools validation suite (make validation)
  file                 # runtime-tools' setup.sh checks that /bin/busybox is static
  uidmap               # newuidmap/newgidmap: rootless containers with subordinate id ranges
  passwd               # useradd/usermod/userdel: the rootless suites create a user for the run
)
# The qemu harness (pure cgroup v2 guest) and the real clients list their own packages.
extra=()
for list in conformance/vm/packages.txt conformance/clients/packages.txt; do
  [ -f "$list" ] && mapfile -t -O "${#extra[@]}" extra < <(grep -vE '^\s*(#|$)' "$list" | sed 's/[[:space:]]*#.*//')
done
export DEBIAN_FRONTEND=noninteractive
# Package scripts must not start system daemons (containerd, docker): the test suites start
# private ones. policy-rc.d exit 101 tells invoke-rc.d "not allowed"; removed afterwards.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
fi
trap '[ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" "${extra[@]}" >/dev/null
echo "install-deps: installed ${#packages[@]} + ${#extra[@]} packages"
