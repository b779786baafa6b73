#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tables, ratios, goals and plots of `make bench` (scripts/bench.sh).

  bench_report.py csv KVER SERIAL_LOG     CSV of one guest run on stdout
  bench_report.py report OUTDIR KVER...   table + goals; OUTDIR/<kver>.png,
                                          OUTDIR/summary.md

Every timing is ns per 4 KiB page: median of the runs, with min and max.
Ratios are mdl / peer of the medians, measured in the same boot.
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

FIELDS = ["kernel", "group", "variant", "thp", "bytes", "size", "runs",
          "median", "min", "max", "unit", "note"]


def size_name(b):
    b = int(b)
    if b >= 1 << 30 and b % (1 << 30) == 0:
        return "%dG" % (b >> 30)
    if b >= 1 << 20 and b % (1 << 20) == 0:
        return "%dM" % (b >> 20)
    if b < 1 << 10 or b % (1 << 10):
        return "%dB" % b
    return "%dK" % (b >> 10)


def cmd_csv(kver, log):
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(FIELDS)
    with open(log, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            p = line.split(",")
            if p[0] == "MDLB" and len(p) == 10:
                w.writerow([kver, p[1], p[2], p[3], p[4], size_name(p[4]),
                            p[5], p[6], p[7], p[8], p[9], ""])
            elif p[0] == "MDLB-SKIP" and len(p) >= 6:
                w.writerow([kver, p[1], p[2], p[3], p[4], size_name(p[4]),
                            0, "", "", "", "", ",".join(p[5:])])
            elif p[0] == "MDLB-INFO" and len(p) >= 3:
                w.writerow([kver, "info", p[1], "", "", "", "", "", "", "",
                            "", ",".join(p[2:])])


def load(outdir, kver):
    rows = []
    with open(os.path.join(outdir, kver + ".csv")) as f:
        for r in csv.DictReader(f):
            rows.append(r)
    return rows


class Results:
    def __init__(self, rows):
        self.rows = rows
        self.m = {}
        for r in rows:
            if r["group"] != "info" and r["median"]:
                key = (r["group"], r["variant"], r["thp"], int(r["bytes"]))
                self.m[key] = (float(r["median"]), float(r["min"]),
                               float(r["max"]), int(r["runs"]))

    def get(self, g, v, thp, b):
        return self.m.get((g, v, thp, b))

    def med(self, g, v, thp, b):
        x = self.get(g, v, thp, b)
        return x[0] if x else None

    def sizes(self, g, thp=None):
        return sorted({k[3] for k in self.m if k[0] == g and
                       (thp is None or k[2] == thp)})

    def thps(self, g):
        order = {"on": 0, "off": 1}
        return sorted({k[2] for k in self.m if k[0] == g},
                      key=lambda t: order.get(t, 2))

    def skips(self):
        return [r for r in self.rows if r["group"] != "info" and
                r["runs"] == "0"]

    def infos(self, key):
        return [r["note"] for r in self.rows if r["group"] == "info" and
                r["variant"] == key]


def fmt(x):
    if x is None:
        return "-"
    if x >= 1000:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    return "%.2f" % x


def cell(x):
    if not x:
        return "n/a"
    if x[3] == 1:
        return "%s (1 run)" % fmt(x[0])
    return "%s [%s-%s]%s" % (fmt(x[0]), fmt(x[1]), fmt(x[2]),
                             "" if x[3] >= 5 else " (%d runs)" % x[3])


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def rtxt(r):
    return "n/a" if r is None else "%.2fx" % r


def table(title, header, rows, out):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows
              else len(str(h)) for i, h in enumerate(header)]
    out.append("")
    out.append(title)
    out.append("| " + " | ".join(str(h).ljust(w) for h, w in
                                 zip(header, widths)) + " |")
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        out.append("| " + " | ".join(str(c).ljust(w) for c, w in
                                     zip(r, widths)) + " |")


LOCK_V = ["mdl", "mdl_handle", "io_uring", "mlock", "pin", "mdl_core", "pin_conv",
          "eventfd"]


