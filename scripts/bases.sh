#!/usr/bin/env bash
# `make bases`: the series on every linux-source-6.1 version the Debian archive offers, as
# users of a stable distribution have it. For each version: fetch the package (cached in
# build/bases/debs), unpack it as a git tree (build/bases/VERSION/linux), git am the series
# (scripts/apply.sh -k, which names the patch and hunk that fail) and build vmlinux of the
# test configuration (-c, default x86_64; gates-full has just built the tip with it, so most
# objects come from ccache: stable versions differ in few files). Prints a table
# (version, applies, builds, note), also in build/bases/table.tsv.
# A version that does not apply or build fails the run, unless
# selftests/manifests/bases.tsv lists it with that outcome and a reason.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [-c CONFIG] [-k] [VERSION...]   (default: every version apt-cache madison lists; -k keeps the trees)"; }
cfg=x86_64 keep=0
while getopts hc:k o; do
	case $o in
	h) usage; exit 0 ;;
	c) cfg=$OPTARG ;;
	k) keep=1 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
pkg=linux-source-6.1
out=$BUILD/bases
expected=$TOP/selftests/manifests/bases.tsv
mkdir -p "$out/debs"

if [ $# -gt 0 ]; then
	for v in "$@"; do
		[[ "$v" =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || die "bases: '$v' is not a Debian version"
	done
	versions=("$@")
else
	mapfile -t versions < <(apt-cache madison "$pkg" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -uV)
	[ ${#versions[@]} -gt 0 ] || die "bases: apt-cache madison lists no $pkg (apt-get update?)"
fi
log "bases: ${#versions[@]} version(s): ${versions[*]}"

# expect VERSION: "applies<TAB>builds<TAB>patch" as bases.tsv expects them ("yes yes -" when
# the version is not listed).
expect() {
	[ -f "$expected" ] || die "bases: no $expected"
	awk -F'\t' -v v="$1" '!/^#/ && $1 == v { print $2 "\t" $3 "\t" $4; found = 1 }
		END { if (!found) print "yes\tyes\t-" }' "$expected"
}

table=$out/table.tsv
printf 'version\tapplies\tbuilds\tnote\n' >"$table"
bad=0
for v in "${versions[@]}"; do
	applies=no builds=- at=- note="" what="" hunk=""
	dir=$out/$v tree=$out/$v/linux
	deb=$(ls "$out/debs/${pkg}_${v/:/%3a}_"*.deb 2>/dev/null | sed -n 1p || true)
	if [ -z "$deb" ]; then
		log "bases $v: fetching $pkg=$v"
		(cd "$out/debs" && apt-get download -q "$pkg=$v") >"$out/debs/fetch-$v.log" 2>&1 || true
		deb=$(ls "$out/debs/${pkg}_${v/:/%3a}_"*.deb 2>/dev/null | sed -n 1p || true)
	fi
	if [ -z "$deb" ]; then
		note="not fetched: $(tail -n 1 "$out/debs/fetch-$v.log" 2>/dev/null)"
		applies=-
	else
		stamp="Debian $pkg $v"
		if [ "$(git -C "$tree" log -1 --format=%s base 2>/dev/null)" != "base: $stamp" ]; then
			log "bases $v: unpacking"
			rm -rf "$dir"
			mkdir -p "$dir/deb"
			dpkg-deb -x "$deb" "$dir/deb" || die "bases $v: dpkg-deb -x $deb failed"
			tar -xf "$dir/deb/usr/src/$pkg.tar.xz" -C "$dir" || die "bases $v: cannot unpack its tarball"
			rm -rf "$dir/deb"
			mv "$dir/$pkg" "$tree"
			base_commit "$tree" "$stamp"
		fi
		# A tree left by an interrupted run may be inside a git am.
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		git -C "$tree" checkout -q --force --detach base || die "bases $v: cannot check out base in $tree"
		if BUILD=$dir "$TOP/scripts/apply.sh" -k "$tree" >"$dir/apply.log" 2>&1; then
			applies=yes
			log "bases $v: the series applies; building $cfg vmlinux"
			# The object directory sits beside the tree as build/obj does beside build/linux:
			# the same relative paths, so ccache finds the tip's objects of the same source.
			if BUILD=$dir KTREE=$tree "$TOP/scripts/build.sh" "$cfg" vmlinux >"$dir/build.log" 2>&1; then
				builds=yes
			else
				builds=no at=vmlinux
				note=$(grep -m1 -E ' error: |error: ' "$dir/obj/$cfg/build.log" 2>/dev/null ||
					tail -n 1 "$dir/build.log")
			fi
		else
			# apply.sh names the patch ("patch N/M NAME does not apply") and git apply the hunk.
			at=$(sed -n -E 's/^error: apply: patch [0-9]+\/[0-9]+ ([^ ]+) does not apply.*/\1/p' "$dir/apply.log")
			what=$(sed -n 's/^error: apply: \(.* does not apply\).*/\1/p' "$dir/apply.log")
			hunk=$(sed -n 's/^ *error: \(patch failed: .*\)/\1/p' "$dir/apply.log")
			note="${what:-the apply failed (see $dir/apply.log)}${hunk:+; ${hunk%%$'\n'*}}"
		fi
	fi
	printf '%s\t%s\t%s\t%s\n' "$v" "$applies" "$builds" "$note" >>"$table"
	want=$(expect "$v")
	# A version that did what bases.tsv expects leaves nothing behind but its row and logs
	# (unless -k); one that did not keeps its tree and objects for a look.
	if [ "$keep" = 0 ] && [ "$applies	$builds	$at" = "$want" ]; then
		rm -rf "$tree" "$dir/obj"
	fi
	if [ "$applies	$builds	$at" != "$want" ]; then
		echo "error: bases $v: applies $applies, builds $builds, fails at $at; $(basename "$expected") expects $(tr '\t' ' ' <<<"$want")${note:+ ($note)}" >&2
		bad=1
	fi
done
column -t -s $'\t' "$table"
[ "$bad" -eq 0 ] || die "bases: a version did not do what $expected expects (above)"
log "bases: every version as expected"
