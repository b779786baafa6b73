#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# README.md's generated tables:
#   - the WDK routines mdl.ko exports (between "<!-- routine table:" and
#     "<!-- end of routine table -->"): every MDL_ROUTINE() of
#     module/mdl_routines.h, with the one-line purpose its kernel-doc gives
#     in doc/reference.md (make doc);
#   - the benchmark goals (between "<!-- bench table:" and "<!-- end of
#     bench table -->"): the goals table of userspace/bench/results/summary.md
#     (make bench), the worst case per goal and kernel, without its limits.
#
#   scripts/readme_tables.py          rewrite the tables in README.md
#   scripts/readme_tables.py --check  fail when a table is not what its
#                                     sources give (userspace check)
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as f:
        return f.read()


def purpose(ref, name):
    """The first line of prose after the routine's heading and prototype."""
    try:
        i = ref.index('### `%s`' % name) + 1
    except ValueError:
        sys.exit('readme_tables: %s is not in doc/reference.md (make doc)'
                 % name)
    fence = False
    for line in ref[i:]:
        if line.startswith('```'):
            fence = not fence
        elif line.startswith('#'):
            break
        elif line.strip() and not fence:
            return line.strip()
    sys.exit('readme_tables: %s has no purpose line in doc/reference.md'
             % name)


def routine_table():
    names = re.findall(r'^MDL_ROUTINE\((\w+)\)$', read('module/mdl_routines.h'),
                       re.M)
    if not names:
        sys.exit('readme_tables: no MDL_ROUTINE() in module/mdl_routines.h')
    ref = read('doc/reference.md').split('\n')
    rows = ['| routine | purpose |', '|---|---|']
    for n in names:
        rows.append('| [`%s`](doc/reference.md#%s) | %s |'
                    % (n, n.lower(), purpose(ref, n).replace('|', '\\|')))
    return rows


def cells(row):
    return [c.strip() for c in row.strip().strip('|').split('|')]


def bench_table():
    """summary.md's goals table: kernels as major.minor, no limits."""
    lines = read('userspace/bench/results/summary.md').split('\n')
    try:
        i = next(i for i, l in enumerate(lines) if l.startswith('### Goals'))
    except StopIteration:
        sys.exit('readme_tables: no goals table in '
                 'userspace/bench/results/summary.md')
    head = cells(lines[i + 1])
    rows = ['| goal | %s |' % ' | '.join(
                '.'.join(k.split('.')[:2]) for k in head[1:]),
            '|---' * len(head) + '|']
    for line in lines[i + 3:]:
        if not line.startswith('|'):
            break
        c = cells(line)
        rows.append('| %s | %s |' % (c[0], ' | '.join(
            re.sub(r' \([^)]*\)', '', k).replace(': worst ', ': ')
            for k in c[1:])))
    if len(rows) < 3:
        sys.exit('readme_tables: the goals table of summary.md is empty')
    return rows


TABLES = [('routine', routine_table,
           'exported WDK routines of module/mdl_routines.h'),
          ('bench', bench_table,
           'goals of userspace/bench/results/summary.md')]


def main():
    check = sys.argv[1:] == ['--check']
    if sys.argv[1:] and not check:
        sys.exit('usage: scripts/readme_tables.py [--check]')
    lines = read('README.md').split('\n')
    stale = False
    for name, make, what in TABLES:
        begin = '<!-- %s table:' % name
        end = '<!-- end of %s table -->' % name
        try:
            b = next(i for i, l in enumerate(lines) if l.startswith(begin))
            e = next(i for i, l in enumerate(lines)
                     if l.startswith(end) and i > b)
        except StopIteration:
            sys.exit('readme_tables: README.md has no %s table block' % name)
        rows = make()
        if not check:
            lines[b + 1:e] = rows
        elif lines[b + 1:e] != rows:
            old, new = set(lines[b + 1:e]), set(rows)
            for r in sorted(old - new):
                print('- ' + r)
            for r in sorted(new - old):
                print('+ ' + r)
            print('readme_tables: README.md\'s %s table is stale' % name)
            stale = True
        print('[readme-tables] README.md: %d %s'
              % (len(rows) - 2, what))
    if stale:
        sys.exit('readme_tables: refresh README.md: scripts/readme_tables.py')
    if not check:
        with open(os.path.join(ROOT, 'README.md'), 'w',
                  encoding='utf-8') as f:
            f.write('\n'.join(lines))


if __name__ == '__main__':
    main()
