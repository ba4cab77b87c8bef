#!/usr/bin/env bash
# Seccomp report: our compiler vs libseccomp on podman's default profile and a deny-list profile.
# Needs libseccomp2 (apt-get install -y libseccomp2); the shipped runtime does not.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${1:-}"
if [ -z "$profile" ]; then
  for p in "$root/../shared/testdata/podman-default-seccomp.json" "/work/shared/testdata/podman-default-seccomp.json"; do
    [ -f "$p" ] && profile="$p" && break
  done
fi
[ -n "$profile" ] || { echo "seccomp bench: podman-default-seccomp.json not found" >&2; exit 1; }
if ! ldconfig -p 2>/dev/null | grep -q 'libseccomp.so.2'; then
  echo "seccomp bench: installing libseccomp2 for the comparison" >&2
  apt-get install -y -qq libseccomp2 >/dev/null
fi
dotnet build -c Release -v q --nologo "$here/Oci.Seccomp.Bench.csproj" >/dev/null
exec dotnet "$here/bin/Release/net10.0/Oci.Seccomp.Bench.dll" "$profile"
