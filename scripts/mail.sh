#!/usr/bin/env bash
# `make mail`: write the series as mails to build/mail/ with b4; nothing is sent. The set is
# [PATCH] when `make gates-full` passed on this exact series (build/gates-full/passed holds
# its hash), else [PATCH RFC] with a note in the cover letter naming the gates that did not
# pass. b4 prep holds the series on branch b4/pidfs of a worktree (build/wt/mail), with
# patches/0000-cover-letter.patch as its cover letter and the sender's Signed-off-by on
# every patch; b4 prep --auto-to-cc takes To/Cc from scripts/get_maintainer.pl; b4 send -o
# writes the mails. The sender is the user's git identity (user.name, user.email): the DCO
# is certified by a person, so without one nothing is written.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0   (writes build/mail/; nothing is sent)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 0 ] || { usage >&2; exit 2; }
out=$BUILD/mail

name=$(git -C "$TOP" config user.name || true)
email=$(git -C "$TOP" config user.email || true)
if [ -z "$name" ] || [ -z "$email" ]; then
	die "mail: no sender: set git config user.name and user.email (each patch gets your Signed-off-by)"
fi
sender="$name <$email>"
# The sign-off is the configured identity's: none from the environment may take its place.
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL
command -v b4 >/dev/null || die "mail: b4 is not installed (make deps)"
# The tree must hold exactly the committed series.
git -C "$KTREE" rev-parse -q --verify base >/dev/null || die "mail: no tree in $KTREE (run make tree)"
ids() { git patch-id --stable | cut -d' ' -f1; }
list=$("$TOP/scripts/series-list.sh") || die "mail: cannot read the series"
[ -n "$list" ] || die "mail: the series names no patch"
want=$(while read -r p; do ids <"$TOP/patches/$p"; done <<<"$list")
have=$(git -C "$KTREE" rev-list --reverse base..HEAD | while read -r c; do git -C "$KTREE" show "$c" | ids; done)
[ "$want" = "$have" ] || die "mail: $KTREE base..HEAD is not the series in patches/ (run make tree, or make export first)"
n=$(git -C "$KTREE" rev-list --count base..HEAD)

python3 "$TOP/scripts/cover-check.py" >&2 ||
	die "mail: the cover letter's numbers do not match the bench run it names"
hash=$("$TOP/scripts/series-hash.sh")
prefix="PATCH RFC" note=""
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
	log "mail: gates-full has not passed on series $hash: [PATCH RFC]"
fi

