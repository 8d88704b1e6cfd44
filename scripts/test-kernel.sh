#!/usr/bin/env bash
# Build configuration NAME from build/linux, build its kselftests and initramfs, boot it under
# QEMU and judge the run: build -> kselftests -> initramfs -> artifacts -> boot -> verdict, each
# step timed. The boot uses exactly what a lab would get (build/artifacts/NAME, artifacts.sh):
# the kernel, the initramfs and the command line recorded there.
# Environment: TIMEOUT_MULT (runner timeout multiplier, default 1), BOOT_LIMIT (seconds),
# APPEND (extra kernel command line), TESTS ("collection:test ..." to run a subset),
# POST (a script run in the guest after the kselftests, as /harness-post), POST_PROGS
# (directories under selftests/ whose Makefile builds static programs, installed in
# /harness-bin; selftests/post-kmemleak is always there as /harness-kmemleak).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 [--prepare|--run] NAME [RUN]   (RUN defaults to NAME; results in build/results/RUN)"
	echo "  --prepare: build, kselftests, initramfs only; --run: boot and verdict only"
}
steps=all
case ${1:-} in
-h) usage; exit 0 ;;
--prepare) steps=prepare; shift ;;
--run) steps=run; shift ;;
esac
[ $# -ge 1 ] && [ $# -le 2 ] || { usage >&2; exit 2; }
name=$1 run=${2:-$1}
mult=${TIMEOUT_MULT:-1}
append="harness.timeout_mult=$mult ${APPEND:-}"
[ -n "${TESTS:-}" ] && append="$append harness.tests=$(echo "$TESTS" | tr ' ' ',')"
read -ra words <<<"$append"
append="${words[*]}"

expect=$BUILD/initramfs/$name.sections
art=$BUILD/artifacts/$name
# boot_and_judge: boot the artifacts with their command line, then the verdict. A --run
# with other TIMEOUT_MULT, APPEND or TESTS than the preparation (a demo on the same kernel,
# without a rebuild) boots the same files with the new command line, and says so.
boot_and_judge() {
	local cmdline
	[ -f "$art/bzImage" ] && [ -f "$art/initramfs.cpio.gz" ] && [ -f "$art/sections" ] && [ -f "$art/cmdline" ] ||
		die "test-kernel $name: nothing prepared in $art (run with --prepare first)"
	cmdline=$(cat "$art/cmdline")
	if [ "$cmdline" != "$append" ]; then
		log "test-kernel $name: command line '$append', not the artifacts' '$cmdline'"
		cmdline=$append
	fi
	export VERDICT_SECTIONS
	VERDICT_SECTIONS=$(cat "$art/sections")
	rm -rf "$BUILD/results/$run"
	timed "boot $run" "$TOP/scripts/boot.sh" -t "${BOOT_LIMIT:-$((600 * mult))}" -a "$cmdline" \
		-k "$art/bzImage" -i "$art/initramfs.cpio.gz" "$name" "$run"
	timed "verdict $run" "$TOP/scripts/verdict.sh" "$run"
}
if [ "$steps" = run ]; then
	boot_and_judge
	exit
fi
rm -rf "$BUILD/initramfs/$name.cpio.gz" "$expect" "$art"
timed "build $name" "$TOP/scripts/build.sh" "$name"
timed "ksft-config $name" "$TOP/scripts/ksft-config-check.sh" "$name"
timed "kselftests $name" "$TOP/scripts/kselftests.sh" "$name"
extra=()
rm -rf "$BUILD/post-$name"
if [ -n "${POST:-}" ]; then
	mkdir -p "$BUILD/post-$name"
	install -m 755 "$POST" "$BUILD/post-$name/harness-post"
	install -m 755 "$TOP/selftests/post-kmemleak" "$BUILD/post-$name/harness-kmemleak"
	for d in ${POST_PROGS:-}; do
		[ "$(config_arch "$name")" = x86_64 ] || die "POST_PROGS: x86_64 guests only"
		run_logged "$BUILD/post-$name/$d.log" make -C "$TOP/selftests/$d" \
			OUT="$BUILD/post-$name/harness-bin" || die "test-kernel: building selftests/$d failed"
	done
	extra=("$BUILD/post-$name")
fi
timed "initramfs $name" "$TOP/scripts/initramfs.sh" "$name" "${extra[@]}"
if [ -n "${POST:-}" ]; then echo "guest-tools kselftests post"; else echo "guest-tools kselftests"; fi >"$expect"
timed "artifacts $name" "$TOP/scripts/artifacts.sh" "$name" "$append"
[ "$steps" = prepare ] && exit 0
boot_and_judge
