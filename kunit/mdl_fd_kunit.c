// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mdl_fd: the geometry of MDL chains behind /dev/mdl fds
 * (module/mdl_obj.h): how a buffer is cut into 1 GiB-aligned slices, one
 * MDL each, and how a page or byte of the buffer is found in its slice;
 * and the checks of the commands' fields.
 */
#include <kunit/test.h>
#include <linux/sizes.h>

#include <linux/mdl.h>

#include "mdl_obj.h"

/**
 * struct mdl_chain_case - a buffer and the number of MDLs it needs
 * @name: description
 * @va: address of the buffer's first byte
 * @len: length in bytes
 * @slices: expected number of slices
 */
struct mdl_chain_case {
	const char *name;
	u64 va;
	u64 len;
	u32 slices;
};

static const struct mdl_chain_case mdl_chain_cases[] = {
	{ "one byte", 0, 1, 1 },
	{ "one page at an offset", 100, PAGE_SIZE, 1 },
	{ "exactly one slice", 0, SZ_1G, 1 },
	{ "one slice and a byte", 0, (u64)SZ_1G + 1, 2 },
	{ "two bytes across a boundary", SZ_1G - 1, 2, 2 },
	{ "user buffer 8 GiB, unaligned", 0x7f0000001234ULL, 8ULL << 30, 9 },
	{ "8 GiB, aligned", 0x40000000ULL, 8ULL << 30, 8 },
	{ "largest object", 0, MDL_OBJ_MAX_BYTES, 64 },
	{ "part ending on a boundary", (u64)SZ_1G - 3 * PAGE_SIZE + 7,
	  3 * PAGE_SIZE - 7, 1 },
};

static void mdl_chain_case_desc(const struct mdl_chain_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mdl_chain, mdl_chain_cases, mdl_chain_case_desc);

/* Slices cover the buffer exactly, in order, each inside one 1 GiB window. */
static void mdl_slices_tile_the_buffer(struct kunit *test)
{
	const struct mdl_chain_case *c = test->param_value;
	u32 i, n = mdl_slice_count(c->va, c->len);
	u64 start, len, next = c->va;

	KUNIT_ASSERT_EQ(test, n, c->slices);
	for (i = 0; i < n; i++) {
		mdl_slice_range(c->va, c->len, i, &start, &len);
		KUNIT_EXPECT_EQ(test, start, next);
		KUNIT_EXPECT_GT(test, len, 0);
		KUNIT_EXPECT_LE(test, len, (u64)MDL_MAX_BYTE_COUNT);
		KUNIT_EXPECT_EQ(test, start >> MDL_SLICE_SHIFT,
				(start + len - 1) >> MDL_SLICE_SHIFT);
		KUNIT_EXPECT_EQ(test, mdl_slice_of_offset(c->va, start - c->va), i);
		KUNIT_EXPECT_EQ(test, mdl_slice_of_offset(c->va, start + len - 1 - c->va), i);
		next = start + len;
	}
	KUNIT_EXPECT_EQ(test, next, c->va + c->len);
}

/* Expected slice and PFN index of page @page, from the slice ranges. */
static void mdl_expect_page(struct kunit *test, const struct mdl_chain_case *c,
			    u64 page)
{
	u64 addr = (c->va & PAGE_MASK) + (page << PAGE_SHIFT);
	u64 start, len, index;
	u32 i = mdl_slice_of_page(c->va, page, &index);

	mdl_slice_range(c->va, c->len, i, &start, &len);
	KUNIT_EXPECT_GE(test, addr + PAGE_SIZE - 1, start);
	KUNIT_EXPECT_LT(test, addr, start + len);
	KUNIT_EXPECT_EQ(test, index, (addr - (start & PAGE_MASK)) >> PAGE_SHIFT);
	KUNIT_EXPECT_LT(test, index,
			(u64)ADDRESS_AND_SIZE_TO_SPAN_PAGES((void *)(uintptr_t)start,
							    len));
}

