#!/usr/bin/env bash
set -euo pipefail
first=$(git log --oneline | head -n 1)
if git diff --name-only | grep -q '^patches/'; then echo changed; fi
git ls-files | grep -m1 -n series
n=$(seq 1 100000 | sed 1q)
awk '/^$/ && !body { body = 1; next } body' cover.txt |
	awk '/^[^ ].* \([0-9]+\):$/ { exit } { print }' >blurb.txt
if ! git diff-tree --name-only -r HEAD |
	grep -qvE '^(Documentation|tools)/'; then echo docs; fi
printf '%s\n' a b c | grep --quiet -x b
