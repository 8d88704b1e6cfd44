#!/usr/bin/env bash
# Build configuration NAME out of tree in build/obj/NAME (ccache, -j$(nproc)).
# TARGET defaults to bzImage; `vmlinux` for build-only gates.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 NAME [TARGET]   (e.g. $0 x86_64; $0 noproc vmlinux)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -ge 1 ] && [ $# -le 2 ] || { usage >&2; exit 2; }
name=$1 target=${2:-bzImage}
obj=$BUILD/obj/$name

ensure_config "$name"
head=$(git -C "$KTREE" log -1 --format='%h %s' 2>/dev/null || echo "?")
log "build $name $target at $head"
start=$(date +%s)
# Progress: every 30 s, how many objects were compiled so far.
run_logged "$obj/build.log" kmake "$name" "$target" &
pid=$!
n=0
while kill -0 "$pid" 2>/dev/null; do
	sleep 2
	n=$((n + 2))
	if [ $((n % 30)) -eq 0 ] && kill -0 "$pid" 2>/dev/null; then
		log "build $name: $(grep -c '^  CC ' "$obj/build.log" || true) objects compiled, $n s"
	fi
done
wait "$pid" || die "build $name ($head) failed; full log: $obj/build.log"
warnings=$(grep -c -E ': warning: ' "$obj/build.log" || true)
log "build $name: done in $(($(date +%s) - start)) s, $warnings warning(s) in this build"
