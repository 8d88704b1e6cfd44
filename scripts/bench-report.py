#!/usr/bin/env python3
"""Summarise pidfs_bench runs: results.json, a table, the targets and two plots.

usage: bench-report.py [--run-id ID] [--meta FILE] [--no-plot] OUTDIR RUNLOG...

Each RUNLOG is what selftests/bench/pidfs_bench printed during one boot (a
serial-port capture is fine: lines that are not JSON objects are ignored).  The
kernel label ("base", "series", "peer") comes from the JSON lines themselves.
A kernel's value is the median of its per-boot medians (each over the reps of
one boot); a ratio is such a value divided by another, with a 95% interval from
a bootstrap over boots, and a target is met, not met or undecided by that
interval.  Writes OUTDIR/results.json, table.txt, table.md, bench.gp (+ its
.dat files) and, with gnuplot, dentries.png and nsop.png.  The schema and the
method are in Documentation/bench.md.
"""
import argparse
import datetime
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys

SCHEMA = 2
BOOTSTRAP_RESAMPLES = 4000
BOOTSTRAP_SEED = 20261202  # fixed: the same logs give the same intervals
KERNELS = ('base', 'series', 'peer')
RATIOS = (('series/base', 'series', 'base'), ('series/peer', 'series', 'peer'))
WORKLOAD_ORDER = ('1', '2', '3', '4', '5', '6', '7a', '7b', '8', '9', '10', '11')

# metric -> (unit, how to format).  Metrics taken as they are from result lines;
# "slab_bytes_per_op" is derived (slab_kb_added * 1024 / n).
METRICS = {
    'ns_per_op': 'ns',
    'aggregate_ns_per_op': 'ns',
    'dentries_added': 'dentries',
    'inodes_added': 'inodes',
    'slab_kb_added': 'kB',
    'slab_bytes_per_op': 'B',
    'dentries_left': 'dentries',
    'inodes_left': 'inodes',
    'slab_kb_left': 'kB',
    'dentries_left_dropped': 'dentries',
    'inodes_left_dropped': 'inodes',
    'slab_kb_left_dropped': 'kB',
}

# Rows of the printed table: (workload id, metric, label).
TABLE_ROWS = (
    ('1', 'ns_per_op', 'ns/open'),
    ('1', 'dentries_added', 'dentries added'),
    ('1', 'inodes_added', 'inodes added'),
    ('1', 'slab_bytes_per_op', 'slab B/fd'),
    ('1', 'dentries_left', 'dentries left'),
    ('2', 'ns_per_op', 'ns/pidfd_open'),
    ('2', 'dentries_added', 'dentries added'),
    ('2', 'inodes_added', 'inodes added'),
    ('2', 'slab_bytes_per_op', 'slab B/pidfd'),
    ('2', 'dentries_left', 'dentries left'),
    ('2', 'dentries_left_dropped', 'left, dropped'),
    ('3', 'ns_per_op', 'ns/pair'),
    ('4', 'ns_per_op', 'ns/open'),
    ('4', 'dentries_added', 'dentries added'),
    ('4', 'inodes_added', 'inodes added'),
    ('5', 'ns_per_op', 'ns/cycle'),
    ('6', 'ns_per_op', 'ns/pair (wall)'),
    ('6', 'aggregate_ns_per_op', 'ns/pair (aggr.)'),
    ('7a', 'ns_per_op', 'ns/pair'),
    ('7b', 'ns_per_op', 'ns/pair'),
    ('8', 'ns_per_op', 'ns/pair'),
    ('9', 'ns_per_op', 'ns/cycle'),
    ('10', 'ns_per_op', 'ns/call'),
    ('11', 'ns_per_op', 'ns/reopen'),
)

