#!/usr/bin/env bash
# Build every prefix of the series (each commit base..TIP of build/linux) for configuration
# NAME, in the worktree build/wt/bisect and the object directory build/obj/NAME.bisect: the
# HEAD of build/linux does not move. A patch touching only Documentation/, tools/ or
# MAINTAINERS is not built (nothing in the kernel changes). Fails naming the first patch
# that does not build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [NAME [TARGET [TIP]]]   (default: bisect vmlinux HEAD; TIP: the series' last commit)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
name=${1:-bisect} target=${2:-vmlinux}
git -C "$KTREE" rev-parse -q --verify base >/dev/null || die "bisect: no base in $KTREE"
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
	die "bisect: $KTREE has uncommitted changes; commit or export them first"
tip=$(git -C "$KTREE" rev-parse -q --verify "${3:-HEAD}^{commit}") || die "bisect: no commit '${3:-HEAD}' in $KTREE"
# Standalone (make bisect), the rows go to build/bisect/NAME.cases.tsv.
rows=$(rows_file "$BUILD/bisect/$name.cases.tsv")
mapfile -t commits < <(git -C "$KTREE" rev-list --reverse "base..$tip")
n=${#commits[@]} k=0 failed=0
for c in "${commits[@]}"; do
	k=$((k + 1))
	subject=$(git -C "$KTREE" log -1 --format=%s "$c")
	case_name="bisect $name: patch $k/$n $subject"
	files=$(git -C "$KTREE" diff-tree --no-commit-id --name-only -r "$c") ||
		die "bisect: git diff-tree of patch $k/$n failed"
	if [ -z "$files" ] || ! grep -qvE '^(Documentation|tools)/|^MAINTAINERS$' <<<"$files"; then
		log "bisect: patch $k/$n touches only Documentation/, tools/ or MAINTAINERS: not built"
		printf '%s\tskip\tonly Documentation/, tools/ or MAINTAINERS\n' "$case_name" >>"$rows"
		continue
	fi
	wt=$(worktree bisect "$c")
	if KTREE=$wt "$TOP/scripts/build.sh" "$name.bisect" "$target"; then
		printf '%s\tpass\t\n' "$case_name" >>"$rows"
	else
		echo "error: bisect: patch $k/$n '$subject' does not build ($name $target)" >&2
		printf '%s\tfail\tdoes not build\n' "$case_name" >>"$rows"
		failed=1
	fi
done
[ "$failed" -eq 0 ] || exit 1
log "bisect $name: all $n prefixes build"
