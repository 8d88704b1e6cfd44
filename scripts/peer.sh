#!/usr/bin/env bash
# The peer tree: Debian's linux-source-6.12 (upstream's own pidfs), unpacked once into
# build/peer/linux-source-6.12 for `make bench`. Only built and measured, never a source.
# Prints the tree's path.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (unpacks /usr/src/linux-source-6.12.tar.xz once; prints the tree)"; exit 0; }
tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || die "peer: $tarball missing (apt-get install linux-source-6.12)"
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
dir=$BUILD/peer/linux-source-6.12
if [ ! -f "$dir/.harness-version" ] || [ "$(cat "$dir/.harness-version")" != "$ver" ]; then
	log "peer: unpacking linux-source-6.12 $ver"
	rm -rf "$BUILD/peer"
	mkdir -p "$BUILD/peer"
	tar -C "$BUILD/peer" -xf "$tarball" || die "peer: unpacking $tarball failed"
	[ -f "$dir/Makefile" ] || die "peer: $tarball did not unpack to $dir"
	echo "$ver" >"$dir/.harness-version"
fi
echo "$dir"
