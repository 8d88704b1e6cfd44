#!/usr/bin/env bash
# Print the case table, failures, the per-stage timing table and the closing
# `N passed, N failed, N skipped` line; exit 1 if any case failed. A gate blocked by a failed
# prerequisite is a failed row whose detail starts "blocked:"; it is listed as BLOCKED.
set -euo pipefail
[ "${1:-}" = -h ] && { echo "usage: $0 CASES.tsv TIMINGS.tsv [TOTAL_SECONDS]"; exit 0; }
[ $# -ge 2 ] || { echo "usage: $0 CASES.tsv TIMINGS.tsv [TOTAL_SECONDS]" >&2; exit 2; }
cases=$1 timings=$2 total=${3:-}

echo
echo "== Timing (seconds) =="
awk -F'\t' '{ printf "  %6d  %s%s\n", $2, $1, ($3 != 0 ? "  (failed, rc " $3 ")" : "") }' "$timings" 2>/dev/null || true
[ -n "$total" ] && printf '  %6d  total\n' "$total"
# What the results rest on: the base tree the harness built, and the version asked for.
. "$(dirname "$0")/lib.sh"
tree_base=$(git -C "$KTREE" log -1 --format=%s base 2>/dev/null || echo "base: no tree")
echo
echo "== Base: ${tree_base#base: } (base.version $(base_version)) =="
case $tree_base in
*" $(base_version)") ;;
*) echo "WARNING: the tree is not at base.version $(base_version): these results are not the committed base's" ;;
esac
echo
echo "== Results =="
awk -F'\t' '
	{ n[$2]++; lab = ($2 == "fail" && $3 ~ /^blocked:/) ? "BLOCKED" : toupper($2)
	  if ($2 != "pass") printf "  %-7s  %s%s\n", lab, $1, ($3 != "" ? "  (" $3 ")" : "") }
	END { printf "  (%d cases passed; failures and skips listed above)\n", n["pass"] }' "$cases"
awk -F'\t' '{ n[$2]++ } END { printf "%d passed, %d failed, %d skipped\n", n["pass"], n["fail"], n["skip"]; exit (n["fail"] > 0) }' "$cases"
