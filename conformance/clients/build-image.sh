#!/usr/bin/env bash
# build-image.sh OUTDIR — builds a busybox image locally (there is no registry here) from
# busybox-static, and writes it in the two formats the clients import:
#   OUTDIR/busybox-oci.tar     OCI image layout archive  (ctr images import)
#   OUTDIR/busybox-docker.tar  docker-archive            (podman load, docker load)
# both tagged localhost/busybox:latest. One layer: /bin/busybox, a symlink per applet, /etc/passwd
# and /etc/group (root, nobody), empty /proc /dev /sys /tmp /root /var. Config: Cmd ["sh"],
# Env PATH, WorkingDir /. Tools: umoci (layout, layer, config) and skopeo (format conversion).
set -euo pipefail
out=${1:?usage: build-image.sh OUTDIR}
for t in umoci skopeo /bin/busybox; do
  command -v "$t" >/dev/null || { echo "build-image: $t missing (apt-get install umoci skopeo busybox-static)" >&2; exit 2; }
done
mkdir -p "$out"
tmp=$(mktemp -d "$out/.image.XXXXXX")
trap 'rm -rf --one-file-system "$tmp"' EXIT

r=$tmp/rootfs
mkdir -p "$r"/{bin,etc,proc,dev,sys,tmp,root,var}
chmod 1777 "$r/tmp"
chmod 700 "$r/root"
cp /bin/busybox "$r/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$r/etc/group"

layout=$tmp/layout
umoci init --layout "$layout"
umoci new --image "$layout:latest"
umoci insert --image "$layout:latest" "$r" /
umoci config --image "$layout:latest" --config.cmd sh --config.workingdir / \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
rm -f "$out/busybox-oci.tar" "$out/busybox-docker.tar"
skopeo --insecure-policy copy -q "oci:$layout:latest" "oci-archive:$out/busybox-oci.tar:localhost/busybox:latest"
skopeo --insecure-policy copy -q "oci:$layout:latest" "docker-archive:$out/busybox-docker.tar:localhost/busybox:latest"
