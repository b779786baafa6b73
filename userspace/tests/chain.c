// SPDX-License-Identifier: GPL-2.0
/*
 * MDL fds made of several MDLs. One MDL describes at most 4 GiB - 4 KiB, so
 * the kernel builds an fd's object as a chain of MDLs, one per 1 GiB-aligned
 * slice of its pages. A buffer that crosses a 1 GiB boundary of the address
 * space is such a chain whatever its size: its facts, data (mmap, pread,
 * pwrite), PFNs and parts must not show the seam.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define SLICE		(1ULL << 30)
#define BEFORE		3	/* pages below the boundary */
#define AFTER		4	/* pages from the boundary on */
#define HEAD		100	/* the buffer's first byte in its first page */
#define TAIL		200	/* bytes of the last page outside the buffer */

/* A locked buffer that crosses a 1 GiB-aligned address. */
struct seam {
	uint8_t *area;		/* BEFORE + AFTER pages; the boundary at BEFORE */
	uint8_t *buf;		/* area + HEAD */
	size_t len;
	int fd;
};

static uint8_t *map_across_boundary(size_t len)
{
	uintptr_t base;
	void *want, *p;

	for (base = 64 * SLICE; base < 128 * SLICE; base += SLICE) {
		want = (void *)(base - BEFORE * t_env.page);
		p = mmap(want, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == want)
			return p;
		if (p != MAP_FAILED)
			munmap(p, len);
	}
	return NULL;
}

static int seam_lock(struct seam *s, uint32_t seed)
{
	size_t area_len = (BEFORE + AFTER) * t_env.page;

	s->area = map_across_boundary(area_len);
	if (!s->area)
		return -ENOMEM;
	t_fill(s->area, area_len, seed);
	s->buf = s->area + HEAD;
	s->len = area_len - HEAD - TAIL;
	s->fd = mdl_lock_user(t_env.dev, s->buf, s->len, MDL_LOCK_WRITE);
	return s->fd < 0 ? s->fd : 0;
}

static int chain_facts_and_view(const struct t_case *tc)
{
	struct t_facts f = {
		.byte_offset = HEAD,
		.access = MDL_ACCESS_READ | MDL_ACCESS_WRITE,
		.kind = MDL_KIND_USER,
		.cache_type = MDL_CACHE_CACHED,
	};
	struct seam s;

	(void)tc;
	CHECK_OK(seam_lock(&s, 0x5ea1));
	f.start_va = (uintptr_t)s.area;
	f.byte_count = s.len;
	CHECK_STEP(t_check_facts(s.fd, &f));
	return t_check_view(s.fd, s.buf, s.len);
}

static int chain_pfns(const struct t_case *tc)
{
	struct seam s;

	(void)tc;
	CHECK_OK(seam_lock(&s, 0x5ea2));
	return t_check_pfns_pagemap(s.fd, s.area, BEFORE + AFTER);
}

/* pwrite across the seam lands in the process's buffer. */
static int chain_pwrite(const struct t_case *tc)
{
	size_t off = BEFORE * t_env.page - HEAD - 64, n = 128;
	uint8_t data[128];
	struct seam s;

	(void)tc;
	CHECK_OK(seam_lock(&s, 0x5ea3));
	t_fill(data, n, 0x77);
	CHECK_EQ(pwrite(s.fd, data, n, (off_t)off), (ssize_t)n);
	T_FAIL_IF(memcmp(s.buf + off, data, n), "the buffer does not hold what pwrite wrote");
	return T_PASS;
}

/* A part that starts in one slice and ends in the next. */
static int chain_partial(const struct t_case *tc)
{
	size_t off = BEFORE * t_env.page - HEAD - 1000, n = 2 * t_env.page;
	struct seam s;
	int part;

	(void)tc;
	CHECK_OK(seam_lock(&s, 0x5ea4));
	part = mdl_partial(s.fd, off, n, 0);
	CHECK_OK(part < 0 ? part : 0);
	return t_check_view(part, s.buf + off, n);
}

/* mmap of the second slice alone, by offset. */
static int chain_mmap_offset(const struct t_case *tc)
{
	size_t len = AFTER * t_env.page;
	struct seam s;
	uint8_t *p;

	(void)tc;
	CHECK_OK(seam_lock(&s, 0x5ea5));
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, s.fd, (off_t)(BEFORE * t_env.page));
	T_FAIL_IF(p == MAP_FAILED, "mmap at the seam: %s", strerror(errno));
	T_FAIL_IF(memcmp(p, s.area + BEFORE * t_env.page, len - TAIL),
		  "the second slice's mapping differs from the buffer");
	munmap(p, len);
	return T_PASS;
}

static const struct t_case cases[] = {
	{ "chain: a buffer across a 1 GiB boundary: facts, mmap and pread",
	  chain_facts_and_view, NULL, 0 },
	{ "chain: PFNs across the seam equal /proc/self/pagemap", chain_pfns, NULL, T_ROOT },
	{ "chain: pwrite across the seam reaches the buffer", chain_pwrite, NULL, 0 },
	{ "chain: a part across the seam, mmap and pread", chain_partial, NULL, 0 },
	{ "chain: mmap of the second slice by offset", chain_mmap_offset, NULL, 0 },
};

T_SUITE_ARRAY(suite_chain, cases);
