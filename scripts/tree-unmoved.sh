#!/usr/bin/env bash
# After every gate: build/linux must still be at the tip that the apply gate recorded, with
# nothing modified (other revisions are built in worktrees under build/wt).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 TREE TIPFILE   (TIPFILE: the commit the apply gate wrote)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 2 ] || { usage >&2; exit 2; }
tree=$1
[ -s "$2" ] || die "tree-unmoved: no tip recorded in $2 (the apply gate did not pass)"
tip=$(cat "$2")
head=$(git -C "$tree" rev-parse HEAD) || die "tree-unmoved: $tree is not a git tree"
if [ "$head" != "$tip" ] || [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "error: tree-unmoved: $tree: HEAD $head, expected the tip $tip" >&2
	git -C "$tree" status --short --untracked-files=no | sed -n 1,10p >&2
	exit 1
fi
log "tree-unmoved: $tree is at the tip $tip, unmodified"
