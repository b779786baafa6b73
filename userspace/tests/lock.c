// SPDX-License-Identifier: GPL-2.0
/*
 * MDL_IOC_LOCK_USER: facts, views and PFNs of locked buffers of several
 * layouts (generated: layout x check), plus pin accounting, translation
 * and fd flags.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

struct layout {
	const char *name;
	size_t off;		/* bytes, or pages when @in_pages */
	size_t len;
	size_t len_pages;	/* added to @len in pages */
	uint32_t flags;
};

static const struct layout layouts[] = {
	{ "one whole page", 0, 0, 1, MDL_LOCK_WRITE },
	{ "one byte", 100, 1, 0, MDL_LOCK_WRITE },
	{ "200 bytes across a page boundary", 4000, 200, 0, MDL_LOCK_WRITE },
	{ "16 pages + 5 bytes at offset 123", 123, 5, 16, MDL_LOCK_WRITE },
	{ "read-only, 3 pages", 0, 0, 3, 0 },
	{ "read-only, 1000 bytes at offset 3000", 3000, 1000, 0, 0 },
};

enum lock_check { C_FACTS, C_VIEW, C_PAGEMAP, C_COUNT };

static const char *const check_names[C_COUNT] = {
	[C_FACTS] = "QUERY facts equal the buffer's",
	[C_VIEW] = "mmap and pread equal the buffer",
	[C_PAGEMAP] = "GET_PFNS equals /proc/self/pagemap",
};

static int lock_layout(const struct layout *lo, struct t_lock *l, uint32_t seed)
{
	size_t len = lo->len + lo->len_pages * t_env.page;

	return t_lock_new(l, lo->off, len, lo->flags, seed);
}

static int run_layout(const struct t_case *tc)
{
	size_t idx = (uintptr_t)tc->arg;
	const struct layout *lo = &layouts[idx / C_COUNT];
	struct t_facts f;
	struct t_lock l;

	CHECK_OK(lock_layout(lo, &l, (uint32_t)idx));
	switch (idx % C_COUNT) {
	case C_FACTS:
		t_lock_facts(&l, lo->flags, &f);
		return t_check_facts(l.fd, &f);
	case C_VIEW:
		return t_check_view(l.fd, l.buf, l.len);
	default:
		return t_check_pfns_pagemap(l.fd, l.area + lo->off / t_env.page * t_env.page,
					    mdl_span_pages(lo->off, l.len, t_env.page));
	}
}

static size_t layouts_count(void)
{
	return sizeof(layouts) / sizeof(layouts[0]) * C_COUNT;
}

static void layouts_get(size_t i, struct t_case *tc)
{
	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "lock %s: %s",
		 layouts[i / C_COUNT].name, check_names[i % C_COUNT]);
	tc->run = run_layout;
	tc->arg = (const void *)(uintptr_t)i;
	tc->needs = i % C_COUNT == C_PAGEMAP ? T_ROOT : 0;
}

const struct t_suite suite_lock_layouts = { "lock-layouts", layouts_count,
					    layouts_get };

/* Locking N pages takes N pins; closing the fd releases them all. */
static int lock_pins(const struct t_case *tc)
{
	const size_t pages = 64;
	struct t_pins p0, p1, p2;
	struct t_lock l;

	(void)tc;
	CHECK_OK(t_pins_read(&p0));
	CHECK_OK(t_lock_new(&l, 0, pages * t_env.page, MDL_LOCK_WRITE, 1));
	CHECK_OK(t_pins_read(&p1));
	T_FAIL_IF(p1.acquired - p0.acquired < pages,
		  "only %" PRIu64 " pins acquired for %zu pages",
		  p1.acquired - p0.acquired, pages);
	CHECK_OK(mdl_close(l.fd));
	T_FAIL_IF(!t_pins_settle(&p0, &p2), "acquired %" PRIu64 ", released %" PRIu64,
		  p2.acquired - p0.acquired, p2.released - p0.released);
	return T_PASS;
}

/* MDL_FD_CLOEXEC decides FD_CLOEXEC of every fd-returning command. */
static int lock_cloexec(const struct t_case *tc)
{
	struct t_lock l;
	int fd;

	(void)tc;
	CHECK_OK(t_lock_new(&l, 0, t_env.page, MDL_LOCK_WRITE, 2));
	CHECK(!t_cloexec(l.fd));
	fd = mdl_lock_user(t_env.dev, l.buf, l.len, MDL_FD_CLOEXEC);
	CHECK_OK(fd);
	CHECK(t_cloexec(fd));
	fd = mdl_partial(l.fd, 0, 0, MDL_FD_CLOEXEC);
	CHECK_OK(fd);
	CHECK(t_cloexec(fd));
	fd = mdl_partial(l.fd, 0, 0, 0);
	CHECK_OK(fd);
	CHECK(!t_cloexec(fd));
	fd = mdl_alloc_pages(t_env.dev, t_env.page, MDL_FD_CLOEXEC, MDL_CACHE_CACHED);
	CHECK_OK(fd);
	CHECK(t_cloexec(fd));
	return T_PASS;
}

