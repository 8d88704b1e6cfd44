#!/usr/bin/env bash
# Coccinelle (every scripts/coccinelle semantic patch, report mode) over every .c file of each
# directory holding a kernel .c file the series touches (the directory itself, not its
# subdirectories: fs/, not every filesystem), at base and at the tip. Fails on findings at
# the tip that base does not have (scripts/lib.sh normalize_findings), or if no file was read.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 [NAME]   (NAME: configuration for generated headers, default x86_64)"; exit 0; }
name=${1:-x86_64}
out=$BUILD/coccicheck
git -C "$KTREE" rev-parse -q --verify base >/dev/null || die "coccicheck: no base in $KTREE"
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
	die "coccicheck: $KTREE has uncommitted changes"
tip=$(git -C "$KTREE" symbolic-ref -q --short HEAD || git -C "$KTREE" rev-parse HEAD)
trap 'git -C "$KTREE" checkout -q "$tip"' EXIT
mapfile -t dirs < <(git -C "$KTREE" diff --name-only base..HEAD -- '*.c' |
	grep -vE '^(tools|Documentation|samples|scripts)/' | xargs -n1 dirname | sort -u)
[ ${#dirs[@]} -gt 0 ] || { log "coccicheck: the series touches no kernel .c file"; exit 0; }
rm -rf "$out"
mkdir -p "$out"
(cd "$KTREE" && ls scripts/coccinelle/*/*.cocci) >"$out/all.list"
for rev in base tip; do
	if [ "$rev" = base ]; then git -C "$KTREE" checkout -q --detach base; else git -C "$KTREE" checkout -q "$tip"; fi
	ensure_config "$name"
	run_logged "$out/prepare-$rev.log" kmake "$name" prepare || die "coccicheck: make prepare failed at $rev"
	mapfile -t srcs < <(cd "$KTREE" && for d in "${dirs[@]}"; do ls "$d"/*.c; done)
	[ ${#srcs[@]} -gt 0 ] || die "coccicheck: no .c file in ${dirs[*]} at $rev"
	log "coccicheck: ${#srcs[@]} files in ${dirs[*]} at $rev"
	"$TOP/scripts/cocci.sh" "$name" "$out/all.list" "$out/$rev.log" "${srcs[@]}" ||
		die "coccicheck: coccinelle failed at $rev; see $out/$rev.log"
	normalize_findings "$out/$rev.log" >"$out/$rev.txt"
done
comm -13 "$out/base.txt" "$out/tip.txt" >"$out/new.txt"
log "coccicheck: ${dirs[*]}: base $(wc -l <"$out/base.txt"), tip $(wc -l <"$out/tip.txt"), new $(wc -l <"$out/new.txt")"
if [ -s "$out/new.txt" ]; then
	echo "coccicheck: findings at the tip that base does not have:" >&2
	sed 's/^/    /' "$out/new.txt" >&2
	exit 1
fi