# Targets: (id, workload, metric, kind, limit, text)
#   kind "per100k": median of series <= limit per 100000 operations (at least limit)
#   kind "A/B":     median(A) / median(B) <= limit
TARGETS = (
    ('T1-dentries', '1', 'dentries_added', 'per100k', 1,
     'ns/mnt kept open: series adds <= 1 dentry per 100000 opens'),
    ('T1-inodes', '1', 'inodes_added', 'per100k', 1,
     'ns/mnt kept open: series adds <= 1 inode per 100000 opens'),
    ('T2-dentries', '2', 'dentries_added', 'per100k', 1,
     'pidfds kept open: series adds <= 1 dentry per 100000 pidfds'),
    ('T2-inodes', '2', 'inodes_added', 'per100k', 1,
     'pidfds kept open: series adds <= 1 inode per 100000 pidfds'),
    ('T2-slab', '2', 'slab_bytes_per_op', 'series/base', 0.6,
     'slab per kept-open pidfd: series <= 0.6x base'),
    ('T3-base', '3', 'ns_per_op', 'series/base', 0.75,
     'pidfd_open+close: series <= 0.75x base'),
    ('T3-peer', '3', 'ns_per_op', 'series/peer', 1.0,
     'pidfd_open+close: series <= 1.0x peer'),
    ('T4-base', '4', 'ns_per_op', 'series/base', 1.10,
     'first pidfd of a live child: series <= 1.10x base'),
    ('T4-peer', '4', 'ns_per_op', 'series/peer', 1.0,
     'first pidfd of a live child: series <= 1.0x peer'),
    ('T5-base', '5', 'ns_per_op', 'series/base', 1.05,
     'clone3+waitid+close: series <= 1.05x base'),
    ('T1-time', '1', 'ns_per_op', 'series/base', 1.02,
     'open /proc/self/ns/mnt: series <= 1.02x base'),
    ('T6-peer', '6', 'ns_per_op', 'series/peer', 1.0,
     'two threads pidfd_open+close: series <= 1.0x peer'),
    ('T8-base', '8', 'ns_per_op', 'series/base', 1.0,
     'nsfs open+close churn: series <= 1.00x base'),
    ('T9-base', '9', 'ns_per_op', 'series/base', 1.01,
     'fork+exit+waitpid without a pidfd: series <= 1.01x base'),
)


def warn(msg):
    print(f'bench-report: {msg}', file=sys.stderr)


def parse_line(raw):
    """The JSON object on this line, or None.  Tolerates CRs, NULs and a
    prefix before the first '{' (a console timestamp, a prompt)."""
    line = raw.replace('\r', '').replace('\0', '').strip()
    start = line.find('{')
    if start < 0:
        return None
    try:
        obj = json.loads(line[start:])
    except ValueError:
        return None
    return obj if isinstance(obj, dict) and 'type' in obj else None


def read_runlogs(paths):
    """Records of every runlog: list of dicts with '_boot' set to a boot key."""
    records = []
    for idx, path in enumerate(paths):
        try:
            with open(path, encoding='utf-8', errors='replace') as f:
                lines = f.readlines()
        except OSError as e:
            sys.exit(f'bench-report: {path}: {e.strerror}')
        n = 0
        for raw in lines:
            obj = parse_line(raw)
            if obj is None:
                continue
            # One runlog is one boot; the boot_id tells two boots in one file apart.
            obj['_boot'] = f'{idx}:{obj.get("boot_id", "")}'
            obj['_file'] = path
            records.append(obj)
            n += 1
        if not n:
            warn(f'{path}: no JSON lines')
    return records


