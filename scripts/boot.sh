#!/usr/bin/env bash
# Boot a kernel with an initramfs under QEMU (TCG) and collect what the guest reports.
# Console (ttyS0) -> build/results/RUN/console.log; results (ttyS1) -> results.log, split into
# one file per "### BEGIN name" section. Fails, with the console tail, if the guest does not
# reach "### HARNESS-EXIT" within the wall-clock limit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<-U
	usage: $0 [-t SECONDS] [-a APPEND] [-i INITRAMFS] [-k IMAGE] [-I] NAME RUN
	  NAME: configuration (kernel from build/obj/NAME, initramfs from build/initramfs/NAME)
	  RUN:  results directory name under build/results/
	  -I:   count instructions: one vCPU, -icount shift=0,sleep=off (the guest clock
	        advances 1 ns per instruction executed, whatever the host does)
	U
}
limit=900 append="" initrd="" image="" icount=0
while getopts ht:a:i:k:I o; do
	case $o in
	h) usage; exit 0 ;;
	I) icount=1 ;;
	t) limit=$OPTARG ;;
	a) append=$OPTARG ;;
	i) initrd=$OPTARG ;;
	k) image=$OPTARG ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { usage >&2; exit 2; }
name=$1 run=$2
arch=$(config_arch "$name")
image=${image:-$BUILD/obj/$name/arch/x86/boot/bzImage}
initrd=${initrd:-$BUILD/initramfs/$name.cpio.gz}
[ -f "$image" ] || die "boot $run: no kernel image $image"
[ -f "$initrd" ] || die "boot $run: no initramfs $initrd"

res=$BUILD/results/$run
rm -rf "$res"
mkdir -p "$res"
# The base the kernel tree was made from, beside every result.
git -C "$KTREE" log -1 --format=%s base >"$res/base" 2>/dev/null || echo "no harness base tree" >"$res/base"
qemu=qemu-system-x86_64
[ "$arch" = i386 ] && qemu=qemu-system-i386
cpu=max
# TCG's "max" CPU is AMD-flavoured; an i386 kernel then warns that the combination of
# AMD processors is not suitable for SMP (amd_k7_smp_check). qemu32 is an Intel model.
[ "$arch" = i386 ] && cpu=qemu32
# Instruction counting needs one vCPU: with two, QEMU 7.2's icount guest did not boot.
smp=(-smp 2)
[ "$icount" = 1 ] && smp=(-smp 1 -icount shift=0,sleep=off)
cmd=("$qemu" -machine pc -cpu "$cpu" "${smp[@]}" -m 2048 -nographic -no-reboot -monitor none
	-kernel "$image" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 loglevel=7 $append"
	-serial "file:$res/console.log" -serial "file:$res/results.log")
printf '%q ' timeout --foreground "$limit" "${cmd[@]}" >"$res/qemu.cmd"
echo >>"$res/qemu.cmd"

log "boot $run: $qemu, $name kernel, limit ${limit}s (console: $res/console.log)"
start=$(date +%s)
timeout --foreground "$limit" "${cmd[@]}" >"$res/qemu.out" 2>&1 </dev/null &
qpid=$!
# Progress: print top-level results as they arrive.
seen=0
while kill -0 "$qpid" 2>/dev/null; do
	sleep 5
	if [ -f "$res/results.log" ]; then
		n=$(grep -c -E '^(not )?ok [0-9]+ selftests: ' "$res/results.log" || true)
		if [ "$n" -gt "$seen" ]; then
			grep -E '^(not )?ok [0-9]+ selftests: ' "$res/results.log" | sed -n "$((seen + 1)),${n}p" |
				sed "s/^/    [$(($(date +%s) - start))s] /" >&2
			seen=$n
		fi
	fi
done
rc=0
wait "$qpid" || rc=$?
took=$(($(date +%s) - start))
tr -d '\r' <"$res/results.log" >"$res/results.clean" 2>/dev/null || : >"$res/results.clean"

# Split the sections.
awk -v dir="$res" '
	/^### BEGIN / { f = dir "/" $3 ".log"; printf "" > f; next }
	/^### END /   { print $3, $4 > (dir "/sections"); f = ""; next }
	f != ""       { print > f }
' "$res/results.clean"

if ! grep -q '^### HARNESS-EXIT' "$res/results.clean"; then
	if [ "$rc" -eq 124 ]; then
		why="no result after ${limit}s (wall-clock limit): the guest hung"
	else
		why="QEMU exited (rc $rc) after ${took}s before the guest finished: crash, panic or reboot"
	fi
	echo "error: boot $run: $why" >&2
	echo "  last lines of $res/console.log:" >&2
	tail -n 40 "$res/console.log" | tr -d '\r' | sed 's/^/    /' >&2
	[ -s "$res/qemu.out" ] && sed 's/^/    qemu: /' "$res/qemu.out" >&2
	exit 1
fi
log "boot $run: guest finished in ${took}s"
