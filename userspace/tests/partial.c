// SPDX-License-Identifier: GPL-2.0
/*
 * MDL_IOC_PARTIAL (IoBuildPartialMdl): facts, data and PFNs of parts of
 * an MDL. Generated: part x check; then lifetime and access rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

struct part {
	const char *name;
	size_t parent_off, parent_len;	/* bytes */
	size_t off, len;		/* of the part; len 0: to the end */
	bool nested;			/* a part of a part (same range twice) */
};

/* Sizes in bytes (4 KiB units, whatever the page size). */
#define PG 4096

static const struct part parts[] = {
	{ "middle of a misaligned parent", 300, 5 * PG, PG + 100, 2 * PG, false },
	{ "length 0 means to the end", 300, 5 * PG, 2 * PG + 7, 0, false },
	{ "the last byte", 0, 3 * PG, 3 * PG - 1, 1, false },
	{ "the whole parent", 17, 2 * PG, 0, 2 * PG, false },
	{ "a part of a part", 1000, 6 * PG, PG, 3 * PG, true },
};

enum pcheck { P_FACTS, P_DATA, P_PFNS, P_COUNT };

static const char *const pcheck_names[P_COUNT] = {
	[P_FACTS] = "facts",
	[P_DATA] = "mmap and pread equal the parent's slice",
	[P_PFNS] = "PFNs equal the parent's slice",
};

/* Build the part: returns its fd; @first is its first byte in the parent. */
static int make_part(const struct part *p, const struct t_lock *l, size_t *first)
{
	int fd = mdl_partial(l->fd, p->off, p->len, 0);

	*first = p->off;
	if (fd < 0 || !p->nested)
		return fd;
	/* The same offsets again, inside the part: p->off twice in all. */
	*first = 2 * p->off;
	return mdl_partial(fd, p->off, p->len - p->off, 0);
}

static size_t part_len(const struct part *p, const struct t_lock *l, size_t first)
{
	if (p->nested)
		return p->len - p->off;
	return p->len ? p->len : l->len - first;
}

static int p_pfns(const struct t_lock *l, int fd, size_t first, size_t len)
{
	uint64_t n = mdl_span_pages((uintptr_t)(l->buf + first), len, t_env.page);
	uint64_t parent_first = ((uintptr_t)(l->buf + first) / t_env.page) -
				((uintptr_t)l->buf / t_env.page);
	uint64_t *a = calloc(n, 8), *b = calloc(n, 8);

	CHECK(a && b);
	CHECK_OK(t_pfns(fd, 0, n, a));
	CHECK_OK(t_pfns(l->fd, parent_first, n, b));
	T_FAIL_IF(memcmp(a, b, n * 8), "part's PFNs differ from the parent's slice");
	return T_PASS;
}

static int run_part(const struct t_case *tc)
{
	size_t idx = (uintptr_t)tc->arg, first, len;
	const struct part *p = &parts[idx / P_COUNT];
	struct t_facts f;
	struct t_lock l;
	int fd;

	CHECK_OK(t_lock_new(&l, p->parent_off, p->parent_len, MDL_LOCK_WRITE, 31));
	fd = make_part(p, &l, &first);
	CHECK_OK(fd);
	len = part_len(p, &l, first);
	switch (idx % P_COUNT) {
	case P_FACTS:
		f.start_va = (uintptr_t)(l.buf + first) & ~(uintptr_t)(t_env.page - 1);
		f.byte_offset = (uint32_t)((uintptr_t)(l.buf + first) % t_env.page);
		f.byte_count = len;
		f.access = MDL_ACCESS_READ | MDL_ACCESS_WRITE;
		f.kind = MDL_KIND_PARTIAL;
		f.cache_type = MDL_CACHE_CACHED;
		return t_check_facts(fd, &f);
	case P_DATA:
		return t_check_view(fd, l.buf + first, len);
	default:
		return p_pfns(&l, fd, first, len);
	}
}

static size_t parts_count(void)
{
	return sizeof(parts) / sizeof(parts[0]) * P_COUNT;
}

