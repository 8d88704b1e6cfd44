#!/usr/bin/env python3
"""Report kernel splats (BUG, WARNING, Oops, KASAN, lockdep, RCU stall, ...)
found in a kernel console log.  Exit 1 if any, 0 if none, 2 if unreadable."""
import argparse
import re
import sys

# "[   12.345678] ", "[   12.345678][  T123] ", optional "<4>" level prefix.
PREFIX = re.compile(r'(?:<\d+>)?\[\s*(\d+\.\d+)\]\s?(?:\[\s*[TC]\d+\]\s?)?')
TIMESTAMP = re.compile(r'\[\s*\d+\.\d{6}\]')
TEST_OUTPUT = re.compile(r'#(?: |$)|(?:not )?ok \d+|K?TAP version|1\.\.\d+')

LOCKDEP = '|'.join([
    r'possible recursive locking', r'possible circular locking', r'inconsistent lock state',
    r'possible irq lock inversion', r'\S+-safe -> \S+-unsafe lock order', r'suspicious RCU usage',
    r'lock held when returning to user space', r'bad unlock balance', r'held lock freed',
    r'.* still has locks held', r'Nested lock was not taken', r'Invalid wait context',
    r'sleeping function called from invalid context', r'lockdep is turned off',
    r'trying to register non-static key', r'MAX_LOCK\w* too low', r'chain_key collision'])

# (kind, pattern matched at the start of the message); the first match wins.
KINDS = [(kind, re.compile(pat)) for kind, pat in [
    ('KASAN', r'BUG: KASAN: '),
    ('soft lockup', r'watchdog: BUG: soft lockup'),
    ('hard lockup', r'watchdog: Watchdog detected hard LOCKUP'),
    ('lockdep', rf'(?:WARNING|BUG|INFO): (?:{LOCKDEP})'),
    ('RCU stall', r'(?:rcu: )?INFO: rcu_\w+ (?:self-)?detected (?:expedited )?stall'),
    ('hung task', r'INFO: task .+ blocked for more than'),
    ('kmemleak', r'kmemleak: [1-9]\d* new suspected memory leak|unreferenced object 0x'),
    ('DEBUG_OBJECTS', r'ODEBUG: .*\(active state'),
    ('UBSAN', r'UBSAN: '),
    ('panic', r'Kernel panic - not syncing'),
    ('Oops', r'Oops: |Internal error: Oops|general protection fault|Unable to handle kernel '
             r'|divide error: |invalid opcode: |stack segment: |double fault: '),
    # "BUG kmalloc-64 (Not tainted): Object already free": SLUB's consistency checks.
    ('BUG', r'BUG: |kernel BUG at |BUG [\w.:-]+ \([^)]*\): '),
    ('WARNING', r'WARNING:'),
    # Not splats, but their stack dumps are theirs: the fault-injection campaign makes
    # allocations fail on purpose (warn_alloc() dumps the stack of a failure without
    # __GFP_NOWARN), and a verbose fault attribute dumps its own.
    (None, r'\S+: page allocation failure: |FAULT_INJECTION: forcing a failure'),
    # Backstop: a stack dump that none of the headers above introduced (dump_stack()).
    ('stack dump', r'Call Trace:$'),
]]
# (current kind, new kind) pairs that belong to one report rather than starting a new one.
SAME_REPORT = {('BUG', 'Oops'), ('DEBUG_OBJECTS', 'WARNING')}
MAX_LINES = 60
MAX_GAP = 2.0   # seconds between timestamped lines of one report
# selftests/init brackets the boot-time kmemleak scans with these two lines; between them the
# scans' own summary line is expected (what they find is counted and cleared there) and is
# the one line not reported. Everything else in that window is.
BOOT_SCAN = ('harness: kmemleak boot scan begin', 'harness: kmemleak boot scan end')
BOOT_SCAN_SUMMARY = re.compile(r'kmemleak: \d+ new suspected memory leaks')


