#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the reStructuredText that scripts/kernel-doc -rst prints into Markdown.

Usage: doc_md.py TITLE < kernel-doc.rst > section.md

Each documented function, structure, union, enum or type becomes a level-3
heading with its prototype or definition as a C block; parameters and
members become a list; the other sections (Description, Context, Return,
...) keep their text.  Only what kernel-doc itself writes is understood.
"""
import re
import sys

DIRECTIVE = re.compile(r'^\.\. c:(function|struct|union|enum|type|macro):: (.*)$')
ROLE = re.compile(r':c:[a-z]+:`([^`<]*?)(?: <[^>]*>)?`')


def inline(text):
    """reST inline markup of kernel-doc to Markdown."""
    text = ROLE.sub(r'`\1`', text)
    text = text.replace('``', '`')
    return re.sub(r'\\(.)', r'\1', text)


def name_of(kind, decl):
    if kind == 'function':
        m = re.search(r'(\w+)\s*\(', decl)
        return m.group(1) if m else decl
    return decl.split()[-1]


def convert(lines, out):
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        m = DIRECTIVE.match(line)
        if m:
            kind, decl = m.groups()
            out.append('### `%s`' % name_of(kind, decl))
            out.append('')
            if kind == 'function':
                out += ['```c', re.sub(r'\s+\(', '(', decl) + ';', '```', '']
            i += 1
            continue
        if line.startswith('.. container::') or line.startswith('.. '):
            i += 1
            continue
        stripped = line.strip()
        if stripped.endswith('**::'):		# **Definition**:: and a literal block
            out.append(stripped[:-2])
            out += ['', '```c']
            i += 1
            while i < n and not lines[i].strip():
                i += 1
            while i < n and (not lines[i].strip() or lines[i].startswith('    ')):
                out.append(lines[i][4:].rstrip())
                i += 1
            while out[-1] == '':
                out.pop()
            out += ['```', '']
            continue
        m = re.match(r'^  ``(.+)``$', line)
        if m and i + 1 < n and lines[i + 1].startswith('    '):
            desc = []
            i += 1
            while i < n and lines[i].startswith('    '):
                desc.append(lines[i].strip())
                i += 1
            out.append('- `%s`: %s' % (m.group(1), inline(' '.join(desc))))
            continue
        if not stripped:
            if out and out[-1] != '':
                out.append('')
        else:
            out.append(inline(stripped))
        i += 1


def main():
    out = ['## %s' % sys.argv[1], '']
    convert(sys.stdin.read().split('\n'), out)
    # The items of a list follow each other without blank lines.
    text = re.sub(r'(?m)^(- .*)\n\n(?=- )', r'\1\n', '\n'.join(out))
    text = re.sub(r'\n{3,}', '\n\n', text).rstrip('\n') + '\n'
    sys.stdout.write(text)


main()
