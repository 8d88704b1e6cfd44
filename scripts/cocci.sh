#!/usr/bin/env bash
# Run semantic patches of the kernel's scripts/coccinelle in report mode, as scripts/coccicheck
# does (its Options: and Requires: lines honoured), but one spatch per semantic patch over all
# the TARGETs (files, or --dir DIR). Output goes to LOG, each patch's under a "### path" line.
# Fails naming the semantic patch spatch failed on.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 NAME LIST LOG TARGET...   (NAME: configuration for generated headers; LIST: semantic patches, one per line)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -ge 4 ] || { usage >&2; exit 2; }
name=$1 list=$2 logf=$3
shift 3
obj=$BUILD/obj/$name
version=$(spatch --version 2>/dev/null | sed -n 's/^spatch version \([0-9.]*\).*/\1/p')
[ -n "$version" ] || die "cocci: no spatch (package coccinelle)"
: >"$logf"
bad=0
while read -r c; do
	[ -n "$c" ] || continue
	opt=$(sed -n 's|^// *Options: *||p' "$KTREE/$c")
	req=$(sed -n 's|^// *Requires: *||p' "$KTREE/$c" | tr -d ' ')
	if [ -n "$req" ] && ! printf '%s\n%s\n' "$req" "$version" | sort -CV; then
		echo "skipped $c: needs spatch $req" >>"$logf"
		continue
	fi
	echo "### $c" >>"$logf"
	# shellcheck disable=SC2086 # $opt is a word list by design
	if ! (cd "$KTREE" && timeout --foreground 1800 spatch -D report --very-quiet --no-show-diff \
		--cocci-file "$c" $opt -I arch/x86/include -I "$obj/arch/x86/include/generated" \
		-I include -I arch/x86/include/uapi -I include/uapi \
		-I "$obj/include/generated/uapi" "$@") >>"$logf" 2>&1; then
		echo "error: cocci: spatch failed on $c (see $logf)" >&2
		bad=1
	fi
done <"$list"
[ "$bad" -eq 0 ]
