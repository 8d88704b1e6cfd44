#!/usr/bin/env bash
# The `make mail` gate of make check: without a git identity make mail refuses and writes
# nothing; with one (a test identity, given through the environment) b4 writes the set with
# that Signed-off-by on every patch, and scripts/mail-check.sh applies it, with git am and
# with b4 am, onto base to make tree's tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0   (runs scripts/mail.sh twice and scripts/mail-check.sh)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 0 ] || { usage >&2; exit 2; }
ident() { env GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$1" \
	GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$2" "${@:3}"; }

rm -rf "$BUILD/mail"
mkdir -p "$BUILD"
if ident "" "" "$TOP/scripts/mail.sh" >"$BUILD/mail-gate-noident.log" 2>&1; then
	die "mail-gate: make mail wrote a set without a sender identity"
fi
grep -q 'no sender: set git config user.name and user.email' "$BUILD/mail-gate-noident.log" ||
	die "mail-gate: make mail without an identity did not say what to set; see $BUILD/mail-gate-noident.log"
[ ! -e "$BUILD/mail" ] || die "mail-gate: make mail without an identity left $BUILD/mail behind"
log "mail-gate: without an identity make mail refuses: $(grep 'no sender' "$BUILD/mail-gate-noident.log")"

ident "Mail Gate Tester" "mail-gate@example.invalid" "$TOP/scripts/mail.sh"
"$TOP/scripts/mail-check.sh"
