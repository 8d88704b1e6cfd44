#!/usr/bin/env python3
"""Validate a KCIDB JSON file against scripts/kcidb/schema.json (python3-jsonschema).

usage: validate.py FILE.json

Also checks what a schema cannot: every build names an existing checkout, every test an
existing build, and identifiers are unique. Exits 1 naming each problem (at most 20).
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit('kcidb-validate: python3-jsonschema is missing (apt-get install python3-jsonschema)')


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ('-h', '--help'):
        print(__doc__.strip().split('\n\n')[1])
        return 0 if len(sys.argv) == 2 else 2
    schema = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'schema.json')))
    try:
        data = json.load(open(sys.argv[1]))
    except (OSError, ValueError) as e:
        print(f'kcidb-validate: {sys.argv[1]}: {e}')
        return 1
    validator = jsonschema.Draft202012Validator(schema)
    problems = [f'{"/".join(map(str, e.absolute_path)) or "(top)"}: {e.message}'
                for e in validator.iter_errors(data)]
    ids = {}
    for kind in ('checkouts', 'builds', 'tests'):
        for obj in data.get(kind, []):
            if obj.get('id') in ids.setdefault(kind, set()):
                problems.append(f'{kind}: duplicate id {obj.get("id")}')
            ids[kind].add(obj.get('id'))
    for b in data.get('builds', []):
        if b.get('checkout_id') not in ids.get('checkouts', set()):
            problems.append(f'build {b.get("id")}: no checkout {b.get("checkout_id")}')
    for t in data.get('tests', []):
        if t.get('build_id') not in ids.get('builds', set()):
            problems.append(f'test {t.get("id")}: no build {t.get("build_id")}')
    for p in problems[:20]:
        print(f'kcidb-validate: {sys.argv[1]}: {p}')
    if problems:
        print(f'kcidb-validate: {len(problems)} problem(s)')
        return 1
    n = {k: len(data.get(k, [])) for k in ('checkouts', 'builds', 'tests')}
    print(f'kcidb-validate: {sys.argv[1]} is valid KCIDB v5 ({n["checkouts"]} checkouts, '
          f'{n["builds"]} builds, {n["tests"]} tests)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
