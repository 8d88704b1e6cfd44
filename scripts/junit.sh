#!/usr/bin/env bash
# JUnit XML for a guest run: its judged cases (RUN_DIR/cases.tsv) as flat TAP
# (RUN_DIR/cases.tap: one line per case, skips as "# SKIP reason"), converted by Debian's
# tap2junit (libtap-formatter-junit-perl) into RUN_DIR/junit.xml.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 RUN_DIR"; exit 0; }
[ $# -eq 1 ] || { echo "usage: $0 RUN_DIR" >&2; exit 2; }
res=$1
[ -f "$res/cases.tsv" ] || die "junit: no $res/cases.tsv"
command -v tap2junit >/dev/null || die "junit: tap2junit missing (apt-get install libtap-formatter-junit-perl)"
awk -F'\t' '
	NF { n++; name = $1; gsub(/#/, "", name)
	     line[n] = ($2 == "fail" ? "not ok " : "ok ") n " - " name ($2 == "skip" ? " # SKIP " $3 : "") }
	END { print "TAP version 13"; print "1.." n; for (i = 1; i <= n; i++) print line[i] }' \
	"$res/cases.tsv" >"$res/cases.tap"
tap2junit --name "$(basename "$res")" "$res/cases.tap" >/dev/null 2>&1 || die "junit: tap2junit failed on $res/cases.tap"
mv "$res/cases.tap.xml" "$res/junit.xml"
want=$(grep -c . "$res/cases.tsv" || true)
have=$(grep -c '<testcase ' "$res/junit.xml" || true)
[ "$have" -eq "$want" ] || die "junit: $res/junit.xml has $have test cases for $want cases"