def fnum(v, digits=None):
    """A number for humans: integers as such, others to a sensible precision."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return 'n/a'
    if digits is not None:
        return f'{v:.{digits}f}'
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    a = abs(v)
    if a >= 100:
        return f'{v:.0f}'
    if a >= 10:
        return f'{v:.1f}'
    return f'{v:.2f}'


def ratio(a, b):
    """a/b, or None where it means nothing (no b, or b <= 0: a count that did
    not grow, or noise)."""
    if a is None or b is None or b <= 0:
        return None
    return a / b


MODE_GAP = 1.10  # sorted reps further apart than this factor belong to different modes


def modes(samples):
    """The clusters of all reps: sorted, split wherever one value is more than
    MODE_GAP times the one before it.  One mode is the healthy case; two mean the
    median is choosing between them, and the report says so."""
    out = []
    for v in sorted(samples):
        if out and (out[-1]['high'] <= 0 or v <= out[-1]['high'] * MODE_GAP):
            out[-1]['high'] = v
            out[-1]['count'] += 1
        else:
            out.append({'low': v, 'high': v, 'count': 1})
    return out


def stats(by_boot):
    """by_boot: boot -> samples of that boot, in rep order."""
    samples = [v for b in by_boot for v in by_boot[b]]
    boot_medians = [statistics.median(by_boot[b]) for b in by_boot]
    return {
        'median': statistics.median(boot_medians),
        'min': min(samples),
        'max': max(samples),
        'boot_medians': boot_medians,
        'samples': samples,
        'reps': len(samples),
        'boots': len(boot_medians),
        'modes': modes(samples),
    }


def percentile(sorted_values, q):
    """The q-quantile (0..1) of sorted values, linear between neighbours."""
    pos = q * (len(sorted_values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def bootstrap_ratio(a_boots, b_boots, rng):
    """95% percentile interval of median(A)/median(B), each kernel's boots (their
    per-boot medians) resampled with replacement, independently.  None where a
    resample's denominator is not positive (the ratio means nothing there)."""
    if not a_boots or not b_boots:
        return None
    ratios = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        ma = statistics.median(rng.choices(a_boots, k=len(a_boots)))
        mb = statistics.median(rng.choices(b_boots, k=len(b_boots)))
        if mb <= 0:
            return None
        ratios.append(ma / mb)
    ratios.sort()
    return [percentile(ratios, 0.025), percentile(ratios, 0.975)]


def bootstrap_median(boots, rng):
    """95% percentile interval of the median of the per-boot medians."""
    meds = sorted(statistics.median(rng.choices(boots, k=len(boots)))
                  for _ in range(BOOTSTRAP_RESAMPLES))
    return [percentile(meds, 0.025), percentile(meds, 0.975)]


def verdict(interval, limit):
    """met / not met / undecided: the whole interval at or under the limit, the
    whole interval over it, or the limit inside it."""
    if interval is None:
        return 'n/a'
    if interval[1] <= limit:
        return 'met'
    if interval[0] > limit:
        return 'not met'
    return 'undecided'


def metric_values(rec):
    """metric -> value of one result line, with the derived ones."""
    out = {m: rec[m] for m in METRICS if isinstance(rec.get(m), (int, float))}
    n = rec.get('n')
    if isinstance(rec.get('slab_kb_added'), (int, float)) and n:
        out['slab_bytes_per_op'] = rec['slab_kb_added'] * 1024 / n
    return out


def sort_key(wid):
    return (WORKLOAD_ORDER.index(wid) if wid in WORKLOAD_ORDER else 99, wid)


