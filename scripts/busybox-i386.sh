#!/usr/bin/env bash
# Fetch Debian's i386 busybox-static into build/busybox-i386 without adding i386 to dpkg's
# architectures: apt uses a private package list for the download.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (downloads busybox-static:i386 into $BUILD/busybox-i386)"; exit 0; }
out=$BUILD/busybox-i386
lists=$BUILD/apt-i386/lists
mkdir -p "$lists/partial" "$out"
opts=(-o APT::Architectures::=amd64 -o APT::Architectures::=i386 -o Dir::State::Lists="$lists")
log "busybox-i386: apt-get update (private lists in $lists)"
# A partial failure (one mirror index mid-sync) is not fatal: the download below decides.
apt-get "${opts[@]}" update -q >"$BUILD/apt-i386/update.log" 2>&1 ||
	warn "busybox-i386: apt-get update reported errors (see $BUILD/apt-i386/update.log); trying the download"
(cd "$BUILD/apt-i386" && rm -f busybox-static_*_i386.deb &&
	apt-get "${opts[@]}" download -q busybox-static:i386 >download.log 2>&1) ||
	die "busybox-i386: apt-get download busybox-static:i386 failed; see $BUILD/apt-i386/download.log"
dpkg-deb -x "$BUILD"/apt-i386/busybox-static_*_i386.deb "$out"
[ ! -x /usr/bin/file ] || [[ $(file "$out/bin/busybox") == *'Intel 80386'* ]] ||
	die "busybox-i386: $out/bin/busybox is not an i386 binary"
log "busybox-i386: $out/bin/busybox"