# b4 and every git it runs see the sender and these settings through the environment; the
# user's git config is not touched. The cover letter lives in the branch description
# (no git-filter-repo needed), the cover template has no base-commit (the base is a Debian
# package without upstream history; the cover letter says so), and a named SMTP server keeps
# b4 off its web endpoint (b4 send -o never connects).
set_git_config() {
	local i=0
	while [ $# -ge 2 ]; do
		export "GIT_CONFIG_KEY_$i=$1" "GIT_CONFIG_VALUE_$i=$2"
		i=$((i + 1))
		shift 2
	done
	export GIT_CONFIG_COUNT=$i
}
set_git_config user.name "$name" user.email "$email" \
	b4.prep-cover-strategy branch-description \
	b4.prep-cover-template "$TOP/scripts/mail-cover.template" \
	sendemail.smtpserver localhost

# The version, from the cover letter's subject ("[PATCH v2 0/N]").
src=$TOP/patches/0000-cover-letter.patch
v=$(sed -n 's/^Subject: \[[^]]* v\([0-9][0-9]*\) [0-9]*\/[0-9]*\].*/\1/p' "$src" | sed -n 1p)
subject=$(sed -n 's/^Subject: \[[^]]*\] //p' "$src" | sed -n 1p)
[ -n "$subject" ] || die "mail: no one-line 'Subject: [PATCH 0/N] ...' in $src"
prefixes=()
[ "$prefix" = PATCH ] || prefixes=(--set-prefixes RFC)

# b4 prep: a new b4/pidfs branch at base, the series cherry-picked onto it with the
# sender's Signed-off-by (-s adds it unless it is already the last trailer).
tip=$(git -C "$KTREE" rev-parse HEAD)
wt=$(worktree mail base)
b4q() { (cd "$wt" && b4 -n "$@") >>"$out/b4.log" 2>&1 || { tail -n 20 "$out/b4.log" >&2; die "mail: b4 $1 failed; see $out/b4.log"; }; }
rm -rf "$out"
mkdir -p "$out"
git -C "$wt" cherry-pick --abort >/dev/null 2>&1 || true
git -C "$wt" checkout -q -B b4-mail-base base
git -C "$wt" branch -q -D b4/pidfs 2>/dev/null || true
git -C "$wt" config --remove-section branch.b4/pidfs 2>/dev/null || true
b4q prep -n pidfs -f base --force-revision "${v:-1}" "${prefixes[@]}"
if ! git -C "$wt" cherry-pick -s --allow-empty base.."$tip" >>"$out/b4.log" 2>&1; then
	git -C "$wt" cherry-pick --abort >/dev/null 2>&1 || true
	die "mail: cherry-picking the series onto b4/pidfs failed; see $out/b4.log"
fi
# The cover template stays with the branch, so that a later `b4 send` there writes the same.
git -C "$wt" config b4.prep-cover-template "$TOP/scripts/mail-cover.template"

# The cover letter: subject and text of patches/0000-cover-letter.patch up to its shortlog,
# the RFC note first; b4 adds the shortlog, diffstat and change-id. One awk that reads to the
# end: a reader that exits early kills its writer with SIGPIPE, at random under load.
awk '!body { if (/^$/) body = 1; next } /^[^ ].* \([0-9]+\):$/ { done = 1 } !done' "$src" >"$out/blurb.txt"
{ printf '%s\n\n%s' "$subject" "$note"; cat "$out/blurb.txt"; } >"$out/cover.txt"
git -C "$wt" config branch.b4/pidfs.description "$(cat "$out/cover.txt")"
rm -f "$out/blurb.txt" "$out/cover.txt"

b4q prep --auto-to-cc
b4q send -o "$out" --no-sign

# What b4 wrote: one mail per patch and a cover letter, linux-fsdevel among the recipients,
# the sender's Signed-off-by as the last one of every patch.
python3 - "$out" "$n" "$sender" <<'EOF' || die "mail: the mails b4 wrote are not the series; see $out/b4.log"
import email, email.policy, glob, re, sys
out, n, sender = sys.argv[1], int(sys.argv[2]), sys.argv[3]
mails = [email.message_from_binary_file(open(f, 'rb'), policy=email.policy.default)
         for f in sorted(glob.glob(out + '/*.eml'))]
assert len(mails) == n + 1, f'{len(mails)} mails for {n} patches'
for i, m in enumerate(mails):
    k = re.search(r' 0*(\d+)/0*(\d+)\]', str(m['Subject']))
    assert k and (int(k.group(1)), int(k.group(2))) == (i, n), f'mail {i}: subject {m["Subject"]}'
rcpt = ' '.join(str(mails[0][h] or '') for h in ('To', 'Cc'))
assert 'linux-fsdevel@vger.kernel.org' in rcpt, 'linux-fsdevel is not on the cover letter'
for m in mails[1:]:
    msg = m.get_content().split('\n---\n')[0]
    sobs = [ln for ln in msg.splitlines() if ln.startswith('Signed-off-by: ')]
    assert sobs and sobs[-1] == 'Signed-off-by: ' + sender, f'{m["Subject"]}: last Signed-off-by is not {sender}'
print(f'mail: {len(mails)} mails in {out}, from {sender}; the cover letter: {mails[0]["Subject"]}', file=sys.stderr)
EOF
log "mail: the prep branch is b4/pidfs in $wt; to send it, with your own sendemail settings: cd $wt && b4 send"
