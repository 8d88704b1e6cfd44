#!/usr/bin/env bash
# Make build/obj/NAME/.config: tinyconfig + the fragments kernel-config/configs lists for NAME,
# merged with merge_config.sh. Fails, naming the option, if a requested value did not stick.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 NAME   (NAME from kernel-config/configs: $(awk '!/^#/ && NF {printf "%s ", $1}' "$TOP/kernel-config/configs"))"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 1 ] || { usage >&2; exit 2; }
name=$1
frags=$(awk -v n="$(config_name "$name")" '!/^#/ && $1 == n { $1 = ""; print }' "$TOP/kernel-config/configs")
[ -n "$frags" ] || { usage >&2; die "config: unknown configuration '$name'"; }

obj=$BUILD/obj/$name
mkdir -p "$obj"
files=()
for f in $frags; do
	[ -f "$TOP/kernel-config/$f.config" ] || die "config $name: missing kernel-config/$f.config"
	files+=("$TOP/kernel-config/$f.config")
done
# Extra fragments (e.g. a debug-only option for one run) come from $EXTRA_CONFIG.
for f in ${EXTRA_CONFIG:-}; do files+=("$f"); done

new=$obj/.config.harness
rm -f "$obj/.config.mismatch" "$new" "$obj/.config.inputs"
run_logged "$obj/config.log" kmake "$name" tinyconfig
run_logged "$obj/config.log.merge" env ARCH="$(config_arch "$name")" \
	"$KTREE/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${files[@]}"
run_logged "$obj/config.log.olddef" kmake "$name" olddefconfig

# What was asked, the last fragment winning (as in merge_config.sh), then what stuck.
bad=0
while IFS=$'\t' read -r opt want from; do
	[ "$want" = - ] && want=""
	got=$(grep -E "^$opt=" "$obj/.config" || true)
	if [ "$got" != "$want" ]; then
		echo "config $name: $opt: asked '${want:-not set}' in $from, got '${got:-not set}'" |
			tee -a "$obj/.config.mismatch" >&2
		bad=1
	fi
done < <(for f in "${files[@]}"; do
	sed -n -e "s/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1\t&\t$(basename "$f")/p" \
		-e "s/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1\t-\t$(basename "$f")/p" "$f"
done | awk -F'\t' '{ want[$1] = $2; from[$1] = $3; if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } }
	END { for (i = 0; i < n; i++) printf "%s\t%s\t%s\n", order[i], want[order[i]], from[order[i]] }')
if [ "$bad" -ne 0 ]; then
	# A kernel of another version (the bench's peer) may lack or rename an option: the
	# caller can accept that with CONFIG_LENIENT=1; the differences are kept with the build.
	[ "${CONFIG_LENIENT:-0}" = 1 ] ||
		die "config $name: requested options did not end up set (missing dependency?)"
	warn "config $name: some requested options differ (CONFIG_LENIENT=1: going on)"
fi
cp "$obj/.config" "$new"
config_inputs "$name" >"$obj/.config.inputs"
log "config $name: $obj/.config ($frags)"
