#!/usr/bin/env bash
# `make mail`: write the series as mails to build/mail/ and show what `git send-email
# --dry-run` would send. Nothing is sent. The set is [PATCH] when `make gates-full` passed
# on this exact series (build/gates-full/passed holds its hash), else [RFC PATCH] with a
# note in the cover letter naming the gates that did not pass. To/Cc: what
# scripts/get_maintainer.pl names for the series' patches; the sender is the user's git
# identity (user.name, user.email).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0   (writes build/mail/; nothing is sent)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 0 ] || { usage >&2; exit 2; }
out=$BUILD/mail

ident=$(git -C "$TOP" var GIT_AUTHOR_IDENT 2>/dev/null || true)
name=${ident%% <*}
email=${ident#*<}
email=${email%%>*}
[ -n "$ident" ] && [ -n "$name" ] && [ -n "$email" ] ||
	die "mail: no sender: set git config user.name and user.email (the mails are sent in that name)"
sender="$name <$email>"

# The tree must hold exactly the committed series.
git -C "$KTREE" rev-parse -q --verify base >/dev/null || die "mail: no tree in $KTREE (run make tree)"
ids() { git patch-id --stable | cut -d' ' -f1; }
want=$(while read -r p; do case $p in '' | '#'* | 0000-*) continue ;; esac; ids <"$TOP/patches/$p"; done <"$TOP/series")
have=$(git -C "$KTREE" rev-list --reverse base..HEAD | while read -r c; do git -C "$KTREE" show "$c" | ids; done)
[ "$want" = "$have" ] || die "mail: $KTREE base..HEAD is not the series in patches/ (run make tree, or make export first)"
n=$(git -C "$KTREE" rev-list --count base..HEAD)

python3 "$TOP/scripts/cover-check.py" >&2 ||
	die "mail: the cover letter's numbers do not match the bench run it names"
hash=$("$TOP/scripts/series-hash.sh")
prefix="RFC PATCH" note=""
stamp=$BUILD/gates-full/passed
if [ -f "$stamp" ] && [ "$(cut -f1 "$stamp")" = "$("$TOP/scripts/gates-stamp.sh")" ]; then
	prefix=PATCH
	log "mail: gates-full passed on this series, harness and base ($(cut -f1 "$stamp"), $(cut -f2 "$stamp")): [PATCH]"
else
	if [ -f "$BUILD/gates-full/cases.tsv" ] && [ "$(cat "$BUILD/gates-full/hash" 2>/dev/null)" = "$hash" ]; then
		notrun=$(awk -F'\t' '$2 == "fail" && n++ < 20 { printf "  - %s\n", $1 }' "$BUILD/gates-full/cases.tsv")
		if [ -z "$notrun" ] && [ -f "$stamp" ]; then
			notrun="  - it passed on this series, but with another harness or base ($(cut -f1 "$stamp"))"
		fi
		[ -n "$notrun" ] || notrun="  - the run on this series did not finish"
	elif [ -f "$BUILD/gates-full/hash" ]; then
		notrun="  - the last gates-full run was on another version of the series"
	else
		notrun="  - none of gates-full has run on this machine"
	fi
	note="This is an RFC: the full gates (make gates-full) have not passed on this
exact series ($hash).  Not passed:
$notrun

"
	log "mail: gates-full has not passed on series $hash: [RFC PATCH]"
fi

# The version, from the cover letter's subject ("[PATCH v2 0/N]"): every mail carries it.
reroll=()
v=$(sed -n 's/^Subject: \[[^]]* v\([0-9][0-9]*\) [0-9]*\/[0-9]*\].*/\1/p' "$TOP/patches/0000-cover-letter.patch" | sed -n 1p)
[ -n "$v" ] && reroll=(--reroll-count="$v")
rm -rf "$out"
mkdir -p "$out"
git -C "$KTREE" -c user.name="$name" -c user.email="$email" format-patch -q --cover-letter \
	--thread=shallow --subject-prefix="$prefix" "${reroll[@]}" --from="$sender" --no-signature \
	-o "$out" base..HEAD || die "mail: git format-patch failed"
