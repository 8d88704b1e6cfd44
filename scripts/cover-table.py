#!/usr/bin/env python3
"""Print a bench run's table in the cover letter's layout (what scripts/cover-check.py reads).

usage: cover-table.py [--places N] RESULTS_JSON

Medians of base (6.1), series and peer (6.12), the series/base and series/peer ratios of
medians to N places (default 2). Rows of workloads the run did not measure are left out;
a kernel that skipped a workload (6.1 and 6.12 have no PIDFD_GET_INFO) shows '-'.
"""
import argparse
import json
import sys

KERNELS = ('base', 'series', 'peer')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--places', type=int, default=2, help='decimal places of the ratios')
    ap.add_argument('results')
    args = ap.parse_args()
    try:
        with open(args.results) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f'cover-table: {args.results}: {e}')
    med = {}
    for w in data.get('workloads', []):
        med[(w['id'], w['metric'])] = ({k: v['median'] for k, v in w['per_kernel'].items()},
                                       w.get('ratios') or {})
    params = ((data.get('kernels') or {}).get('series') or {}).get('params') or [{}]
    count = params[0].get('count', 100000)
    children = params[0].get('children', 2000)

    out = [f'{"":36}{"6.1":>6} series   6.12 ser/6.1 ser/6.12']

    def row(indent, label, wid, metric, div=1, ratios=True):
        key = (wid, metric)
        if key not in med:
            return
        m, r = med[key]
        cells = ''.join(f'{"-" if m.get(k) is None else round(m[k] / div):>{6 if i == 0 else 7}}'
                        for i, k in enumerate(KERNELS))
        if ratios:
            for w, name in ((8, 'series/base'), (9, 'series/peer')):
                v = r.get(name)
                cells += f'{"-" if v is None else f"{v:.{args.places}f}":>{w}}'
        out.append(f'{" " * indent}{label:<{36 - indent}}{cells}')

    def pair_row(indent, label, wid, metrics):
        if any((wid, mt) not in med for mt in metrics):
            return
        cells = ''.join(f'{"/".join(str(round(med[(wid, mt)][0][k])) for mt in metrics):>{6 if i == 0 else 7}}'
                        for i, k in enumerate(KERNELS))
        out.append(f'{" " * indent}{label:<{36 - indent}}{cells}')

    if ('2', 'ns_per_op') in med:
        out.append(f'  {count} pidfd_open() of one process, kept open:')
    row(4, 'dentries added', '2', 'dentries_added', ratios=False)
    row(4, 'inodes added', '2', 'inodes_added', ratios=False)
    row(4, 'slab bytes per pidfd', '2', 'slab_bytes_per_op')
    row(4, 'ns per pidfd_open()', '2', 'ns_per_op')
    row(2, 'pidfd_open()+close(), ns per pair', '3', 'ns_per_op')
    row(4, 'two threads at once', '6', 'ns_per_op')
    row(2, f'first pidfd of {children} children, ns', '4', 'ns_per_op')
    row(4, 'inodes added', '4', 'inodes_added', ratios=False)
    row(2, 'clone3+waitid+close, us per cycle', '5', 'ns_per_op', 1000)
    row(2, 'fork+exit+waitpid, no pidfd, us', '9', 'ns_per_op', 1000)
    if ('1', 'ns_per_op') in med:
        out.append(f'  {count} opens of /proc/self/ns/mnt:')
    row(4, 'ns per open', '1', 'ns_per_op')
    pair_row(4, 'dentries / inodes added', '1', ('dentries_added', 'inodes_added'))
    row(2, 'open+close of /proc/self/ns/*, ns', '8', 'ns_per_op')
    row(2, 'dup()+close(), ns (untouched)', '7a', 'ns_per_op')
    row(2, 'eventfd()+close(), ns', '7b', 'ns_per_op')
    row(2, 'PIDFD_GET_INFO, ns per ioctl', '10', 'ns_per_op')
    row(2, 'file handle, reopen, close, ns', '11', 'ns_per_op')
    print('\n'.join(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
