#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Line coverage of module/*.c from gcov data (scripts/coverage.sh).

  coverage_report.py STAGE    STAGE holds the sources mdl.ko was built from,
                              with module/*.gcno and module/*.gcda beside
                              the objects

Prints the lines and functions reached per file, the functions never
reached, and last: "coverage: P% of N lines in module/".
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


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    stage = sys.argv[1]
    srcs = sorted(os.path.relpath(p, stage)
                  for p in glob.glob(os.path.join(stage, "module", "*.c")))
    if not srcs:
        sys.exit("no module/*.c in %s" % stage)
    if not glob.glob(os.path.join(stage, "module", "*.gcda")):
        sys.exit("no module/*.gcda in %s: no coverage data" % stage)
    total = hit = 0
    never = []
    print("%-24s %13s %8s %11s" % ("file", "lines", "", "functions"))
    for src in srcs:
        rec = gcov_json(stage, src)
        counts = {}
        for ln in rec["lines"]:
            n = ln["line_number"]
            counts[n] = max(counts.get(n, 0), ln["count"])
        fhit = sum(1 for c in counts.values() if c > 0)
        funcs = rec["functions"]
        freached = sum(1 for f in funcs if f["execution_count"] > 0)
        never += ["%s:%d %s" % (os.path.basename(src), f["start_line"], f["name"])
                  for f in sorted(funcs, key=lambda f: f["start_line"])
                  if f["execution_count"] == 0]
        total += len(counts)
        hit += fhit
        pct = 100.0 * fhit / len(counts) if counts else 100.0
        print("%-24s %6d/%-6d %7.1f%% %5d/%-5d" % (
            os.path.basename(src), fhit, len(counts), pct, freached, len(funcs)))
    print("functions never reached (%d):" % len(never))
    for f in never:
        print("  " + f)
    pct = 100.0 * hit / total if total else 0.0
    print("coverage: %.1f%% of %d lines in module/" % (pct, total))


if __name__ == "__main__":
    main()
