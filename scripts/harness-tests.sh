#!/usr/bin/env bash
# The harness's own tests: golden cases for the result parser and the splat detector, and
# end-to-end failure cases that must fail naming their cause: a patch that does not apply,
# uncommitted patches that must survive a failed apply and a refused export, a guest that
# hangs, a planted WARNING. Boot cases use the kernel of configuration NAME.
# HARNESS_DEMOS=1 adds the demos that rebuild kernels from build/linux (make gates-full runs
# them): a broken middle patch that the bisect gate must name, and the mutants of
# tests/harness/mutants.tsv, on which the named pidfs kselftest cases must fail.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [NAME]   (NAME: kernel for the boot cases, default x86_64; '-' skips them)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
name=${1:-x86_64}
work=$BUILD/harness-tests
rm -rf "$work"
mkdir -p "$work"

# expect_fail CASE PATTERN CMD...: CMD must fail and its output must match PATTERN.
expect_fail() {
	local case=$1 pattern=$2 rc=0
	shift 2
	"$@" >"$work/$case.out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] && grep -qE -- "$pattern" "$work/$case.out"; then
		echo "ok: $case failed as it must (rc $rc): $(grep -m1 -E -- "$pattern" "$work/$case.out")"
		return 0
	fi
	echo "FAIL: $case: expected failure matching '$pattern', got rc $rc:" >&2
	tail -n 20 "$work/$case.out" | sed 's/^/    /' >&2
	return 1
}

case_apply() {
	# A two-patch series onto a tiny tree with a `base` tag: the second patch's hunk no
	# longer matches; apply must stop there, naming patch and file, and not go on.
	local t=$work/apply
	mkdir -p "$t/tree" "$t/patches"
	git -C "$t/tree" init -q
	printf 'one\ntwo\nthree\n' >"$t/tree/file.c"
	git -C "$t/tree" add file.c
	git -C "$t/tree" -c user.name=t -c user.email=t@t commit -q -m base
	git -C "$t/tree" tag base
	sed -i 's/two/TWO/' "$t/tree/file.c"
	git -C "$t/tree" -c user.name=t -c user.email=t@t commit -q -am "file: shout two"
	git -C "$t/tree" format-patch -q -1 -o "$t/patches"
	sed -e 's/^-two$/-zwei/' -e 's/^ three$/ drei/' "$t/patches/0001-file-shout-two.patch" >"$t/patches/0002-file-broken.patch"
	printf '0001-file-shout-two.patch\n0002-file-broken.patch\n' >"$t/series"
	git -C "$t/tree" checkout -q base
	git -C "$t/tree" reset -q --hard base
	git -C "$t/tree" branch -q -D master 2>/dev/null || true
	expect_fail apply 'patch 2/2 0002-file-broken.patch does not apply' \
		env KTREE="$t/tree" SERIES="$t/series" PATCHDIR="$t/patches" BUILD="$t" \
		"$TOP/scripts/apply.sh" || return 1
	grep -q 'file.c' "$work/apply.out" || { echo "FAIL: apply: the failing file is not named" >&2; return 1; }
}

mini_initramfs() { # INIT OUT
	local root=$work/root-$(basename "$1" .init)
	mkdir -p "$root"/{bin,proc,sys,dev}
	install -m 755 /bin/busybox "$root/bin/busybox"
	ln -sf busybox "$root/bin/sh"
	install -m 755 "$1" "$root/init"
	"$TOP/scripts/mkinitramfs.sh" "$root" "$2"
}

case_hang() {
	mini_initramfs "$TOP/tests/harness/e2e/hang.init" "$work/hang.cpio.gz" || return 1
	expect_fail hang 'guest hung' env BUILD="$work" "$TOP/scripts/boot.sh" -t 120 \
		-i "$work/hang.cpio.gz" -k "$BUILD/obj/$name/arch/x86/boot/bzImage" "$name" e2e-hang || return 1
	grep -q 'hang.init: sleeping forever' "$work/hang.out" ||
		{ echo "FAIL: hang: the console tail is not shown" >&2; return 1; }
}

