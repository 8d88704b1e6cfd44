#!/usr/bin/env bash
# Static checks on the kernel .c files the series touches, at base and at the tip: W=1
# compiler warnings and sparse (C=2) in the object directory of configuration NAME, and
# coccinelle (every scripts/coccinelle semantic patch, report mode). A finding is keyed by
# file and message (line numbers dropped); the gate fails on any finding at the tip that
# base lacks. Writes build/lint/<tool>-<rev>.{log,txt} and build/lint/summary.tsv. The tip
# is build/linux with the objects of build/obj/NAME (the touched files are recompiled with
# W=1: the next build of NAME recompiles them again); base is the worktree build/wt/base
# with build/obj/NAME.lint-base, configured as NAME minus the options base does not know
# (olddefconfig). build/linux is left where it is.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [-t \"w1 sparse cocci\"] [NAME]   (NAME defaults to x86_64-debug)"; }
tools="w1 sparse cocci"
while getopts ht: opt; do
	case $opt in
	t) tools=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
name=${1:-x86_64-debug}
out=$BUILD/lint
obj=$BUILD/obj/$name
git -C "$KTREE" rev-parse -q --verify base >/dev/null || die "lint: no base in $KTREE"
[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
	die "lint: $KTREE has uncommitted changes; commit or export them first"

mapfile -t files < <(git -C "$KTREE" diff --name-only --diff-filter=AM base..HEAD -- '*.c' |
	grep -vE '^(tools|Documentation|samples|scripts)/')
[ ${#files[@]} -gt 0 ] || { log "lint: the series touches no kernel .c file"; exit 0; }
rm -rf "$out"
mkdir -p "$out"
log "lint: ${#files[@]} files: ${files[*]}"

# findings REV TOOL: run TOOL on every file present at REV (its tree $KTREE, its build
# $oname in $obj); normalized findings on stdout.
findings() {
	local rev=$1 tool=$2 objs=() srcs=() f
	for f in "${files[@]}"; do
		[ -f "$KTREE/$f" ] && objs+=("${f%.c}.o") && srcs+=("$f")
	done
	[ ${#objs[@]} -gt 0 ] || return 0
	local logf=$out/$tool-$rev.log
	case $tool in
	w1)
		for f in "${objs[@]}"; do rm -f "$obj/$f"; done
		kmake "$oname" W=1 "${objs[@]}" >"$logf" 2>&1 || die "lint: W=1 build failed at $rev; see $logf"
		;;
	sparse)
		kmake "$oname" C=2 "${objs[@]}" >"$logf" 2>&1 || die "lint: sparse run failed at $rev; see $logf"
		;;
	cocci)
		KTREE=$KTREE "$TOP/scripts/cocci.sh" "$oname" "$cocci_list" "$logf" "${srcs[@]}" ||
			die "lint: coccinelle failed at $rev; see $logf"
		;;
	*) die "lint: unknown tool '$tool'" ;;
	esac
	normalize_findings "$logf"
}

# The tip first. Coccinelle is the slow one: at base only the semantic patches that report
# something at the tip run (a finding base lacks can only come from those).
cocci_list=$out/cocci-all.list
(cd "$KTREE" && ls scripts/coccinelle/*/*.cocci) >"$cocci_list"
tip_tree=$KTREE
for rev in tip base; do
	if [ "$rev" = base ]; then
		KTREE=$(worktree base base)
		oname=$name.lint-base obj=$BUILD/obj/$name.lint-base
		mkdir -p "$obj"
		if ! cmp -s "$BUILD/obj/$name/.config" "$obj/.config.from"; then
			cp "$BUILD/obj/$name/.config" "$obj/.config"
			cp "$BUILD/obj/$name/.config" "$obj/.config.from"
		fi
		run_logged "$out/config-base.log" kmake "$oname" olddefconfig || die "lint: olddefconfig failed at base"
	else
		KTREE=$tip_tree oname=$name obj=$BUILD/obj/$name
		ensure_config "$name"
	fi
	run_logged "$out/prepare-$rev.log" kmake "$oname" prepare || die "lint: make prepare failed at $rev"
	for t in $tools; do
		log "lint: $t at $rev"
		findings "$rev" "$t" >"$out/$t-$rev.txt"
	done
	if [ "$rev" = tip ] && [ -f "$out/cocci-tip.log" ]; then
		# the semantic patches with a finding (path:line:col...) at the tip
		awk '/^### / { c = $2; next } c && /^[^: ]+:[0-9]+:[0-9]+/ { print c }' "$out/cocci-tip.log" |
			sort -u >"$out/cocci-base.list"
		cocci_list=$out/cocci-base.list
	fi
done

printf 'tool\tbase\ttip\tnew\n' >"$out/summary.tsv"
bad=0
for t in $tools; do
	comm -13 "$out/$t-base.txt" "$out/$t-tip.txt" >"$out/$t-new.txt"
	nb=$(wc -l <"$out/$t-base.txt") nt=$(wc -l <"$out/$t-tip.txt") nn=$(wc -l <"$out/$t-new.txt")
	printf '%s\t%s\t%s\t%s\n' "$t" "$nb" "$nt" "$nn" >>"$out/summary.tsv"
	if [ "$nn" -gt 0 ]; then
		echo "lint: $t: $nn finding(s) at the tip that base does not have:" >&2
		sed 's/^/    /' "$out/$t-new.txt" >&2
		bad=1
	fi
done
log "lint: findings on the ${#files[@]} touched files (base / tip / new):"
column -t -s $'\t' "$out/summary.tsv" >&2
[ "$bad" -eq 0 ]
