#!/usr/bin/env bash
# What a gates-full pass vouches for, as one word: the series hash, a hash of the harness's
# tracked files as they are on disk (scripts/, selftests/, kernel-config/, tests/, Makefile)
# and the linux-source-6.1 version installed. gates-full records it when it passes;
# make mail sends [PATCH] only while the current stamp is the recorded one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (prints series:HASH,harness:HASH,base:VERSION)"; exit 0; }
[ $# -eq 0 ] || { echo "usage: $0" >&2; exit 2; }
series=$("$TOP/scripts/series-hash.sh") || die "gates-stamp: cannot hash the series"
harness=$(cd "$TOP" && git ls-files -z scripts selftests kernel-config tests Makefile |
	xargs -0 sha256sum | sha256sum | cut -c1-16) || die "gates-stamp: cannot hash the harness"
base=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo none)
echo "series:$series,harness:$harness,base:$base"