case_warning() {
	mini_initramfs "$TOP/tests/harness/e2e/warn.init" "$work/warn.cpio.gz" || return 1
	env BUILD="$work" "$TOP/scripts/boot.sh" -t 300 -i "$work/warn.cpio.gz" \
		-k "$BUILD/obj/$name/arch/x86/boot/bzImage" "$name" e2e-warning >"$work/warn-boot.out" 2>&1 ||
		{ echo "FAIL: warning: the guest did not finish" >&2; cat "$work/warn-boot.out" >&2; return 1; }
	expect_fail warning 'splat: WARNING' env BUILD="$work" "$TOP/scripts/verdict.sh" e2e-warning || return 1
	# The splat is decoded with the kernel's vmlinux: the call trace gains file:line.
	grep -qE '\([^ ()]+\.[ch]:[0-9]+' "$work/results/e2e-warning/splats.decoded.txt" 2>/dev/null ||
		{ echo "FAIL: warning: the splat was not decoded to file:line (splats.decoded.txt)" >&2; return 1; }
}

rows=$work/cases.tsv
: >"$rows"
record() { # CASE CMD...
	local c=$1
	shift
	if "$@"; then printf 'harness/%s\tpass\t\n' "$c" >>"$rows"; else printf 'harness/%s\tfail\t\n' "$c" >>"$rows"; fi
}
bash "$TOP/tests/harness/run-golden.sh" "$rows" || true
# One row per case directory: a golden run that stopped half-way must not look shorter but green.
golden_kinds=(parser splat manifest kcidb bench findings series pipes cover trace)
cases_on_disk=$(find "${golden_kinds[@]/#/$TOP/tests/harness/}" -mindepth 1 -maxdepth 1 -type d | wc -l)
golden_rows=$(grep -cP "^harness/($(IFS='|'; echo "${golden_kinds[*]}"))/" "$rows" || true)
if [ "$golden_rows" -eq "$cases_on_disk" ]; then
	printf 'harness/golden-count\tpass\t\n' >>"$rows"
else
	printf 'harness/golden-count\tfail\t%s rows for %s case directories\n' "$golden_rows" "$cases_on_disk" >>"$rows"
