#!/usr/bin/env bash
# Nothing is lost: in a scratch copy of the project whose patches/ holds an edited patch that
# no longer applies and an untracked new patch, the steps make check and make export take
# (apply, the round trip, export) fail naming the patch or refuse, and both files are
# byte for byte what they were. Uses a tiny git tree as build/linux.
set -euo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 [WORKDIR]   (default build/harness-tests/nothing-lost)"; exit 0; }
w=${1:-$BUILD/harness-tests/nothing-lost}
rm -rf "$w"
mkdir -p "$w/tree" "$w/project"
git_t() { git -c user.name=t -c user.email=t@t "$@"; }

# The tiny base tree and a two-patch series made from it.
git -C "$w/tree" init -q
printf 'one\ntwo\nthree\nfour\n' >"$w/tree/file.c"
git -C "$w/tree" add file.c
git_t -C "$w/tree" commit -q -m "base: tiny"
git -C "$w/tree" tag base
sed -i 's/two/TWO/' "$w/tree/file.c"
git_t -C "$w/tree" commit -q -am "file: shout two"
sed -i 's/four/FOUR/' "$w/tree/file.c"
git_t -C "$w/tree" commit -q -am "file: shout four"

# The project: the harness scripts, the series exported from the tree, committed.
p=$w/project
cp -r "$TOP/scripts" "$TOP/base.version" "$p/"
mkdir -p "$w/export/patches"
printf 'Subject: [PATCH 0/2] tiny\n\n*** BLURB HERE ***\n' >"$w/export/patches/0000-cover-letter.patch"
KTREE=$w/tree BUILD=$w/build "$p/scripts/export.sh" "$w/export" >"$w/export-first.out" 2>&1 ||
	die "nothing-lost: exporting the tiny series failed: $(tail -3 "$w/export-first.out")"
cp -r "$w/export/patches" "$w/export/series" "$p/"
git -C "$p" init -q
git -C "$p" add -A
git_t -C "$p" commit -q -m "tiny project"
git -C "$w/tree" checkout -q -f base 2>/dev/null
git -C "$w/tree" branch -q -D master main 2>/dev/null || true

# The developer's work: an edit that breaks patch 2 and a new patch, neither committed.
edited=$p/patches/0002-file-shout-four.patch
[ -f "$edited" ] || die "nothing-lost: no $edited"
sed -i 's/^ three$/ drei/' "$edited"
printf 'From: t <t@t>\nSubject: [PATCH] file: a new patch\n\n---\n' >"$p/patches/0003-file-a-new-patch.patch"
before=$(cd "$p" && sha256sum patches/* series)

env=(KTREE="$w/tree" BUILD="$w/build")
rc=0
env "${env[@]}" "$p/scripts/apply.sh" >"$w/apply.out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || die "nothing-lost: apply.sh succeeded with a broken patch 2"
grep -q 'patch 2/2 0002-file-shout-four.patch does not apply' "$w/apply.out" ||
	die "nothing-lost: apply.sh did not name the patch: $(tail -3 "$w/apply.out")"
env "${env[@]}" "$p/scripts/round-trip.sh" >"$w/round-trip.out" 2>&1 &&
	die "nothing-lost: the round trip passed after a failed apply"
env "${env[@]}" "$p/scripts/export.sh" >"$w/export.out" 2>&1 &&
	die "nothing-lost: make export overwrote uncommitted patches"
grep -q 'not committed' "$w/export.out" || die "nothing-lost: export did not say why it refused"
after=$(cd "$p" && sha256sum patches/* series)
[ "$before" = "$after" ] || die "nothing-lost: patches/ or series changed:
$(diff <(echo "$before") <(echo "$after"))"
echo "ok: apply failed naming $(grep -o 'patch 2/2 [^ ]*' "$w/apply.out"), export refused, the edited and the new patch are intact"
