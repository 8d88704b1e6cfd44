#!/usr/bin/env python3
"""Check a guest run's cases against its committed manifest.

usage: manifest-check.py MANIFEST RUN_DIR
       manifest-check.py --write RUN_DIR   (prints a manifest of what RUN_DIR reported)

MANIFEST lines (tab-separated; '#' starts a comment line):
    CASE<TAB>pass                 the case must run and pass
    CASE<TAB>skip<TAB>REASON      the case must run and may skip (REASON is required)
    CASE<TAB>fail<TAB>REASON      the case must run and fail (a run on the base kernel)
CASE is the case name without the run prefix, as in RUN_DIR/cases.tsv. A CASE ending in
'*' is a family of cases (the stress and fail-nth campaigns name theirs by count): at least
one case must match it, each with the given result. A CASE 'section NAME' is a guest step of
RUN_DIR/sections: unlisted, or listed as pass, it must exit with rc=0; listed as fail (the
base run, whose kselftests fail by design) it must exit non-zero.

Fails (exit 1) and names the case for: a case missing from the run, a result the manifest
does not allow (an unexpected skip included), a case the manifest does not list, and a
section of RUN_DIR/sections whose exit code says it failed. Appends one row per problem, or
one passing row, to RUN_DIR/cases.tsv, and prints them.
"""
import fnmatch
import os
import sys


def load_manifest(path):
    exact, families = {}, []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            cols = line.split('\t')
            case, want = cols[0], cols[1] if len(cols) > 1 else ''
            reason = cols[2] if len(cols) > 2 else ''
            if want not in ('pass', 'skip', 'fail') or (want != 'pass' and not reason):
                sys.exit(f'manifest-check: {path}:{n}: want CASE<TAB>pass or CASE<TAB>skip|fail<TAB>REASON')
            if case.endswith('*'):
                families.append([case, want, 0])
            else:
                exact[case] = want
    return exact, families


def write(res):
    """A manifest of the run as it is: review it before committing (every skip's reason is
    the test's own; a family needs its '*' by hand)."""
    run = os.path.basename(os.path.normpath(res))
    print(f'# Cases of the {run} run: CASE<TAB>pass, or CASE<TAB>skip|fail<TAB>REASON.')
    for line in open(os.path.join(res, 'cases.tsv')):
        cols = line.rstrip('\n').split('\t')
        if not cols[0].startswith(run + '/') or cols[0].startswith(run + '/manifest'):
            continue
        case, result = cols[0][len(run) + 1:], cols[1]
        reason = cols[2] if len(cols) > 2 and cols[2] else 'as reported'
        print(f'{case}\tpass' if result == 'pass' else f'{case}\t{result}\t{reason}')
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--write':
        return write(sys.argv[2])
    if len(sys.argv) != 3 or sys.argv[1] in ('-h', '--help'):
        print(__doc__.strip().split('\n\n')[1])
        return 0 if len(sys.argv) == 2 else 2
    manifest, res = sys.argv[1], sys.argv[2]
    run = os.path.basename(os.path.normpath(res))
    exact, families = load_manifest(manifest)
    problems, seen = [], set()
    try:
        rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(res, 'cases.tsv')) if l.strip()]
    except OSError as e:
        rows = []
        problems.append(('(cases)', f'no cases.tsv: {e.strerror}'))
    prefix = run + '/'
    for cols in rows:
        name, result = cols[0], cols[1] if len(cols) > 1 else ''
        if not name.startswith(prefix) or name.startswith(prefix + 'manifest'):
            continue
        case = name[len(prefix):]
        if case in exact:
            seen.add(case)
            if result != exact[case]:
                problems.append((case, f'{result}, the manifest wants {exact[case]}'))
            continue
        fam = next((f for f in families if fnmatch.fnmatchcase(case, f[0])), None)
        if fam:
            fam[2] += 1
            if result != fam[1]:
                problems.append((case, f'{result}, the manifest wants {fam[1]} ({fam[0]})'))
            continue
        problems.append((case, f'{result}, not in the manifest'))
    steps = []
    try:
        for line in open(os.path.join(res, 'sections')):
            section, _, rc = line.strip().partition(' ')
            key = f'section {section}'
            want = exact.get(key, 'pass')
            seen.add(key)
            if want == 'fail' and rc == 'rc=0':
                steps.append((key, 'the guest step exited with rc=0, the manifest wants it to fail'))
            elif want != 'fail' and rc and rc != 'rc=0':
                steps.append((key, f'the guest step exited with {rc}'))
    except OSError:
        steps.append(('(sections)', 'the guest reported no sections'))

    for case in sorted(set(exact) - seen):
        problems.append((case, 'did not run (missing)'))
    for pattern, _, count in families:
        if not count:
            problems.append((pattern, 'no case of this family ran'))
    problems += steps

    out = []
    for case, why in problems:
        out.append(f'{run}/manifest: {case}\tfail\t{why}')
    if not problems:
        out.append(f'{run}/manifest: {len(exact)} cases and {len(families)} families as listed\tpass\t')
    with open(os.path.join(res, 'cases.tsv'), 'a') as f:
        f.write('\n'.join(out) + '\n')
    for line in out:
        print(line.replace('\t', '  '))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
