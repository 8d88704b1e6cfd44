#!/usr/bin/env python3
"""Where the instructions of traced calls go: a function_graph trace, per kind of call.

usage: trace-report.py TRACE...

Each TRACE is the function_graph output of one kernel (scripts/bench-trace.sh; its label is
the file name without .trace). Top-level calls are grouped by kind: the set of call paths
below them (a first pidfd_open() of a process and a later one take different paths). For
each kind: how many calls, and the median duration of the call and of every callee path
(summed when a path is called more than once in one call). Under -icount shift=0 a
microsecond of the trace is 1000 instructions; the figures are printed in instructions.
"""
import os
import re
import statistics
import sys

LINE = re.compile(r'^\s*\d+\)\s+(?:[+!#*@$]\s*)?(?:([\d.]+) us\s+)?\|(\s*)(.*?)\s*$')


def parse(path):
    """Top-level calls: list of (name, duration, {path: summed duration})."""
    calls, stack = [], []

    def close(name, dur):
        node = stack.pop()
        if name and node['name'] != name:
            sys.exit(f'trace-report: {path}: "}}" of {name} closes {node["name"]}')
        node['dur'] = dur
        finish(node)

    def finish(node):
        if stack:
            stack[-1]['kids'].append(node)
        else:
            paths = {}
            walk(node, '', paths)
            calls.append((node['name'], node['dur'], paths))

    def walk(node, prefix, paths):
        for kid in node['kids']:
            p = prefix + '/' + kid['name'] if prefix else kid['name']
            paths[p] = paths.get(p, 0) + kid['dur']
            walk(kid, p, paths)

    with open(path, errors='replace') as f:
        for raw in f:
            m = LINE.match(raw)
            if not m:
                continue
            dur = float(m.group(1)) * 1000 if m.group(1) else None
            body = m.group(3)
            if body.endswith('{'):
                stack.append({'name': body[:-1].strip().rstrip('()'), 'kids': [], 'dur': None})
            elif body.startswith('}'):
                if not stack:
                    continue  # a call that began before tracing was switched on
                c = re.search(r'/\* (\S+) \*/', body)
                close(c.group(1) if c else None, dur)
            elif body.endswith(');') and dur is not None:
                node = {'name': body[:-2].strip().rstrip('('), 'kids': [], 'dur': dur}
                finish(node)
    return calls


def report(path):
    label = os.path.basename(path).rsplit('.', 1)[0]
    calls = parse(path)
    kinds = {}
    for name, dur, paths in calls:
        kinds.setdefault((name, tuple(sorted(paths))), []).append((dur, paths))
    out = [f'{label}: {len(calls)} traced calls, {len(kinds)} kind(s)']
    for n, ((name, _), members) in enumerate(sorted(kinds.items(), key=lambda kv: -len(kv[1])), 1):
        total = statistics.median(d for d, _ in members)
        out.append(f'  kind {n}: {len(members)} call(s) of {name}, median {total:.0f} instructions')
        for p in members[0][1]:  # in the order of the first call's graph
            depth = p.count('/')
            med = statistics.median(paths[p] for _, paths in members)
            out.append(f'    {"  " * depth}{p.rsplit("/", 1)[-1]:<{44 - 2 * depth}}{med:>9.0f}')
    return out


def main():
    args = sys.argv[1:]
    if not args or args[0] in ('-h', '--help'):
        print(__doc__.strip().split('\n\n')[1])
        return 0 if args else 2
    for path in args:
        print('\n'.join(report(path)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
