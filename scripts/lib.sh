# shellcheck shell=bash
# Shared helpers for the harness scripts: sourced, never run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
KTREE=${KTREE:-$BUILD/linux}
TIMINGS=${TIMINGS:-$BUILD/timings.tsv}
JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Absolute paths under the checkout hash as relative ones, so that another clone of the
# project (CI's) hits the same cache entries.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
# With -g, ccache also hashes the working directory (its hash_dir), so that every clone
# compiled the debug kernel again. Objects may then carry another clone's directory in their
# debug information, which the splat decoder does not use (it reads file and line).
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Debian package version the series was made against.
base_version() { tr -d ' \n' <"$TOP/base.version"; }

# base_commit DIR STAMP: make the unpacked source tree DIR a git tree whose one commit,
# "base: STAMP", is tagged base (fixed identity and date: the same source gives the same
# commit), without automatic gc. Debian's top-level .gitignore ends with a packaging block
# that ignores everything ("/*" and dot files): that block goes, so that the tree can be
# committed.
base_commit() {
	local dir=$1 stamp=$2
	if grep -qn '^# Debian' "$dir/.gitignore" 2>/dev/null; then
		sed -i '/^# Debian/,$d' "$dir/.gitignore"
	fi
	[ -d "$dir" ] || die "base: no directory $dir"
	local g=(git -C "$dir")
	"${g[@]}" init -q -b master . || die "base: git init in $dir failed"
	"${g[@]}" config user.name "${GIT_AUTHOR_NAME:-harness}" &&
		"${g[@]}" config user.email "${GIT_AUTHOR_EMAIL:-harness@localhost}" &&
		"${g[@]}" config core.abbrev 12 || die "base: git config in $dir failed"
	no_auto_gc "$dir"
	"${g[@]}" add -A -f . || die "base: git add in $dir failed"
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		"${g[@]}" commit -q -m "base: $stamp" || die "base: git commit in $dir failed"
	"${g[@]}" tag base || die "base: git tag base in $dir failed"
}

# no_auto_gc DIR: after the 75000 loose objects of a base commit, a later git command would
# start packing the whole tree in the background (minutes of one core, during make check).
no_auto_gc() {
	git -C "$1" config gc.auto 0 && git -C "$1" config maintenance.auto false ||
		die "base: git config in $1 failed"
}

# timed STAGE CMD...: run CMD, append "STAGE<TAB>seconds<TAB>rc" to $TIMINGS.
timed() {
	local stage=$1 start rc=0
	shift
	start=$(date +%s)
	"$@" || rc=$?
	mkdir -p "$(dirname "$TIMINGS")"
	printf '%s\t%s\t%s\n' "$stage" "$(($(date +%s) - start))" "$rc" >>"$TIMINGS"
	return "$rc"
}

# run_logged LOG CMD...: run CMD with output to LOG; show progress lines and, on failure,
# the first error and the log's tail.
run_logged() {
	local logf=$1 rc=0
	shift
	mkdir -p "$(dirname "$logf")"
	"$@" >"$logf" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		printf 'error: command failed (rc %s): %s\n' "$rc" "$*" >&2
		printf '  log: %s\n' "$logf" >&2
		if grep -m1 -n -E '(error|Error|ERROR)[: ]' "$logf" >/dev/null; then
			printf '  first error:\n' >&2
			grep -m1 -n -B2 -A3 -E '(error|Error|ERROR)[: ]' "$logf" | sed 's/^/    /' >&2
		fi
		printf '  last lines:\n' >&2
		tail -n 15 "$logf" | sed 's/^/    /' >&2
	fi
	return "$rc"
}

# The kernel make invocation used for every build of config NAME (O=build/obj/NAME).
kmake() {
	local name=$1
	shift
	local arch=x86_64
	case $name in i386*) arch=i386 ;; esac
	make -C "$KTREE" O="$BUILD/obj/$name" ARCH="$arch" CC="ccache gcc" \
		HOSTCC="ccache gcc" KBUILD_BUILD_TIMESTAMP="harness" \
		KBUILD_BUILD_USER=harness KBUILD_BUILD_HOST=harness -j"$JOBS" "$@"
}

# config_name NAME: the configuration (a name in kernel-config/configs) of build NAME. A
# build of a configuration in another tree has a name of its own, so that each object
# directory belongs to one source tree: x86_64.bisect is configuration x86_64 built in
# the bisect worktree, in build/obj/x86_64.bisect.
config_name() { echo "${1%%.*}"; }

