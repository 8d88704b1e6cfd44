#!/usr/bin/env bash
# build/linux as the series' tree, for a step that builds the tip (make bisect, lint,
# base-run, bench): kept as it is when it already is base + series (scripts/round-trip.sh:
# its export is patches/ and series exactly), so that nothing is rebuilt for nothing; else
# made again by scripts/apply.sh, which refuses to overwrite unexported work.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (base + series in $KTREE, reused when it already is that)"; exit 0; }
"$TOP/scripts/base.sh"
if [ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] &&
	"$TOP/scripts/round-trip.sh" >/dev/null 2>&1; then
	log "tree: $KTREE already is base + series (HEAD $(git -C "$KTREE" log -1 --format='%h %s'))"
	exit 0
fi
"$TOP/scripts/apply.sh"
