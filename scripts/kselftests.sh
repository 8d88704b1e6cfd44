#!/usr/bin/env bash
# Build and install the kselftests listed in selftests/targets, statically linked, from the
# tree in build/linux, against the uapi headers of configuration NAME. KSFT_TARGETS overrides
# the list (e.g. for i386, where proc's x86_64-only tests do not build).
# Result: build/ksft/NAME (run_kselftest.sh and one directory per target).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 NAME   (NAME: a configuration; selects the arch and the headers)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 1 ] || { usage >&2; exit 2; }
name=$1
arch=$(config_arch "$name")
obj=$BUILD/obj/$name
out=$BUILD/ksft/$name

targets=()
while read -r t; do
	if [ -d "$KTREE/tools/testing/selftests/$t" ]; then
		targets+=("$t")
	else
		log "kselftests: target '$t' is not in this tree; not run"
	fi
done < <(ksft_targets)

run_logged "$obj/headers.log" kmake "$name" headers_install ||
	die "kselftests $name: headers_install failed"
cflags="" ldflags="-static"
[ "$arch" = i386 ] && cflags="-m32" ldflags="-static -m32"
rm -rf "$out"
# make -k: one target that cannot build for an arch (e.g. proc-empty-vm on i386) must not
# hide the others; what did not build is listed below and fails in the guest as missing.
rc=0
run_logged "$obj/kselftests.log" make -k -C "$KTREE/tools/testing/selftests" O="$obj" \
	ARCH="$arch" CC="ccache gcc" USERCFLAGS="$cflags" USERLDFLAGS="$ldflags" \
	TARGETS="${targets[*]}" KSFT_INSTALL_PATH="$out" install || rc=$?
[ -x "$out/run_kselftest.sh" ] || die "kselftests $name: install failed; see $obj/kselftests.log"
if [ "$rc" -ne 0 ]; then
	warn "kselftests $name: some programs did not build (see $obj/kselftests.log):"
	grep -E '^make\[[0-9]+\]: \*\*\*' "$obj/kselftests.log" | sort -u | sed 's/^/    /' >&2 || true
fi
log "kselftests $name: ${targets[*]} -> $out ($(wc -l <"$out/kselftest-list.txt") tests)"