static void parts_get(size_t i, struct t_case *tc)
{
	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "partial %s: %s",
		 parts[i / P_COUNT].name, pcheck_names[i % P_COUNT]);
	tc->run = run_part;
	tc->arg = (const void *)(uintptr_t)i;
	tc->needs = i % P_COUNT == P_PFNS ? T_ROOT : 0;
}

const struct t_suite suite_partial_parts = { "partial-parts", parts_count, parts_get };

/* A part keeps its source alive: close the parent, unmap the buffer. */
static int partial_keeps_parent(const struct t_case *tc)
{
	struct t_lock l;
	uint8_t *copy = malloc(2 * t_env.page);
	int fd;

	(void)tc;
	CHECK(copy);
	CHECK_OK(t_lock_new(&l, 0, 4 * t_env.page, MDL_LOCK_WRITE, 32));
	fd = mdl_partial(l.fd, t_env.page, 2 * t_env.page, 0);
	CHECK_OK(fd);
	memcpy(copy, l.buf + t_env.page, 2 * t_env.page);
	CHECK_OK(mdl_close(l.fd));
	CHECK_OK(munmap(l.area, l.area_len));
	return t_check_view(fd, copy, 2 * t_env.page);
}

/* A part of a read-only MDL is read-only. */
static int partial_readonly(const struct t_case *tc)
{
	struct mdl_info info;
	struct t_lock l;
	int fd;

	(void)tc;
	CHECK_OK(t_lock_new(&l, 0, 2 * t_env.page, 0, 33));
	fd = mdl_partial(l.fd, 0, t_env.page, 0);
	CHECK_OK(fd);
	CHECK_OK(mdl_query(fd, &info));
	CHECK_EQ(info.access, MDL_ACCESS_READ);
	CHECK(t_mmap(fd, t_env.page, PROT_READ | PROT_WRITE, 0) == NULL);
	CHECK(t_pwrite(fd, "x", 1, 0) < 0);
	return T_PASS;
}

/* A part of a writable MDL maps writable: stores reach the parent's buffer. */
static int partial_writable(const struct t_case *tc)
{
	struct t_lock l;
	uint8_t *map;
	int fd;

	(void)tc;
	CHECK_OK(t_lock_new(&l, 0, 3 * t_env.page, MDL_LOCK_WRITE, 35));
	fd = mdl_partial(l.fd, t_env.page, 2 * t_env.page, 0);
	CHECK_OK(fd);
	map = t_mmap(fd, 2 * t_env.page, PROT_READ | PROT_WRITE, 0);
	CHECK(map);
	map[0] = 0x5a;
	map[2 * t_env.page - 1] = 0xa5;
	CHECK_EQ(l.buf[t_env.page], 0x5a);
	CHECK_EQ(l.buf[3 * t_env.page - 1], 0xa5);
	CHECK_OK(munmap(map, 2 * t_env.page));
	return T_PASS;
}

/* A part of kernel pages works like a part of user pages. */
static int partial_kernel(const struct t_case *tc)
{
	uint8_t *data, *want = malloc(t_env.page);
	size_t map_len;
	int fd, part;

	(void)tc;
	CHECK(want);
	fd = mdl_alloc_pages(t_env.dev, 3 * t_env.page, 0, MDL_CACHE_CACHED);
	CHECK_OK(fd);
	data = t_map_data(fd, PROT_READ | PROT_WRITE, &map_len);
	CHECK(data);
	t_fill(data, map_len, 34);
	part = mdl_partial(fd, t_env.page + 5, t_env.page, 0);
	CHECK_OK(part);
	memcpy(want, data + t_env.page + 5, t_env.page);
	return t_check_view(part, want, t_env.page);
}

static const struct t_case cases[] = {
	{ "partial: keeps the parent's pages after the parent fd and buffer go",
	  partial_keeps_parent, NULL, 0 },
	{ "partial: a part of a read-only MDL is read-only", partial_readonly, NULL, 0 },
	{ "partial: a part of a writable MDL maps writable", partial_writable, NULL, 0 },
	{ "partial: a part of kernel pages shows their bytes", partial_kernel, NULL, 0 },
};

T_SUITE_ARRAY(suite_partial, cases);
