#!/usr/bin/env bash
# make deps shows apt's progress as it happens, keeps the whole output in build/apt.log and
# fails when apt-get install fails. apt-get, dpkg-query and id are stubs here: every package
# is missing, the install prints one download, unpack and setup, and fails on request.
set -euo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0 WORKDIR"; exit 0; }
[ $# -eq 1 ] || { echo "usage: $0 WORKDIR" >&2; exit 2; }
w=$1
rm -rf "$w"
mkdir -p "$w/bin"
cat >"$w/bin/apt-get" <<'STUB'
#!/bin/sh
case "$1" in
update) echo "Get:1 http://deb.example/debian bookworm InRelease [151 kB]" ;;
install)
	echo "Get:1 http://deb.example/debian bookworm/main amd64 sparse 0.6.4 [200 kB]"
	echo "Unpacking sparse (0.6.4-3) ..."
	echo "Setting up sparse (0.6.4-3) ..."
	[ -z "${STUB_FAIL:-}" ] || { echo "E: stub failure"; exit 100; }
	;;
esac
STUB
printf '#!/bin/sh\nexit 1\n' >"$w/bin/dpkg-query"
printf '#!/bin/sh\necho 0\n' >"$w/bin/id"
chmod +x "$w/bin"/*

out=$w/ok.out
PATH=$w/bin:$PATH BUILD=$w/build "$TOP/scripts/deps.sh" >"$out" 2>&1 || die "deps-progress: deps.sh failed with a working apt-get; see $out"
grep -q '^  apt: Unpacking sparse' "$out" || die "deps-progress: no apt progress on the terminal; see $out"
grep -q '^Setting up sparse' "$w/build/apt.log" || die "deps-progress: apt.log lacks apt's output"
out=$w/fail.out
if PATH=$w/bin:$PATH BUILD=$w/build STUB_FAIL=1 "$TOP/scripts/deps.sh" >"$out" 2>&1; then
	die "deps-progress: deps.sh passed although apt-get install failed"
fi
grep -q 'deps: apt-get install failed' "$out" || die "deps-progress: the failure is not named; see $out"
echo "ok: deps shows apt's progress, keeps build/apt.log and fails with apt-get"
