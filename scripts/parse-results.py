#!/usr/bin/env python3
"""Summarise kselftest results (TAP 13 / KTAP) captured from a serial console.

Counts leaf results: a test with nested results contributes its nested leaves
(named "<parent>: <child>"), a test without counts as one case.  Extra failing
cases are added when a test is "not ok" although none of its leaves failed,
when a nested plan promised more results than appeared, and when the run was
truncated.  See tests/harness/parser/ for examples.
"""
import argparse
import re
import sys

CONSOLE = re.compile(r'\[\s*\d+\.\d{6}\].*')       # kernel console text, to end of line
ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')
VERSION = re.compile(r'K?TAP version \d+')
PLAN = re.compile(r'1\.\.(\d+)\s*(?:#\s*(.*))?$')
RESULT = re.compile(r'(not )?ok\s+(\d+)(?:\s+-)?(?:\s+(.*))?$')
DIRECTIVE = re.compile(r'(?:^|\s+)#(?:\s+|$)')         # "desc # SKIP reason"
HARNESS_DONE = re.compile(r'#?\s*(?:OK|FAIL|XFAIL)\s+(\S+)$')
SKIPLIKE = re.compile(r'(skip|todo|xfail)', re.I)


def clean(text):
    return ' '.join(text.split())


class Node:
    def __init__(self, ok, num, rest, kids, plans, fallback=None):
        m = DIRECTIVE.search(rest)
        desc, directive = (rest[:m.start()], rest[m.end():]) if m else (rest, '')
        self.ok, self.directive = ok, clean(directive)
        self.desc = clean(desc) or fallback or f'test {num}'
        self.kids, self.plans = kids, plans
        if SKIPLIKE.match(self.directive):
            self.status = 'skip'
        else:
            self.status = 'pass' if ok else 'fail'


class Frame:
    """Results and plans seen at one indentation depth, awaiting their parent."""
    def __init__(self, depth):
        self.depth, self.results, self.plans = depth, [], []
        self.dropped = []   # failures of a copy that a repeated plan started over

    def merged(self):
        """The results, plus each dropped failure the later copy does not report."""
        failing = {r.desc for r in self.results if not r.ok}
        return self.results + [r for r in self.dropped if r.desc not in failing]


def split_depth(line):
    """Strip '# ' / space indentation; return (depth, body).  Depths only need
    to grow with nesting, so 2 spaces count as one level, 4 spaces as two."""
    depth = 0
    while True:
        if line.startswith('# '):
            line, depth = line[2:], depth + 1
        elif line.startswith('  '):
            body = line.lstrip(' ')
            depth += (len(line) - len(body)) // 2
            line = body
        else:
            return depth, line


def parse(lines):
    """Return (top-level nodes, top-level plans, saw TAP?, last started test)."""
    stack = [Frame(0)]
    seen_tap, started = False, None
    harness_name = {}

    def frame_at(depth):
        while stack[-1].depth > depth:      # deeper results without a parent: dropped
            stack.pop()
        if stack[-1].depth < depth:
            stack.append(Frame(depth))
        return stack[-1]

    for raw in lines:
        line = CONSOLE.sub('', ANSI.sub('', raw).replace('\r', '').replace('\0', '')).rstrip()
        depth, body = split_depth(line)
        if VERSION.match(body):
            seen_tap = True
        elif m := PLAN.match(body):
            frame = frame_at(depth)
            if depth > 0 and frame.plans:
                # A nested block that starts over: a child forked with unflushed
                # stdio repeats the parent's buffer (6.1's pidfd_test does).
                # The later copy is complete; count it once, but keep what failed
                # in the earlier one unless the later copy reports it too.
                frame.dropped += [r for r in frame.results if not r.ok]
                frame.results, frame.plans = [], []
            frame.plans.append((int(m[1]), clean(m[2] or '')))
        elif m := RESULT.match(body):
            kids = Frame(depth + 1)             # the nested block just above, if any
            while stack[-1].depth > depth:
                kids = stack.pop()
            frame_at(depth).results.append(Node(not m[1], m[2], m[3] or '', kids.merged(), kids.plans,
                                                harness_name.pop('last', None)))
        elif m := HARNESS_DONE.match(body):
            # kselftest_harness.h prints "ok N # SKIP reason" without the test's
            # name; its "#  OK  name" line just before has it.
            harness_name['last'] = m[1]
            if depth == 0:
                started = None
        elif depth == 1 and body.startswith('selftests: '):
            started = clean(body)
    return stack[0].results, stack[0].plans, seen_tap, started


