#!/usr/bin/env bash
# Where the instructions of pidfd_open() go: the kernels of `make bench`, built once more with
# the function-graph tracer (kernel-config/trace.config), booted under -icount shift=0 with
# selftests/bench/trace-init, which traces the calls below ROOTS (default: every pidfd_open())
# while pidfs_bench runs one workload (default 4, the first pidfd of each of C live children),
# limited to the functions of FUNCS (those a kernel lacks are left out). scripts/trace-report.py then gives, per kind of call, the median
# instructions of each traced callee. Traced kernels are not the measured ones: each traced
# call adds the tracer's own entry and exit, about 640 instructions to its own figure and
# 1280 to each caller's (Documentation/bench.md); compare callees, not totals.
# Output: build/bench-trace/<label>.trace and report.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 [-w WORKLOAD] [-c CHILDREN] [-l LOOPS] [-d DEPTH] [-g ROOT,...] [-f FUNC,...] [LABEL...]"
	echo "  -w: the pidfs_bench workload (default 4), -c/-l its children (200) and loops (200)"
	echo "  -g: the roots of the graph (default __x64_sys_pidfd_open)"
	echo "  labels: base series peer (default base series); -d 0: no depth limit (the default)"
	echo "  -f: the functions to trace (default: pidfd_open()'s path on 6.1 and with the series)"
}
wl=4 children=200 loops=200 depth=0 roots=__x64_sys_pidfd_open
funcs=__x64_sys_pidfd_open,find_get_pid,put_pid,pidfd_create,pidfd_prepare,__pidfd_prepare
funcs=$funcs,get_unused_fd_flags,fd_install,anon_inode_getfile,alloc_file_pseudo,d_alloc_pseudo
funcs=$funcs,d_instantiate,alloc_file,pidfs_alloc_file,path_from_stashed,stashed_dentry_get
funcs=$funcs,new_inode_pseudo,alloc_inode,inode_init_always,pidfs_init_inode,d_obtain_root
funcs=$funcs,d_alloc_anon,__d_alloc,security_d_instantiate
while getopts hw:c:l:d:g:f: o; do
	case $o in
	h) usage; exit 0 ;;
	w) wl=$OPTARG ;;
	c) children=$OPTARG ;;
	l) loops=$OPTARG ;;
	g) roots=$OPTARG ;;
	d) depth=$OPTARG ;;
	f) funcs=$OPTARG ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
labels=("$@")
[ ${#labels[@]} -gt 0 ] || labels=(base series)
case $children$loops$depth in *[!0-9]*) usage >&2; die "bench-trace: -c, -l and -d take whole numbers" ;; esac
git -C "$KTREE" rev-parse -q --verify base >/dev/null || die "bench-trace: no tree in $KTREE (run make tree)"
out=$BUILD/bench-trace
rm -rf "$out"
mkdir -p "$out/root"/{bin,proc,sys,dev,tmp}
export EXTRA_CONFIG=$TOP/kernel-config/trace.config

for k in "${labels[@]}"; do
	case $k in
	base) tree=$(worktree base base) cfg=base.trace lenient=0 ;;
	series) tree=$KTREE cfg=x86_64.trace lenient=0 ;;
	peer) tree=$("$TOP/scripts/peer.sh") cfg=peer.trace lenient=1 ;;
	*) usage >&2; die "bench-trace: unknown label '$k'" ;;
	esac
	log "bench-trace: build $k ($cfg)"
	env KTREE="$tree" CONFIG_LENIENT="$lenient" "$TOP/scripts/build.sh" "$cfg" ||
		die "bench-trace: building the $k kernel ($cfg) failed"
done

run_logged "$out/program.log" make -C "$TOP/selftests/bench" OUT="$out/bin" ||
	die "bench-trace: building selftests/bench failed"
install -m 755 /bin/busybox "$out/root/bin/busybox"
ln -sf busybox "$out/root/bin/sh"
install -m 755 "$out/bin/pidfs_bench" "$out/root/pidfs_bench"
install -m 755 "$TOP/selftests/bench/trace-init" "$out/root/init"
"$TOP/scripts/mkinitramfs.sh" "$out/root" "$out/trace.cpio.gz"

for k in "${labels[@]}"; do
	case $k in base) cfg=base.trace ;; series) cfg=x86_64.trace ;; peer) cfg=peer.trace ;; esac
	run=bench-trace-$k
	"$TOP/scripts/boot.sh" -I -t 3600 -a "norandmaps bench.args=-k,$k,-r,1,-w,$wl,-c,$children,-l,$loops trace.depth=$depth trace.funcs=$funcs trace.graph=$roots" \
		-i "$out/trace.cpio.gz" -k "$BUILD/obj/$cfg/arch/x86/boot/bzImage" "$cfg" "$run" ||
		die "bench-trace: boot of the $k kernel failed; see build/results/$run"
	grep -q '^### END trace rc=0' "$BUILD/results/$run/results.clean" ||
		die "bench-trace: the traced run on $k failed; see build/results/$run/results.clean"
	cp "$BUILD/results/$run/trace.log" "$out/$k.trace"
done
traces=()
for k in "${labels[@]}"; do traces+=("$out/$k.trace"); done
python3 "$TOP/scripts/trace-report.py" "${traces[@]}" | tee "$out/report.txt"
