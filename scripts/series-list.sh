#!/usr/bin/env bash
# Print the patches a quilt series file names, in order, one file name per line: the one
# parser of `series` for the harness. A line is "NAME [OPTIONS]"; '#' starts a comment;
# blank lines are skipped. Each name must exist in PATCHDIR.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [SERIES [PATCHDIR]]   (default: $TOP/series, $TOP/patches)"; }
case "${1:-}" in -h | --help) usage; exit 0 ;; esac
[ $# -le 2 ] || { usage >&2; exit 2; }
series=${1:-$TOP/series} patchdir=${2:-$(dirname "$series")/patches}
[ -f "$series" ] || die "series-list: no series file $series"
sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]].*//' -e '/^$/d' "$series" |
	while IFS= read -r p || [ -n "$p" ]; do
		[ -f "$patchdir/$p" ] || die "series-list: $series names $p, which is not in $patchdir"
		echo "$p"
	done
