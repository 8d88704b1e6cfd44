#!/usr/bin/env bash
# Check what `make mail` wrote: the mails in build/mail/, applied onto base with git am, and
# the mbox of the thread turned into an am-ready mbox by b4 am and applied the same way,
# must each give the tree of build/linux (make tree). Offline: b4 am reads the local mbox.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0   (checks build/mail/ against build/linux)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 0 ] || { usage >&2; exit 2; }
mail=$BUILD/mail
ls "$mail"/*.eml >/dev/null 2>&1 || die "mail-check: no mails in $mail (run make mail)"
want=$(git -C "$KTREE" rev-parse 'HEAD^{tree}')
work=$BUILD/mail-check
rm -rf "$work"
mkdir -p "$work"
export GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0=mail-check \
	GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1=mail-check@localhost

# The thread as one mbox, in order (the cover letter has no diff: git am is given the patches).
for f in "$mail"/*.eml; do printf 'From mail-check Thu Jan  1 00:00:00 1970\n'; cat "$f"; echo; done >"$work/thread.mbox"
patches=()
for f in "$mail"/*.eml; do grep -q '^diff --git ' "$f" && patches+=("$f"); done

# am_into HOW MBOX...: git am onto base in worktree mail-am; the tree must be make tree's.
am_into() {
	local how=$1 wt got
	shift
	wt=$(worktree mail-am base)
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	git -C "$wt" am -q "$@" >"$work/am-$how.log" 2>&1 ||
		{ tail -n 20 "$work/am-$how.log" >&2; git -C "$wt" am --abort >/dev/null 2>&1 || true
		  die "mail-check: $how: git am onto base failed; see $work/am-$how.log"; }
	got=$(git -C "$wt" rev-parse 'HEAD^{tree}')
	[ "$got" = "$want" ] || die "mail-check: $how: tree $got after git am, make tree has $want"
	log "mail-check: $how: $(git -C "$wt" rev-list --count base..HEAD) patches applied onto base, tree $got = make tree's"
}
am_into git-am "${patches[@]}"
# b4 0.12 reads a named mbox file with Python's compat32 parser and then fails on the folded
# Subject: of its own mails; from stdin it splits with git mailsplit and reads them whole.
mkdir -p "$work/b4"
(cd "$work" && b4 -n am -m - -o b4 -n series <thread.mbox) >"$work/b4-am.log" 2>&1 ||
	{ tail -n 20 "$work/b4-am.log" >&2; die "mail-check: b4 am on the thread's mbox failed; see $work/b4-am.log"; }
[ -s "$work/b4/series.mbx" ] || die "mail-check: b4 am wrote no series.mbx; see $work/b4-am.log"
am_into b4-am "$work/b4/series.mbx"