cover=$(ls "$out"/*0000-cover-letter.patch)

# The cover letter: subject and text from patches/0000-cover-letter.patch (up to its
# shortlog), the RFC note first; format-patch supplies the shortlog and diffstat.
src=$TOP/patches/0000-cover-letter.patch
subject=$(sed -n 's/^Subject: \[[^]]*\] //p' "$src" | sed -n 1p)
[ -n "$subject" ] || die "mail: no one-line 'Subject: [PATCH 0/N] ...' in $src"
awk '/^$/ && !body { body = 1; next } body' "$src" |
	awk '/^[^ ].* \([0-9]+\):$/ { exit } { print }' >"$out/blurb.txt"
{ printf '%s' "$note"; cat "$out/blurb.txt"; } >"$out/blurb.full"
python3 - "$cover" "$subject" "$out/blurb.full" <<'EOF' || die "mail: filling in the cover letter failed"
import sys
path, subject, blurb = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip('\n')
text = open(path).read()
assert '*** SUBJECT HERE ***' in text and '*** BLURB HERE ***' in text, 'format-patch cover template changed'
text = text.replace('*** SUBJECT HERE ***', subject).replace('*** BLURB HERE ***', blurb)
open(path, 'w').write(text)
EOF
rm -f "$out/blurb.txt" "$out/blurb.full"

# Recipients, as b4's auto-to-cc does: what get_maintainer.pl names for any patch goes on
# every mail (a patch to a file without a MAINTAINERS entry, dcache.h, still reaches the
# VFS list): maintainers To, reviewers and lists Cc.
gm() { (cd "$KTREE" && perl scripts/get_maintainer.pl --no-rolestats --no-git --no-git-fallback "$@"); }
patches=()
for f in "$out"/*.patch; do [ "$f" = "$cover" ] || patches+=("$f"); done
gm --m --nor --nol "${patches[@]}" >"$out/.to-raw" || die "mail: get_maintainer.pl failed"
gm --nom --r --l "${patches[@]}" >"$out/.cc-raw" || die "mail: get_maintainer.pl failed"
sort -u "$out/.to-raw" >"$out/.to"
sort -u "$out/.cc-raw" | { grep -vxFf "$out/.to" || true; } >"$out/.cc"
rm -f "$out/.to-raw" "$out/.cc-raw"
[ -s "$out/.to" ] || die "mail: get_maintainer.pl names no maintainer for the series"
grep -qx 'linux-fsdevel@vger.kernel.org' "$out/.cc" ||
	die "mail: get_maintainer.pl did not name linux-fsdevel for the series"
for f in "$out"/*.patch; do
	python3 "$TOP/scripts/mail-headers.py" "$f" "$out/.to" "$out/.cc" ||
		die "mail: adding To/Cc to $(basename "$f") failed"
done
cp "$out/.to" "$out/recipients-to.txt"
cp "$out/.cc" "$out/recipients-cc.txt"
rm -f "$out/.to" "$out/.cc"

count=$(ls "$out"/*.patch | wc -l)
[ "$count" -eq $((n + 1)) ] || die "mail: expected $((n + 1)) mails, wrote $count"
log "mail: $count mails in $out ([$prefix 0/$n] .. [$prefix $n/$n])"

# What git send-email would do, without sending (no SMTP server is contacted).
git -C "$KTREE" -c user.name="$name" -c user.email="$email" send-email --dry-run --confirm=never --no-annotate --no-validate \
	--from="$sender" --suppress-cc=self --no-chain-reply-to --8bit-encoding=UTF-8 \
	--smtp-server=/bin/false "$out"/*.patch >"$out/send-email-dry-run.txt" 2>&1 ||
	{ cat "$out/send-email-dry-run.txt" >&2; die "mail: git send-email --dry-run failed"; }
grep -E '^(Dry-OK|Subject|To|Cc):' "$out/send-email-dry-run.txt" | sed 's/^/  /'
log "mail: dry run in $out/send-email-dry-run.txt; to send for real: git send-email $out/*.patch"
