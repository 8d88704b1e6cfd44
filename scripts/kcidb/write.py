#!/usr/bin/env python3
"""Write a harness run (make check, make gates-full) as KCIDB v5 JSON.

usage: write.py --run-id ID --cases CASES.tsv [--timings TIMINGS.tsv] --top TOP
                --out OUT.json [--base-version V] [--configs NAME...]

One checkout: the base plus the series (patchset_hash as KCIDB defines it, over the patches
of `series` in order). One build per configuration that has cases (a case named
"CONFIG/..." belongs to it), and one build "gates" for the checks of the tree itself
(apply, checkpatch, lint, bisect, harness tests). One test per case; the timings become
DONE tests with a number in seconds. Case results map to KCIDB statuses: pass PASS,
skip SKIP, fail FAIL; a gate blocked by a failed prerequisite ("blocked: ..." detail) MISS;
a harness step that broke ("the lane died", "stopped before its cases") ERROR.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys

ORIGIN = 'pidfs_harness'
GUEST_ARCH = {'i386': 'i386'}


def patchset_hash(top):
    hashes = []
    names = subprocess.run([os.path.join(top, 'scripts', 'series-list.sh'), os.path.join(top, 'series')],
                           check=True, stdout=subprocess.PIPE, text=True).stdout.split()
    for name in names:
        with open(os.path.join(top, 'patches', name), 'rb') as p:
            hashes.append(hashlib.sha256(p.read()).hexdigest() + '\n')
    return hashlib.sha256(''.join(hashes).encode()).hexdigest() if hashes else ''


def path_of(name):
    """A KCIDB test path: dot-separated components of [a-zA-Z0-9_-]."""
    parts = []
    for comp in re.split(r': |/', name):
        for sub in comp.split('.'):
            sub = re.sub(r'[^a-zA-Z0-9_-]+', '_', sub).strip('_')
            if sub:
                parts.append(sub[:80])
    return '.'.join(parts)


def status_of(result, detail):
    if result == 'pass':
        return 'PASS'
    if result == 'skip':
        return 'SKIP'
    if detail.startswith('blocked'):
        return 'MISS'
    if 'lane died' in detail or 'stopped before its cases' in detail:
        return 'ERROR'
    return 'FAIL'


def main():
    ap = argparse.ArgumentParser(usage=__doc__.strip().split('\n\n')[1].removeprefix('usage: '))
    ap.add_argument('--run-id', required=True)
    ap.add_argument('--cases', required=True)
    ap.add_argument('--timings')
    ap.add_argument('--top', required=True)
    ap.add_argument('--configs', nargs='*', default=[])
    ap.add_argument('--base-version', default='')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()

    run = re.sub(r'[^a-zA-Z0-9_.-]', '_', a.run_id)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')
    checkout_id = f'{ORIGIN}:{run}'
    checkout = {'id': checkout_id, 'origin': ORIGIN, 'tree_name': 'debian-linux-source-6.1',
                'patchset_hash': patchset_hash(a.top), 'start_time': now,
                'comment': f'Debian linux-source-6.1 {a.base_version} + the pidfs series'.replace('  ', ' ')}

    rows = []
    with open(a.cases) as f:
        for line in f:
            cols = line.rstrip('\n').split('\t')
            if cols and cols[0]:
                rows.append((cols[0], cols[1] if len(cols) > 1 else '', cols[2] if len(cols) > 2 else ''))

    builds, tests = {}, []

    def build_for(cfg):
        if cfg not in builds:
            b = {'id': f'{checkout_id}:{path_of(cfg)}', 'checkout_id': checkout_id, 'origin': ORIGIN,
                 'start_time': now}
            if cfg == 'gates':
                b['comment'] = 'checks of the tree and the harness that build nothing of their own'
            else:
                b['config_name'] = cfg
                b['architecture'] = GUEST_ARCH.get(cfg.split('-')[0], 'x86_64')
            builds[cfg] = b
        return builds[cfg]

    for name, result, detail in rows:
        cfg, _, rest = name.partition('/')
        if cfg not in a.configs or not rest:
            cfg, rest = 'gates', name
        b = build_for(cfg)
        t = {'id': f'{b["id"]}:{len(tests) + 1}', 'build_id': b['id'], 'origin': ORIGIN,
             'path': path_of(rest), 'status': status_of(result, detail), 'comment': name[:1000],
             'start_time': now}
        if detail:
            t['log_excerpt'] = detail[:16384]
        tests.append(t)
        # "<config>: build, ..." gates say whether that configuration built.
        m = re.match(r'([\w.-]+): build\b', name)
        if m and m.group(1) in a.configs:
            build_for(m.group(1))['status'] = 'PASS' if result == 'pass' else 'FAIL'

    if a.timings and os.path.exists(a.timings):
        b = build_for('gates')
        with open(a.timings) as f:
            for line in f:
                cols = line.rstrip('\n').split('\t')
                if len(cols) < 2 or not re.fullmatch(r'\d+', cols[1]):
                    continue
                tests.append({'id': f'{b["id"]}:{len(tests) + 1}', 'build_id': b['id'], 'origin': ORIGIN,
                              'path': 'harness.time.' + (path_of(cols[0]) or 'step'), 'status': 'DONE',
                              'comment': f'wall time of: {cols[0]}'[:1000],
                              'number': {'value': int(cols[1]), 'unit': 's'}, 'start_time': now})

    return dump(a.out, checkout, builds, tests)


def dump(out, checkout, builds, tests):
    """Write one checkout with its builds and tests as a KCIDB v5 file."""
    data = {'version': {'major': 5, 'minor': 0}, 'checkouts': [checkout],
            'builds': list(builds.values()), 'tests': tests}
    with open(out, 'w') as f:
        json.dump(data, f, indent=1)
        f.write('\n')
    print(f'kcidb: {out}: 1 checkout, {len(builds)} builds, {len(tests)} tests')
    return 0


if __name__ == '__main__':
    sys.exit(main())
