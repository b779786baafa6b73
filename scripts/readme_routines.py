#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# README.md's table of the WDK routines mdl.ko exports (between
# "<!-- routine table:" and "<!-- end of routine table -->"): every
# MDL_ROUTINE() of module/mdl_routines.h, with the one-line purpose its
# kernel-doc gives in doc/reference.md (make doc).
#
#   scripts/readme_routines.py          rewrite the table in README.md
#   scripts/readme_routines.py --check  fail when the table is not what the
#                                       two files give (userspace check)
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = '<!-- routine table:'
END = '<!-- end of routine table -->'


def read(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as f:
        return f.read()


def purpose(ref, name):
    """The first line of prose after the routine's heading and prototype."""
    try:
        i = ref.index('### `%s`' % name) + 1
    except ValueError:
        sys.exit('readme_routines: %s is not in doc/reference.md (make doc)'
                 % name)
    fence = False
    for line in ref[i:]:
        if line.startswith('```'):
            fence = not fence
        elif line.startswith('#'):
            break
        elif line.strip() and not fence:
            return line.strip()
    sys.exit('readme_routines: %s has no purpose line in doc/reference.md'
             % name)


def table():
    names = re.findall(r'^MDL_ROUTINE\((\w+)\)$', read('module/mdl_routines.h'),
                       re.M)
    if not names:
        sys.exit('readme_routines: no MDL_ROUTINE() in module/mdl_routines.h')
    ref = read('doc/reference.md').split('\n')
    rows = ['| routine | purpose |', '|---|---|']
    for n in names:
        rows.append('| [`%s`](doc/reference.md#%s) | %s |'
                    % (n, n.lower(), purpose(ref, n).replace('|', '\\|')))
    return rows


def main():
    lines = read('README.md').split('\n')
    try:
        b = next(i for i, l in enumerate(lines) if l.startswith(BEGIN))
        e = next(i for i, l in enumerate(lines) if l.startswith(END) and i > b)
    except StopIteration:
        sys.exit('readme_routines: README.md has no routine table block')
    rows = table()
    if sys.argv[1:] == ['--check']:
        if lines[b + 1:e] != rows:
            old, new = set(lines[b + 1:e]), set(rows)
            for r in sorted(old - new):
                print('- ' + r)
            for r in sorted(new - old):
                print('+ ' + r)
            sys.exit('readme_routines: README.md\'s routine table is stale '
                     '(refresh it: scripts/readme_routines.py)')
        print('[readme-routines] README.md lists all %d routines of '
              'module/mdl_routines.h' % (len(rows) - 2))
        return
    if sys.argv[1:]:
        sys.exit('usage: scripts/readme_routines.py [--check]')
    lines[b + 1:e] = rows
    with open(os.path.join(ROOT, 'README.md'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))
    print('[readme-routines] README.md: %d routines' % (len(rows) - 2))


if __name__ == '__main__':
    main()
