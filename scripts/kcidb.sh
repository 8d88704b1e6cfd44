#!/usr/bin/env bash
# Write the cases and timings of a run as KCIDB v5 JSON and validate it against
# scripts/kcidb/schema.json (python3-jsonschema). Documentation/results.md says how labs read it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 CASES.tsv TIMINGS.tsv OUT.json RUN_ID"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 4 ] || { usage >&2; exit 2; }
configs=$(awk '!/^#/ && NF { print $1 }' "$TOP/kernel-config/configs")
# shellcheck disable=SC2086 # one argument per configuration name
python3 "$TOP/scripts/kcidb/write.py" --run-id "$4" --cases "$1" --timings "$2" --top "$TOP" \
	--out "$3" --base-version "$(base_version)" --configs $configs || die "kcidb: writing $3 failed"
python3 "$TOP/scripts/kcidb/validate.py" "$3" || die "kcidb: $3 does not validate"
