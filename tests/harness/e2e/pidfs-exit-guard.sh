#!/usr/bin/env bash
# pidfs.released_at_reap must be able to fail: on a scratch branch of build/linux, the tip
# loses its pidfs_exit() call in release_task(), so a reaped process's dentry and inode stay
# cached until the next reclaim. That kernel boots with the tip's kselftests (pidfs_test
# only, inode numbers from just below 2^32 as in the gates); released_at_reap must fail,
# and the other pidfs_test cases must still pass. The branch is removed and the tip rebuilt
# afterwards (configuration NAME, default x86_64).
set -euo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 [NAME]   (x86_64 configuration to build and boot, default x86_64)"; exit 0; }
name=${1:-x86_64}
demo=harness-no-pidfs-exit
run=e2e-no-pidfs-exit
initramfs=$BUILD/initramfs/$name.cpio.gz
[ -f "$initramfs" ] || die "pidfs-exit demo: no $name initramfs (run: make test CONFIG=$name)"
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] || die "pidfs-exit demo: $KTREE is dirty"
tip=$(git -C "$KTREE" symbolic-ref -q --short HEAD) || die "pidfs-exit demo: $KTREE HEAD is detached"
cleanup() {
	git -C "$KTREE" checkout -q -f "$tip"
	git -C "$KTREE" branch -q -D "$demo" >/dev/null 2>&1 || true
	if ! "$TOP/scripts/build.sh" "$name" >"$BUILD/results/$run.rebuild.log" 2>&1; then
		# Never leave the kernel without pidfs_exit() where make test or bench would boot it.
		rm -f "$BUILD/obj/$name/arch/x86/boot/bzImage" "$BUILD/obj/$name/vmlinux"
		echo "error: pidfs-exit demo: rebuilding the tip ($name) failed; see $BUILD/results/$run.rebuild.log" >&2
		exit 1
	fi
}
trap cleanup EXIT
git -C "$KTREE" checkout -q -B "$demo" "$tip"
sed -i '/^\tpidfs_exit(thread_pid);$/d' "$KTREE/kernel/exit.c"
[ "$(git -C "$KTREE" diff --numstat -- kernel/exit.c)" = "0	1	kernel/exit.c" ] ||
	die "pidfs-exit demo: release_task() has no single 'pidfs_exit(thread_pid);' line to remove"
git -C "$KTREE" -c user.name=harness -c user.email=harness@localhost commit -q -am "demo: no pidfs_exit()"
"$TOP/scripts/build.sh" "$name" || die "pidfs-exit demo: the kernel without pidfs_exit() does not build"

rc=0
"$TOP/scripts/boot.sh" -t 1200 -a "harness.timeout_mult=2 harness.tests=pidfs:pidfs_test pidfs_ino_start=0xffffff00" -i "$initramfs" \
	-k "$BUILD/obj/$name/arch/x86/boot/bzImage" "$name" "$run" || rc=$?
[ "$rc" -eq 0 ] || die "pidfs-exit demo: the boot failed (rc $rc); see $BUILD/results/$run"
VERDICT_SECTIONS="guest-tools kselftests" "$TOP/scripts/verdict.sh" "$run" >/dev/null 2>&1 || true
cases=$BUILD/results/$run/cases.tsv
[ -s "$cases" ] || die "pidfs-exit demo: no test results in $cases"
grep -qP '^\S+/selftests: pidfs: pidfs_test: pidfs\.released_at_reap\tfail' "$cases" ||
	die "pidfs-exit demo: pidfs.released_at_reap did not fail without pidfs_exit(); see $cases"
# open_close_kill_race checks the same leak after its races (without drop_caches); it may
# fail too. Every other case must pass.
others=$(grep -P 'pidfs: pidfs_test: ' "$cases" |
	grep -vP 'pidfs\.(released_at_reap|open_close_kill_race)\t' | grep -vcP '\tpass' || true)
[ "$others" -eq 0 ] || die "pidfs-exit demo: $others other pidfs_test case(s) did not pass; see $cases"
echo "ok: without pidfs_exit() pidfs.released_at_reap fails:" \
	"$(grep -m1 -o 'released_at_reap:after reap.*' "$BUILD/results/$run/results.clean" || true)"
race=$(grep -oP 'pidfs\.open_close_kill_race\t\K\w+' "$cases" || echo missing)
echo "    pidfs.open_close_kill_race: $race" \
	"$(grep -m1 -o 'open_close_kill_race:after the races.*' "$BUILD/results/$run/results.clean" || true)"
