#!/usr/bin/env bash
# Check that configuration NAME (build/obj/NAME/.config) sets every option the kselftest
# targets it runs ask for in their own config files (tools/testing/selftests/TARGET/config).
# A missing option does not fail a test: it turns it into a skip or, worse, into a case that
# passes because the kernel refuses everything (pidfs.fanotify_perm_refused without
# CONFIG_FANOTIFY_ACCESS_PERMISSIONS). Exceptions: selftests/ksft-config-allow.tsv, with reasons.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 NAME   (targets: KSFT_TARGETS or selftests/targets, as kselftests.sh)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 1 ] || { usage >&2; exit 2; }
name=$1
config=$BUILD/obj/$name/.config
allow=$TOP/selftests/ksft-config-allow.tsv
[ -f "$config" ] || die "ksft-config-check $name: no $config (configure and build it first)"

bad=0 checked=0
for t in $(ksft_targets); do
	frag=$KTREE/tools/testing/selftests/$t/config
	[ -f "$frag" ] || continue
	while IFS= read -r line; do
		case $line in CONFIG_*=*) ;; *) continue ;; esac
		opt=${line%%=*}
		checked=$((checked + 1))
		got=$(grep -E "^$opt=" "$config" || true)
		[ "$got" = "$line" ] && continue
		if [ -f "$allow" ] && awk -F'\t' -v n="$name" -v o="$opt" '
			!/^#/ && NF >= 3 && o == $2 { g = $1; gsub(/\*/, ".*", g); if (n ~ "^" g "$") f = 1 }
			END { exit !f }' "$allow"; then
			log "ksft-config-check $name: $t wants $line, got '${got:-not set}' (allowed)"
			continue
		fi
		echo "error: ksft-config-check $name: kselftest target $t wants $line, the config has '${got:-not set}' (kernel-config/)" >&2
		bad=1
	done <"$frag"
done
[ "$bad" -eq 0 ] || exit 1
log "ksft-config-check $name: the $checked options the kselftest targets ask for are set"
