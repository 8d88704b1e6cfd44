#!/usr/bin/env bash
# coccicheck (report mode) over every directory holding a kernel .c file the series
# touches, at base and at the tip, in the object directory of configuration NAME. Fails on
# findings at the tip that base does not have (keyed by file and message, no line numbers).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 [NAME]   (NAME defaults to x86_64)"; exit 0; }
name=${1:-x86_64}
out=$BUILD/coccicheck
git -C "$KTREE" rev-parse -q --verify base >/dev/null || die "coccicheck: no base in $KTREE"
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
	die "coccicheck: $KTREE has uncommitted changes"
tip=$(git -C "$KTREE" symbolic-ref -q --short HEAD || git -C "$KTREE" rev-parse HEAD)
trap 'git -C "$KTREE" checkout -q "$tip"' EXIT
mapfile -t dirs < <(git -C "$KTREE" diff --name-only base..HEAD -- '*.c' |
	grep -vE '^(tools|Documentation|samples|scripts)/' | xargs -n1 dirname | sort -u)
rm -rf "$out"
mkdir -p "$out"
for rev in base tip; do
	if [ "$rev" = base ]; then git -C "$KTREE" checkout -q --detach base; else git -C "$KTREE" checkout -q "$tip"; fi
	ensure_config "$name"
	: >"$out/$rev.log"
	for d in "${dirs[@]}"; do
		log "coccicheck: $d at $rev"
		kmake "$name" coccicheck MODE=report M="$d" >>"$out/$rev.log" 2>&1 ||
			die "coccicheck: failed on $d at $rev; see $out/$rev.log"
	done
	sed -n -E 's/^(\.\/)?([^: ]+):[0-9]+:[0-9-]+: +([A-Z]+[^:]*): *(.*)$/\2: \3: \4/p' "$out/$rev.log" |
		sort >"$out/$rev.txt"
done
comm -13 "$out/base.txt" "$out/tip.txt" >"$out/new.txt"
log "coccicheck: ${dirs[*]}: base $(wc -l <"$out/base.txt"), tip $(wc -l <"$out/tip.txt"), new $(wc -l <"$out/new.txt")"
if [ -s "$out/new.txt" ]; then
	echo "coccicheck: findings at the tip that base does not have:" >&2
	sed 's/^/    /' "$out/new.txt" >&2
	exit 1
fi
