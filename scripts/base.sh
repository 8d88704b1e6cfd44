#!/usr/bin/env bash
# Unpack Debian's linux-source-6.1 into build/linux as a git tree whose first commit is tagged
# `base`. Reuses an existing tree whose base matches base.version.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [-h]   (unpacks /usr/src/linux-source-6.1.tar.xz into $KTREE)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 0 ] || { usage >&2; exit 2; }

want=$(base_version)
pkg=linux-source-6.1
have=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
if [ "$have" != "$want" ]; then
	[ "$(id -u)" -eq 0 ] || die "base: $pkg=$want is not installed (have '${have:-none}'); run as root: apt-get install $pkg=$want"
	log "base: installing $pkg=$want"
	if ! apt-get install -y -q "$pkg=$want" >/dev/null 2>&1; then
		apt-get update -q >/dev/null 2>&1 || true
		if ! apt-get install -y -q --allow-downgrades "$pkg=$want" >/dev/null 2>&1; then
			apt-get install -y -q "$pkg" >/dev/null || die "base: cannot install $pkg at all"
			have=$(dpkg-query -W -f='${Version}' "$pkg")
			cat >&2 <<-MSG
			****************************************************************************
			WARNING: $pkg=$want (the version the series was made against) is no longer
			in the archive; using $have instead. The series may still apply; if it
			does not, rebase it (Documentation/developing.md) and update base.version.
			****************************************************************************
			MSG
		fi
	fi
	have=$(dpkg-query -W -f='${Version}' "$pkg")
fi
stamp="Debian $pkg $have"

if git -C "$KTREE" rev-parse -q --verify base >/dev/null 2>&1; then
	cur=$(git -C "$KTREE" log -1 --format=%s base)
	if [ "$cur" = "base: $stamp" ]; then
		no_auto_gc "$KTREE"
		log "base: reusing $KTREE ($stamp)"
		exit 0
	fi
	"$TOP/scripts/tree-guard.sh" || die "base: $KTREE holds work on another base ($cur); export or discard it first"
	log "base: $KTREE is '$cur', replacing it with $stamp"
	rm -rf "$KTREE"
elif [ -e "$KTREE" ]; then
	die "base: $KTREE exists but is not a harness tree (no 'base' tag); move it away"
fi

tarball=/usr/src/$pkg.tar.xz
[ -f "$tarball" ] || die "base: $tarball missing (is $pkg installed?)"
log "base: unpacking $tarball"
tmp=$BUILD/.unpack
rm -rf "$tmp"
mkdir -p "$tmp"
tar -xf "$tarball" -C "$tmp"
mv "$tmp/$pkg" "$KTREE"
rmdir "$tmp"

base_commit "$KTREE" "$stamp"
log "base: $KTREE at $(git -C "$KTREE" rev-parse --short base) ($stamp)"
