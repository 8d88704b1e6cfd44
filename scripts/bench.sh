#!/usr/bin/env bash
# `make bench`: the same static program (selftests/bench/pidfs_bench) on three kernels built
# from the same config fragments (kernel-config/configs: base, x86_64, peer) and booted the
# same way: base (6.1), series (6.1 + patches) and peer (Debian's 6.12, upstream's pidfs).
# Boots are interleaved, ROUNDS rounds in a rotating order, REPS repetitions per boot.
# Output: build/bench/{results.json,table.txt,table.md,dentries.png,nsop.png} and the raw
# logs in build/bench/runs/. A benchmark, not a test: no ratio fails it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 [-R ROUNDS] [-r REPS] [-a PROGRAM_ARGS] [-m icount|wall] [-s]"
	echo "  defaults: 3 rounds x 5 repetitions, -m icount; -s: smoke run (1 round, 1 repetition,"
	echo "  small counts). icount: one vCPU counting instructions (1 guest ns = 1 instruction),"
	echo "  the same figures on every run; wall: two vCPUs and the host's time (Documentation/bench.md)"
}
rounds=3 reps=5 pargs="" smoke=0 mode=icount
while getopts hR:r:a:m:s o; do
	case $o in
	h) usage; exit 0 ;;
	m) mode=$OPTARG ;;
	R) rounds=$OPTARG ;;
	r) reps=$OPTARG ;;
	a) pargs=$OPTARG ;;
	s) smoke=1 rounds=1 reps=1 pargs="-n 10000 -c 200 -l 2000" ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $rounds$reps in *[!0-9]*) usage >&2; die "bench: -R and -r take whole numbers" ;; esac
[ "$rounds" -ge 1 ] && [ "$reps" -ge 1 ] || die "bench: -R and -r must be at least 1"
case $mode in icount) bootmode=(-I) ;; wall) bootmode=() ;; *) usage >&2; die "bench: -m takes icount or wall" ;; esac
out=$BUILD/bench
[ "$mode" = wall ] && out=$BUILD/bench-wall
[ "$smoke" = 1 ] && out=$out-smoke
git -C "$KTREE" rev-parse -q --verify base >/dev/null || die "bench: no tree in $KTREE (run make tree)"
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
	die "bench: $KTREE has uncommitted changes"

# 1. The three kernels: label -> configuration name (and tree).
tip=$(git -C "$KTREE" symbolic-ref -q --short HEAD || git -C "$KTREE" rev-parse HEAD)
log "bench: kernel 'series' ($tip)"
timed "bench: build series" "$TOP/scripts/build.sh" x86_64 || die "bench: building the series kernel failed"
log "bench: kernel 'base' (worktree build/wt/base)"
wt=$(worktree base base)
timed "bench: build base" env KTREE="$wt" "$TOP/scripts/build.sh" base || die "bench: building the base kernel failed"
peer_tree=$("$TOP/scripts/peer.sh")
log "bench: kernel 'peer' ($peer_tree)"
timed "bench: build peer" env KTREE="$peer_tree" CONFIG_LENIENT=1 "$TOP/scripts/build.sh" peer ||
	die "bench: building the peer kernel failed"
declare -A cfg=([base]=base [series]=x86_64 [peer]=peer)

# 2. The program and a small initramfs around it.
rm -rf "$out"
mkdir -p "$out/runs" "$out/root"/{bin,proc,sys,dev,tmp}
run_logged "$out/program.log" make -C "$TOP/selftests/bench" OUT="$out/bin" ||
	die "bench: building selftests/bench failed"
install -m 755 /bin/busybox "$out/root/bin/busybox"
ln -sf busybox "$out/root/bin/sh"
install -m 755 "$out/bin/pidfs_bench" "$out/root/pidfs_bench"
install -m 755 "$TOP/selftests/bench/guest-init" "$out/root/init"
"$TOP/scripts/mkinitramfs.sh" "$out/root" "$out/bench.cpio.gz"

