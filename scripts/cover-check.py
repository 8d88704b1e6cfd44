#!/usr/bin/env python3
"""Check the cover letter's benchmark table against the results.json of the run it names.

usage: cover-check.py [COVER [RESULTS_DIR...]]

COVER defaults to patches/0000-cover-letter.patch. The run id (YYYYmmddTHHMMSSZ-series-HASH)
is looked up as RESULTS_DIR/<run id>/results.json or RESULTS_DIR/results.json with that
run_id; defaults: Documentation/bench-runs and build/bench. Every cell of the table (medians,
rounded as printed, and the two ratio columns) must match, and the run must have measured
this series' kernel code (meta.kernel_hash, scripts/kernel-hash.sh); a run made before runs
recorded that hash is accepted only when the cover letter says "Measured on vN of this
series". Exits 1 naming each mismatch.
"""
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN_ID = re.compile(r'\b(\d{8}T\d{6}Z-series-[0-9a-f]{16})\b')

# Table rows in order: label, workload id, metric(s), divisor of the printed value.
ROWS = [
    ('dentries added', '2', 'dentries_added', 1),
    ('inodes added', '2', 'inodes_added', 1),
    ('slab bytes per pidfd', '2', 'slab_bytes_per_op', 1),
    ('ns per pidfd_open()', '2', 'ns_per_op', 1),
    ('pidfd_open()+close(), ns per pair', '3', 'ns_per_op', 1),
    ('two threads at once', '6', 'ns_per_op', 1),
    ('first pidfd of 2000 children, ns', '4', 'ns_per_op', 1),
    ('inodes added', '4', 'inodes_added', 1),
    ('clone3+waitid+close, us per cycle', '5', 'ns_per_op', 1000),
    ('ns per open', '1', 'ns_per_op', 1),
    ('dentries / inodes added', '1', ('dentries_added', 'inodes_added'), 1),
    ('dup()+close(), ns (untouched)', '7a', 'ns_per_op', 1),
    ('eventfd()+close(), ns', '7b', 'ns_per_op', 1),
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


def main():
    args = sys.argv[1:]
    if args[:1] in (['-h'], ['--help']):
        print(__doc__.strip().split('\n\n')[1])
        return 0
    cover = args[0] if args else os.path.join(TOP, 'patches', '0000-cover-letter.patch')
    dirs = args[1:] or [os.path.join(TOP, 'Documentation', 'bench-runs'),
                        os.path.join(TOP, 'build', 'bench')]
    text = open(cover).read()
    ids = set(RUN_ID.findall(text))
    if len(ids) != 1:
        print(f'cover-check: {cover} names {len(ids)} bench runs; it must name exactly one')
        return 1
    run_id = ids.pop()
    path, data = find_results(run_id, dirs)
    if not data:
        print(f'cover-check: no results.json of run {run_id} in {", ".join(dirs)}')
        return 1
    failed = (data.get('meta') or {}).get('failed_boots') or []
    if failed:
        print(f'cover-check: run {run_id} lost boots, its numbers cannot be cited: ' + '; '.join(failed))
        return 1
    # The run must have measured the kernel code of this series (scripts/kernel-hash.sh).
    meta = data.get('meta') or {}
    now = subprocess.run([os.path.join(TOP, 'scripts', 'kernel-hash.sh')], check=True,
                         stdout=subprocess.PIPE, text=True).stdout.strip()
    if meta.get('kernel_hash') and meta['kernel_hash'] != now:
        print(f'cover-check: run {run_id} measured kernel code {meta["kernel_hash"]}, the series has {now}: '
              f'redo make bench and cite the new run')
        return 1
    if not meta.get('kernel_hash'):
        print(f'cover-check: run {run_id} predates kernel hashes: it cannot show that it measured '
              f'this code ({now}); the cover letter must say which version it measured')
        if not re.search(r'^Measured on v\d+ of this series', text, re.M):
            return 1
    med = {}
    for w in data['workloads']:
        med[(w['id'], w['metric'])] = ({k: v['median'] for k, v in w['per_kernel'].items()},
                                       w.get('ratios', {}))

    lines = text.split('\n')
    bad, pos = 0, 0
    for label, wid, metric, div in ROWS:
        while pos < len(lines) and not lines[pos].strip().startswith(label):
            pos += 1
        if pos == len(lines):
            print(f'cover-check: row "{label}" not found (in order) in {cover}')
            return 1
        cells = lines[pos].strip()[len(label):].split()
        pos += 1
        if isinstance(metric, tuple):
            want = []
            for k in KERNELS:
                want.append('/'.join(str(round(med[(wid, m)][0][k])) for m in metric))
        else:
            m, ratios = med[(wid, metric)]
            want = [str(round(m[k] / div)) for k in KERNELS]
            if len(cells) > 3:
                want += [f'{ratios[r]:.2f}' for r in ('series/base', 'series/peer')]
        if cells != want:
            print(f'cover-check: "{label}" (workload {wid}): cover {cells}, {path}: {want}')
            bad = 1
    if not bad:
        print(f'cover-check: the cover letter\'s table matches run {run_id} ({path})')
    return bad


if __name__ == '__main__':
    sys.exit(main())