def leaves(node, name):
    """Rows [case, status, detail] counted for node (see module docstring)."""
    rows = []
    for kid in node.kids:
        rows += leaves(kid, f'{name}: {kid.desc}')
    kid_failed = any(r[1] == 'fail' for r in rows)
    planned = sum(n for n, _ in node.plans)
    skip_plan = bool(node.plans) and all(SKIPLIKE.match(d) for _, d in node.plans)
    if not node.kids:
        status, detail = node.status, node.directive
        if status == 'pass' and skip_plan:
            status, detail = 'skip', node.plans[-1][1]
        rows.append([name, status, detail])
    missing = planned - len(node.kids)
    if missing > 0 and not (node.ok and skip_plan):
        rows.append([f'{name}: (missing {missing} result{"s" * (missing != 1)})', 'fail',
                     f'plan 1..{planned}, saw {len(node.kids)}'])
    if node.kids and node.status == 'fail' and not kid_failed:
        why = f': {node.directive}' if node.directive else ''
        rows.append([f'{name}: (test exited not ok{why})', 'fail', node.directive])
    return rows


def main():
    ap = argparse.ArgumentParser(
        usage='%(prog)s [--tsv OUT.tsv] [--suite-prefix PFX] [--known FILE] RESULTS_LOG',
        description='Summarise run_kselftest.sh TAP/KTAP output captured from a serial console.')
    ap.add_argument('--tsv', metavar='OUT.tsv', help='also write <prefix><case>\\t<status>\\t<detail> rows')
    ap.add_argument('--suite-prefix', metavar='PFX', default='', help='prefix for case names in the TSV')
    ap.add_argument('--known', metavar='FILE', help='case names known to fail on the base kernel')
    ap.add_argument('log', metavar='RESULTS_LOG')
    args = ap.parse_args()

    try:
        with open(args.log, encoding='utf-8', errors='replace', newline='') as f:
            lines = f.read().split('\n')
        known = set()
        if args.known:
            with open(args.known, encoding='utf-8') as f:
                known = {s.strip() for s in f if s.strip() and not s.lstrip().startswith('#')}
    except OSError as e:
        print(f'parse-results: cannot read {e.filename}: {e.strerror}', file=sys.stderr)
        return 2

    tops, plans, seen_tap, started = parse(lines)
    if not seen_tap or not plans:
        print(f'parse-results: no TAP output found in {args.log}', file=sys.stderr)
        return 2

    rows = []
    for node in tops:
        rows += leaves(node, node.desc)
    planned = sum(n for n, _ in plans)
    if planned > len(tops):
        rows.append([f'(run truncated: saw {len(tops)} of {planned} tests)', 'fail',
                     f'last started: {started}' if started else ''])

    names = set()
    for row in rows:                        # make names unique: "x", "x #2", "x #3"
        name, k = row[0], 1
        while name in names:
            k += 1
            name = f'{row[0]} #{k}'
        names.add(name)
        row[0] = name

    def label(row):
        base = row[1].upper()
        return base + ' (also fails on base)' if row[1] == 'fail' and row[0] in known else base

    width = max([len('RESULT')] + [len(label(r)) for r in rows])
    print(f'{"RESULT":<{width}}  CASE')
    for row in rows:
        print(f'{label(row):<{width}}  {row[0]}')
    failures = [r for r in rows if r[1] == 'fail']
    if failures:
        print('\nFailures:')
        for row in failures:
            print(f'{label(row):<{width}}  {row[0]}' + (f'  [{row[2]}]' if row[2] else ''))
    count = {s: sum(r[1] == s for r in rows) for s in ('pass', 'fail', 'skip')}
    print(f'\n{count["pass"]} passed, {count["fail"]} failed, {count["skip"]} skipped')

    if args.tsv:
        with open(args.tsv, 'w', encoding='utf-8') as f:
            for name, status, detail in rows:
                if status == 'fail' and name in known:
                    detail = f'{detail}; also fails on base' if detail else 'also fails on base'
                f.write(f'{clean(args.suite_prefix + name)}\t{status}\t{clean(detail)}\n')
    return 1 if count['fail'] else 0


if __name__ == '__main__':
    sys.exit(main())