def summarise(records, args, meta):
    results = [r for r in records if r.get('type') == 'result' and 'kernel' in r]
    metas = [r for r in records if r.get('type') == 'meta']
    errors = [r for r in records if r.get('type') == 'error']
    # Workloads a kernel lacks the interface for (the pidfs ABI on 6.1 and 6.12).
    skips = sorted({(r.get('kernel'), str(r.get('id')), r.get('what', ''), r.get('error', ''))
                    for r in records if r.get('type') == 'skip'}, key=lambda x: (x[0] or '', sort_key(x[1])))
    labels = sorted({r['kernel'] for r in results} | {r['kernel'] for r in metas if 'kernel' in r},
                    key=lambda k: (KERNELS.index(k) if k in KERNELS else 9, k))
    for k in labels:
        if k not in KERNELS:
            warn(f'kernel label "{k}" is none of {", ".join(KERNELS)}: no ratios use it')
    for k in KERNELS:
        if k not in labels:
            warn(f'no results for kernel "{k}": its ratios are n/a')

    kernels = {}
    for k in labels:
        recs = [r for r in results + metas if r.get('kernel') == k]
        kmeta = [r for r in metas if r.get('kernel') == k]
        unames = sorted({r.get('uname', '') for r in recs})
        params = sorted({json.dumps({p: m.get(p) for p in ('reps', 'count', 'children', 'loops',
                                                            'workloads', 'drop_caches')},
                                    sort_keys=True) for m in kmeta})
        info = {
            'uname': unames[0] if len(unames) == 1 else unames,
            'boots': len({r['_boot'] for r in recs}),
            'results': sum(1 for r in results if r['kernel'] == k),
            'errors': sum(1 for r in errors if r.get('kernel') == k),
            'pidfd_fs': sorted({m.get('pidfd_fs') for m in kmeta if m.get('pidfd_fs')}),
            'nproc': sorted({m.get('nproc') for m in kmeta if m.get('nproc') is not None}),
            'params': [json.loads(p) for p in params],
            'config_hash': None,
        }
        info.update((meta.get('kernels') or {}).get(k, {}))
        kernels[k] = info

    all_params = {json.dumps(p, sort_keys=True) for k in kernels for p in kernels[k]['params']}
    if len(all_params) > 1:
        warn('the runs were made with different parameters: ' + '; '.join(sorted(all_params)))

    # (workload id, metric) -> kernel -> boot -> samples, in boot then rep order
    samples, names, numbers = {}, {}, {}
    for r in sorted(results, key=lambda r: (r['_boot'], r.get('rep', 0))):
        wid = str(r.get('id', r.get('workload')))
        names.setdefault(wid, r.get('name', ''))
        numbers.setdefault(wid, r.get('workload'))
        for m, v in metric_values(r).items():
            (samples.setdefault((wid, m), {}).setdefault(r['kernel'], {})
             .setdefault(r['_boot'], []).append(v))

    # n of each workload per kernel, for the per-100000 targets
    ns = {}
    for r in results:
        ns.setdefault((str(r.get('id', r.get('workload'))), r['kernel']), []).append(r.get('n', 0))

    workloads = []
    metric_order = list(METRICS)
    rng = random.Random(BOOTSTRAP_SEED)
    for wid, m in sorted(samples, key=lambda x: (sort_key(x[0]), metric_order.index(x[1]))):
        per_kernel = {k: stats(v) for k, v in samples[(wid, m)].items()}
        med = {k: s['median'] for k, s in per_kernel.items()}
        boots = {k: s['boot_medians'] for k, s in per_kernel.items()}
        workloads.append({
            'id': wid,
            'workload': numbers[wid],
            'name': names[wid],
            'metric': m,
            'unit': METRICS[m],
            'per_kernel': per_kernel,
            'ratios': {name: ratio(med.get(a), med.get(b)) for name, a, b in RATIOS},
            'ratio_intervals': {name: (bootstrap_ratio(boots[a], boots[b], rng)
                                       if a in boots and b in boots and ratio(med[a], med[b]) is not None
                                       else None) for name, a, b in RATIOS},
        })
        for k, st in per_kernel.items():
            st['median_interval'] = bootstrap_median(st['boot_medians'], rng)

    curves, curves_inodes = {}, {}
    for key, out in (('curve', curves), ('curve_inodes', curves_inodes)):
        for k in labels:
            cs = [r[key] for r in results if r['kernel'] == k and isinstance(r.get(key), list)]
            if not cs:
                continue
            npts = min(len(c) for c in cs)
            out[k] = [[statistics.median(c[i][0] for c in cs),
                       statistics.median(c[i][1] for c in cs)] for i in range(npts)]

    targets = evaluate_targets(workloads, ns)

    return {
        'schema': SCHEMA,
        'created': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        'run_id': args.run_id,
        'runlogs': args.runlogs,
        'kernels': kernels,
        'qemu': meta.get('qemu'),
        'meta': {k: v for k, v in meta.items() if k not in ('qemu', 'kernels')},
        'workloads': workloads,
        'curves': curves,
        'curves_inodes': curves_inodes,
        'targets': targets,
        'skipped': [{'kernel': k, 'id': i, 'what': w, 'error': e} for k, i, w, e in skips],
        'errors': [{k: v for k, v in e.items() if not k.startswith('_')} | {'runlog': e['_file']}
                   for e in errors],
    }