# config_inputs NAME: a hash of what build/obj/NAME/.config is made from (its line in
# kernel-config/configs and the fragments it names, EXTRA_CONFIG included).
config_inputs() {
	local frags f
	frags=$(awk -v n="$(config_name "$1")" '!/^#/ && $1 == n { $1 = ""; print }' "$TOP/kernel-config/configs")
	{
		echo "$1:$frags"
		for f in $frags; do cat "$TOP/kernel-config/$f.config" 2>/dev/null || echo "missing $f"; done
		for f in ${EXTRA_CONFIG:-}; do cat "$f"; done
	} | sha256sum | cut -c1-16
}

# ensure_config NAME: (re)make build/obj/NAME/.config when it is missing or its inputs changed.
ensure_config() {
	local obj=$BUILD/obj/$1
	# Also when kbuild rewrote .config since (a build at another revision drops the
	# options that revision's Kconfig lacks).
	if [ ! -f "$obj/.config" ] || [ ! -f "$obj/.config.harness" ] ||
		! cmp -s "$obj/.config" "$obj/.config.harness" ||
		[ "$(cat "$obj/.config.inputs" 2>/dev/null)" != "$(config_inputs "$1")" ]; then
		"$TOP/scripts/config.sh" "$1"
	fi
}

# worktree NAME REV: print the path of build/wt/NAME, a git worktree of build/linux with REV
# checked out (detached), made or moved there. Steps that build another revision (base,
# each prefix) build it there, with an object directory of their own (config_name), and
# never move the HEAD of build/linux. Files under build/wt belong to the harness: anything
# edited there is overwritten.
worktree() {
	local wt=$BUILD/wt/$1 rev
	rev=$(git -C "$KTREE" rev-parse -q --verify "$2^{commit}") || die "worktree $1: no commit '$2' in $KTREE"
	# A worktree of a build/linux that was since replaced (make tree on another base) is stale.
	if [ -e "$wt/.git" ] && [ "$(git -C "$wt" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)" = \
		"$(git -C "$KTREE" rev-parse --path-format=absolute --git-common-dir)" ]; then
		git -C "$wt" checkout -q --force --detach "$rev" || die "worktree $1: checkout of $2 failed"
	else
		rm -rf "$wt"
		git -C "$KTREE" worktree prune
		mkdir -p "$BUILD/wt"
		git -C "$KTREE" worktree add -q --detach "$wt" "$rev" >&2 || die "worktree $1: git worktree add failed"
	fi
	echo "$wt"
}

# normalize_findings LOG: the findings of a compiler, sparse or coccinelle log, one per line,
# sorted, as "path: message": the source-tree prefix and line/column numbers dropped, also
# inside the message ("on line 481"), so that moved code is not a new finding. A compiler run
# in $BUILD/obj/NAME names $KTREE relative to that directory (../../linux/, ../../wt/base/),
# so after the ../ the tree's path relative to $BUILD goes too, whatever its depth.
normalize_findings() {
	local rel
	rel=$(realpath -m --relative-to="$BUILD" "$KTREE")
	sed -n -E 's/^(\.\.\/)*([^: ]+):[0-9]+:[0-9]+(-[0-9]+)?: +(.*)$/\2: \4/p' "$1" |
		sed -E -e "s|^$KTREE/||" -e "s|^$rel/||" -e "s|^$(basename "$KTREE")/||" \
			-e 's/line [0-9]+/line N/g' |
		sort
}

# Arch of a config name.
config_arch() { case $1 in i386*) echo i386 ;; *) echo x86_64 ;; esac; }
# The kselftest targets a guest runs, one per line: $KSFT_TARGETS, else selftests/targets.
ksft_targets() {
	if [ -n "${KSFT_TARGETS:-}" ]; then
		printf '%s\n' $KSFT_TARGETS
	else
		sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/selftests/targets"
	fi
}

# CASES: the file a gate runner collects case rows in (scripts/gate-runner.sh sets it). A
# script that writes rows and runs alone uses its own file: rows_file DEFAULT.
rows_file() {
	local f=${CASES:-$1}
	mkdir -p "$(dirname "$f")"
	[ -n "${CASES:-}" ] || : >"$f"
	echo "$f"
}

