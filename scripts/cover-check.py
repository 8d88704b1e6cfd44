#!/usr/bin/env python3
"""Check the cover letter's benchmark tables against the results.json of the runs they name.

usage: cover-check.py [COVER [RESULTS_DIR...]]

COVER defaults to patches/0000-cover-letter.patch. A run id ([wall-]YYYYmmddTHHMMSSZ-series-HASH)
is looked up as RESULTS_DIR/<run id>/results.json or RESULTS_DIR/results.json with that run_id;
defaults: Documentation/bench-runs and build/bench. Each run id starts a section at the
paragraph that names it, and the table in that section is checked against that run: every
cell (medians rounded as printed, ratios to the places printed) must match.

The first run named is the one the cover letter's claims rest on: it must have counted
instructions (meta.mode "icount") and measured this series' kernel code (meta.kernel_hash
against scripts/kernel-hash.sh, or $COVER_CHECK_KERNEL_HASH). A later run that measured other
code, or predates kernel hashes, is accepted only when its paragraph says "Measured on vN of
this series". Exits 1 naming each mismatch.
"""
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN_ID = re.compile(r'\b((?:wall-)?\d{8}T\d{6}Z-series-[0-9a-f]{16})\b')
LABELLED = re.compile(r'Measured on v\d+ of this series')

# Table rows in order: label (a regular expression matched at the start of the line),
# workload id, metric(s), divisor of the printed value, whether the row may be absent.
# Workloads 10 and 11 use ABI that 6.1 and 6.12 lack: their 6.1 and 6.12 cells are '-'.
ROWS = [
    (r'dentries added', '2', 'dentries_added', 1, False),
    (r'inodes added', '2', 'inodes_added', 1, False),
    (r'slab bytes per pidfd', '2', 'slab_bytes_per_op', 1, False),
    (r'ns per pidfd_open\(\)', '2', 'ns_per_op', 1, False),
    (r'pidfd_open\(\)\+close\(\), ns per pair', '3', 'ns_per_op', 1, False),
    (r'two threads at once', '6', 'ns_per_op', 1, False),
    (r'first pidfd of \d+ children, ns', '4', 'ns_per_op', 1, False),
    (r'inodes added', '4', 'inodes_added', 1, False),
    (r'clone3\+waitid\+close, us per cycle', '5', 'ns_per_op', 1000, False),
    (r'fork\+exit\+waitpid, no pidfd, us', '9', 'ns_per_op', 1000, True),
    (r'ns per open', '1', 'ns_per_op', 1, False),
    (r'dentries / inodes added', '1', ('dentries_added', 'inodes_added'), 1, False),
    (r'open\+close of /proc/self/ns/\S+, ns', '8', 'ns_per_op', 1, True),
    (r'dup\(\)\+close\(\), ns \(untouched\)', '7a', 'ns_per_op', 1, False),
    (r'eventfd\(\)\+close\(\), ns', '7b', 'ns_per_op', 1, False),
    (r'PIDFD_GET_INFO, ns per ioctl', '10', 'ns_per_op', 1, True),
    (r'file handle, reopen, close, ns', '11', 'ns_per_op', 1, True),
]
KERNELS = ('base', 'series', 'peer')


def find_results(run_id, dirs):
    for d in dirs:
        for path in (os.path.join(d, run_id, 'results.json'), os.path.join(d, 'results.json')):
            try:
                with open(path) as f:
                    data = json.load(f)
            except (OSError, ValueError):
                continue
            if data.get('run_id') == run_id:
                return path, data
    return None, None


def kernel_hash():
    if os.environ.get('COVER_CHECK_KERNEL_HASH'):
        return os.environ['COVER_CHECK_KERNEL_HASH']
    return subprocess.run([os.path.join(TOP, 'scripts', 'kernel-hash.sh')], check=True,
                          stdout=subprocess.PIPE, text=True).stdout.strip()


