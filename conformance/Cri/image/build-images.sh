#!/usr/bin/env bash
# build-images.sh OUTDIR — the CRI suite's two images, built locally (there is no registry here):
#   OUTDIR/pause-oci.tar    localhost/pause:latest   the pod sandbox: pause.c, static, alone in its layer
#   OUTDIR/busybox-oci.tar  localhost/busybox:latest conformance/clients/build-image.sh's busybox
# Both OCI image layout archives, for `ctr -n k8s.io images import`. Tools: cc (static glibc), umoci, skopeo.
set -euo pipefail
out=${1:?usage: build-images.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
clients=$(cd "$here/../../clients" 2>/dev/null && pwd || true)
# The test build copies this dir to its output; the clients' script is found from the source tree.
[ -x "$clients/build-image.sh" ] || clients=${OCI_CLIENTS_DIR:?set OCI_CLIENTS_DIR to conformance/clients}
for t in cc umoci skopeo; do
  command -v "$t" >/dev/null || { echo "build-images: $t missing (apt-get install build-essential umoci skopeo)" >&2; exit 2; }
done
mkdir -p "$out"
tmp=$(mktemp -d "$out/.pause.XXXXXX")
trap 'rm -rf --one-file-system "$tmp"' EXIT

mkdir -p "$tmp/rootfs"
cc -static -Os -s -o "$tmp/rootfs/pause" "$here/pause.c"
umoci init --layout "$tmp/layout"
umoci new --image "$tmp/layout:latest"
umoci insert --image "$tmp/layout:latest" "$tmp/rootfs/pause" /pause
umoci config --image "$tmp/layout:latest" --config.entrypoint /pause --config.workingdir /
rm -f "$out/pause-oci.tar"
skopeo --insecure-policy copy -q "oci:$tmp/layout:latest" "oci-archive:$out/pause-oci.tar:localhost/pause:latest"

"$clients/build-image.sh" "$out"
rm -f "$out/busybox-docker.tar"
