#!/usr/bin/env python3
"""Check an artifacts directory's LAVA job (scripts/artifacts.sh): lava-check.py DIR

lava-job.yaml must parse, be a QEMU job with deploy (tmpfs), boot (qemu) and test actions,
name a kernel and a ramdisk whose URLs end in files of DIR that SHA256SUMS vouches for,
pass the harness's command line (DIR/cmdline) with results on the console, and read the
results between the markers selftests/init writes. Exits 1 naming each problem.
"""
import hashlib
import os
import re
import sys

import yaml


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ('-h', '--help'):
        print(__doc__.strip().split('\n\n')[0])
        return 0 if len(sys.argv) == 2 else 2
    d = sys.argv[1]
    problems = []
    try:
        with open(os.path.join(d, 'lava-job.yaml')) as f:
            job = yaml.safe_load(f)
        sums = {}
        with open(os.path.join(d, 'SHA256SUMS')) as f:
            for line in f:
                digest, fname = line.split()
                sums[fname] = digest
        with open(os.path.join(d, 'cmdline')) as f:
            cmdline = ' '.join(f.read().split())
    except (OSError, ValueError, yaml.YAMLError) as e:
        print(f'lava-check: {d}: {e}')
        return 1

    if not isinstance(job, dict) or job.get('device_type') != 'qemu':
        problems.append('device_type is not qemu')
        job = job if isinstance(job, dict) else {}
    for key in ('job_name', 'timeouts', 'context', 'actions'):
        if key not in job:
            problems.append(f'no {key}')
    actions = {}
    for a in job.get('actions') or []:
        actions.update(a)
    deploy, boot, test = actions.get('deploy') or {}, actions.get('boot') or {}, actions.get('test') or {}
    if deploy.get('to') != 'tmpfs':
        problems.append('deploy is not to tmpfs')
    if boot.get('method') != 'qemu' or boot.get('media') != 'tmpfs':
        problems.append('boot is not method qemu, media tmpfs')
    if not boot.get('prompts'):
        problems.append('boot has no prompts')
    images = deploy.get('images') or {}
    for role, fname in (('kernel', 'bzImage'), ('ramdisk', 'initramfs.cpio.gz')):
        img = images.get(role) or {}
        url = img.get('url', '')
        base = url.rsplit('/', 1)[-1]
        if base != fname:
            problems.append(f'{role}: url {url!r} does not name {fname}')
            continue
        path = os.path.join(d, fname)
        if not os.path.isfile(path):
            problems.append(f'{role}: {path} does not exist')
            continue
        with open(path, 'rb') as f:
            if hashlib.sha256(f.read()).hexdigest() != sums.get(fname):
                problems.append(f'{role}: {fname} does not match SHA256SUMS')
        if f'{{{role}}}' not in img.get('image_arg', ''):
            problems.append(f'{role}: image_arg does not use {{{role}}}')
    kernel_arg = (images.get('kernel') or {}).get('image_arg', '')
    if cmdline not in kernel_arg:
        problems.append(f'the kernel command line lacks the harness one: {cmdline!r}')
    if 'harness.out=/dev/ttyS0' not in kernel_arg:
        problems.append('results are not sent to the console (harness.out=/dev/ttyS0)')
    monitors = test.get('monitors') or []
    if not monitors:
        problems.append('test has no monitors')
    for m in monitors:
        if m.get('start') != '### BEGIN kselftests' or m.get('end') != '### HARNESS-EXIT':
            problems.append(f'monitor {m.get("name")}: not between the markers selftests/init writes')
        try:
            pat = re.compile(m.get('pattern', ''))
            hit = pat.search('not ok 3 pidfs:pidfs_test # exit=1')
            nested = pat.search('    ok 1 nested subtest')
            if not hit or hit.group('result') != 'not ok' or not hit.group('test_case_id').startswith('pidfs:'):
                problems.append(f'monitor {m.get("name")}: pattern misreads a KTAP "not ok" line')
            if nested:
                problems.append(f'monitor {m.get("name")}: pattern takes an indented subtest line as a test')
        except (re.error, IndexError) as e:
            problems.append(f'monitor {m.get("name")}: pattern: {e}')
    for p in problems[:20]:
        print(f'lava-check: {d}: {p}')
    if problems:
        return 1
    print(f'lava-check: {d}/lava-job.yaml: a QEMU job naming bzImage and initramfs.cpio.gz '
          f'({len(sums)} files in SHA256SUMS)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
