#!/usr/bin/env bash
# Coccinelle (every scripts/coccinelle semantic patch, report mode) over every .c file of each
# directory holding a kernel .c file the series touches (the directory itself, not its
# subdirectories: fs/, not every filesystem). Fails on findings at the tip that base does
# not have (scripts/lib.sh normalize_findings), or if no file was read.
#
# The tip and base are checked out as git worktrees under build/coccicheck, so build/linux
# and the object directories are left alone and the scan can run beside the builds. Only a
# tip finding can be new: at base, each semantic patch runs only over the files it reports
# on at the tip (a file new in the series has no base copy; all its findings are new).
# Generated headers come from the object directory of configuration NAME, which must be
# built already (they do not depend on the series).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 [NAME [TIP]]   (NAME: built configuration for generated headers, default x86_64-debug;"
	echo "  TIP: the series' last commit, default HEAD of build/linux; pass it when other steps check out commits there)"
}
[ "${1:-}" = -h ] && { usage; exit 0; }
name=${1:-x86_64-debug}
out=$BUILD/coccicheck
obj=$BUILD/obj/$name
git -C "$KTREE" rev-parse -q --verify base >/dev/null || die "coccicheck: no base in $KTREE"
[ -d "$obj/include/generated/uapi" ] && [ -d "$obj/arch/x86/include/generated" ] ||
	die "coccicheck: $obj has no generated headers; build $name first (make build CONFIG=$name)"
tip=$(git -C "$KTREE" rev-parse --verify "${2:-HEAD}^{commit}") || die "coccicheck: no commit ${2:-HEAD} in $KTREE"
mapfile -t dirs < <(git -C "$KTREE" diff --name-only base "$tip" -- '*.c' |
	grep -vE '^(tools|Documentation|samples|scripts)/' | xargs -n1 dirname | sort -u)
[ ${#dirs[@]} -gt 0 ] || { log "coccicheck: the series touches no kernel .c file"; exit 0; }

remove_worktrees() {
	local w
	for w in "$out/src-tip" "$out/src-base"; do
		if [ -d "$w" ]; then git -C "$KTREE" worktree remove --force "$w" || rm -rf "$w"; fi
	done
	git -C "$KTREE" worktree prune || true
}
rm -rf "$out"
mkdir -p "$out"
git -C "$KTREE" worktree prune
trap remove_worktrees EXIT
git -C "$KTREE" worktree add -q --detach "$out/src-tip" "$tip" || die "coccicheck: worktree of the tip failed"
git -C "$KTREE" worktree add -q --detach "$out/src-base" base || die "coccicheck: worktree of base failed"

# findings SRC LOG: "semantic patch: path: message" (scripts/lib.sh normalize_findings, keyed
# by the semantic patch too, so a finding cannot hide behind another patch's identical one).
findings() {
	local c
	while read -r c; do
		awk -v c="$c" '/^### / { on = ($2 == c); next } on' "$2" >"$2.one"
		KTREE=$1 normalize_findings "$2.one" | sed "s|^|$c: |"
	done < <(sed -n 's/^### //p' "$2" | sort -u) | sort
	rm -f "$2.one"
}

# The tip: every semantic patch over each directory, file by file as make coccicheck does
# (spatch --dir; its subdirectories are ignored, the trailing / keeps fs/proc/ from hiding
# fs/proc_namespace.c). Naming the files on one command line instead would make spatch
# parse them as one group, with one timeout for all of them.
(cd "$out/src-tip" && ls scripts/coccinelle/*/*.cocci) >"$out/all.list"
nsrcs=$(cd "$out/src-tip" && for d in "${dirs[@]}"; do ls "$d"/*.c; done | wc -l)
[ "$nsrcs" -gt 0 ] || die "coccicheck: no .c file in ${dirs[*]} at the tip"
log "coccicheck: $(wc -l <"$out/all.list") semantic patches over the $nsrcs .c files (and headers) of ${dirs[*]} at the tip"
: >"$out/tip.log"
for d in "${dirs[@]}"; do
	ign=()
	for sub in "$out/src-tip/$d"/*/; do
		[ -d "$sub" ] && ign+=(--ignore "${sub#"$out/src-tip/"}")
	done
	dlog=$out/tip-$(echo "$d" | tr / _).log
	KTREE=$out/src-tip "$TOP/scripts/cocci.sh" "$name" "$out/all.list" "$dlog" --dir "$d" "${ign[@]}" ||
		die "coccicheck: coccinelle failed at the tip in $d/; see $dlog"
	cat "$dlog" >>"$out/tip.log"
done
findings "$out/src-tip" "$out/tip.log" >"$out/tip.txt"

# Base: each semantic patch with tip findings, over each file it reported (that base has),
# one file at a time as at the tip.
awk '/^### / { c = $2; next } c && match($0, /^[^: ]+:[0-9]+:[0-9]+/) {
	split(substr($0, 1, RLENGTH), f, ":"); print c "\t" f[1] }' "$out/tip.log" |
	sed "s|\t$out/src-tip/|\t|" | sort -u >"$out/tip-reported.tsv"
: >"$out/base.log"
nbase=0
while IFS=$'\t' read -r c f; do
	[ -f "$out/src-base/$f" ] || continue
	nbase=$((nbase + 1))
	echo "$c" >"$out/one.list"
	KTREE=$out/src-base "$TOP/scripts/cocci.sh" "$name" "$out/one.list" "$out/base-one.log" --dir "$f" ||
		die "coccicheck: coccinelle failed at base on $c over $f; see $out/base-one.log"
	cat "$out/base-one.log" >>"$out/base.log"
done <"$out/tip-reported.tsv"
findings "$out/src-base" "$out/base.log" >"$out/base.txt"

comm -13 "$out/base.txt" "$out/tip.txt" >"$out/new.txt"
log "coccicheck: ${dirs[*]}: tip $(wc -l <"$out/tip.txt") findings; base $(wc -l <"$out/base.txt") on the $nbase (patch, file) pairs the tip reports; new $(wc -l <"$out/new.txt")"
if [ -s "$out/new.txt" ]; then
	echo "coccicheck: findings at the tip that base does not have:" >&2
	sed 's/^/    /' "$out/new.txt" >&2
	exit 1
fi
