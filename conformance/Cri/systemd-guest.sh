#!/usr/bin/env bash
# systemd-guest.sh — the CRI suite's systemd-driver part: containerd 1.6's CRI with runc-v2
# `SystemdCgroup = true` for both handlers (runc, the oracle, and oci-runtime = $OCI_RUNTIME), inside
# the qemu guest with systemd 252 as PID 1 and pure cgroup v2 (conformance/vm/run-in-vm.sh --systemd).
# Pods in kubelet's systemd-driver slices; lifecycle, ContainerStats, UpdateContainerResources with
# hard limits read back from the scope's files and unit properties, and nothing left behind
# (conformance/Cri/Guest/SystemdGuestSuite.cs, docs/clients.md).
#
# Prints "PASS <check>" / "FAIL <check>: <why>" lines and ends with "N passed, N failed", like the
# VM suites; exits 0 only if nothing failed. Times and what containerd returned go to
# build/cri-guest-report.txt.
# Usage: conformance/Cri/systemd-guest.sh [run-in-vm options]   (as root; needs a built Oci.Cri.dll)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

# The test assembly itself is the guest's program (dotnet exec, no vstest: under TCG vstest's start
# alone costs ~90 s). OCI_CRI_DLL names it; by default the newest build of conformance/Cri.
dll=${OCI_CRI_DLL:-$(ls -t conformance/Cri/bin/*/net*/Oci.Cri.dll 2>/dev/null | head -1)}
[[ -n $dll && -f $dll ]] || { echo "systemd-guest: no Oci.Cri.dll (dotnet build conformance/Cri/Oci.Cri.csproj)" >&2; echo "0 passed, 1 failed"; exit 1; }
dll=$(cd "$(dirname "$dll")" && pwd)/$(basename "$dll")

# The images are built here (cc, umoci and skopeo under TCG would cost minutes) into the repository's
# build dir, which the guest sees read-only at the same path, and imported there.
work=$repo/build/cri-guest
rm -rf "$work/export"; mkdir -p "$work/images" "$work/export"
if ! conformance/Cri/image/build-images.sh "$work/images" > "$work/images.log" 2>&1; then
  echo "FAIL images: build-images.sh: $(tail -3 "$work/images.log" | tr '\n' ' ')"; echo "0 passed, 1 failed"; exit 1
fi

# containerd + two shims + the .NET program + tmpfs state need more than the harness's 1 GB default;
# 4x deadlines for the emulated CPU.
conformance/vm/run-in-vm.sh --systemd --timeout "${CRI_GUEST_TIMEOUT:-600}" --mem 1536 --export "$work/export" \
  -e OCI_CRI_SYSTEMD_CGROUP=1 -e OCI_CRI_IMAGES="$work/images" -e OCI_CRI_TIME_SCALE=4 \
  -e OCI_CRI_REPORT=/run/vm/export/cri-report.txt -e DOTNET_TieredPGO=0 -e DOTNET_CLI_TELEMETRY_OPTOUT=1 \
  "$@" -- dotnet exec "$dll" --systemd-guest
rc=$?
[[ -f $work/export/cri-report.txt ]] && cp "$work/export/cri-report.txt" "$repo/build/cri-guest-report.txt"
exit $rc
