// SPDX-License-Identifier: GPL-2.0
/*
 * MDL_IOC_ALLOC_PAGES: kernel memory shared with processes (seed 001).
 * Generated: allocation kind x check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

struct kind {
	const char *name;
	uint32_t flags;
	uint32_t cache;
	uint32_t mdl_kind;
	uint64_t feature;
	size_t pages;
	int lock_errno;		/* of a lock over a mapping of the pages */
};

/*
 * Only mdl's own cached pages are mapped so that get_user_pages() can pin
 * them through the mapping; every other mapping is a PFN mapping, which a
 * lock refuses with EFAULT (a lock of uncached pages would map them cached).
 */
static const struct kind kinds[] = {
	{ "pages", 0, MDL_CACHE_CACHED, MDL_KIND_PAGES, MDL_FEATURE_ALLOC_PAGES, 5, 0 },
	{ "contiguous pages", MDL_ALLOC_CONTIGUOUS, MDL_CACHE_CACHED,
	  MDL_KIND_PAGES, MDL_FEATURE_ALLOC_PAGES, 8, 0 },
	{ "non-paged memory", MDL_ALLOC_NONPAGED, MDL_CACHE_CACHED,
	  MDL_KIND_NONPAGED, MDL_FEATURE_NONPAGED, 3, EFAULT },
	{ "write-combined pages", 0, MDL_CACHE_WRITECOMBINED, MDL_KIND_PAGES,
	  MDL_FEATURE_ALLOC_PAGES, 2, EFAULT },
	{ "non-cached pages", 0, MDL_CACHE_NONCACHED, MDL_KIND_PAGES,
	  MDL_FEATURE_ALLOC_PAGES, 2, EFAULT },
};

enum kcheck { K_FACTS, K_TWO_PROCS, K_PFNS, K_LOCK, K_COUNT };

static const char *const kcheck_names[K_COUNT] = {
	[K_FACTS] = "facts (start_va for root only), zero-filled",
	[K_TWO_PROCS] = "mapped by two processes, writes seen both ways",
	[K_PFNS] = "GET_PFNS equals pagemap, or pagemap sees a PFN mapping",
	[K_LOCK] = "a lock over its mapping: cached pages only, same pages",
};

static int alloc_kind(const struct kind *k)
{
	return mdl_alloc_pages(t_env.dev, k->pages * t_env.page, k->flags, k->cache);
}

static int k_facts(const struct kind *k, int fd)
{
	struct t_facts f = { 0, 0, k->pages * t_env.page,
			     MDL_ACCESS_READ | MDL_ACCESS_WRITE, k->mdl_kind, k->cache };
	uint8_t *zero = calloc(1, f.byte_count);

	struct mdl_info info;

	CHECK(zero);
	CHECK_STEP(t_check_facts(fd, &f));
	CHECK_OK(mdl_query(fd, &info));
	/*
	 * Kernel addresses show to CAP_SYS_ADMIN only. Pages of
	 * MmAllocatePagesForMdlEx have none at all (StartVa 0, as on Windows);
	 * non-paged memory has its vmalloc address.
	 */
	if (!t_env.root)
		T_FAIL_IF(info.start_va, "start_va 0x%" PRIx64 " shown to an unprivileged user",
			  (uint64_t)info.start_va);
	else if (k->mdl_kind == MDL_KIND_NONPAGED)
		T_FAIL_IF(!info.start_va, "no start_va for non-paged memory");
	return t_check_view(fd, zero, f.byte_count);
}

struct kpeer {
	int fd;
	size_t len;
	int sync[2];
};

static int kpeer_main(void *arg)
{
	struct kpeer *p = arg;
	size_t map_len;
	uint8_t *data = t_map_data(p->fd, PROT_READ | PROT_WRITE, &map_len);

	T_FAIL_IF(!data, "child mmap: %s", strerror(errno));
	t_fill(data, p->len, 21);
	CHECK_OK(t_send(p->sync[1], "1", 1));
	CHECK_OK(t_recv(p->sync[0], &map_len, 1));
	T_FAIL_IF(!t_pattern_ok(data, p->len / 2, 22), "child misses the parent's write");
	return T_PASS;
}

/* Two socketpairs would do; one pipe each way is simpler to read. */
static int k_two_procs(const struct kind *k, int fd)
{
	int to_parent[2], to_child[2];
	struct kpeer p = { .fd = fd, .len = k->pages * t_env.page };
	size_t map_len;
	uint8_t *data, c;
	pid_t child;

	CHECK(!pipe(to_parent) && !pipe(to_child));
	p.sync[0] = to_child[0];
	p.sync[1] = to_parent[1];
	data = t_map_data(fd, PROT_READ | PROT_WRITE, &map_len);
	T_FAIL_IF(!data, "mmap: %s", strerror(errno));
	child = t_spawn(kpeer_main, &p);
	CHECK_OK(t_recv(to_parent[0], &c, 1));
	T_FAIL_IF(!t_pattern_ok(data, p.len, 21), "parent misses the child's write");
	t_fill(data, p.len / 2, 22);
	CHECK_OK(t_send(to_child[1], "2", 1));
	return t_reap(child);
}

/*
 * A PFN mapping is outside every reverse map: the page walk of pagemap
 * skips it (each page reads as not present), and the PFNs are real pages.
 */
static int k_pfnmap(const struct kind *k, int fd, const uint8_t *data)
{
	uint64_t pfn, prev = 0, pm;
	size_t i;

	for (i = 0; i < k->pages; i++) {
		CHECK_ERR(t_pagemap_pfn(data + i * t_env.page, &pm), ENOENT);
		CHECK_OK(mdl_get_pfns(fd, i, 1, &pfn));
		T_FAIL_IF(!pfn || pfn == prev, "page %zu: PFN 0x%" PRIx64, i, pfn);
		prev = pfn;
	}
	return T_PASS;
}