def sections(text):
    """[(run id, paragraph naming it, lines of its section)] in the order the ids first appear.
    A section starts at the paragraph that first names its run and ends where the next starts."""
    paras, start = [], 0
    for m in re.finditer(r'\n[ \t]*\n', text + '\n\n'):
        paras.append((start, m.start()))
        start = m.end()
    firsts = []
    for m in RUN_ID.finditer(text):
        if m.group(1) not in [f[0] for f in firsts]:
            para = next(p for p in paras if p[0] <= m.start() < p[1] + 1)
            firsts.append((m.group(1), para))
    out = []
    for i, (rid, (pstart, pend)) in enumerate(firsts):
        end = firsts[i + 1][1][0] if i + 1 < len(firsts) else len(text)
        out.append((rid, text[pstart:pend], text[pstart:end].split('\n')))
    return out


def places(cell):
    return len(cell.split('.', 1)[1]) if '.' in cell else 0


def check_table(rid, lines, data, path):
    """Problems of one section's table against its run's results: list of strings."""
    med = {}
    for w in data['workloads']:
        med[(w['id'], w['metric'])] = ({k: v['median'] for k, v in w['per_kernel'].items()},
                                       w.get('ratios', {}))
    problems, pos = [], 0
    for label, wid, metric, div, optional in ROWS:
        at = pos
        rx = re.compile(r'\s*(' + label + r')(\s|$)')
        while at < len(lines) and not rx.match(lines[at]):
            at += 1
        if at == len(lines):
            if not optional:
                problems.append(f'run {rid}: row "{label}" not found (in order) in its section')
                return problems
            continue
        m = rx.match(lines[at])
        cells = lines[at][m.end(1):].split()
        pos = at + 1
        try:
            if isinstance(metric, tuple):
                want = ['/'.join(str(round(med[(wid, mt)][0][k])) for mt in metric) for k in KERNELS]
            else:
                m_, ratios = med[(wid, metric)]
                # A kernel that skipped the workload (no such ioctl, say) has no median: '-'.
                want = ['-' if m_.get(k) is None else str(round(m_[k] / div)) for k in KERNELS]
                for i, r in enumerate(('series/base', 'series/peer')):
                    if len(cells) > 3 + i:
                        v = ratios.get(r)
                        want.append('-' if v is None else f'{v:.{places(cells[3 + i])}f}')
        except KeyError as e:
            problems.append(f'run {rid}: "{m.group(1)}" (workload {wid}): {path} has no {e}')
            continue
        if cells != want:
            problems.append(f'run {rid}: "{m.group(1)}" (workload {wid}): cover {cells}, {path}: {want}')
    return problems


def main():
    args = sys.argv[1:]
    if args[:1] in (['-h'], ['--help']):
        print(__doc__.strip().split('\n\n')[1])
        return 0
    cover = args[0] if args else os.path.join(TOP, 'patches', '0000-cover-letter.patch')
    dirs = args[1:] or [os.path.join(TOP, 'Documentation', 'bench-runs'),
                        os.path.join(TOP, 'build', 'bench')]
    text = open(cover).read()
    secs = sections(text)
    if not secs:
        print(f'cover-check: {cover} names no bench run')
        return 1
    now = kernel_hash()
    problems, checked = [], []
    for n, (rid, para, lines) in enumerate(secs):
        path, data = find_results(rid, dirs)
        if not data:
            problems.append(f'no results.json of run {rid} in {", ".join(dirs)}')
            continue
        meta = data.get('meta') or {}
        if meta.get('failed_boots'):
            problems.append(f'run {rid} lost boots, its numbers cannot be cited: ' +
                            '; '.join(meta['failed_boots']))
            continue
        labelled = LABELLED.search(para)
        if n == 0:
            if meta.get('mode') != 'icount':
                problems.append(f'run {rid} is the first run named, and its figures are '
                                f'{meta.get("mode") or "wall"} time: the claims must rest on an '
                                f'icount run (make bench), named first')
            if meta.get('kernel_hash') != now:
                problems.append(f'run {rid} measured kernel code {meta.get("kernel_hash") or "(no hash)"}, '
                                f'the series has {now}: redo make bench and cite the new run')
        elif meta.get('kernel_hash') != now and not labelled:
            problems.append(f'run {rid} measured kernel code {meta.get("kernel_hash") or "(no hash)"}, '
                            f'the series has {now}: its paragraph must say "Measured on vN of this '
                            f'series"')
        problems += check_table(rid, lines, data, path)
        checked.append(rid)
    for p in problems:
        print(f'cover-check: {p}')
    if problems:
        return 1
    print(f'cover-check: the cover letter\'s {len(checked)} table(s) match runs {", ".join(checked)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
