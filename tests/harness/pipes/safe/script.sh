#!/usr/bin/env bash
set -euo pipefail
# A comment may say: git log | head is wrong.
files=$(git diff-tree --name-only -r HEAD)
grep -qvE '^(Documentation|tools)/' <<<"$files" || echo docs
grep -qxF -- b < <(printf '%s\n' a b c)
v=$(sed -n 's/^Subject: //p' cover.txt | sed -n 1p)
n=$(git ls-files | grep -c '\.patch$' || true)
awk '!body { if (/^$/) body = 1; next } /^[^ ].* \([0-9]+\):$/ { done = 1 } !done' cover.txt >blurb.txt
[ -x /usr/bin/file ] || [[ $(file /bin/sh) == *ELF* ]] || echo odd
make -s help || echo "no help" >&2
git log --format=%s | sort | uniq -c | sort -rn >counts.txt
