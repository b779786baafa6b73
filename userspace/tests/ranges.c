// SPDX-License-Identifier: GPL-2.0
/*
 * Bad values in otherwise valid structures: zero, huge, wrapping and
 * misaligned ranges, unmapped and kernel addresses, bad cache types,
 * indices past the end. One table row per case; each row names the
 * command, up to two fields to override and the errno the ABI defines.
 */
#include <stdio.h>

#include "cmds.h"
#include "suites.h"
#include "util.h"

/* What an overriding value is relative to (resolved when the case runs). */
enum base {
	LIT,		/* the literal itself */
	MAX_BYTES,	/* mdl_version.max_bytes */
	MAX_PFNS,	/* mdl_version.max_pfns_per_call */
	PAGES,		/* times the page size */
	PAGE_PLUS,	/* the page size plus the literal */
	MAX_BYTES_PAGE,	/* max_bytes plus a page */
	UNMAPPED,	/* an address with nothing mapped */
	IO_PAGE,	/* a free I/O page */
	MDL_BYTES,	/* the fixture MDL's byte count */
	MDL_PAGES,	/* the fixture MDL's page count */
	BUF,		/* the fixture buffer's start */
};

struct value {
	enum base base;
	int64_t add;
};

struct field {
	int off;		/* -1: unused */
	int width;
	struct value v;
};

struct range_row {
	const char *name;
	enum cmd_id cmd;
	struct field set[2];
	int want;
};

#define F(st, f, b, a) { (int)offsetof(st, f), (int)sizeof(((st *)0)->f), { b, a } }
#define NONE { -1, 0, { LIT, 0 } }
#define ROW(n, c, f1, f2, w) { n, c, { f1, f2 }, w }

#define LOCK(f, b, a) F(struct mdl_lock_user, f, b, a)
#define ALLOC(f, b, a) F(struct mdl_alloc_pages, f, b, a)
#define IO(f, b, a) F(struct mdl_io_space, f, b, a)
#define XLATE(f, b, a) F(struct mdl_translate, f, b, a)
#define PFNS(f, b, a) F(struct mdl_pfns, f, b, a)
#define PART(f, b, a) F(struct mdl_partial, f, b, a)

static const struct range_row rows[] = {
	ROW("LOCK_USER: length 0 -> EINVAL", CMD_LOCK_USER, LOCK(length, LIT, 0), NONE, EINVAL),
	ROW("LOCK_USER: length max_bytes + 1 -> EINVAL", CMD_LOCK_USER, LOCK(length, MAX_BYTES, 1), NONE, EINVAL),
	ROW("LOCK_USER: length 2^64 - 1 -> EINVAL", CMD_LOCK_USER, LOCK(length, LIT, -1), NONE, EINVAL),
	ROW("LOCK_USER: range wrapping past 2^64 -> EINVAL", CMD_LOCK_USER, LOCK(addr, LIT, -100), LOCK(length, PAGES, 1), EINVAL),
	ROW("LOCK_USER: unmapped address -> EFAULT", CMD_LOCK_USER, LOCK(addr, UNMAPPED, 0), LOCK(length, PAGES, 1), EFAULT),
	ROW("LOCK_USER: NULL address -> EFAULT", CMD_LOCK_USER, LOCK(addr, LIT, 0), LOCK(length, PAGES, 1), EFAULT),
	ROW("LOCK_USER: kernel address -> EFAULT", CMD_LOCK_USER, LOCK(addr, LIT, (int64_t)0xffff888000000000ULL), LOCK(length, PAGES, 1), EFAULT),
	ROW("LOCK_USER: buffer running into an unmapped page -> EFAULT", CMD_LOCK_USER, LOCK(addr, BUF, 0), LOCK(length, PAGES, 5), EFAULT),
	ROW("ALLOC_PAGES: length 0 -> EINVAL", CMD_ALLOC_PAGES, ALLOC(length, LIT, 0), NONE, EINVAL),
	ROW("ALLOC_PAGES: length max_bytes + 1 -> EINVAL", CMD_ALLOC_PAGES, ALLOC(length, MAX_BYTES, 1), NONE, EINVAL),
	ROW("ALLOC_PAGES: length 2^64 - 1 -> EINVAL", CMD_ALLOC_PAGES, ALLOC(length, LIT, -1), NONE, EINVAL),
	ROW("ALLOC_PAGES: cache type 3 -> EINVAL", CMD_ALLOC_PAGES, ALLOC(cache_type, LIT, 3), NONE, EINVAL),
	ROW("ALLOC_PAGES: cache type 0xffffffff -> EINVAL", CMD_ALLOC_PAGES, ALLOC(cache_type, LIT, 0xffffffff), NONE, EINVAL),
	ROW("MAP_IO_SPACE: misaligned address -> EINVAL", CMD_MAP_IO_SPACE, IO(phys_addr, IO_PAGE, 8), NONE, EINVAL),
	ROW("MAP_IO_SPACE: misaligned length -> EINVAL", CMD_MAP_IO_SPACE, IO(length, PAGE_PLUS, 1), NONE, EINVAL),
	ROW("MAP_IO_SPACE: length 0 -> EINVAL", CMD_MAP_IO_SPACE, IO(length, LIT, 0), NONE, EINVAL),
	ROW("MAP_IO_SPACE: range wrapping past 2^64 -> EINVAL", CMD_MAP_IO_SPACE, IO(phys_addr, PAGES, -1), IO(length, PAGES, 2), EINVAL),
	ROW("MAP_IO_SPACE: length above max_bytes -> EINVAL", CMD_MAP_IO_SPACE, IO(length, MAX_BYTES_PAGE, 0), NONE, EINVAL),
	ROW("MAP_IO_SPACE: cache type 7 -> EINVAL", CMD_MAP_IO_SPACE, IO(cache_type, LIT, 7), NONE, EINVAL),
	ROW("TRANSLATE: count 0 -> EINVAL", CMD_TRANSLATE, XLATE(count, LIT, 0), NONE, EINVAL),
	ROW("TRANSLATE: count max_pfns_per_call + 1 -> EINVAL", CMD_TRANSLATE, XLATE(count, MAX_PFNS, 1), NONE, EINVAL),
	ROW("TRANSLATE: unreadable address array -> EFAULT", CMD_TRANSLATE, XLATE(addrs, UNMAPPED, 0), NONE, EFAULT),
	ROW("TRANSLATE: unwritable result array -> EFAULT", CMD_TRANSLATE, XLATE(phys, UNMAPPED, 0), NONE, EFAULT),
	ROW("GET_PFNS: count 0 -> EINVAL", CMD_GET_PFNS, PFNS(count, LIT, 0), NONE, EINVAL),
	ROW("GET_PFNS: first = page_count -> EINVAL", CMD_GET_PFNS, PFNS(first, MDL_PAGES, 0), NONE, EINVAL),
	ROW("GET_PFNS: first + count past page_count -> EINVAL", CMD_GET_PFNS, PFNS(first, MDL_PAGES, -1), PFNS(count, LIT, 2), EINVAL),
	ROW("GET_PFNS: first + count wrapping -> EINVAL", CMD_GET_PFNS, PFNS(first, LIT, -1), PFNS(count, LIT, 2), EINVAL),
	ROW("GET_PFNS: count max_pfns_per_call + 1 -> EINVAL", CMD_GET_PFNS, PFNS(count, MAX_PFNS, 1), NONE, EINVAL),
	ROW("GET_PFNS: unwritable PFN array -> EFAULT", CMD_GET_PFNS, PFNS(pfns, UNMAPPED, 0), NONE, EFAULT),
	ROW("PARTIAL: offset = byte_count -> EINVAL", CMD_PARTIAL, PART(offset, MDL_BYTES, 0), PART(length, LIT, 0), EINVAL),
	ROW("PARTIAL: offset past the end -> EINVAL", CMD_PARTIAL, PART(offset, MDL_BYTES, 1), PART(length, LIT, 1), EINVAL),
	ROW("PARTIAL: offset + length past the end -> EINVAL", CMD_PARTIAL, PART(offset, LIT, 1), PART(length, MDL_BYTES, 0), EINVAL),
	ROW("PARTIAL: offset + length wrapping -> EINVAL", CMD_PARTIAL, PART(offset, LIT, 2), PART(length, LIT, -1), EINVAL),
};

