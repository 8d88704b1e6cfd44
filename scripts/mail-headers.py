#!/usr/bin/env python3
"""Put To: and Cc: headers into a git format-patch mail: mail-headers.py MAIL TO_FILE CC_FILE.

TO_FILE and CC_FILE hold one address per line (get_maintainer.pl output). The headers go
right after Subject:, folded one address per line as git format-patch does."""
import sys


def fold(name, addrs):
    if not addrs:
        return ''
    return name + ': ' + ',\n    '.join(addrs) + '\n'


def main():
    if len(sys.argv) != 4 or sys.argv[1] in ('-h', '--help'):
        print('usage: mail-headers.py MAIL TO_FILE CC_FILE', file=sys.stderr)
        sys.exit(0 if sys.argv[1:2] in (['-h'], ['--help']) else 2)
    mail, to_file, cc_file = sys.argv[1:4]
    to = [a.strip() for a in open(to_file) if a.strip()]
    cc = [a.strip() for a in open(cc_file) if a.strip() and a.strip() not in to]
    lines = open(mail).read().split('\n')
    out, done = [], False
    i = 0
    while i < len(lines):
        out.append(lines[i])
        if not done and lines[i].startswith('Subject: '):
            # a folded subject continues on indented lines
            while i + 1 < len(lines) and lines[i + 1].startswith((' ', '\t')):
                i += 1
                out.append(lines[i])
            out.append((fold('To', to) + fold('Cc', cc)).rstrip('\n'))
            done = True
        i += 1
    if not done:
        sys.exit(f'mail-headers: no Subject: in {mail}')
    open(mail, 'w').write('\n'.join(out))


if __name__ == '__main__':
    main()
