#!/usr/bin/env bash
# Print the hash of the kernel code the series changes: the diff sections of every patch of
# `series`, in order, for files outside tools/, Documentation/ and MAINTAINERS (commit
# messages, selftests and documentation do not count). make bench records it with each
# run; scripts/cover-check.py compares it with the run the cover letter cites.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0"; exit 0; }
[ $# -eq 0 ] || { echo "usage: $0" >&2; exit 2; }
list=$("$TOP/scripts/series-list.sh") || die "kernel-hash: cannot read the series"
[ -n "$list" ] || die "kernel-hash: the series names no patch"
while read -r p; do echo "$TOP/patches/$p"; done <<<"$list" | python3 -c '
import hashlib, re, sys
h = hashlib.sha256()
for name in sys.stdin.read().split():
    keep = False
    for line in open(name, encoding="utf-8", errors="surrogateescape"):
        if line == "-- \n":
            break
        m = re.match(r"diff --git a/(\S+) b/", line)
        if m:
            path = m.group(1)
            keep = not (path.startswith(("tools/", "Documentation/")) or path == "MAINTAINERS")
        if keep:
            h.update(line.encode("utf-8", "surrogateescape"))
print(h.hexdigest()[:16])'