static uint64_t resolve(const struct value *v, const struct fixture *fx)
{
	uint64_t b = 0;

	switch (v->base) {
	case LIT:
		b = 0;
		break;
	case MAX_BYTES:
		b = t_env.ver.max_bytes;
		break;
	case MAX_PFNS:
		b = t_env.ver.max_pfns_per_call;
		break;
	case PAGES:
		return (uint64_t)v->add * t_env.page;
	case PAGE_PLUS:
		b = t_env.page;
		break;
	case MAX_BYTES_PAGE:
		b = t_env.ver.max_bytes + t_env.page;
		break;
	case UNMAPPED:
		b = fx->unmapped;
		break;
	case IO_PAGE:
		b = fx->io_page;
		break;
	case MDL_BYTES:
		b = fx->length;
		break;
	case MDL_PAGES:
		b = mdl_span_pages(fx->offset, fx->length, t_env.page);
		break;
	case BUF:
		b = (uintptr_t)fx->buf;
		break;
	}
	return b + (uint64_t)v->add;
}

static void apply(uint8_t *arg, const struct field *f, const struct fixture *fx)
{
	uint64_t v = resolve(&f->v, fx);
	uint32_t v32 = (uint32_t)v;

	if (f->off < 0)
		return;
	if (f->width == 8)
		memcpy(arg + f->off, &v, 8);
	else
		memcpy(arg + f->off, &v32, 4);
}

static int run_range(const struct t_case *tc)
{
	const struct range_row *r = tc->arg;
	const struct cmd_spec *c = &cmd_specs[r->cmd];
	uint8_t arg[CMD_ARG_MAX];
	struct fixture fx;
	struct t_pins p0, p1;
	int ret, fd0;

	ret = fixture_init(&fx, c);
	if (ret == -ENOENT && c->ioc == MDL_IOC_MAP_IO_SPACE)
		return t_skip("no unclaimed page in a PCI window of /proc/iomem");
	CHECK_OK(ret);
	memset(arg, 0, sizeof(arg));
	c->fill(arg, &fx);
	*(uint32_t *)arg = (uint32_t)c->size;
	apply(arg, &r->set[0], &fx);
	apply(arg, &r->set[1], &fx);
	fd0 = t_next_fd();
	CHECK_OK(t_pins_read(&p0));
	ret = cmd_issue(&fx, c, arg);
	CHECK_ERR(ret, r->want);
	CHECK_EQ(t_next_fd(), fd0);
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins left after a refused call");
	return T_PASS;
}

static size_t ranges_count(void)
{
	return sizeof(rows) / sizeof(rows[0]);
}

static void ranges_get(size_t i, struct t_case *tc)
{
	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "range: %s", rows[i].name);
	tc->run = run_range;
	tc->arg = &rows[i];
	tc->needs = cmd_specs[rows[i].cmd].needs;
}

const struct t_suite suite_ranges = { "ranges", ranges_count, ranges_get };