/* TRANSLATE equals pagemap, keeps the byte offset, gives 0 when unmapped. */
static int lock_translate(const struct t_case *tc)
{
	uint64_t addrs[4], phys[4], pfn;
	uint8_t *buf = t_buffer(3 * t_env.page);
	int i;

	(void)tc;
	CHECK(buf);
	CHECK_OK(munmap(buf + 2 * t_env.page, t_env.page));
	addrs[0] = (uintptr_t)buf;
	addrs[1] = (uintptr_t)buf + t_env.page + 123;
	addrs[2] = (uintptr_t)buf + 2 * t_env.page;	/* unmapped */
	addrs[3] = (uintptr_t)buf + 7;
	CHECK_OK(mdl_translate(t_env.dev, addrs, 4, phys));
	for (i = 0; i < 4; i++) {
		if (i == 2) {
			CHECK_EQ(phys[i], 0);
			continue;
		}
		CHECK_OK(t_pagemap_pfn((void *)(uintptr_t)addrs[i], &pfn));
		CHECK_EQ(phys[i], pfn * t_env.page + addrs[i] % t_env.page);
	}
	return T_PASS;
}

/* The same buffer locked twice: both MDLs name the same pages. */
static int lock_twice(const struct t_case *tc)
{
	uint64_t a[4], b[4];
	struct t_lock l;
	int fd2;

	(void)tc;
	CHECK_OK(t_lock_new(&l, 0, 4 * t_env.page, MDL_LOCK_WRITE, 3));
	fd2 = mdl_lock_user(t_env.dev, l.buf, l.len, 0);
	CHECK_OK(fd2);
	CHECK_OK(mdl_get_pfns(l.fd, 0, 4, a));
	CHECK_OK(mdl_get_pfns(fd2, 0, 4, b));
	CHECK(!memcmp(a, b, sizeof(a)));
	return T_PASS;
}

/* An MDL fd does not need /dev/mdl to stay open. */
static int lock_dev_closed(const struct t_case *tc)
{
	struct t_lock l;
	struct t_facts f;

	(void)tc;
	CHECK_OK(t_lock_new(&l, 10, 2 * t_env.page, MDL_LOCK_WRITE, 4));
	CHECK_OK(mdl_close(t_env.dev));
	t_lock_facts(&l, MDL_LOCK_WRITE, &f);
	CHECK_STEP(t_check_facts(l.fd, &f));
	return t_check_view(l.fd, l.buf, l.len);
}

/* The debugfs statistics follow a live MDL and return when it goes. */
static int lock_stats(const struct t_case *tc)
{
	struct t_stats s0, s1, s2;
	struct t_lock l;
	unsigned int i, changed = 0;

	(void)tc;
	if (t_stats_read(&s0))
		return t_skip("no /sys/kernel/debug/mdl/stats");
	CHECK_OK(t_lock_new(&l, 0, 8 * t_env.page, MDL_LOCK_WRITE, 5));
	CHECK_OK(t_stats_read(&s1));
	for (i = 0; i < s1.n; i++)
		changed += t_stats_get(&s0, s1.key[i]) != (int64_t)s1.val[i];
	T_FAIL_IF(!changed, "no statistic changed while an MDL of 8 pages lives");
	CHECK_OK(mdl_close(l.fd));
	CHECK_OK(t_stats_read(&s2));
	return t_stats_returned(&s0, &s2);
}

static const struct t_case cases[] = {
	{ "lock: 64 pages take 64 pins, close releases them", lock_pins, NULL, 0 },
	{ "lock: MDL_FD_CLOEXEC decides FD_CLOEXEC", lock_cloexec, NULL, 0 },
	{ "lock: TRANSLATE equals pagemap, 0 for unmapped", lock_translate, NULL, T_ROOT },
	{ "lock: one buffer locked twice names the same pages", lock_twice, NULL, T_ROOT },
	{ "lock: MDL fd works after /dev/mdl is closed", lock_dev_closed, NULL, 0 },
	{ "lock: debugfs stats follow a live MDL and return", lock_stats, NULL, T_ROOT },
};

T_SUITE_ARRAY(suite_lock, cases);
