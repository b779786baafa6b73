#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Line coverage of module/*.c from gcov data (scripts/coverage.sh).

  coverage_report.py NAME=STAGE [NAME=STAGE...]

Each STAGE holds the sources one mdl.ko was built from, with module/*.gcno
and module/*.gcda beside the objects; NAME says which run it was (e.g.
"vmtest-debug", "kunit").  All stages are builds of the same sources: a
line or function counts as reached when any run reached it.

Prints the lines and functions reached per file, what each run reached on
its own, the functions never reached, and last:
"coverage: P% of N lines in module/".
"""
import glob
import json
import os
import subprocess
import sys


def gcov_json(stage, src):
    """The JSON record of gcov for one source file (counts 0 without data)."""
    out = subprocess.run(
        ["gcov", "--json-format", "--stdout", "-o", "module", src],
        cwd=stage, check=True, capture_output=True, text=True).stdout
    want = os.path.realpath(os.path.join(stage, src))
    for line in out.splitlines():
        if not line.strip():
            continue
        for f in json.loads(line)["files"]:
            path = f["file"]
            if not os.path.isabs(path):
                path = os.path.join(stage, path)
            if os.path.realpath(path) == want:
                return f
    return {"lines": [], "functions": []}


def gcno(src):
    """The notes file of SRC's object (none: not in that build of mdl.ko)."""
    return os.path.splitext(src)[0] + ".gcno"


def stage_counts(stage, src):
    """Line -> count and function (name, start line) -> count of one build."""
    rec = gcov_json(stage, src)
    lines = {}
    for ln in rec["lines"]:
        n = ln["line_number"]
        lines[n] = max(lines.get(n, 0), ln["count"])
    funcs = {}
    for f in rec["functions"]:
        key = (f["name"], f["start_line"])
        funcs[key] = max(funcs.get(key, 0), f["execution_count"])
    return lines, funcs


def merge(into, more):
    """Add the counts of MORE into INTO (keys of either)."""
    for k, v in more.items():
        into[k] = into.get(k, 0) + v


def pct(hit, total):
    return 100.0 * hit / total if total else 100.0


def main():
    runs = []
    for arg in sys.argv[1:]:
        name, sep, stage = arg.partition("=")
        if not sep or not name or not stage:
            sys.exit(__doc__)
        runs.append((name, stage))
    if not runs:
        sys.exit(__doc__)
    srcs = None
    for name, stage in runs:
        found = sorted(os.path.relpath(p, stage)
                       for p in glob.glob(os.path.join(stage, "module", "*.c")))
        if not found:
            sys.exit("no module/*.c in %s" % stage)
        if not glob.glob(os.path.join(stage, "module", "*.gcda")):
            sys.exit("no module/*.gcda in %s (%s): no coverage data" % (stage, name))
        srcs = found if srcs is None else sorted(set(srcs) | set(found))
    # Line numbers are merged: every build must be of the same sources.
    for src in srcs:
        texts = {}
        for name, stage in runs:
            path = os.path.join(stage, src)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    texts.setdefault(f.read(), []).append(name)
        if len(texts) > 1:
            sys.exit("%s differs between the builds of %s: the runs are not of the "
                     "same sources (was the tree changed during make coverage?)"
                     % (src, " and ".join(n for ns in texts.values() for n in ns)))
    # Sources of other modules (mdl_bench.ko) have notes in no build.
    unbuilt = [s for s in srcs
               if not any(os.path.exists(os.path.join(st, gcno(s))) for _, st in runs)]
    srcs = [s for s in srcs if s not in unbuilt]
    total = hit = 0
    run_hit = {name: 0 for name, _ in runs}
    never = []
    print("%-24s %13s %8s %11s" % ("file", "lines", "", "functions"))
    for src in srcs:
        lines, funcs = {}, {}
        for name, stage in runs:
            if not os.path.exists(os.path.join(stage, gcno(src))):
                continue
            l1, f1 = stage_counts(stage, src)
            merge(lines, l1)
            merge(funcs, f1)
            run_hit[name] += sum(1 for c in l1.values() if c > 0)
        # A function only one build compiled (a config difference) has a
        # line set of its own; lines are keyed by number, so both count.
        fhit = sum(1 for c in lines.values() if c > 0)
        freached = sum(1 for c in funcs.values() if c > 0)
        never += ["%s:%d %s" % (os.path.basename(src), line, fn)
                  for (fn, line), c in sorted(funcs.items(), key=lambda kv: kv[0][1])
                  if c == 0]
        total += len(lines)
        hit += fhit
        print("%-24s %6d/%-6d %7.1f%% %5d/%-5d" % (
            os.path.basename(src), fhit, len(lines), pct(fhit, len(lines)),
            freached, len(funcs)))
    if len(runs) > 1:
        for name, _ in runs:
            print("reached by %s alone: %.1f%% of %d lines" % (
                name, pct(run_hit[name], total), total))
    if unbuilt:
        print("not part of mdl.ko: " + " ".join(os.path.basename(s) for s in unbuilt))
    print("functions never reached (%d):" % len(never))
    for f in never:
        print("  " + f)
    print("coverage: %.1f%% of %d lines in module/" % (pct(hit, total), total))


if __name__ == "__main__":
    main()