# 3. Interleaved boots: round r starts at kernel (r-1) mod 3. norandmaps: with address-space
# randomization each boot gave the program another layout, and so another count of page
# tables for fork() to copy: workloads 5 and 9 repeated to 0.01% within a boot and moved by
# up to 4% between boots of one kernel. A boot that fails is recorded
# and the others go on: the report then rests on the boots that worked, names the failed
# ones (results.json meta.failed_boots), and the run exits non-zero.
labels=(base series peer)
logs=() failed=()
for ((r = 1; r <= rounds; r++)); do
	for ((i = 0; i < 3; i++)); do
		k=${labels[$(((r - 1 + i) % 3))]}
		args="-k,$k,-r,$reps"
		[ -n "$pargs" ] && args="$args,$(echo "$pargs" | tr ' ' ',')"
		run=bench-$k-$r
		log "bench: round $r/$rounds: $k"
		why=""
		if ! timed "bench: boot $k round $r" "$TOP/scripts/boot.sh" "${bootmode[@]}" -t 5400 -a "norandmaps bench.args=$args" \
			-i "$out/bench.cpio.gz" -k "$BUILD/obj/${cfg[$k]}/arch/x86/boot/bzImage" \
			"${cfg[$k]}" "$run"; then
			why="boot failed; see build/results/$run"
		elif ! grep -q '^### END bench rc=0' "$BUILD/results/$run/results.clean"; then
			why="the program failed; see build/results/$run/results.clean"
		elif ! python3 "$TOP/scripts/splat-check.py" "$BUILD/results/$run/console.log" \
			>"$BUILD/results/$run/splats.txt"; then
			# Numbers from a kernel that printed a splat are not numbers.
			why="kernel splat; see build/results/$run/splats.txt"
		fi
		if [ -n "$why" ]; then
			warn "bench: $k round $r: $why (its numbers are left out)"
			failed+=("$k round $r: $why")
			continue
		fi
		cp "$BUILD/results/$run/bench.log" "$out/runs/$k-$r.log"
		logs+=("$out/runs/$k-$r.log")
	done
done
[ ${#logs[@]} -gt 0 ] || die "bench: no boot gave numbers: ${failed[*]}"

# 4. What the numbers rest on, then the report.
printf '%s\n' "${failed[@]}" >"$out/failed-boots.txt"
first_run=bench-$(basename "${logs[0]}" .log) # the QEMU command line of a boot that worked
python3 - "$out/meta.json" "$out/failed-boots.txt" <<EOF
import hashlib, json, sys
def sha(p):
    return hashlib.sha256(open(p, 'rb').read()).hexdigest()[:16]
def release(label, tree, cfg):
    return open('$BUILD/obj/' + cfg + '/include/config/kernel.release').read().strip()
kernels = {}
for label, cfg, tree in (('base', 'base', '$KTREE'), ('series', 'x86_64', '$KTREE'),
                         ('peer', 'peer', '$peer_tree')):
    obj = '$BUILD/obj/' + cfg
    mismatch = []
    try:
        mismatch = open(obj + '/.config.mismatch').read().splitlines()
    except OSError:
        pass
    kernels[label] = {'config': cfg, 'config_hash': sha(obj + '/.config'),
                      'release': release(label, tree, cfg), 'config_differences': mismatch}
kernels['base']['source'] = 'Debian linux-source-6.1 $(base_version)'
kernels['series']['source'] = 'Debian linux-source-6.1 $(base_version) + series $("$TOP/scripts/series-hash.sh")'
kernels['peer']['source'] = 'Debian linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)'
meta = {'kernels': kernels, 'qemu': open('$BUILD/results/$first_run/qemu.cmd').read().strip(),
        'rounds': $rounds, 'reps_per_boot': $reps, 'program_args': '$pargs', 'mode': '$mode',
        'clock': ('guest CLOCK_MONOTONIC under -icount shift=0,sleep=off: 1 ns = 1 instruction'
                  if '$mode' == 'icount' else 'guest CLOCK_MONOTONIC, wall time under TCG'),
        'fragments': 'kernel-config: qemu selftests (all three; the series adds pidino, a boot-parameter test option)',
        'kernel_hash': '$("$TOP/scripts/kernel-hash.sh")',
        'failed_boots': [l for l in open(sys.argv[2]).read().splitlines() if l]}
json.dump(meta, open(sys.argv[1], 'w'), indent=1)
EOF
run_id="$(date -u +%Y%m%dT%H%M%SZ)-series-$("$TOP/scripts/series-hash.sh")"
[ "$mode" = wall ] && run_id="wall-$run_id"
[ "$smoke" = 1 ] && run_id="smoke-$run_id"
python3 "$TOP/scripts/bench-report.py" --run-id "$run_id" --meta "$out/meta.json" "$out" "${logs[@]}"
python3 "$TOP/scripts/kcidb/bench.py" --top "$TOP" --out "$out/kcidb.json" "$out/results.json" >&2 ||
	die "bench: writing $out/kcidb.json failed"
python3 "$TOP/scripts/kcidb/validate.py" "$out/kcidb.json" >&2 || die "bench: $out/kcidb.json does not validate"
log "bench: run $run_id: $out/results.json, $out/table.txt, $out/dentries.png, $out/nsop.png"
[ ${#failed[@]} -eq 0 ] || die "bench: ${#failed[@]} boot(s) failed, left out of the report: ${failed[*]}"
