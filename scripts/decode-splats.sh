#!/usr/bin/env bash
# Decode the splats of a judged guest run: pass RUN_DIR/splats.txt (scripts/splat-check.py's
# report) through the kernel's scripts/decode_stacktrace.sh with the vmlinux of the kernel the
# run booted (taken from RUN_DIR/qemu.cmd) and its source tree, into
# RUN_DIR/splats.decoded.txt, and print that. Call traces gain file:line; a run whose vmlinux
# is gone (or a splat without symbols) is printed as it was, saying so.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 RUN_DIR   (decodes RUN_DIR/splats.txt into RUN_DIR/splats.decoded.txt)"; exit 0; }
[ $# -eq 1 ] || { echo "usage: $0 RUN_DIR" >&2; exit 2; }
res=$1
[ -s "$res/splats.txt" ] || die "decode-splats: no $res/splats.txt"
image=$(sed -n 's/.* -kernel \([^ ]*\) .*/\1/p' "$res/qemu.cmd" 2>/dev/null || true)
# An object directory (OBJ/arch/x86/boot/bzImage), or an artifacts directory (bzImage beside
# vmlinux and a source link; scripts/artifacts.sh).
obj=${image%/arch/x86/boot/bzImage}
[ "$obj" != "$image" ] || obj=$(dirname "$image")
out=$res/splats.decoded.txt
if [ -z "$image" ] || [ ! -f "$obj/vmlinux" ] || [ ! -x "$obj/source/scripts/decode_stacktrace.sh" ]; then
	warn "decode-splats: no vmlinux and source for '${image:-?}' (from $res/qemu.cmd); not decoded"
	exit 1
fi
src=$(readlink -f "$obj/source")
# The image must still be the one that booted: a rebuild since would decode wrong lines.
[ "$obj/vmlinux" -ot "$res/console.log" ] ||
	warn "decode-splats: $obj/vmlinux is newer than the run; the lines below may not match"
"$src/scripts/decode_stacktrace.sh" "$obj/vmlinux" "$src" <"$res/splats.txt" >"$out" 2>"$out.err" ||
	{ warn "decode-splats: decode_stacktrace.sh failed: $(tail -1 "$out.err")"; exit 1; }
log "decoded splats ($obj/vmlinux):"
sed 's/^/    /' "$out" >&2