def kernel_tables(kver, R, out):
    out.append("")
    out.append("### Kernel %s" % kver)
    out.append("")
    out.append("ns per 4 KiB page, median [min-max] of %s runs; ratio = mdl / peer."
               % (", ".join(sorted({str(v[3]) for v in R.m.values()})) or "?"))
    rows = []
    for thp in R.thps("lock"):
        for b in R.sizes("lock", thp):
            g = lambda v: R.get("lock", v, thp, b)
            rows.append([size_name(b), thp] + [cell(g(v)) for v in LOCK_V] +
                        [rtxt(ratio(R.med("lock", "mdl", thp, b),
                                    R.med("lock", "io_uring", thp, b))),
                         rtxt(ratio(R.med("lock", "mdl_handle", thp, b),
                                    R.med("lock", "io_uring", thp, b))),
                         rtxt(ratio(R.med("lock", "mdl", thp, b),
                                    R.med("lock", "pin", thp, b)))])
    table("Pairs 1 and 6: lock + unlock (mdl = /dev/mdl LOCK_USER + close; "
          "mdl_handle = LOCK_USER with MDL_LOCK_HANDLE + MDL_IOC_UNLOCK, no fd: "
          "a handle in a table of the /dev/mdl open file, as io_uring's buffers "
          "are in its ring; "
          "pin = bare pin_user_pages_fast + unpin_user_pages in the kernel; "
          "mdl_core = IoAllocateMdl + MmProbeAndLockPages + MmUnlockPages + IoFreeMdl "
          "in the kernel; pin_conv = pin + mdl's PFN conversions + dirty unpin; "
          "eventfd = eventfd() + close, the floor of an fd per lock)",
          ["size", "THP"] + LOCK_V + ["mdl/io_uring", "handle/io_uring", "mdl/pin"],
          rows, out)

    phases = ["mdl.lock_ioctl", "mdl.close_unlock", "pin.pin", "pin.unpin",
              "mdl_core.alloc", "mdl_core.probe_and_lock", "mdl_core.unlock",
              "mdl_core.free", "pin_conv.page_to_pfn",
              "pin_conv.pfn_page_roundtrip", "pin_conv.unpin_dirty_lock"]
    rows = []
    for thp in R.thps("split"):
        for b in R.sizes("split", thp):
            rows.append([size_name(b), thp] +
                        [fmt(R.med("split", v, thp, b)) for v in phases])
    if rows:
        table("Where the time goes: medians in ns/page. mdl.* timed in user space "
              "around the ioctl and the close (a pass of its own); the rest inside the kernel "
              "(mdl_bench.ko): pin = pin_user_pages_fast / unpin_user_pages; "
              "mdl_core = what /dev/mdl does per 1 GiB slice; pin_conv = the "
              "struct page <-> PFN passes MmProbeAndLockPages / MmUnlockPages add",
              ["size", "THP", "mdl ioctl", "mdl close", "pin", "unpin",
               "core alloc", "core lock", "core unlock", "core free",
               "page_to_pfn", "pfn<->page", "unpin dirty"], rows, out)

    rows = []
    for thp in R.thps("share"):
        for b in R.sizes("share", thp):
            for v in ["mdl", "memfd", "udmabuf"]:
                if R.get("share", v, thp, b):
                    rows.append([size_name(b), thp, v, fmt(R.med("share", v, thp, b))] +
                                [fmt(R.med("split", "%s.%s" % (v, ph), thp, b))
                                 for ph in ("a_create", "b_mmap", "b_touch")])
    if rows:
        table("Pair 3 split (ns/page): A's work before sending (mdl: LOCK_USER; "
              "udmabuf: UDMABUF_CREATE), B's mmap, B touching every page",
              ["size", "THP", "variant", "total", "A create", "B mmap", "B touch"],
              rows, out)

    rows = []
    for g, vs, pairname in (("pfn", ["mdl", "pagemap"], "2: PFNs"),
                            ("share", ["mdl", "memfd", "udmabuf"], "3: share A->B"),
                            ("bw", ["mdl_map", "private"], "4: read (memcpy)"),
                            ("pread", ["mdl", "memfd"], "5: pread")):
        for thp in R.thps(g):
            for b in R.sizes(g, thp):
                m = R.med(g, vs[0], thp, b)
                rows.append([pairname, size_name(b), thp] +
                            ["%s %s" % (v, cell(R.get(g, v, thp, b))) for v in vs] +
                            ["; ".join("%s/%s %s" % (vs[0], v, rtxt(ratio(m, R.med(g, v, thp, b))))
                                       for v in vs[1:]) +
                             ("" if len(vs) > 2 else "")])
    for r in rows:
        while len(r) < 7:
            r.insert(5, "")
    table("Pairs 2 to 5 (ns/page)",
          ["pair", "size", "THP", "mdl", "peer", "peer 2", "ratios"], rows, out)

    rows = []
    for thp in R.thps("mem"):
        for b in R.sizes("mem", thp):
            rows.append([size_name(b), thp, cell(R.get("mem", "mdl", thp, b)),
                         cell(R.get("mem", "mdl_total", thp, b)),
                         fmt(R.med("mem", "mdl_slab", thp, b)),
                         fmt(R.med("mem", "mdl_vmalloc", thp, b)),
                         fmt(R.med("mem", "mdl_memfree", thp, b))])
    if rows:
        table("Pair 7: kernel memory of a live MDL fd (Slab + VmallocUsed + debugfs array_pages delta "
              "while locked, per-CPU counters folded)",
              ["size", "THP", "bytes/page", "bytes total", "of which slab B/page",
               "vmalloc B/page", "MemFree drop B/page"], rows, out)
    rows = []
    for b in R.sizes("pool"):
        rows.append([size_name(b), cell(R.get("pool", "mdl", "-", b)),
                     cell(R.get("pool", "kmalloc", "-", b)),
                     rtxt(ratio(R.med("pool", "mdl", "-", b),
                                R.med("pool", "kmalloc", "-", b))),
                     fmt(R.med("poolmem", "mdl", "-", b)),
                     fmt(R.med("poolmem", "kmalloc", "-", b))])
    if rows:
        table("Pair 8: ExAllocatePoolWithTag + ExFreePool against kmalloc + kfree "
              "(ns per allocation + free, 64 live at a time, in the kernel; bytes per "
              "allocation with up to 16 MiB live: the arena's pages and descriptors, "
              "kmalloc's ksize)",
              ["size", "pool ns", "kmalloc ns", "pool/kmalloc", "pool B/alloc",
               "kmalloc B/alloc"], rows, out)
    rows = []
    for g, mode in (("dma", "direct"), ("dma_iommu", "IOMMU")):
        for thp in R.thps(g):
            for b in R.sizes(g, thp):
                rows.append([mode, size_name(b), thp, cell(R.get(g, "mdl", thp, b)),
                             cell(R.get(g, "bare", thp, b)),
                             rtxt(ratio(R.med(g, "mdl", thp, b), R.med(g, "bare", thp, b))),
                             fmt(R.med(g, "mdl_first", thp, b)),
                             fmt(R.med(g, "bare_first", thp, b))])
    if rows:
        table("Pair 9: GetScatterGatherList + PutScatterGatherList of a locked MDL against "
              "dma_map_sgtable + dma_unmap_sgtable of the same pages (ns/page, in the kernel, "
              "QEMU's edu PCI device; direct = device address is the physical address; "
              "first = a lock's first mapping: the adapter fills the lock's entries, the "
              "bare side builds its sg_table)",
              ["addresses", "size", "THP", "adapter", "dma_map_sgtable", "ratio",
               "adapter first", "bare first"], rows, out)
    sk = R.skips()
    if sk:
        out.append("")
        out.append("Not measured:")
        notes = {}
        for r in sk:
            notes.setdefault(r["note"], []).append(
                "%s/%s %s THP %s" % (r["group"], r["variant"], r["size"], r["thp"]))
        for note, cases in notes.items():
            out.append("- %s: %s" % (note, ", ".join(cases)))
    for n in R.infos("budget"):
        out.append("- time budget: %s" % n)


