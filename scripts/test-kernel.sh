#!/usr/bin/env bash
# Build configuration NAME from build/linux, build its kselftests and initramfs, boot it under
# QEMU and judge the run: build -> kselftests -> initramfs -> boot -> verdict, each step timed.
# Environment: TIMEOUT_MULT (runner timeout multiplier, default 1), BOOT_LIMIT (seconds),
# APPEND (extra kernel command line), TESTS ("collection:test ..." to run a subset),
# POST (a script run in the guest after the kselftests, as /harness-post).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 NAME [RUN]   (RUN defaults to NAME; results in build/results/RUN)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -ge 1 ] && [ $# -le 2 ] || { usage >&2; exit 2; }
name=$1 run=${2:-$1}
mult=${TIMEOUT_MULT:-1}
append="harness.timeout_mult=$mult ${APPEND:-}"
[ -n "${TESTS:-}" ] && append="$append harness.tests=$(echo "$TESTS" | tr ' ' ',')"

timed "build $name" "$TOP/scripts/build.sh" "$name"
timed "kselftests $name" "$TOP/scripts/kselftests.sh" "$name"
extra=()
if [ -n "${POST:-}" ]; then
	mkdir -p "$BUILD/post-$name"
	install -m 755 "$POST" "$BUILD/post-$name/harness-post"
	extra=("$BUILD/post-$name")
fi
timed "initramfs $name" "$TOP/scripts/initramfs.sh" "$name" "${extra[@]}"
timed "boot $run" "$TOP/scripts/boot.sh" -t "${BOOT_LIMIT:-$((600 * mult))}" -a "$append" "$name" "$run"
timed "verdict $run" "$TOP/scripts/verdict.sh" "$run"
