// SPDX-License-Identifier: GPL-2.0
/*
 * pread/pwrite through the kernel's mapping, mmap bounds, and the rules of
 * read-only MDLs. Tables of offsets and lengths, one case per row.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define RW_OFF 1234		/* the buffer's offset in its first page */
#define RW_PAGES 4		/* its length in pages */
#define FAR (1L << 20)

/* Offsets relative to the buffer's byte count B: END + x means B + x. */
#define END 0x40000000L

struct io_row {
	const char *name;
	bool write;
	long off, len;		/* off may be END-relative */
	long want;		/* bytes transferred; END-relative too */
};

static const struct io_row io_rows[] = {
	{ "pread of the whole buffer", false, 0, END, END },
	{ "pread in the middle", false, 1000, 3000, 3000 },
	{ "pread of the last byte", false, END - 1, 1, 1 },
	{ "pread across the end stops at byte_count", false, END - 10, 100, 10 },
	{ "pread at byte_count returns 0", false, END, 10, 0 },
	{ "pread far past the end returns 0", false, END + FAR, 10, 0 },
	{ "pwrite of the whole buffer", true, 0, END, END },
	{ "pwrite in the middle", true, 5000, 700, 700 },
	{ "pwrite of the last byte", true, END - 1, 1, 1 },
	{ "pwrite across the end stops at byte_count", true, END - 10, 100, 10 },
};

static long rel(long v, size_t b)
{
	return v >= END - FAR * 2 ? (long)b + (v - END) : v;
}

static int run_io(const struct t_case *tc)
{
	const struct io_row *r = tc->arg;
	struct t_lock l;
	long off, len, want;
	uint8_t *tmp;

	CHECK_OK(t_lock_new(&l, RW_OFF, RW_PAGES * t_env.page, MDL_LOCK_WRITE, 41));
	off = rel(r->off, l.len);
	len = rel(r->len, l.len);
	want = rel(r->want, l.len);
	tmp = malloc((size_t)len);
	CHECK(tmp);
	if (!r->write) {
		CHECK_EQ(t_pread(l.fd, tmp, (size_t)len, off), want);
		T_FAIL_IF(want && memcmp(tmp, l.buf + off, (size_t)want),
			  "pread differs from the buffer");
		return T_PASS;
	}
	t_fill(tmp, (size_t)len, 42);
	CHECK_EQ(t_pwrite(l.fd, tmp, (size_t)len, off), want);
	CHECK_ERR(t_pwrite(l.fd, tmp, 1, (off_t)l.len), ENOSPC);
	T_FAIL_IF(memcmp(tmp, l.buf + off, (size_t)want),
		  "the buffer does not show the pwrite");
	T_FAIL_IF(off && l.buf[off - 1] != t_pattern_byte(RW_OFF + off - 1, 41),
		  "pwrite touched the byte before its range");
	return T_PASS;
}

struct map_row {
	const char *name;
	long off_pages;		/* page offset; may be END-relative (pages) */
	long len_pages;		/* END-relative: page_count + x */
	int flags;
	int prot;
	int want;		/* 0: mapped; else the errno (-1: any refusal) */
};

static const struct map_row map_rows[] = {
	{ "mmap of every page", 0, END, MAP_SHARED, PROT_READ, 0 },
	{ "mmap from page 1 to the end", 1, END - 1, MAP_SHARED, PROT_READ, 0 },
	{ "mmap of the last page", END - 1, 1, MAP_SHARED, PROT_READ, 0 },
	{ "mmap one page longer than the MDL refused", 0, END + 1, MAP_SHARED, PROT_READ, -1 },
	{ "mmap at offset page_count refused", END, 1, MAP_SHARED, PROT_READ, -1 },
	{ "mmap of 2 pages from the last page refused", END - 1, 2, MAP_SHARED, PROT_READ, -1 },
	{ "mmap far past the end refused", END + 1000, 1, MAP_SHARED, PROT_READ, -1 },
	{ "mmap MAP_PRIVATE -> EINVAL", 0, 1, MAP_PRIVATE, PROT_READ, EINVAL },
	{ "mmap PROT_EXEC -> EPERM", 0, 1, MAP_SHARED, PROT_READ | PROT_EXEC, EPERM },
};

