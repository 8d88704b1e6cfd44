#!/usr/bin/env bash
# Exit 0 if build/linux holds nothing that patches/ lacks: no uncommitted edits to tracked files
# and no commit after `base` whose patch-id no file in patches/ carries. Otherwise list what
# would be lost and exit 1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (checks $KTREE for unexported work)"; exit 0; }
git -C "$KTREE" rev-parse -q --verify base >/dev/null 2>&1 || exit 0

bad=0
dirty=$(git -C "$KTREE" status --porcelain --untracked-files=no)
if [ -n "$dirty" ]; then
	echo "tree-guard: uncommitted changes in $KTREE:" >&2
	printf '%s\n' "$dirty" | sed 's/^/    /' >&2
	bad=1
fi
if git -C "$KTREE" rev-parse -q --verify HEAD >/dev/null && [ -z "$(git -C "$KTREE" rev-parse -q --verify REBASE_HEAD 2>/dev/null)" ]; then
	known=$(mktemp)
	trap 'rm -f "$known"' EXIT
	for p in "$TOP"/patches/*.patch; do
		[ -f "$p" ] || continue
		git patch-id --stable <"$p" | cut -d' ' -f1
	done | sort -u >"$known"
	while read -r c; do
		id=$(git -C "$KTREE" show "$c" | git patch-id --stable | cut -d' ' -f1)
		if [ -n "$id" ] && ! grep -qx "$id" "$known"; then
			echo "tree-guard: unexported commit: $(git -C "$KTREE" log -1 --format='%h %s' "$c")" >&2
			bad=1
		fi
	done < <(git -C "$KTREE" rev-list --reverse base..HEAD)
fi
if [ -d "$KTREE/.git/rebase-apply" ]; then
	echo "tree-guard: a 'git am' is in progress in $KTREE" >&2
	bad=1
fi
if [ "$bad" -ne 0 ]; then
	cat >&2 <<-MSG
	tree-guard: refusing to overwrite $KTREE.
	  keep it:    commit your edits there, then 'make export' (writes patches/ and series)
	  discard it: git -C $KTREE am --abort; git -C $KTREE reset --hard; git -C $KTREE checkout base
	MSG
	exit 1
fi
