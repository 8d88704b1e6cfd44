#!/usr/bin/env bash
# Make build/obj/NAME/.config: tinyconfig + the fragments kernel-config/configs lists for NAME,
# merged with merge_config.sh. Fails, naming the option, if a requested value did not stick.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 NAME   (NAME from kernel-config/configs: $(awk '!/^#/ && NF {printf "%s ", $1}' "$TOP/kernel-config/configs"))"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 1 ] || { usage >&2; exit 2; }
name=$1
frags=$(awk -v n="$name" '!/^#/ && $1 == n { $1 = ""; print }' "$TOP/kernel-config/configs")
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
run_logged "$obj/config.log" kmake "$name" tinyconfig
run_logged "$obj/config.log.merge" env ARCH="$(config_arch "$name")" \
	"$KTREE/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${files[@]}"
run_logged "$obj/config.log.olddef" kmake "$name" olddefconfig

bad=0
for f in "${files[@]}"; do
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) opt=${line%%=*} ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}; line="" ;;
		*) continue ;;
		esac
		got=$(grep -E "^$opt=" "$obj/.config" || true)
		if [ "$got" != "$line" ]; then
			echo "config $name: $opt: asked '${line:-not set}' in $(basename "$f"), got '${got:-not set}'" >&2
			bad=1
		fi
	done <"$f"
done
[ "$bad" -eq 0 ] || die "config $name: requested options did not end up set (missing dependency?)"
cp "$obj/.config" "$new"
log "config $name: $obj/.config ($frags)"
