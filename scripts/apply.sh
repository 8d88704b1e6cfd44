#!/usr/bin/env bash
# Apply the series (top-level `series`, quilt format, names relative to patches/) with git am.
#   apply.sh             reset build/linux to `base`, then apply every patch (HEAD = last patch)
#   apply.sh -k KSRC     apply onto the current HEAD of the git tree KSRC, on a new branch
# A patch that does not apply stops everything: the patch and the failing file/hunk are named.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [-k KSRC] [-n COUNT]   (-n: apply only the first COUNT patches)"; }
ksrc="" count=""
while getopts hk:n: o; do
	case $o in
	h) usage; exit 0 ;;
	k) ksrc=$OPTARG ;;
	n) count=$OPTARG ;;
	*) usage >&2; exit 2 ;;
	esac
done

SERIES=${SERIES:-$TOP/series} PATCHDIR=${PATCHDIR:-$TOP/patches}
list=$("$TOP/scripts/series-list.sh" "$SERIES" "$PATCHDIR") || die "apply: cannot read the series $SERIES"
patches=()
[ -z "$list" ] || mapfile -t patches <<<"$list"
[ -n "$count" ] && patches=("${patches[@]:0:$count}")

if [ -n "$ksrc" ]; then
	tree=$(cd "$ksrc" && pwd)
	git -C "$tree" rev-parse --git-dir >/dev/null 2>&1 || die "apply: KSRC=$ksrc is not a git tree"
	[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] || die "apply: $tree has uncommitted changes"
	branch=pidfs-series-$(date +%Y%m%d-%H%M%S)
	git -C "$tree" checkout -q -b "$branch"
	log "apply: onto $tree, new branch $branch from $(git -C "$tree" log -1 --format='%h %s' HEAD~0)"
else
	tree=$KTREE
	git -C "$tree" rev-parse -q --verify base >/dev/null 2>&1 || die "apply: $tree has no 'base' tag; run scripts/base.sh (make base)"
	"$TOP/scripts/tree-guard.sh" || die "apply: not resetting $tree"
	git -C "$tree" checkout -q -B series base
fi

mkdir -p "$BUILD" # am.log; without the directory every patch would look as if it failed
n=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	if ! git -C "$tree" am -q --committer-date-is-author-date "$PATCHDIR/$p" >"$BUILD/am.log" 2>&1; then
		echo "error: apply: patch $n/${#patches[@]} $p does not apply onto $(git -C "$tree" log -1 --format='%h %s')" >&2
		# Name the file and hunk: git apply --check says which one fails.
		(cd "$tree" && git apply --check -v "$PATCHDIR/$p" 2>&1 | grep -E '^(error|Checking patch|Hunk)' | sed 's/^/    /') >&2 || true
		grep -vE '^(hint:|When you have|If you prefer|To restore)' "$BUILD/am.log" | sed 's/^/    /' >&2 || true
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		exit 1
	fi
done
log "apply: ${#patches[@]} patch(es) applied; HEAD $(git -C "$tree" log -1 --format='%h %s')"
