#!/usr/bin/env bash
# Write the commits base..HEAD of build/linux back into patches/NNNN-*.patch and `series`.
# The cover letter (patches/0000-cover-letter.patch) is kept. Output is stable from run to run:
# zero commit ids, no signature, no numbering in the subjects.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && {
	echo "usage: $0 [DIR]   (exports $KTREE base..HEAD into DIR/patches/ and DIR/series; DIR"
	echo "  defaults to the checkout, which must then have no uncommitted change in patches/ or series)"
	exit 0
}
dest=${1:-$TOP}
git -C "$KTREE" rev-parse -q --verify base >/dev/null 2>&1 || die "export: $KTREE has no 'base' tag"
if [ "$dest" = "$TOP" ]; then
	dirty=$(git -C "$TOP" status --porcelain -- patches series)
	[ -z "$dirty" ] || die "export: patches/ or series has changes that are not committed; it would overwrite them:
$dirty
  commit them (git commit patches series), or apply them to build/linux first (make tree) and export again"
fi
mkdir -p "$dest/patches"
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
	die "export: $KTREE has uncommitted changes; commit them first"
[ -d "$KTREE/.git/rebase-apply" ] && die "export: a 'git am' is in progress in $KTREE"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$KTREE" format-patch -q --zero-commit --no-signature --no-numbered \
	--abbrev=12 --full-index -o "$tmp" base..HEAD
find "$dest/patches" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' -delete
{
	echo "# The series, in order (quilt format; names relative to patches/). Written by make export."
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		cp "$f" "$dest/patches/"
		basename "$f"
	done
} >"$dest/series"
# Keep the cover letter's shortlog and diffstat true to the series: everything from the
# shortlog's first author line ("Name (N):") on is rewritten.
cover=$dest/patches/0000-cover-letter.patch
if [ -f "$cover" ]; then
	{
		awk '/^[^ ].* \([0-9]+\):$/ { exit } { print }' "$cover"
		git -C "$KTREE" shortlog base..HEAD
		git -C "$KTREE" diff --stat=72 base HEAD
	} >"$tmp/cover"
	mv "$tmp/cover" "$cover"
fi
log "export: $(grep -vc '^#' "$dest/series") patch(es) written to $dest/patches/ and $dest/series"