static int k_pfns(const struct kind *k, int fd)
{
	size_t map_len, i;
	uint8_t *data = t_map_data(fd, PROT_READ, &map_len);
	uint64_t pfn0 = 0;

	T_FAIL_IF(!data, "mmap: %s", strerror(errno));
	for (i = 0; i < map_len; i += t_env.page)
		(void)*(volatile uint8_t *)(data + i);	/* fault every page in */
	if (k->lock_errno)
		CHECK_STEP(k_pfnmap(k, fd, data));
	else
		CHECK_STEP(t_check_pfns_pagemap(fd, data, k->pages));
	if (!(k->flags & MDL_ALLOC_CONTIGUOUS))
		return T_PASS;
	for (i = 0; i < k->pages; i++) {
		uint64_t pfn;

		CHECK_OK(mdl_get_pfns(fd, i, 1, &pfn));
		if (!i)
			pfn0 = pfn;
		T_FAIL_IF(pfn != pfn0 + i, "page %zu not contiguous", i);
	}
	return T_PASS;
}

static int k_lock(const struct kind *k, int fd)
{
	size_t map_len, len = k->pages * t_env.page;
	uint8_t *data = t_map_data(fd, PROT_READ | PROT_WRITE, &map_len);
	int lock;

	T_FAIL_IF(!data, "mmap: %s", strerror(errno));
	t_fill(data, len, 23);
	lock = mdl_lock_user(t_env.dev, data, len, MDL_LOCK_WRITE);
	if (k->lock_errno) {
		CHECK_ERR(lock, k->lock_errno);
		return T_PASS;
	}
	CHECK_OK(lock);
	CHECK_STEP(t_check_view(lock, data, len));
	if (t_env.root) {
		uint64_t a, b;
		size_t i;

		for (i = 0; i < k->pages; i++) {
			CHECK_OK(mdl_get_pfns(fd, i, 1, &a));
			CHECK_OK(mdl_get_pfns(lock, i, 1, &b));
			CHECK_EQ(a, b);
		}
	}
	return T_PASS;
}

static int run_kind(const struct t_case *tc)
{
	size_t idx = (uintptr_t)tc->arg;
	const struct kind *k = &kinds[idx / K_COUNT];
	int fd;

	if (!(t_env.ver.features & k->feature))
		return t_skip("module lacks feature 0x%" PRIx64, k->feature);
	fd = alloc_kind(k);
	CHECK_OK(fd);
	switch (idx % K_COUNT) {
	case K_FACTS:
		return k_facts(k, fd);
	case K_TWO_PROCS:
		return k_two_procs(k, fd);
	case K_LOCK:
		return k_lock(k, fd);
	default:
		return k_pfns(k, fd);
	}
}

static size_t kpages_count(void)
{
	return sizeof(kinds) / sizeof(kinds[0]) * K_COUNT;
}

static void kpages_get(size_t i, struct t_case *tc)
{
	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "kernel %s: %s",
		 kinds[i / K_COUNT].name, kcheck_names[i % K_COUNT]);
	tc->run = run_kind;
	tc->arg = (const void *)(uintptr_t)i;
	tc->needs = i % K_COUNT == K_PFNS ? T_ROOT : 0;
}

const struct t_suite suite_kpages = { "kpages", kpages_count, kpages_get };

/* mdl's bound on the non-cached pages of unprivileged callers. */
static int uncached_bound(unsigned long *pages)
{
	FILE *f = fopen("/sys/module/mdl/parameters/uncached_max_pages", "r");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%lu", pages);
	fclose(f);
	return n == 1 ? 0 : -EINVAL;
}

/* Unprivileged: one page past the bound is refused, a small one is not. */
static int uc_bound_user(const struct t_case *tc)
{
	unsigned long bound;

	(void)tc;
	CHECK_OK(uncached_bound(&bound));
	CHECK_ERR(mdl_alloc_pages(t_env.dev, (bound + 1) * t_env.page, 0,
				  MDL_CACHE_NONCACHED), EPERM);
	CHECK_ERR(mdl_alloc_pages(t_env.dev, (bound + 1) * t_env.page, 0,
				  MDL_CACHE_WRITECOMBINED), EPERM);
	CHECK_OK(mdl_alloc_pages(t_env.dev, 2 * t_env.page, 0, MDL_CACHE_NONCACHED));
	/* Cached pages are not bounded by it (RLIMIT_MEMLOCK is the limit). */
	CHECK_OK(mdl_alloc_pages(t_env.dev, 2 * t_env.page, 0, MDL_CACHE_CACHED));
	return T_PASS;
}

/* CAP_SYS_RAWIO is not bound. */
static int uc_bound_root(const struct t_case *tc)
{
	unsigned long bound;

	(void)tc;
	CHECK_OK(uncached_bound(&bound));
	CHECK_OK(mdl_alloc_pages(t_env.dev, (bound + 1) * t_env.page, 0,
				 MDL_CACHE_WRITECOMBINED));
	return T_PASS;
}

static const struct t_case uncached_cases[] = {
	{ "uncached bound: unprivileged non-cached or write-combined past uncached_max_pages -> EPERM",
	  uc_bound_user, NULL, T_DROP },
	{ "uncached bound: CAP_SYS_RAWIO allocates past uncached_max_pages",
	  uc_bound_root, NULL, T_ROOT },
};

T_SUITE_ARRAY(suite_uncached, uncached_cases);
