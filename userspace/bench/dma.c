// SPDX-License-Identifier: GPL-2.0
/*
 * Pair 9: a DMA adapter's GetScatterGatherList + PutScatterGatherList of a
 * locked MDL against a bare dma_map_sgtable + dma_unmap_sgtable of the same
 * pages, both inside the kernel (mdl_bench.ko) for QEMU's edu PCI device:
 * the steady state of a lock mapped again and again ("mdl", "bare"), and
 * its first map ("mdl_first": the adapter fills the lock's entries then;
 * "bare_first": sg_alloc_table_from_pages_segment + the first map).
 * Group "dma" where device addresses are physical addresses (no IOMMU, or
 * one in passthrough mode), "dma_iommu" where an IOMMU translates them.
 * The two halves must give the device lists of as many elements.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <mdl_bench.h>

#include "bench.h"

static const size_t dma_sizes[] = { MIB, 64 * MIB };

static int dma_run(void *buf, size_t bytes, uint32_t flags,
		   unsigned int iterations, struct mdl_bench_dma *a)
{
	memset(a, 0, sizeof(*a));
	a->addr = (uintptr_t)buf;
	a->length = bytes;
	a->iterations = iterations;
	a->flags = flags;
	return ioctl(hook_fd, MDL_BENCH_IOC_DMA, a) ? -errno : 0;
}

static void dma_size(const char *thp, size_t bytes)
{
	static const char *const vname[2] = { "mdl", "bare" };
	static const char *const fname[2] = { "mdl_first", "bare_first" };
	static const uint32_t vflags[2] = { 0, MDL_BENCH_DMA_BARE };
	unsigned int iterations = cfg.quick ? 2 : (bytes >= 64 * MIB ? 20 : 200);
	const char *group = "dma";
	uint64_t segs[2] = { 0, 0 };
	struct mdl_bench_dma a;
	struct series s[2], f[2];
	void *buf;
	int r, k, ret;

	buf = buf_alloc(bytes);
	buf_stamp(buf, bytes, bytes);
	memset(s, 0, sizeof(s));
	memset(f, 0, sizeof(f));
	/* Run -1 warms up, names the group and is not counted. */
	for (r = -1; r < cfg.runs; r++) {
		for (k = 0; k < 2; k++) {
			ret = dma_run(buf, bytes, vflags[k], iterations, &a);
			if (ret == -ENODEV) {
				skip("dma", vname[k], thp, bytes,
				     "no edu PCI device (1234:11e8) in this guest");
				goto out;
			}
			check(!ret, "dma", "%s of %s: %s", vname[k], size_name(bytes),
			      ret ? strerror(-ret) : "ok");
			if (ret)
				goto out;
			if (r < 0) {
				segs[k] = a.nr_segments;
				if (a.translated)
					group = "dma_iommu";
				continue;
			}
			series_add(&s[k], (double)(a.map_ns + a.unmap_ns) /
					  ((double)iterations * (double)(bytes / PAGE)));
			series_add(&f[k], (double)a.first_ns / (double)(bytes / PAGE));
		}
	}
	check(segs[0] && segs[0] == segs[1], "dma",
	      "%s THP %s: the adapter's list has %llu elements, dma_map_sgtable's %llu",
	      size_name(bytes), thp, (unsigned long long)segs[0],
	      (unsigned long long)segs[1]);
	for (k = 0; k < 2; k++) {
		report(group, vname[k], thp, bytes, &s[k], "ns/page");
		report(group, fname[k], thp, bytes, &f[k], "ns/page");
	}
out:
	buf_free(buf, bytes);
}

void bench_dma(const char *thp)
{
	size_t i;

	if (hook_fd < 0) {
		skip("dma", "mdl", thp, 64 * MIB, "no mdl_bench.ko hook");
		return;
	}
	for (i = 0; i < sizeof(dma_sizes) / sizeof(dma_sizes[0]); i++)
		dma_size(thp, cfg.quick ? 4 * MIB : dma_sizes[i]);
}