static int run_map(const struct t_case *tc)
{
	const struct map_row *r = tc->arg;
	size_t pages = mdl_span_pages(RW_OFF, RW_PAGES * t_env.page, t_env.page);
	long off = rel(r->off_pages, pages), len = rel(r->len_pages, pages);
	struct t_lock l;
	uint8_t *p;

	CHECK_OK(t_lock_new(&l, RW_OFF, RW_PAGES * t_env.page, MDL_LOCK_WRITE, 43));
	p = mmap(NULL, (size_t)len * t_env.page, r->prot, r->flags, l.fd,
		 off * (long)t_env.page);
	if (r->want) {
		T_FAIL_IF(p != MAP_FAILED, "mapping accepted");
		T_FAIL_IF(r->want > 0 && errno != r->want, "refused with %s, want %s",
			  strerror(errno), strerror(r->want));
		return T_PASS;
	}
	T_FAIL_IF(p == MAP_FAILED, "mmap: %s", strerror(errno));
	T_FAIL_IF(memcmp(p, l.area + off * t_env.page, (size_t)len * t_env.page),
		  "mapping differs from the buffer's pages");
	return T_PASS;
}

#define TABLE_SUITE(ident, rows, prefix, fn)				\
	static size_t ident##_count(void)				\
	{								\
		return sizeof(rows) / sizeof(rows[0]);			\
	}								\
	static void ident##_get(size_t i, struct t_case *tc)		\
	{								\
		memset(tc, 0, sizeof(*tc));				\
		snprintf(tc->name, sizeof(tc->name), prefix "%s",	\
			 rows[i].name);					\
		tc->run = fn;						\
		tc->arg = &rows[i];					\
	}								\
	const struct t_suite ident = { #ident, ident##_count, ident##_get }

TABLE_SUITE(suite_rw_io, io_rows, "rw: ", run_io);
TABLE_SUITE(suite_rw_map, map_rows, "rw: ", run_map);

/* Stores through the MDL mapping land in the buffer, and the reverse. */
static int rw_coherent(const struct t_case *tc)
{
	struct t_lock l;
	size_t map_len;
	uint8_t *data;

	(void)tc;
	CHECK_OK(t_lock_new(&l, RW_OFF, RW_PAGES * t_env.page, MDL_LOCK_WRITE, 44));
	data = t_map_data(l.fd, PROT_READ | PROT_WRITE, &map_len);
	T_FAIL_IF(!data, "mmap: %s", strerror(errno));
	t_fill(data, l.len / 2, 45);
	T_FAIL_IF(!t_pattern_ok(l.buf, l.len / 2, 45), "buffer misses mapping stores");
	t_fill(l.buf + l.len / 2, l.len - l.len / 2, 46);
	T_FAIL_IF(!t_pattern_ok(data + l.len / 2, l.len - l.len / 2, 46),
		  "mapping misses buffer stores");
	return T_PASS;
}

static int readonly_mdl(struct t_lock *l)
{
	return t_lock_new(l, 0, 2 * t_env.page, 0, 47);
}

static int ro_no_write_map(const struct t_case *tc)
{
	struct t_lock l;

	(void)tc;
	CHECK_OK(readonly_mdl(&l));
	T_FAIL_IF(t_mmap(l.fd, l.len, PROT_READ | PROT_WRITE, 0), "PROT_WRITE accepted");
	CHECK_EQ(errno, EACCES);
	return T_PASS;
}

static int ro_no_mprotect(const struct t_case *tc)
{
	struct t_lock l;
	void *p;

	(void)tc;
	CHECK_OK(readonly_mdl(&l));
	p = t_mmap(l.fd, l.len, PROT_READ, 0);
	T_FAIL_IF(!p, "read-only mmap: %s", strerror(errno));
	T_FAIL_IF(!mprotect(p, l.len, PROT_READ | PROT_WRITE), "mprotect accepted");
	CHECK_EQ(errno, EACCES);
	return T_PASS;
}

static int ro_no_pwrite(const struct t_case *tc)
{
	struct t_lock l;
	long n;

	(void)tc;
	CHECK_OK(readonly_mdl(&l));
	n = t_pwrite(l.fd, "xyz", 3, 10);
	CHECK_ERR(n, EBADF);
	CHECK_EQ(fcntl(l.fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	T_FAIL_IF(!t_pattern_ok(l.buf, l.len, 47), "buffer changed");
	return T_PASS;
}

static const struct t_case cases[] = {
	{ "rw: mapping and buffer stores seen both ways", rw_coherent, NULL, 0 },
	{ "rw: read-only MDL refuses mmap PROT_WRITE (EACCES)", ro_no_write_map, NULL, 0 },
	{ "rw: read-only MDL refuses mprotect(PROT_WRITE) (EACCES)", ro_no_mprotect, NULL, 0 },
	{ "rw: read-only MDL fd is O_RDONLY, pwrite -> EBADF, bytes unchanged",
	  ro_no_pwrite, NULL, 0 },
};

T_SUITE_ARRAY(suite_rw, cases);
