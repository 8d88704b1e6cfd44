#!/usr/bin/env bash
# A deliberately broken middle patch must make the bisect gate name it: in the worktree
# build/wt/demo, patch 4 gains a line that does not compile and patch 5 removes it again,
# so only the prefix ending at patch 4 is broken. scripts/bisect.sh, given that scratch
# series' tip, must fail naming "patch 4/N" and pass every other prefix. build/linux is not
# touched.
set -euo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 [NAME]   (configuration for the builds, default bisect)"; exit 0; }
name=${1:-bisect}
mapfile -t c < <(git -C "$KTREE" rev-list --reverse base..HEAD)
[ ${#c[@]} -ge 6 ] || die "bisect demo: needs a series of 6 or more patches"
wt=$(worktree demo "${c[3]}")
trap 'git -C "$wt" cherry-pick --abort >/dev/null 2>&1 || true' EXIT
g() { git -C "$wt" -c user.name=harness -c user.email=harness@localhost "$@"; }
echo 'int harness_broken_on_purpose = ;' >>"$wt/kernel/exit.c"
g commit -q -a --amend --no-edit
g cherry-pick "${c[4]}" >/dev/null
sed -i '$d' "$wt/kernel/exit.c"
g commit -q -a --amend --no-edit
for x in "${c[@]:5}"; do g cherry-pick "$x" >/dev/null; done
demo=$(git -C "$wt" rev-parse HEAD)
git -C "$KTREE" diff --quiet HEAD "$demo" -- . || die "bisect demo: the scratch series' tip differs from the series"

subject=$(git -C "$KTREE" log -1 --format=%s "${c[3]}")
rc=0
CASES=$BUILD/harness-tests/bisect-demo.tsv
export CASES
mkdir -p "$(dirname "$CASES")"
: >"$CASES"
"$TOP/scripts/bisect.sh" "$name" vmlinux "$demo" >"$BUILD/harness-tests/bisect-demo.out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || die "bisect demo: bisect.sh passed a series with a broken patch 4"
grep -F "patch 4/${#c[@]} '$subject' does not build" "$BUILD/harness-tests/bisect-demo.out" ||
	die "bisect demo: the failure does not name patch 4; see $BUILD/harness-tests/bisect-demo.out"
fails=$(awk -F'\t' '$2 == "fail"' "$CASES" | wc -l)
[ "$fails" -eq 1 ] || die "bisect demo: $fails failing prefixes, expected exactly one (patch 4)"
echo "ok: bisect named the broken middle patch and passed the other prefixes"
