#!/usr/bin/env bash
# A deliberately broken middle patch must make the bisect gate name it: on a scratch branch
# of build/linux, patch 4 gains a line that does not compile and patch 5 removes it again,
# so only the prefix ending at patch 4 is broken. scripts/bisect.sh must fail naming
# "patch 4/N" and pass every other prefix. The branch is removed afterwards.
set -euo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 [NAME]   (configuration for the builds, default bisect)"; exit 0; }
name=${1:-bisect}
demo=harness-broken-middle
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] || die "bisect demo: $KTREE is dirty"
tip=$(git -C "$KTREE" symbolic-ref -q --short HEAD) || die "bisect demo: $KTREE HEAD is detached"
mapfile -t c < <(git -C "$KTREE" rev-list --reverse base..HEAD)
[ ${#c[@]} -ge 6 ] || die "bisect demo: needs a series of 6 or more patches"
cleanup() {
	git -C "$KTREE" cherry-pick --abort >/dev/null 2>&1 || true
	git -C "$KTREE" checkout -q -f "$tip"
	git -C "$KTREE" branch -q -D "$demo" >/dev/null 2>&1 || true
}
trap cleanup EXIT
g() { git -C "$KTREE" -c user.name=harness -c user.email=harness@localhost "$@"; }
g checkout -q -B "$demo" "${c[3]}"
echo 'int harness_broken_on_purpose = ;' >>"$KTREE/kernel/exit.c"
g commit -q -a --amend --no-edit
g cherry-pick "${c[4]}" >/dev/null
sed -i '$d' "$KTREE/kernel/exit.c"
g commit -q -a --amend --no-edit
for x in "${c[@]:5}"; do g cherry-pick "$x" >/dev/null; done
git -C "$KTREE" diff --quiet "$tip" "$demo" -- . || die "bisect demo: the scratch branch's tip differs from the series"

subject=$(git -C "$KTREE" log -1 --format=%s "${c[3]}")
rc=0
CASES=$BUILD/harness-tests/bisect-demo.tsv
export CASES
mkdir -p "$(dirname "$CASES")"
: >"$CASES"
"$TOP/scripts/bisect.sh" "$name" vmlinux >"$BUILD/harness-tests/bisect-demo.out" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || die "bisect demo: bisect.sh passed a series with a broken patch 4"
grep -F "patch 4/${#c[@]} '$subject' does not build" "$BUILD/harness-tests/bisect-demo.out" ||
	die "bisect demo: the failure does not name patch 4; see $BUILD/harness-tests/bisect-demo.out"
fails=$(awk -F'\t' '$2 == "fail"' "$CASES" | wc -l)
[ "$fails" -eq 1 ] || die "bisect demo: $fails failing prefixes, expected exactly one (patch 4)"
echo "ok: bisect named the broken middle patch and passed the other prefixes"