/* Every page, including both sides of each boundary, maps to its slice. */
static void mdl_pages_map_to_their_slice(struct kunit *test)
{
	const struct mdl_chain_case *c = test->param_value;
	u64 npages = ((c->va & ~PAGE_MASK) + c->len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	u64 start, len, first;
	u32 i, n = mdl_slice_count(c->va, c->len);

	mdl_expect_page(test, c, 0);
	mdl_expect_page(test, c, npages - 1);
	for (i = 1; i < n; i++) {
		mdl_slice_range(c->va, c->len, i, &start, &len);
		first = (start - (c->va & PAGE_MASK)) >> PAGE_SHIFT;
		mdl_expect_page(test, c, first - 1);
		mdl_expect_page(test, c, first);
	}
}

/**
 * struct mdl_bits_case - flag and cache type checks
 * @name: description
 * @flags: flags given
 * @allowed: flags the command knows
 * @ok: expected result
 */
struct mdl_bits_case {
	const char *name;
	u32 flags;
	u32 allowed;
	bool ok;
};

static const struct mdl_bits_case mdl_bits_cases[] = {
	{ "no flags", 0, MDL_LOCK_WRITE | MDL_FD_CLOEXEC, true },
	{ "all known", MDL_LOCK_WRITE | MDL_FD_CLOEXEC,
	  MDL_LOCK_WRITE | MDL_FD_CLOEXEC, true },
	{ "unknown low bit", BIT(1), MDL_LOCK_WRITE | MDL_FD_CLOEXEC, false },
	{ "cloexec where none", MDL_FD_CLOEXEC, 0, false },
	{ "all bits", ~0U, MDL_ALLOC_CONTIGUOUS | MDL_ALLOC_NONPAGED, false },
};

static void mdl_bits_case_desc(const struct mdl_bits_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mdl_bits, mdl_bits_cases, mdl_bits_case_desc);

static void mdl_unknown_flags_refused(struct kunit *test)
{
	const struct mdl_bits_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mdl_flags_ok(c->flags, c->allowed), c->ok);
}

/**
 * struct mdl_args_case - one set of command fields and its verdict
 * @name: description
 * @lock: MDL_IOC_LOCK_USER fields (used when @cmd is 0)
 * @alloc: MDL_IOC_ALLOC_PAGES fields (@cmd 1)
 * @io: MDL_IOC_MAP_IO_SPACE fields (@cmd 2)
 * @cmd: which of the three is checked
 * @ret: expected result
 */
struct mdl_args_case {
	const char *name;
	struct mdl_lock_user lock;
	struct mdl_alloc_pages alloc;
	struct mdl_io_space io;
	int cmd;
	int ret;
};

#define LOCK(f, a, l, r)	.lock = { .flags = (f), .addr = (a), .length = (l), \
					  .reserved = (r) }, .cmd = 0
#define ALLOC(f, l, c)		.alloc = { .flags = (f), .length = (l), \
					   .cache_type = (c) }, .cmd = 1
#define IO(p, l, c)		.io = { .phys_addr = (p), .length = (l), \
					.cache_type = (c) }, .cmd = 2

