#!/usr/bin/env bash
# Installs the Debian 12 packages that building and testing oci-runtime need (run as root).
# The .NET 10 SDK itself is expected on PATH (it is on the project's machines).
set -euo pipefail
packages=(
  build-essential      # cc for the C plan interpreter linked into the binary
  busybox-static       # the test and demo rootfs
  runc                 # the oracle the conformance suite is also run against
  jq                   # bench and demo scripts edit config.json
  python3-jsonschema   # validates spec/features/state output against the spec's schemas
  hyperfine            # make bench
  libseccomp-dev       # differential seccomp tests (never linked into the shipped binary)
  util-linux           # unshare/nsenter used by namespace-join tests
  strace
)
vm_packages=()
if [ -f conformance/vm/packages.txt ]; then
  mapfile -t vm_packages < <(grep -vE '^\s*(#|$)' conformance/vm/packages.txt)
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" "${vm_packages[@]}" >/dev/null
echo "install-deps: installed ${#packages[@]} + ${#vm_packages[@]} packages"
