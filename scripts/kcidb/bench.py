#!/usr/bin/env python3
"""Write a make bench run (scripts/bench-report.py's results.json) as KCIDB v5 JSON.

usage: bench.py --top TOP --out OUT.json RESULTS.json

One checkout per run (the series' patchset_hash, as scripts/kcidb/write.py computes it); one
build per kernel measured (base, series, the 6.1 peer). Each workload's median on a kernel is
a DONE test with that number and unit, its per-boot 95% interval in misc. Each target is a
test on the series build: met PASS, not met FAIL, undecided (its interval crosses the limit)
DONE, n/a SKIP; the value is its number (unit "ratio", or "per 100000 operations"). Each
failed boot (meta.failed_boots) is an ERROR test of its kernel.
"""
import argparse
import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from write import ORIGIN, dump, patchset_hash, path_of  # noqa: E402

STATE = {'met': 'PASS', 'not met': 'FAIL', 'undecided': 'DONE', 'n/a': 'SKIP'}


def main():
    ap = argparse.ArgumentParser(usage=__doc__.strip().split('\n\n')[1].removeprefix('usage: '))
    ap.add_argument('--top', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('results')
    a = ap.parse_args()
    with open(a.results) as f:
        r = json.load(f)

    run = re.sub(r'[^a-zA-Z0-9_.-]', '_', r.get('run_id') or 'bench-unnamed')
    when = r.get('created') or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')
    checkout_id = f'{ORIGIN}:bench-{run}'
    checkout = {'id': checkout_id, 'origin': ORIGIN, 'tree_name': 'debian-linux-source-6.1',
                'patchset_hash': patchset_hash(a.top), 'start_time': when,
                'comment': 'make bench: base, the pidfs series and the 6.12 peer in QEMU'}
    builds, tests = {}, []

    def build(kernel):
        if kernel not in builds:
            k = r.get('kernels', {}).get(kernel, {})
            b = {'id': f'{checkout_id}:{path_of(kernel)}', 'checkout_id': checkout_id, 'origin': ORIGIN,
                 'config_name': k.get('config') or kernel, 'architecture': 'x86_64', 'start_time': when}
            about = ', '.join(x for x in (k.get('source'), k.get('release') or k.get('uname')) if x)
            b['comment'] = f'bench kernel "{kernel}"' + (f': {about}' if about else '')
            builds[kernel] = b
        return builds[kernel]

    def test(kernel, path, status, comment, number=None, unit=None, misc=None, excerpt=None):
        b = build(kernel)
        t = {'id': f'{b["id"]}:{len(tests) + 1}', 'build_id': b['id'], 'origin': ORIGIN,
             'path': path, 'status': status, 'comment': comment[:1000], 'start_time': when}
        if number is not None:
            t['number'] = {'value': number, 'unit': unit or ''}
        if misc:
            t['misc'] = misc
        if excerpt:
            t['log_excerpt'] = excerpt[:16384]
        tests.append(t)

    for kernel in r.get('kernels', {}):
        build(kernel)
    for w in r.get('workloads', []):
        for kernel, s in w.get('per_kernel', {}).items():
            if s.get('median') is None:
                continue
            misc = {k: s[k] for k in ('median_interval', 'min', 'max', 'boots', 'reps') if k in s}
            test(kernel, f'bench.w{path_of(str(w["id"]))}.{path_of(w["metric"])}', 'DONE',
                 f'workload {w["id"]}' + (f' ({w["name"]})' if w.get('name') else '') + f': median {w["metric"]}',
                 s['median'], w.get('unit'), misc)
    for t in r.get('targets', []):
        state = t.get('state') or ('met' if t.get('met') else 'not met' if t.get('met') is False else 'n/a')
        misc = {'limit': t.get('limit'), 'kind': t.get('kind')}
        if t.get('interval'):
            misc['interval'] = t['interval']
        unit = 'ratio' if '/' in (t.get('kind') or '') else 'per 100000 operations'
        test('series', f'bench.target.{path_of(t["id"])}', STATE[state], t.get('text') or t['id'],
             t.get('value'), unit, misc, t.get('detail'))
    for line in (r.get('meta') or {}).get('failed_boots') or []:
        test(str(line).split(' ')[0], 'bench.boot', 'ERROR', f'bench boot: {line}', excerpt=str(line))

    return dump(a.out, checkout, builds, tests)


if __name__ == '__main__':
    sys.exit(main())