def find(workloads, wid, metric):
    for w in workloads:
        if w['id'] == wid and w['metric'] == metric:
            return w
    return None


def evaluate_targets(workloads, ns):
    out = []
    for tid, wid, metric, kind, limit, text in TARGETS:
        w = find(workloads, wid, metric)
        pk = w['per_kernel'] if w else {}
        t = {'id': tid, 'workload': wid, 'metric': metric, 'kind': kind, 'limit': limit,
             'text': text, 'value': None, 'interval': None, 'state': 'n/a', 'met': None,
             'detail': ''}
        if kind == 'per100k':
            s = pk.get('series')
            if s is None:
                t['detail'] = 'no series results'
            else:
                n = statistics.median(ns.get((wid, 'series'), [100000]))
                allowed = limit * max(1, math.ceil(n / 100000))
                t['allowed'] = allowed
                t['value'] = s['median']
                t['interval'] = s['median_interval']
                t['state'] = verdict(t['interval'], allowed)
                t['detail'] = (f'series median {fnum(s["median"])} '
                               f'[95% {fnum(t["interval"][0])}..{fnum(t["interval"][1])}] '
                               f'(max {fnum(s["max"])}) for {fnum(n)} opens, allowed {fnum(allowed)}')
        else:
            a, b = kind.split('/')
            sa, sb = pk.get(a), pk.get(b)
            if sa is None or sb is None:
                t['detail'] = f'no {a if sa is None else b} results'
            else:
                r = ratio(sa['median'], sb['median'])
                t['value'] = r
                t['interval'] = w['ratio_intervals'].get(kind)
                t['state'] = verdict(t['interval'], limit)
                iv = (f' [95% {fnum(t["interval"][0], 3)}..{fnum(t["interval"][1], 3)}]'
                      if t['interval'] else '')
                t['detail'] = (f'{a} {fnum(sa["median"])} / {b} {fnum(sb["median"])} {METRICS[metric]}'
                               f' = {fnum(r, 3) if r is not None else "n/a"}{iv} (limit {limit}; '
                               f'{sa["boots"]} and {sb["boots"]} boots)')
                # Reps in several modes: the medians stand for one of them, the interval
                # over boots need not show it. Such a target is not decided.
                several = [k for k, st in ((a, sa), (b, sb)) if len(st.get('modes') or []) > 1]
                if several and t['state'] != 'n/a':
                    t['state'] = 'undecided'
                    t['detail'] += f'; {" and ".join(several)} in several modes'
        t['met'] = {'met': True, 'not met': False}.get(t['state'])
        out.append(t)
    return out


# ---------------------------------------------------------------- tables

def cell(s):
    if s is None:
        return 'n/a'
    return f'{fnum(s["median"])} [{fnum(s["min"])}..{fnum(s["max"])}]'


def ratio_cell(w, name):
    r = w['ratios'].get(name)
    if r is None:
        return 'n/a'
    iv = (w.get('ratio_intervals') or {}).get(name)
    return fnum(r, 3) + (f' [{fnum(iv[0], 3)}..{fnum(iv[1], 3)}]' if iv else '')


def table_rows(res):
    labels = list(res['kernels'])
    head = ['W', 'metric'] + labels + [name for name, _, _ in RATIOS]
    rows = []
    done = set()
    for wid, metric, label in TABLE_ROWS:
        w = find(res['workloads'], wid, metric)
        if w is None:
            continue
        done.add((wid, metric))
        rows.append([wid, label] + [cell(w['per_kernel'].get(k)) for k in labels]
                    + [ratio_cell(w, name) for name, _, _ in RATIOS])
    return head, rows