def split(raw):
    """Return (line, timestamp or None, message) for one console line."""
    line = raw.replace('\r', '').replace('\0', '').rstrip()
    m = TIMESTAMP.search(line)
    if m and line[:m.start()].strip('# '):     # kernel text interleaved into a userspace line
        line = line[m.start():]
    m = PREFIX.match(line)
    return (line, float(m[1]), line[m.end():]) if m else (line, None, line)


def classify(msg):
    """The kind of report this line starts: None for none, '' for one that is not a splat."""
    if TEST_OUTPUT.match(msg):
        return None
    return next((kind or '' for kind, pat in KINDS if pat.match(msg)), None)


def outside(cur, line, ts, msg):
    """True if this line can't be part of the current report."""
    if not line or len(cur['idx']) >= MAX_LINES or (ts is None) != (cur['ts'] is None):
        return True
    if ts is not None:
        return ts - cur['ts'] > MAX_GAP
    if cur['msg'].startswith('unreferenced object'):   # kmemleak dump: indented lines only
        return line[0] not in ' \t'
    return bool(TEST_OUTPUT.match(msg))


def scan(raw_lines):
    """Return splats as dicts: kind, lineno (1-based), msg, idx (0-based line indexes)."""
    splats, cur, boot_scan = [], None, False
    for i, raw in enumerate(raw_lines):
        line, ts, msg = split(raw)
        if BOOT_SCAN[0] in msg or BOOT_SCAN[1] in msg:
            boot_scan = BOOT_SCAN[0] in msg
            continue
        kind = classify(msg)
        if boot_scan and kind == 'kmemleak' and BOOT_SCAN_SUMMARY.match(msg):
            continue
        if cur:
            # A report's own stack dump is part of it; a second one is another report.
            if kind == 'stack dump':
                starts_new = cur['traces'] > 0
                cur['traces'] += 1
            else:
                starts_new = kind and (cur['kind'], kind) not in SAME_REPORT \
                    and not msg.startswith('INFO: lockdep is turned off')
            if starts_new or outside(cur, line, ts, msg):
                cur = None
            else:
                cur['idx'].append(i)
                cur['ts'] = ts
                if '---[ end ' in msg or re.fullmatch(r'={20,}', msg.strip()):
                    cur = None      # "---[ end trace ... ]---" or a KASAN/UBSAN closing rule
                continue
        if kind is not None:
            cur = {'kind': kind, 'lineno': i + 1, 'msg': msg, 'idx': [i], 'ts': ts,
                   'traces': int(kind == 'stack dump')}
            if kind:
                splats.append(cur)
    return splats


def main():
    ap = argparse.ArgumentParser(usage='%(prog)s [--context N] CONSOLE_LOG',
                                 description='Report kernel splats found in a console log.')
    ap.add_argument('--context', metavar='N', type=int, default=0,
                    help='also print up to N console lines before each splat (default 0)')
    ap.add_argument('log', metavar='CONSOLE_LOG')
    args = ap.parse_args()
    try:
        with open(args.log, encoding='utf-8', errors='replace', newline='') as f:
            lines = f.read().split('\n')
    except OSError as e:
        print(f'splat-check: cannot read {e.filename}: {e.strerror}', file=sys.stderr)
        return 2

    splats = scan(lines)
    if not splats:
        print(f'splat-check: no kernel splat in {args.log}')
        return 0
    shown_to = 0
    for s in splats:
        print(f'splat: {s["kind"]} at line {s["lineno"]}: {s["msg"]}')
        first = max(shown_to, s['idx'][0] - max(args.context, 0))
        for i in list(range(first, s['idx'][0])) + s['idx']:
            print(split(lines[i])[0])
        shown_to = s['idx'][-1] + 1
        print()
    kinds = {}
    for s in splats:
        kinds[s['kind']] = kinds.get(s['kind'], 0) + 1
    summary = ', '.join(f'{n} {kind}' for kind, n in kinds.items())
    print(f'splat-check: {len(splats)} kernel splat{"s" * (len(splats) != 1)} in {args.log} ({summary})')
    return 1


if __name__ == '__main__':
    sys.exit(main())
