#!/usr/bin/env bash
# Check the base run (build/results/base-run, from scripts/base-run.sh) against its committed
# manifest selftests/manifests/base-run.tsv: every case the run must report and how (the 6.1
# tests pass, the series' tests fail: a listed failure that passes is a test that cannot
# fail), and the manifest must be stamped with the base version in base.version.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (after scripts/base-run.sh)"; exit 0; }
manifest=$TOP/selftests/manifests/base-run.tsv
res=$BUILD/results/base-run
[ -f "$res/cases.tsv" ] || die "base-run-check: no $res/cases.tsv (run make base-run)"
stamp=$(sed -n 's/^# base-version: *//p' "$manifest")
[ "$stamp" = "$(base_version)" ] ||
	die "base-run-check: $manifest is for base $stamp, base.version says $(base_version): re-measure"
# A rerun of the check replaces its rows instead of adding to them.
sed -i '/^base-run\/manifest: /d' "$res/cases.tsv"
python3 "$TOP/scripts/manifest-check.py" "$manifest" "$res" >"$res/manifest.txt" 2>&1 || {
	echo "error: base-run-check: the base run does not match $manifest:" >&2
	sed 's/^/    /' "$res/manifest.txt" >&2
	exit 1
}
log "base-run-check: $(grep -c $'\tfail\t' "$manifest") failures and every other case on base $(base_version), as listed"