static const struct mdl_args_case mdl_args_cases[] = {
	{ "lock: one byte", LOCK(0, 0x1000, 1, 0), 0 },
	{ "lock: write, cloexec, unaligned", LOCK(MDL_LOCK_WRITE | MDL_FD_CLOEXEC,
						  0x1001, 3 * PAGE_SIZE, 0), 0 },
	{ "lock: largest", LOCK(0, 0x10000, MDL_OBJ_MAX_BYTES, 0), 0 },
	{ "lock: a handle, writable", LOCK(MDL_LOCK_HANDLE | MDL_LOCK_WRITE,
					   0x1000, PAGE_SIZE, 0), 0 },
	{ "lock: a handle has no fd to close on exec",
	  LOCK(MDL_LOCK_HANDLE | MDL_FD_CLOEXEC, 0x1000, PAGE_SIZE, 0), -EINVAL },
	{ "lock: zero length", LOCK(0, 0x1000, 0, 0), -EINVAL },
	{ "lock: one byte too many", LOCK(0, 0, MDL_OBJ_MAX_BYTES + 1, 0), -EINVAL },
	{ "lock: wraps", LOCK(0, ~0ULL - 10, 100, 0), -EINVAL },
	{ "lock: unknown flag", LOCK(BIT(2), 0x1000, 1, 0), -EINVAL },
	{ "lock: reserved", LOCK(0, 0x1000, 1, 1), -EINVAL },
	{ "alloc: cached page", ALLOC(0, PAGE_SIZE, MDL_CACHE_CACHED), 0 },
	{ "alloc: contiguous write-combined", ALLOC(MDL_ALLOC_CONTIGUOUS, 5000,
						    MDL_CACHE_WRITECOMBINED), 0 },
	{ "alloc: non-paged", ALLOC(MDL_ALLOC_NONPAGED | MDL_FD_CLOEXEC, 1,
				    MDL_CACHE_CACHED), 0 },
	{ "alloc: non-paged, non-cached", ALLOC(MDL_ALLOC_NONPAGED, 1,
						MDL_CACHE_NONCACHED), -EINVAL },
	{ "alloc: non-paged, write-combined", ALLOC(MDL_ALLOC_NONPAGED, 1,
						    MDL_CACHE_WRITECOMBINED), -EINVAL },
	{ "alloc: contiguous and non-paged", ALLOC(MDL_ALLOC_CONTIGUOUS |
						   MDL_ALLOC_NONPAGED, 1, 1), -EINVAL },
	{ "alloc: cache type 3", ALLOC(0, 1, 3), -EINVAL },
	{ "alloc: zero length", ALLOC(0, 0, 1), -EINVAL },
	{ "alloc: too long", ALLOC(0, MDL_OBJ_MAX_BYTES + PAGE_SIZE, 1), -EINVAL },
	{ "alloc: unknown flag", ALLOC(BIT(5), 1, 1), -EINVAL },
	{ "io: one page", IO(0xfd000000, PAGE_SIZE, MDL_CACHE_NONCACHED), 0 },
	{ "io: unaligned address", IO(0xfd000001, PAGE_SIZE, 0), -EINVAL },
	{ "io: unaligned length", IO(0xfd000000, 100, 0), -EINVAL },
	{ "io: wraps", IO(~0ULL & PAGE_MASK, 2 * PAGE_SIZE, 0), -EINVAL },
	{ "io: beyond the CPU's physical range (x86)", IO(1ULL << 62, PAGE_SIZE, 0),
	  IS_ENABLED(CONFIG_X86) ? -EINVAL : 0 },
	{ "io: bad cache type", IO(0xfd000000, PAGE_SIZE, 7), -EINVAL },
};

static void mdl_args_case_desc(const struct mdl_args_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mdl_args, mdl_args_cases, mdl_args_case_desc);

static void mdl_command_fields_checked(struct kunit *test)
{
	const struct mdl_args_case *c = test->param_value;
	int ret;

	if (c->cmd == 0)
		ret = mdl_lock_args_check(&c->lock);
	else if (c->cmd == 1)
		ret = mdl_alloc_args_check(&c->alloc);
	else
		ret = mdl_io_args_check(&c->io);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
}

static void mdl_cache_types_are_windows_values(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, MDL_CACHE_NONCACHED, (int)MmNonCached);
	KUNIT_EXPECT_EQ(test, MDL_CACHE_CACHED, (int)MmCached);
	KUNIT_EXPECT_EQ(test, MDL_CACHE_WRITECOMBINED, (int)MmWriteCombined);
	KUNIT_EXPECT_TRUE(test, mdl_cache_type_ok(MDL_CACHE_WRITECOMBINED));
	KUNIT_EXPECT_FALSE(test, mdl_cache_type_ok(3));
	KUNIT_EXPECT_FALSE(test, mdl_cache_type_ok(~0U));
}

static void mdl_limits_fit_the_abi(struct kunit *test)
{
	/* A slice always fits one MDL; the largest object needs 64. */
	KUNIT_EXPECT_LE(test, MDL_SLICE_BYTES, (u64)MDL_MAX_BYTE_COUNT + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mdl_slice_count(0, MDL_OBJ_MAX_BYTES), 64);
	KUNIT_EXPECT_EQ(test, MDL_OBJ_MAX_BYTES % PAGE_SIZE, 0);
}

static struct kunit_case mdl_fd_cases[] = {
	KUNIT_CASE_PARAM(mdl_slices_tile_the_buffer, mdl_chain_gen_params),
	KUNIT_CASE_PARAM(mdl_pages_map_to_their_slice, mdl_chain_gen_params),
	KUNIT_CASE_PARAM(mdl_unknown_flags_refused, mdl_bits_gen_params),
	KUNIT_CASE_PARAM(mdl_command_fields_checked, mdl_args_gen_params),
	KUNIT_CASE(mdl_cache_types_are_windows_values),
	KUNIT_CASE(mdl_limits_fit_the_abi),
	{}
};

static struct kunit_suite mdl_fd_suite = {
	.name = "mdl_fd",
	.test_cases = mdl_fd_cases,
};

kunit_test_suite(mdl_fd_suite);
