#!/usr/bin/env bash
# Build the guest initramfs for configuration NAME: busybox-static, coreutils timeout, perl
# (x86_64; i386 gets a timeout wrapper and runner.sh's sed fallback), the kselftests from
# build/ksft/NAME and selftests/init. Output: build/initramfs/NAME.cpio.gz
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 NAME [EXTRA_DIR]   (EXTRA_DIR: files copied over the root, e.g. /harness-post)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -ge 1 ] && [ $# -le 2 ] || { usage >&2; exit 2; }
name=$1 extra=${2:-}
arch=$(config_arch "$name")
ksft=$BUILD/ksft/$name
[ -x "$ksft/run_kselftest.sh" ] || die "initramfs $name: no kselftests in $ksft (run scripts/kselftests.sh $name)"

root=$BUILD/initramfs/$name.root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root}

# copy_bin FILE: FILE and the shared libraries ldd names, at the same paths.
copy_bin() {
	local f=$1 lib
	install -D -m 755 "$f" "$root$f"
	for lib in $(ldd "$f" 2>/dev/null | grep -oE '/[^ ]+'); do
		[ -e "$root$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
	done
}

if [ "$arch" = x86_64 ]; then
	install -m 755 /bin/busybox "$root/bin/busybox"
	copy_bin /usr/bin/timeout
	copy_bin /usr/bin/env
	copy_bin /usr/bin/perl
	# perl-base's modules (strict, warnings, IO, Carp, Exporter, ...): prefix.pl needs them.
	for d in /usr/lib/x86_64-linux-gnu/perl-base /usr/share/perl5; do
		[ -d "$d" ] && mkdir -p "$root$d" && cp -a "$d/." "$root$d/"
	done
else
	bb=$BUILD/busybox-i386/bin/busybox
	[ -x "$bb" ] || "$TOP/scripts/busybox-i386.sh"
	install -m 755 "$bb" "$root/bin/busybox"
	# No i386 coreutils: runner.sh calls `timeout --foreground N timeout N cmd`; drop the
	# option and let busybox's timeout do the work, reporting a kill as coreutils does
	# (124), which runner.sh turns into "# TIMEOUT".
	cat >"$root/usr/bin/timeout" <<-'WRAP'
	#!/bin/sh
	[ "$1" = --foreground ] && shift
	/bin/busybox timeout "$@"
	rc=$?
	[ "$rc" -eq 143 ] && rc=124
	exit "$rc"
	WRAP
	chmod 755 "$root/usr/bin/timeout"
	ln -s /bin/busybox "$root/usr/bin/env"
fi

ln -s busybox "$root/bin/sh"
cp -a "$ksft" "$root/kselftest"
install -m 755 "$TOP/selftests/init" "$root/init"
[ -n "$extra" ] && cp -a "$extra/." "$root/"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/false" >>"$root/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"

out=$BUILD/initramfs/$name.cpio.gz
"$TOP/scripts/mkinitramfs.sh" "$root" "$out"
log "initramfs $name: $out ($(du -h "$out" | cut -f1))"
