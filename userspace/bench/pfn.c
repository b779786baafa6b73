// SPDX-License-Identifier: GPL-2.0
/*
 * Pair 2: the physical page numbers of a locked 1 GiB buffer through
 * MDL_IOC_GET_PFNS, against pread of /proc/self/pagemap (both as root).
 * Pair 7: kernel memory per locked page.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <libmdl.h>

#include "bench.h"

void bench_pfn(const char *thp)
{
	size_t bytes = cfg.pfn_bytes, n = bytes / PAGE;
	uint64_t *a = malloc(n * 8), *b = malloc(n * 8), t0, t1;
	struct series sm = { 0 }, sp = { 0 };
	int fd, r, ret, pm, it, iters;
	char *buf;

	if (!a || !b)
		die("out of memory");
	if (mdl_dev < 0) {
		skip("pfn", "mdl", thp, bytes, "no /dev/mdl");
		free(a);
		free(b);
		return;
	}
	buf = buf_alloc(bytes);
	buf_stamp(buf, bytes, 2);
	fd = mdl_lock_user(mdl_dev, buf, bytes, MDL_LOCK_WRITE);
	if (fd < 0)
		die("MDL_IOC_LOCK_USER of %zu bytes: %s", bytes, strerror(-fd));
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pm < 0)
		die("/proc/self/pagemap: %s", strerror(errno));
	for (r = -1; r < cfg.runs; r++) {
		/* 1 GiB of PFNs takes milliseconds: repeat, report the mean. */
		iters = (r < 0 || cfg.quick) ? 1 : 16;
		memset(a, 0, n * 8);
		t0 = now_ns();
		for (it = 0; it < iters; it++) {
			ret = mdl_all_pfns(fd, n, a);
			if (ret)
				die("MDL_IOC_GET_PFNS: %s", strerror(-ret));
		}
		t1 = now_ns();
		if (r >= 0)
			series_add(&sm, (double)(t1 - t0) / (double)(n * iters));
		memset(b, 0, n * 8);
		t0 = now_ns();
		for (it = 0; it < iters; it++) {
			ret = pagemap_pfns(buf, n, b);
			if (ret)
				die("pagemap: %s", strerror(-ret));
		}
		t1 = now_ns();
		if (r >= 0)
			series_add(&sp, (double)(t1 - t0) / (double)(n * iters));
		if (r < 0)
			check(!memcmp(a, b, n * 8) && a[0] && a[n - 1], "pfn",
			      "MDL_IOC_GET_PFNS == /proc/self/pagemap for %zu pages",
			      n);
	}
	report("pfn", "mdl", thp, bytes, &sm, "ns/page");
	report("pfn", "pagemap", thp, bytes, &sp, "ns/page");
	close(pm);
	close(fd);
	buf_free(buf, bytes);
	free(a);
	free(b);
}

struct kmem {
	long long slab, vmalloc, memfree;	/* bytes */
	long long mdl_pages;	/* mdl's array_pages: neither Slab nor vmalloc */
};

/* Slab, VmallocUsed and MemFree, with the per-CPU counters folded first. */
static void meminfo(struct kmem *k)
{
	char line[256];
	long long v;
	FILE *f;
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			info("stat_refresh", "%s", strerror(errno));
		close(fd);
	}
	memset(k, 0, sizeof(*k));
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %lld kB", &v) == 1)
			k->slab = v * 1024;
		else if (sscanf(line, "VmallocUsed: %lld kB", &v) == 1)
			k->vmalloc = v * 1024;
		else if (sscanf(line, "MemFree: %lld kB", &v) == 1)
			k->memfree = v * 1024;
	}
	fclose(f);
	f = fopen("/sys/kernel/debug/mdl/stats", "r");
	if (!f)
		die("/sys/kernel/debug/mdl/stats: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "array_pages %lld", &v) == 1)
			k->mdl_pages = v;
	fclose(f);
}

static void settle(void)
{
	/* Let RCU-deferred frees of earlier MDLs finish. */
	usleep(100000);
}

/*
 * Pair 7: kernel memory (Slab + VmallocUsed + the pages mdl.ko takes from
 * the page allocator for its MDLs, debugfs array_pages) an MDL fd holds
 * while it is alive, at two sizes: per page and the constant per MDL.
 */
void bench_mem(const char *thp)
{
	struct series per[2] = { 0 }, tot[2] = { 0 }, free_d[2] = { 0 },
		      slab[2] = { 0 }, vm[2] = { 0 };
	struct kmem k0, k1;
	double d;
	int i, r, fd;
	char *buf;

	if (mdl_dev < 0) {
		skip("mem", "mdl", thp, cfg.mem_sizes[1], "no /dev/mdl");
		return;
	}
	for (i = 0; i < 2; i++) {
		size_t bytes = cfg.mem_sizes[i], n = bytes / PAGE;

		buf = buf_alloc(bytes);
		buf_stamp(buf, bytes, 3);
		for (r = 0; r < cfg.runs; r++) {
			settle();
			meminfo(&k0);
			fd = mdl_lock_user(mdl_dev, buf, bytes, MDL_LOCK_WRITE);
			if (fd < 0)
				die("MDL_IOC_LOCK_USER: %s", strerror(-fd));
			meminfo(&k1);
			close(fd);
			d = (double)(k1.slab - k0.slab + k1.vmalloc - k0.vmalloc +
				     (k1.mdl_pages - k0.mdl_pages) * (long long)PAGE);
			series_add(&per[i], d / (double)n);
			series_add(&tot[i], d);
			series_add(&slab[i], (double)(k1.slab - k0.slab) / (double)n);
			series_add(&vm[i], (double)(k1.vmalloc - k0.vmalloc) / (double)n);
			series_add(&free_d[i], (double)(k0.memfree - k1.memfree) /
				   (double)n);
		}
		report("mem", "mdl", thp, bytes, &per[i], "bytes/page");
		report("mem", "mdl_total", thp, bytes, &tot[i], "bytes");
		report("mem", "mdl_slab", thp, bytes, &slab[i], "bytes/page");
		report("mem", "mdl_vmalloc", thp, bytes, &vm[i], "bytes/page");
		report("mem", "mdl_memfree", thp, bytes, &free_d[i], "bytes/page");
		buf_free(buf, bytes);
	}
}