fi
case_make_help() {
	# Every target of the Makefile's .PHONY line has a line in `make help`.
	local help t missing=()
	help=$(make -s -C "$TOP" help)
	for t in $(sed -n '/^\.PHONY:/,/[^\\]$/p' "$TOP/Makefile" | tr -d '\\' | sed 's/^\.PHONY://'); do
		[ "$t" = all ] && t=""
		grep -qE "^make${t:+ $t}( |$)" <<<"$help" || missing+=("${t:-all}")
	done
	[ ${#missing[@]} -eq 0 ] || { echo "FAIL: make help lists no line for: ${missing[*]}" >&2; return 1; }
	echo "ok: make help lists every .PHONY target"
}

case_ksft_config() {
	# A configuration that lacks an option a kselftest target asks for fails the check,
	# naming the option and the target; with the option set it passes.
	local t=$work/ksft-config
	mkdir -p "$t/tree/tools/testing/selftests/demo" "$t/obj/demo"
	printf 'CONFIG_DEMO_A=y\nCONFIG_DEMO_B=y\n' >"$t/tree/tools/testing/selftests/demo/config"
	printf 'CONFIG_DEMO_A=y\n# CONFIG_DEMO_B is not set\n' >"$t/obj/demo/.config"
	expect_fail ksft-config 'target demo wants CONFIG_DEMO_B=y' \
		env KTREE="$t/tree" BUILD="$t" KSFT_TARGETS=demo \
		"$TOP/scripts/ksft-config-check.sh" demo || return 1
	echo CONFIG_DEMO_B=y >>"$t/obj/demo/.config"
	env KTREE="$t/tree" BUILD="$t" KSFT_TARGETS=demo "$TOP/scripts/ksft-config-check.sh" demo ||
		{ echo "FAIL: ksft-config: a complete configuration was refused" >&2; return 1; }
}

case_mkinitramfs() {
	# scripts/mkinitramfs.sh: every entry 0:0 with its permission bits (setuid, sticky), the
	# symlink's target, the file's bytes; a FIFO in the tree is refused, naming it.
	local t=$work/mkinitramfs listing
	rm -rf "$t" && mkdir -p "$t/root/bin" "$t/root/tmp" "$t/x"
	printf 'payload\n' >"$t/root/bin/tool" && chmod 4750 "$t/root/bin/tool"
	chmod 1777 "$t/root/tmp"
	ln -s bin/tool "$t/root/link"
	"$TOP/scripts/mkinitramfs.sh" "$t/root" "$t/a.cpio.gz" || return 1
	listing=$(zcat "$t/a.cpio.gz" | cpio -itv --quiet 2>/dev/null | awk '{ print $1, $3, $4, $NF }' | sort)
	local want
	want=$(printf '%s\n' 'drwxr-xr-x root root bin' 'drwxrwxrwt root root tmp' \
		'lrwxrwxrwx root root bin/tool' '-rwsr-x--- root root bin/tool' | sort)
	[ "$listing" = "$want" ] || { printf 'FAIL: mkinitramfs: archive lists\n%s\nexpected\n%s\n' "$listing" "$want" >&2; return 1; }
	(cd "$t/x" && zcat "$t/a.cpio.gz" | cpio -id --quiet 2>/dev/null) &&
		cmp -s "$t/root/bin/tool" "$t/x/bin/tool" && [ "$(readlink "$t/x/link")" = bin/tool ] ||
		{ echo "FAIL: mkinitramfs: extracted contents differ" >&2; return 1; }
	mkfifo "$t/root/tmp/fifo"
	expect_fail mkinitramfs-fifo "tmp/fifo: type 'p' is not a file, directory or symlink" \
		"$TOP/scripts/mkinitramfs.sh" "$t/root" "$t/b.cpio.gz"
}

case_pipes() {
	# No harness script pipes into a reader that may stop early (scripts/pipe-check.py);
	# the golden cases of the checker itself are such scripts on purpose.
	local files
	mapfile -t files < <(git -C "$TOP" ls-files -- '*.sh' .ci/run ':!tests/harness/pipes/')
	[ ${#files[@]} -gt 0 ] || { echo "FAIL: pipes: git ls-files found no shell script" >&2; return 1; }
	(cd "$TOP" && python3 scripts/pipe-check.py "${files[@]}")
}

record docs/make-help case_make_help
record static/pipes case_pipes
record e2e/mkinitramfs case_mkinitramfs
record e2e/ksft-config-missing-option case_ksft_config
record e2e/apply-failure case_apply
record e2e/nothing-lost "$TOP/tests/harness/e2e/nothing-lost.sh" "$work/nothing-lost"
record e2e/deps-progress "$TOP/tests/harness/e2e/deps-progress.sh" "$work/deps-progress"
record e2e/gate-runner "$TOP/tests/harness/e2e/gate-runner.sh" "$work/gate-runner"
if [ "$name" != - ]; then
	[ -f "$BUILD/obj/$name/arch/x86/boot/bzImage" ] || die "harness-tests: no $name kernel (run: make build CONFIG=$name)"
	record e2e/guest-hang case_hang
	record e2e/planted-warning case_warning
fi
if [ "${HARNESS_DEMOS:-0}" = 1 ]; then
	record e2e/bisect-broken-middle "$TOP/tests/harness/e2e/bisect-broken-middle.sh"
	record e2e/mutants "$TOP/tests/harness/e2e/mutants.sh"
fi
# Under a gate runner the rows join its CASES; alone they stay in $rows.
[ -z "${CASES:-}" ] || cat "$rows" >>"$CASES"
awk -F'\t' '{ n[$2]++ } END { printf "harness-tests: %d passed, %d failed\n", n["pass"], n["fail"]; exit (n["fail"] > 0) }' "$rows"
