#!/usr/bin/env bash
# Pack a directory into a gzipped newc initramfs with the kernel's own usr/gen_init_cpio: the
# one initramfs builder of the harness. Every entry is owned by root (0:0) and keeps its
# permission bits; directories and symlinks get a fixed mtime, so that the same tree gives
# the same archive. Regular files, directories and symlinks only; names without blanks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 ROOTDIR OUT.cpio.gz"; }
case "${1:-}" in -h | --help) usage; exit 0 ;; esac
[ $# -eq 2 ] || { usage >&2; exit 2; }
root=$(cd "$1" && pwd) out=$2

# gen_init_cpio from the kernel tree (any 6.1 tree has usr/gen_init_cpio.c), built once.
src=$KTREE/usr/gen_init_cpio.c
[ -f "$src" ] || die "mkinitramfs: no usr/gen_init_cpio.c in $KTREE (run make tree)"
gen=$BUILD/tools/gen_init_cpio
if [ ! -x "$gen" ] || [ "$src" -nt "$gen" ]; then
	mkdir -p "$BUILD/tools"
	gcc -O2 -o "$gen.$$" "$src" || die "mkinitramfs: building $src failed"
	mv "$gen.$$" "$gen"
fi

# The list: one line per entry, parents before children (sorted paths).
list=$(mktemp)
trap 'rm -f "$list"' EXIT
(cd "$root" && find . -mindepth 1 -printf '%y\t%P\t%m\t%l\n') | LC_ALL=C sort -t $'\t' -k2,2 |
	while IFS=$'\t' read -r type path mode target; do
		case $path in *[[:space:]]*) die "mkinitramfs: $root/$path: a name with a blank" ;; esac
		case $type in
		d) echo "dir /$path $mode 0 0" ;;
		f) echo "file /$path $root/$path $mode 0 0" ;;
		l) echo "slink /$path $target $mode 0 0" ;;
		*) die "mkinitramfs: $root/$path: type '$type' is not a file, directory or symlink" ;;
		esac
	done >"$list"
mkdir -p "$(dirname "$out")"
"$gen" -t 946684800 "$list" | gzip -1 >"$out.tmp" || die "mkinitramfs: gen_init_cpio failed on $root"
mv "$out.tmp" "$out"
