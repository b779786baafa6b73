// SPDX-License-Identifier: GPL-2.0
/*
 * Pair 8: ExAllocatePoolWithTag(NonPagedPool) + ExFreePool against
 * kmalloc + kfree, 64 B to 64 KiB, timed inside the kernel (mdl_bench.ko):
 * ns per allocation + free with 64 allocations live at a time, and bytes
 * of memory per allocation while many are live (the pool arena's growth in
 * pages and descriptors; kmalloc's ksize() of each object).
 * Pool memory comes from mdl's page-backed arena so that a driver can map
 * it into a process; kmalloc's from the slab caches.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <mdl_bench.h>

#include "bench.h"

#define POOL_BATCH	64
#define POOL_LIVE_BYTES	(16 * MIB)

static const size_t pool_sizes[] = { 64, 256, 1024, 4096, 16384, 65536 };

static int pool_run(size_t size, uint32_t flags, unsigned int iterations,
		    unsigned int live, struct mdl_bench_pool *a)
{
	memset(a, 0, sizeof(*a));
	a->size = size;
	a->batch = POOL_BATCH;
	a->iterations = iterations;
	a->flags = flags;
	a->live = live;
	return ioctl(hook_fd, MDL_BENCH_IOC_POOL, a) ? -errno : 0;
}

void bench_pool(void)
{
	static const char *const vname[2] = { "mdl", "kmalloc" };
	static const uint32_t vflags[2] = { 0, MDL_BENCH_POOL_KMALLOC };
	unsigned int iterations = cfg.quick ? 2 : 200, live, s;
	struct mdl_bench_pool a;
	struct series st[2], sb[2];
	int r, k, ret;

	for (s = 0; s < sizeof(pool_sizes) / sizeof(pool_sizes[0]); s++) {
		size_t size = pool_sizes[s];

		if (hook_fd < 0) {
			skip("pool", "mdl", "-", size, "no mdl_bench.ko hook");
			continue;
		}
		live = cfg.quick ? 64 : (unsigned int)(POOL_LIVE_BYTES / size);
		if (live > 262144)
			live = 262144;
		memset(st, 0, sizeof(st));
		memset(sb, 0, sizeof(sb));
		/* Run -1 warms both allocators up and is not counted. */
		for (r = -1; r < cfg.runs; r++) {
			for (k = 0; k < 2; k++) {
				ret = pool_run(size, vflags[k], iterations,
					       r < 0 ? 0 : live, &a);
				check(!ret, "pool", "%s of %zu bytes: %s", vname[k],
				      size, ret ? strerror(-ret) : "ok");
				if (ret || r < 0)
					continue;
				series_add(&st[k], (double)(a.alloc_ns + a.free_ns) /
						   ((double)iterations * POOL_BATCH));
				series_add(&sb[k], (double)a.live_bytes / live);
			}
		}
		for (k = 0; k < 2; k++) {
			report("pool", vname[k], "-", size, &st[k], "ns/op");
			report("poolmem", vname[k], "-", size, &sb[k], "B/alloc");
		}
	}
}

/*
 * The PFN array of an MDL over a large buffer ([state][MDL][8 bytes a
 * page], just over a power of two): alloc_pages_exact() against
 * __vmalloc(), in the kernel, allocations written whole; ns per page of
 * the buffer the array describes (group "array", sizes of that buffer).
 */
#define ARRAY_HEADER	256

static int array_run(size_t size, uint32_t flags, unsigned int iterations,
		     struct mdl_bench_array *a)
{
	memset(a, 0, sizeof(*a));
	a->size = size;
	a->iterations = iterations;
	a->flags = flags;
	return ioctl(hook_fd, MDL_BENCH_IOC_ARRAY, a) ? -errno : 0;
}

void bench_array(void)
{
	static const char *const vname[2] = { "pages_exact", "vmalloc" };
	static const uint32_t vflags[2] = { 0, MDL_BENCH_ARRAY_VMALLOC };
	static const size_t described[] = { 64 * MIB, 256 * MIB, GIB };
	unsigned int iterations = cfg.quick ? 2 : 64, s;
	struct mdl_bench_array a;
	struct series st[2];
	int r, k, ret;

	for (s = 0; s < sizeof(described) / sizeof(described[0]); s++) {
		size_t pages = described[s] / PAGE, size = pages * 8 + ARRAY_HEADER;

		if (hook_fd < 0) {
			skip("array", "vmalloc", "-", described[s], "no mdl_bench.ko hook");
			continue;
		}
		memset(st, 0, sizeof(st));
		for (r = -1; r < cfg.runs; r++) {
			for (k = 0; k < 2; k++) {
				ret = array_run(size, vflags[k], iterations, &a);
				check(!ret, "array", "%s of %zu bytes: %s", vname[k], size,
				      ret ? strerror(-ret) : "ok");
				if (ret || r < 0)
					continue;
				series_add(&st[k], (double)(a.alloc_ns + a.free_ns) /
						   ((double)iterations * (double)pages));
			}
		}
		for (k = 0; k < 2; k++)
			report("array", vname[k], "-", described[s], &st[k], "ns/page");
	}
}
