#!/usr/bin/env python3
"""Find pipelines whose reader may stop before its writer is done, in bash scripts that set
pipefail and in files without #! (sourced by such scripts). The writer then dies of SIGPIPE
(exit 141) at random, when the machine is busy, and pipefail makes that a failed step, or a
wrong answer in an `if`. Readers that can stop early: head, grep -q/-m/-l, sed NUMq, and awk
with exit. Write the output to a file or variable first, or feed the reader with <<< or <().

usage: pipe-check.py FILE...   (exit 1 and one line per finding when any is found)
"""
import re
import sys

READER = re.compile(r"""(?<![|])[|](?![|])\s*(?:
      (?P<head>head)\b
    | (?P<grep>grep\s+(?:-[A-Za-z]*[qml][A-Za-z0-9]*|--quiet\b|--max-count\b|--files-with-matches\b))
    | (?P<sed>sed\s+(?:-n\s+)?'?\$?[0-9]*q(?=[\s)';|]|$))
    | (?P<awk>awk\b[^|]*\bexit\b)
    )""", re.X)
SETS_PIPEFAIL = re.compile(r'^\s*set\s+(?:-[a-z]+\s+)*-[a-z]*o\s+pipefail\b', re.M)


def logical_lines(text):
    """(first line number, text) of each logical line: continuations joined, comments cut."""
    buf, start = '', None
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw
        if re.match(r'\s*#', line):
            continue
        if start is None:
            start = no
        buf += ' ' + line
        stripped = line.rstrip()
        if stripped.endswith(('\\', '|', '&&', '||')):
            continue
        yield start, buf
        buf, start = '', None
    if buf:
        yield start, buf


def check(path):
    text = open(path, encoding='utf-8', errors='replace').read()
    if text.startswith('#!') and not SETS_PIPEFAIL.search(text):
        return []  # a script of its own that does not set pipefail (the guest's busybox sh)
    found = []
    for no, line in logical_lines(text):
        m = READER.search(line)
        if not m:
            continue
        kind = next(k for k, v in m.groupdict().items() if v)
        found.append(f'{path}:{no}: a pipe into {kind} that may stop reading early; '
                     f'its writer can die of SIGPIPE under pipefail: {m.group(0).strip()[:60]}')
    return found


def main(argv):
    if len(argv) < 2 or argv[1] in ('-h', '--help'):
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr if len(argv) < 2 else sys.stdout)
        return 2 if len(argv) < 2 else 0
    found = [f for path in argv[1:] for f in check(path)]
    for f in found:
        print(f)
    print(f'pipe-check: {len(found)} finding(s) in {len(argv) - 1} file(s)')
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