def goals(kver, R):
    """[(goal, PASS/MISS/n/a, detail)]"""
    res = []

    def worst(pairs, limit, le=True):
        vals = [(r, d) for r, d in pairs if r is not None]
        if not vals:
            return "n/a", "not measured"
        w = max(vals) if le else min(vals)
        ok = all((r <= limit) if le else (r >= limit) for r, _ in vals)
        return ("PASS" if ok else "MISS"), "worst %.2fx at %s (limit %s%.2fx)" % (
            w[0], w[1], "<=" if le else ">=", limit)

    # Against io_uring: handle locks, like for like (io_uring's buffers are
    # in a table of the ring, with no fd each); fd locks for results from
    # before mdl_handle (no row of it, measured or skipped).
    hv = "mdl_handle" if any(r["group"] == "lock" and r["variant"] == "mdl_handle"
                             for r in R.rows) else "mdl"
    pu, pp = [], []
    for thp in R.thps("lock"):
        for b in R.sizes("lock", thp):
            m = R.med("lock", "mdl", thp, b)
            pu.append((ratio(R.med("lock", hv, thp, b), R.med("lock", "io_uring", thp, b)),
                       "%s THP %s" % (size_name(b), thp)))
            if b >= 1 << 20:
                pp.append((ratio(m, R.med("lock", "pin", thp, b)),
                           "%s THP %s" % (size_name(b), thp)))
    st, d = worst(pu, 1.0)
    if hv == "mdl":
        d += "; fd locks: no mdl_handle results"
    res.append(("lock+unlock <= 1.0x io_uring registration (handle locks, 4 KiB to 8 GiB)",
                st, d))
    res.append(("lock+unlock <= 1.2x bare pin_user_pages_fast (1 MiB and up)",) + worst(pp, 1.2))
    fx = []
    for thp in R.thps("lock"):
        m, e, p = (R.med("lock", v, thp, 4096) for v in ("mdl", "eventfd", "pin"))
        if e is not None and p is not None:
            fx.append((ratio(m, e + p), "4K THP %s (eventfd+close %s, pin %s ns)" %
                       (thp, fmt(e), fmt(p))))
    res.append(("4 KiB lock+close <= 1.5x eventfd create+close + one bare pin",) +
               worst(fx, 1.5))
    pf = []
    for thp in R.thps("pfn"):
        for b in R.sizes("pfn", thp):
            pf.append((ratio(R.med("pfn", "pagemap", thp, b), R.med("pfn", "mdl", thp, b)),
                       "%s THP %s" % (size_name(b), thp)))
    st, d = worst(pf, 10.0, le=False)
    res.append(("PFN query >= 10x faster than pagemap (pagemap/mdl)", st, d))
    sm, su = [], []
    for thp in R.thps("share"):
        for b in R.sizes("share", thp):
            m = R.med("share", "mdl", thp, b)
            sm.append((ratio(m, R.med("share", "memfd", thp, b)), "%s THP %s" % (size_name(b), thp)))
            su.append((ratio(m, R.med("share", "udmabuf", thp, b)), "%s THP %s" % (size_name(b), thp)))
    res.append(("sharing <= 0.8x memfd + SCM_RIGHTS + MAP_POPULATE",) + worst(sm, 0.8))
    st, d = worst(su, 1.0)
    if st == "n/a":
        d = "no udmabuf in this kernel"
    res.append(("sharing <= 1.0x udmabuf", st, d))
    bw = []
    for thp in R.thps("bw"):
        for b in R.sizes("bw", thp):
            bw.append((ratio(R.med("bw", "private", thp, b), R.med("bw", "mdl_map", thp, b)),
                       "%s THP %s" % (size_name(b), thp)))
    st, d = worst(bw, 0.97, le=False)
    res.append(("shared-mapping read bandwidth >= 0.97x private memcpy", st, d))
    lin = []
    for thp in R.thps("lock"):
        vals = [(b, R.med("lock", "mdl", thp, b)) for b in R.sizes("lock", thp)
                if b >= 64 << 20 and R.med("lock", "mdl", thp, b)]
        # Linear = no growth of the cost per page with size: compare every
        # larger size with every smaller one (64 MiB and up).
        for i, (b1, v1) in enumerate(vals):
            for b2, v2 in vals[i + 1:]:
                lin.append((v2 / v1, "THP %s, %s vs %s" % (thp, size_name(b2),
                                                         size_name(b1))))
    st, d = worst(lin, 1.3)
    res.append(("cost linear in size (ns/page growth, 64 MiB to 8 GiB)", st, d))
    tried = (8 << 30) in R.sizes("lock") or any(
        r["group"] == "lock" and int(r["bytes"] or 0) == 8 << 30 for r in R.skips())
    big = [(thp, R.med("lock", "mdl", thp, 8 << 30)) for thp in R.thps("lock")] if tried else []
    if not big:
        res.append(("8 GiB through the native ABI", "n/a", "not measured"))
    else:
        ok = all(v is not None for _, v in big)
        res.append(("8 GiB through the native ABI", "PASS" if ok else "MISS",
                    ", ".join("THP %s: %s" % (t, "%s ns/page" % fmt(v) if v else "failed/skipped")
                              for t, v in big)))
    ms = R.sizes("mem")
    if ms:
        thp = R.thps("mem")[0]
        parts, ok = [], True
        for b in ms:
            tot = R.med("mem", "mdl_total", thp, b)
            n = b // 4096
            slices = -(-b // (1 << 30)) + 1
            allow = 8.5 * n + 16384 * slices
            ok = ok and tot <= allow
            parts.append("%s: %.2f B/page (%.0f B over 8.5 B/page; allowed %d KiB "
                         "for %d MDLs)" % (size_name(b), tot / n, tot - 8.5 * n,
                                           16 * slices, slices))
        res.append(("kernel memory <= 8.5 bytes/page + constant",
                    "PASS" if ok else "MISS", "; ".join(parts)))
    else:
        res.append(("kernel memory <= 8.5 bytes/page + constant", "n/a", "not measured"))
    dm = []
    for g, mode in (("dma", "direct"), ("dma_iommu", "IOMMU")):
        for thp in R.thps(g):
            dm.append((ratio(R.med(g, "mdl", thp, 64 << 20), R.med(g, "bare", thp, 64 << 20)),
                       "%s THP %s" % (mode, thp)))
    st, d = worst(dm, 1.2)
    if not any(R.sizes(g) for g in ("dma_iommu",)) and st != "n/a":
        st, d = "MISS", d + "; not measured behind an IOMMU"
    res.append(("DMA lists <= 1.2x dma_map_sgtable (64 MiB, with and without IOMMU)", st, d))
    pl = [(ratio(R.med("pool", "mdl", "-", b), R.med("pool", "kmalloc", "-", b)),
           size_name(b)) for b in R.sizes("pool")]
    res.append(("pool alloc+free <= 1.5x kmalloc+kfree (64 B to 64 KiB)",) +
               worst(pl, 1.5))
    return res


def plot(outdir, kver, R):
    thps = R.thps("lock")
    series = []
    tmp = tempfile.mkdtemp(prefix="mdlbench-plot-")
    for thp in thps:
        for v in ["mdl", "mdl_handle", "io_uring", "mlock", "pin"]:
            pts = [(b, R.get("lock", v, thp, b)) for b in R.sizes("lock", thp)]
            pts = [(b, x) for b, x in pts if x]
            if not pts:
                continue
            fn = os.path.join(tmp, "%s-%s.dat" % (v, thp))
            with open(fn, "w") as f:
                for b, x in pts:
                    f.write("%g %g %g %g\n" % (b / (1 << 20), x[0], x[1], x[2]))
            series.append((fn, "%s, THP %s" % (v, thp), thp))
    if not series:
        return None
    png = os.path.join(outdir, kver + ".png")
    colors = {"mdl": "#d62728", "mdl_handle": "#ff7f0e", "io_uring": "#1f77b4",
              "mlock": "#2ca02c", "pin": "#000000"}
    plots = []
    for fn, title, thp in series:
        v = os.path.basename(fn).rsplit("-", 1)[0]
        dt = 1 if thp == "on" else 2
        plots.append("'%s' using 1:2:3:4 with yerrorlines lw 2 dt %d lc rgb '%s' title '%s'"
                     % (fn, dt, colors.get(v, "#888888"), title))
    script = """
set terminal pngcairo noenhanced size 1000,620 font ',10'
set output '%s'
set title 'lock + unlock cost vs size, Linux %s under QEMU TCG (median, min-max bars)'
set xlabel 'buffer size (MiB)'
set ylabel 'ns per 4 KiB page'
set logscale x 2
set logscale y 10
set grid
set key outside right
plot %s
""" % (png, kver, ", \\\n  ".join(plots))
    try:
        subprocess.run(["gnuplot"], input=script.encode(), check=True,
                       stdout=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError) as e:
        print("bench: gnuplot failed: %s" % e, file=sys.stderr)
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return png


def cmd_report(outdir, kvers):
    out = []
    allgoals = {}
    for kver in kvers:
        R = Results(load(outdir, kver))
        kernel_tables(kver, R, out)
        allgoals[kver] = goals(kver, R)
        png = plot(outdir, kver, R)
        if png:
            out.append("")
            out.append("Plot: %s" % os.path.relpath(png, os.path.dirname(outdir)))
    names = [g[0] for g in allgoals[kvers[0]]]
    rows = []
    for i, n in enumerate(names):
        rows.append([n] + ["%s: %s" % (allgoals[k][i][1], allgoals[k][i][2]) for k in kvers])
    table("### Goals (PASS/MISS per kernel)", ["goal"] + kvers, rows, out)
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(outdir, "summary.md"), "w") as f:
        f.write(text)
    nmiss = sum(1 for k in kvers for g in allgoals[k] if g[1] == "MISS")
    print("\nbench: %d goal checks missed (see above)" % nmiss)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "csv":
        cmd_csv(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "report":
        cmd_report(sys.argv[2], sys.argv[3:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