def target_rows(res):
    rows = []
    for t in res['targets']:
        state = {'not met': 'NOT MET', 'undecided': 'UNDECIDED'}.get(t['state'], t['state'])
        rows.append([t['id'], state, t['text'], t['detail']])
    return ['target', 'state', 'what', 'numbers'], rows


def text_table(head, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    out = ['  '.join(str(x).ljust(w) for x, w in zip(head, widths)).rstrip(),
           '  '.join('-' * w for w in widths)]
    out += ['  '.join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip() for r in rows]
    return out


def md_table(head, rows):
    esc = [[str(x).replace('|', '\\|') for x in r] for r in [head] + rows]
    out = ['| ' + ' | '.join(esc[0]) + ' |', '|' + '|'.join(' --- ' for _ in head) + '|']
    out += ['| ' + ' | '.join(r) + ' |' for r in esc[1:]]
    return out


def header_lines(res):
    lines = []
    for k, info in res['kernels'].items():
        uname = info['uname'] if isinstance(info['uname'], str) else ', '.join(info['uname'])
        fs = ','.join(info['pidfd_fs']) or '?'
        lines.append(f'{k}: {uname}; {info["boots"]} boot(s), {info["results"]} result lines; '
                     f'pidfds on {fs}' + (f'; config {info["config_hash"]}'
                                          if info.get('config_hash') else ''))
        for p in info['params']:
            lines.append(f'  parameters: {json.dumps(p, sort_keys=True)}')
    lines.append('cells: median of the per-boot medians [min..max of all reps of all boots]; '
                 'ratios: median/median [95% bootstrap interval over boots]')
    return lines


def mode_lines(res):
    """One line per (workload, time metric, kernel) whose reps fall into several modes."""
    lines = []
    for w in res['workloads']:
        if w['unit'] != METRICS['ns_per_op']:
            continue
        for k, st in w['per_kernel'].items():
            ms = st.get('modes') or []
            if len(ms) > 1:
                lines.append(f'W{w["id"]} {w["metric"]} {k}: ' + ', '.join(
                    f'{fnum(m["low"])}..{fnum(m["high"])} ({m["count"]} reps)' for m in ms))
    return lines


def render(res):
    head, rows = table_rows(res)
    thead, trows = target_rows(res)
    txt = [f'pidfs benchmark{" " + res["run_id"] if res["run_id"] else ""} ({res["created"]})']
    txt += header_lines(res) + [''] + text_table(head, rows) + ['', 'Targets'] + \
        text_table(thead, trows)
    count = {st: sum(1 for t in res['targets'] if t['state'] == st)
             for st in ('met', 'not met', 'undecided', 'n/a')}
    summary = (f'{count["met"]} of {len(res["targets"])} targets met, {count["not met"]} not met, '
               f'{count["undecided"]} undecided' + (f', {count["n/a"]} n/a' if count['n/a'] else ''))
    txt.append(summary)
    multi = mode_lines(res)
    if multi:
        txt += ['', f'More than one mode (reps more than {MODE_GAP:.2f}x apart): the median '
                'picks one of them'] + ['  ' + line for line in multi]
    for sk in res.get('skipped') or []:
        txt.append(f'Not run on {sk["kernel"]}: workload {sk["id"]}: {sk["what"]}: {sk["error"]}')
    for f in res['meta'].get('failed_boots') or []:
        txt.append(f'FAILED BOOT, left out: {f}')
    for e in res['errors']:
        txt.append(f'ERROR in {e["runlog"]}: {e.get("kernel")} workload {e.get("id")}: '
                   f'{e.get("what")}: {e.get("error")}')

    md = [f'Run {res["run_id"] or "(no id)"}, {res["created"]}.', '']
    md += [('  - ' if line.startswith(' ') else '- ') + line.strip()
           for line in header_lines(res)] + ['']
    md += md_table(head, rows) + ['', f'Targets ({summary}):', '']
    md += md_table(thead, trows)
    if multi:
        md += ['', f'More than one mode (reps more than {MODE_GAP:.2f}x apart):', '']
        md += ['- ' + line for line in multi]
    md += [f'- FAILED BOOT, left out: {f}' for f in res['meta'].get('failed_boots') or []]
    return '\n'.join(txt) + '\n', '\n'.join(md) + '\n'


# ---------------------------------------------------------------- plots

def png_terminal():
    try:
        p = subprocess.run(['gnuplot', '-e', 'set terminal'], capture_output=True, text=True,
                           timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    listing = p.stdout + p.stderr
    if 'pngcairo' in listing:
        return 'pngcairo size 900,560 noenhanced font "sans,10"'
    if ' png ' in listing or '\npng' in listing:
        return 'png size 900,560 noenhanced'
    return None


def gp_str(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def write_plots(res, outdir, no_plot):
    labels = list(res['kernels'])
    colors = {'base': '#d62728', 'series': '#1f77b4', 'peer': '#2ca02c'}
    gp = []
    term = None if no_plot or not shutil.which('gnuplot') else png_terminal()
    gp.append(f'set terminal {term or "pngcairo size 900,560 noenhanced"}')
    gp.append('set datafile missing "NaN"')
    gp.append('set key top left')
    gp.append('set grid')

    # dentries added vs pidfds open
    # series last, so that it is drawn on top of peer where both are flat
    curve_labels = sorted((k for k in labels if k in res['curves']),
                          key=lambda k: {'base': 0, 'peer': 1, 'series': 2}.get(k, 3))
    styles = {'base': 'lw 2 pt 7', 'peer': 'lw 4 dt 2 pt 5', 'series': 'lw 2 pt 7'}
    for k in curve_labels:
        with open(os.path.join(outdir, f'dentries-{k}.dat'), 'w') as f:
            f.write(f'# {k}: pidfds_open dentries_added (median over boots)\n')
            for x, y in res['curves'][k]:
                f.write(f'{x} {y}\n')
    gp.append('set output "dentries.png"')
    gp.append('set title "Workload 2: dentries added vs pidfds kept open by one process '
              '(median over boots)"')
    gp.append('set xlabel "pidfds open"')
    gp.append('set ylabel "dentries added (nr_dentry of /proc/sys/fs/dentry-state)"')
    gp.append('set format x "%.0s%c"')
    gp.append('set format y "%.0s%c"')
    if curve_labels:
        plots = [f'"dentries-{k}.dat" using 1:2 with linespoints {styles.get(k, "lw 2 pt 7")} ps 0.8 '
                 f'lc rgb "{colors.get(k, "black")}" title {gp_str(k)}' for k in curve_labels]
        gp.append('plot ' + ', \\\n     '.join(plots))
    else:
        gp.append('set label 1 "no curve data" at graph 0.4, 0.5')
        gp.append('plot [0:1][0:1] NaN notitle')
        gp.append('unset label 1')

    # ns/op per workload, grouped by kernel
    wids = [wid for wid in WORKLOAD_ORDER if find(res['workloads'], wid, 'ns_per_op')]
    with open(os.path.join(outdir, 'nsop.dat'), 'w') as f:
        f.write('# workload ' + ' '.join(labels) + '  (median ns per op)\n')
        for wid in wids:
            pk = find(res['workloads'], wid, 'ns_per_op')['per_kernel']
            vals = [fnum(pk[k]['median'], 1) if k in pk else 'NaN' for k in labels]
            f.write(f'"{wid}" ' + ' '.join(vals) + '\n')
    meds = [find(res['workloads'], wid, 'ns_per_op')['per_kernel'][k]['median']
            for wid in wids for k in labels
            if k in find(res['workloads'], wid, 'ns_per_op')['per_kernel']]
    positive = [v for v in meds if v > 0]
    gp.append('reset')
    gp.append('set datafile missing "NaN"')
    gp.append('set output "nsop.png"')
    gp.append('set title "Median ns per operation (log scale); lower is better"')
    gp.append('set style data histograms')
    gp.append('set style histogram clustered gap 1')
    gp.append('set style fill solid 0.85 border -1')
    gp.append('set boxwidth 0.9')
    gp.append('set key top left')
    gp.append('set grid ytics')
    gp.append('set xlabel "workload (1 ns/mnt open, 2 pidfd_open kept, 3 open+close, '
              '4 first pidfd of child, 5 clone3+waitid, 6 two threads, 7a dup, 7b eventfd)" '
              'font ",8"')
    gp.append('set ylabel "ns per op"')
    gp.append('set format y "%.0s%c"')
    if positive and max(positive) / min(positive) > 20:
        gp.append('set logscale y')
        gp.append(f'set yrange [{10 ** math.floor(math.log10(min(positive) / 2))}:'
                  f'{10 ** math.ceil(math.log10(max(positive) * 2))}]')
    else:
        gp.append('set yrange [0:*]')
    if wids and labels:
        plots = []
        for i, k in enumerate(labels):
            xt = ':xtic(1)' if i == 0 else ''
            plots.append(f'"nsop.dat" using {i + 2}{xt} lc rgb "{colors.get(k, "gray")}" '
                         f'title {gp_str(k)}')
        gp.append('plot ' + ', \\\n     '.join(plots))
    else:
        gp.append('plot [0:1][0:1] NaN notitle')

    with open(os.path.join(outdir, 'bench.gp'), 'w') as f:
        f.write('# Made by scripts/bench-report.py; run it in this directory: gnuplot bench.gp\n')
        f.write('\n'.join(gp) + '\n')
    if no_plot:
        return
    if term is None:
        warn('gnuplot with a png terminal not found: wrote bench.gp, no PNGs')
        return
    p = subprocess.run(['gnuplot', 'bench.gp'], cwd=outdir, capture_output=True, text=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    if p.returncode:
        warn(f'gnuplot failed ({p.returncode}): {p.stderr.strip()}')
    elif p.stderr.strip():
        warn(f'gnuplot: {p.stderr.strip()}')


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--run-id', help='identifier of this benchmark run, copied into results.json')
    ap.add_argument('--meta', help='JSON file: {"qemu": ..., "kernels": {label: {"config_hash": '
                    '..., ...}}, anything else}')
    ap.add_argument('--no-plot', action='store_true', help='write bench.gp but do not run gnuplot')
    ap.add_argument('outdir')
    ap.add_argument('runlogs', nargs='+', metavar='RUNLOG')
    args = ap.parse_args()

    meta = {}
    if args.meta:
        try:
            with open(args.meta) as f:
                meta = json.load(f)
        except (OSError, ValueError) as e:
            sys.exit(f'bench-report: --meta {args.meta}: {e}')
        if not isinstance(meta, dict):
            sys.exit(f'bench-report: --meta {args.meta}: not a JSON object')
        args.run_id = args.run_id or meta.get('run_id')

    records = read_runlogs(args.runlogs)
    if not any(r.get('type') == 'result' for r in records):
        sys.exit('bench-report: no result lines in any RUNLOG')
    os.makedirs(args.outdir, exist_ok=True)
    res = summarise(records, args, meta)

    with open(os.path.join(args.outdir, 'results.json'), 'w') as f:
        json.dump(res, f, indent=1)
        f.write('\n')
    txt, md = render(res)
    with open(os.path.join(args.outdir, 'table.txt'), 'w') as f:
        f.write(txt)
    with open(os.path.join(args.outdir, 'table.md'), 'w') as f:
        f.write(md)
    write_plots(res, args.outdir, args.no_plot)
    sys.stdout.write(txt)
    return 0


if __name__ == '__main__':
    sys.exit(main())
