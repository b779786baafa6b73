// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_partial": IoBuildPartialMdl, mappings of partial MDLs
 * (MDL_PARTIAL_HAS_BEEN_MAPPED), MmPrepareMdlForReuse and IoFreeMdl of a
 * mapped partial MDL.
 */
#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "mdl_kunit.h"

/* The source: 6 pages of user memory, buffer at SRC_OFFSET. */
#define SRC_MAP_PAGES	6
#define SRC_OFFSET	0x180
#define SRC_LEN		(5 * PAGE_SIZE + 0x40)

struct partial_env {
	unsigned long ubuf;	/* user address of the source buffer */
	PMDL src;
	PMDL dst;		/* IoAllocateMdl over the whole source range */
};

static void partial_env_init_op(struct kunit *test, struct partial_env *env,
				LOCK_OPERATION op)
{
	unsigned long uaddr = mdl_kunit_user_mem(test, SRC_MAP_PAGES * PAGE_SIZE,
						 PROT_READ | PROT_WRITE);

	env->ubuf = uaddr + SRC_OFFSET;
	mdl_kunit_fill_user(test, env->ubuf, SRC_LEN, 31);
	env->src = mdl_kunit_alloc_mdl(test, (PVOID)env->ubuf, SRC_LEN);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(env->src, UserMode, op),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, env->src);
	env->dst = mdl_kunit_alloc_mdl(test, (PVOID)env->ubuf, SRC_LEN);
}

static void partial_env_init(struct kunit *test, struct partial_env *env)
{
	partial_env_init_op(test, env, IoWriteAccess);
}

/* The target describes [va, va + len) with the source's PFNs for it. */
static void expect_partial(struct kunit *test, PMDL src, PMDL dst,
			   unsigned long va, ULONG len)
{
	ULONG first = ((unsigned long)PAGE_ALIGN(va) -
		       (unsigned long)src->StartVa) >> PAGE_SHIFT;
	ULONG npages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, len), i;

	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlVirtualAddress(dst), (PVOID)va);
	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlBaseVa(dst), PAGE_ALIGN(va));
	KUNIT_EXPECT_EQ(test, MmGetMdlByteOffset(dst), BYTE_OFFSET(va));
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(dst), len);
	KUNIT_EXPECT_TRUE(test, dst->MdlFlags & MDL_PARTIAL);
	KUNIT_EXPECT_FALSE(test, dst->MdlFlags &
			   (MDL_PAGES_LOCKED | MDL_PARTIAL_HAS_BEEN_MAPPED));
	KUNIT_EXPECT_PTR_EQ(test, dst->Process, src->Process);
	for (i = 0; i < npages; i++)
		KUNIT_EXPECT_EQ_MSG(test, MmGetMdlPfnArray(dst)[i],
				    MmGetMdlPfnArray(src)[first + i], "page %u", i);
}

struct partial_range_case {
	const char *name;
	unsigned long offset;	/* from the source buffer's start */
	ULONG length;		/* 0: to the end */
	ULONG expect_len;
};

static const struct partial_range_case partial_range_cases[] = {
	{ "whole_source", 0, SRC_LEN, SRC_LEN },
	{ "length_zero_from_start", 0, 0, SRC_LEN },
	{ "length_zero_from_middle", 2 * PAGE_SIZE + 5, 0,
	  SRC_LEN - 2 * PAGE_SIZE - 5 },
	{ "first_byte", 0, 1, 1 },
	{ "last_byte", SRC_LEN - 1, 1, 1 },
	{ "middle_across_pages", PAGE_SIZE - 0x200, 2 * PAGE_SIZE, 2 * PAGE_SIZE },
	{ "page_aligned_page", 2 * PAGE_SIZE - SRC_OFFSET, PAGE_SIZE, PAGE_SIZE },
};

KUNIT_ARRAY_PARAM_DESC(partial_range, partial_range_cases, name);

/* Sub-ranges (Length 0 = to the end) take the right PFNs and flags. */
static void build_partial_mdl_ranges(struct kunit *test)
{
	const struct partial_range_case *c = test->param_value;
	struct partial_env env;
	unsigned long va;

	partial_env_init(test, &env);
	va = env.ubuf + c->offset;
	IoBuildPartialMdl(env.src, env.dst, (PVOID)va, c->length);
	expect_partial(test, env.src, env.dst, va, c->expect_len);
	KUNIT_EXPECT_FALSE(test, env.dst->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_NULL(test, env.dst->MappedSystemVa);
}

/* A partial MDL of a mapped source inherits the mapping, offset. */
static void build_partial_mdl_of_mapped_source(struct kunit *test)
{
	struct partial_env env;
	unsigned long off = PAGE_SIZE + 0x321;
	u8 *src_va;

	PMDL dst;

	partial_env_init(test, &env);
	src_va = MmGetSystemAddressForMdlSafe(env.src, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, src_va);
	dst = IoAllocateMdl((PVOID)env.ubuf, SRC_LEN, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	IoBuildPartialMdl(env.src, dst, (PVOID)(env.ubuf + off), 3 * PAGE_SIZE);
	expect_partial(test, env.src, dst, env.ubuf + off, 3 * PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, dst->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_PTR_EQ(test, dst->MappedSystemVa, (PVOID)(src_va + off));
	KUNIT_EXPECT_PTR_EQ(test, MmGetSystemAddressForMdlSafe(dst, NormalPagePriority),
			    (PVOID)(src_va + off));
	/* The bytes at that address are the sub-range's. */
	mdl_kunit_fill_user(test, env.ubuf + off, 3 * PAGE_SIZE, 44);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(dst->MappedSystemVa,
						3 * PAGE_SIZE, 44));
	/* Freeing the target does not unmap the source's mapping. */
	IoFreeMdl(dst);
	KUNIT_EXPECT_TRUE(test, env.src->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(src_va + off, 3 * PAGE_SIZE, 44));
}

/* A partial MDL of non-paged pool inherits the pool flag and address. */
static void build_partial_mdl_of_nonpaged_pool(struct kunit *test)
{
	u8 *buf = mdl_kunit_vmalloc(test, 4 * PAGE_SIZE);
	PMDL src = mdl_kunit_alloc_mdl(test, buf + 8, 4 * PAGE_SIZE - 8);
	PMDL dst = mdl_kunit_alloc_mdl(test, buf + 8, 4 * PAGE_SIZE - 8);
	u8 *va = buf + 2 * PAGE_SIZE + 3;

	MmBuildMdlForNonPagedPool(src);
	KUNIT_ASSERT_TRUE(test, src->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
	IoBuildPartialMdl(src, dst, va, 0);
	expect_partial(test, src, dst, (unsigned long)va,
		       4 * PAGE_SIZE - 2 * PAGE_SIZE - 3);
	KUNIT_EXPECT_TRUE(test, dst->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
	KUNIT_EXPECT_PTR_EQ(test, dst->MappedSystemVa, (PVOID)va);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(dst)[0], vmalloc_to_pfn(va));
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(dst)[1],
			vmalloc_to_pfn(va + PAGE_SIZE));
}

enum partial_bad_kind {
	BEFORE_SOURCE, AT_END, PAST_END, LENGTH_PAST_END, SOURCE_UNLOCKED,
	TARGET_TOO_SMALL, TARGET_IS_SOURCE,
};

struct partial_bad_case {
	const char *name;
	enum partial_bad_kind kind;
};

static const struct partial_bad_case partial_bad_cases[] = {
	{ "va_before_source", BEFORE_SOURCE },
	{ "va_at_source_end", AT_END },
	{ "va_past_source_end", PAST_END },
	{ "length_past_source_end", LENGTH_PAST_END },
	{ "source_not_locked", SOURCE_UNLOCKED },
	{ "target_too_small", TARGET_TOO_SMALL },
	{ "target_is_source", TARGET_IS_SOURCE },
};

KUNIT_ARRAY_PARAM_DESC(partial_bad, partial_bad_cases, name);

/* Bad ranges are refused: the target (and the source) stay unchanged. */
static void build_partial_mdl_bad_range_refused(struct kunit *test)
{
	const struct partial_bad_case *c = test->param_value;
	struct partial_env env;
	unsigned long va;
	ULONG len = PAGE_SIZE;
	PMDL src, dst;
	size_t dlen, slen;
	void *dsnap, *ssnap;

	partial_env_init(test, &env);
	src = env.src;
	dst = env.dst;
	va = env.ubuf + PAGE_SIZE;
	switch (c->kind) {
	case BEFORE_SOURCE:
		va = env.ubuf - 1;
		break;
	case AT_END:
		va = env.ubuf + SRC_LEN;
		len = 0;
		break;
	case PAST_END:
		va = env.ubuf + SRC_LEN + PAGE_SIZE;
		len = 1;
		break;
	case LENGTH_PAST_END:
		len = SRC_LEN - PAGE_SIZE + 1;
		break;
	case SOURCE_UNLOCKED:
		src = mdl_kunit_alloc_mdl(test, (PVOID)env.ubuf, SRC_LEN);
		break;
	case TARGET_TOO_SMALL:
		dst = mdl_kunit_alloc_mdl(test, (PVOID)env.ubuf, 1);
		len = 2 * PAGE_SIZE;
		break;
	case TARGET_IS_SOURCE:
		dst = src;
		break;
	}
	dsnap = mdl_kunit_snapshot(test, dst, &dlen);
	ssnap = mdl_kunit_snapshot(test, src, &slen);
	IoBuildPartialMdl(src, dst, (PVOID)va, len);
	KUNIT_EXPECT_MEMEQ(test, dst, dsnap, dlen);
	KUNIT_EXPECT_MEMEQ(test, src, ssnap, slen);
	KUNIT_EXPECT_FALSE(test, dst->MdlFlags & MDL_PARTIAL);
}

/*
 * Mapping a partial MDL sets MDL_PARTIAL_HAS_BEEN_MAPPED; the mapping shows
 * the sub-range's bytes; MmPrepareMdlForReuse unmaps it and the target can
 * be rebuilt for another range.
 */
static void map_partial_then_prepare_for_reuse(struct kunit *test)
{
	struct partial_env env;
	unsigned long off = 3 * PAGE_SIZE + 0x10;
	u8 *va, *base;

	partial_env_init(test, &env);
	IoBuildPartialMdl(env.src, env.dst, (PVOID)(env.ubuf + off), 0x200);
	va = MmGetSystemAddressForMdlSafe(env.dst, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_TRUE(test, env.dst->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED);
	KUNIT_EXPECT_TRUE(test, env.dst->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_PTR_EQ(test, env.dst->MappedSystemVa, (PVOID)va);
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(va), BYTE_OFFSET(env.ubuf + off));
	KUNIT_EXPECT_FALSE(test, env.src->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	base = PAGE_ALIGN(va);
	KUNIT_EXPECT_EQ(test, vmalloc_to_pfn(base), MmGetMdlPfnArray(env.dst)[0]);
	mdl_kunit_fill_user(test, env.ubuf + off, 0x200, 66);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(va, 0x200, 66));
	mdl_kunit_fill(va, 0x200, 67);
	mdl_kunit_expect_user(test, env.ubuf + off, 0x200, 67);

	/* Rebuilding a mapped target without MmPrepareMdlForReuse is refused. */
	IoBuildPartialMdl(env.src, env.dst, (PVOID)env.ubuf, 16);
	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlVirtualAddress(env.dst),
			    (PVOID)(env.ubuf + off));

	MmPrepareMdlForReuse(env.dst);
	KUNIT_EXPECT_FALSE(test, env.dst->MdlFlags &
			   (MDL_PARTIAL_HAS_BEEN_MAPPED | MDL_MAPPED_TO_SYSTEM_VA));
	KUNIT_EXPECT_NULL(test, vmalloc_to_page(base));
	/* A second MmPrepareMdlForReuse does nothing. */
	MmPrepareMdlForReuse(env.dst);

	IoBuildPartialMdl(env.src, env.dst, (PVOID)env.ubuf, 16);
	expect_partial(test, env.src, env.dst, env.ubuf, 16);
	va = MmGetSystemAddressForMdlSafe(env.dst, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(va, 16, 31));
	MmPrepareMdlForReuse(env.dst);
}

/* IoFreeMdl of a mapped partial MDL releases its mapping. */
static void free_mapped_partial_mdl(struct kunit *test)
{
	struct partial_env env;
	PMDL dst;
	u8 *va;

	partial_env_init(test, &env);
	dst = IoAllocateMdl((PVOID)env.ubuf, SRC_LEN, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	IoBuildPartialMdl(env.src, dst, (PVOID)(env.ubuf + PAGE_SIZE), 2 * PAGE_SIZE);
	va = MmMapLockedPagesSpecifyCache(dst, KernelMode, MmCached, NULL, FALSE,
					  NormalPagePriority);
	if (!va)
		IoFreeMdl(dst);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_TRUE(test, dst->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED);
	mdl_kunit_fill_user(test, env.ubuf + PAGE_SIZE, 2 * PAGE_SIZE, 88);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(va, 2 * PAGE_SIZE, 88));
	IoFreeMdl(dst);
	KUNIT_EXPECT_NULL(test, vmalloc_to_page(PAGE_ALIGN(va)));
	KUNIT_EXPECT_NULL(test, vmalloc_to_page(PAGE_ALIGN(va) + 2 * PAGE_SIZE));
	/* The source keeps its pages. */
	KUNIT_EXPECT_TRUE(test, env.src->MdlFlags & MDL_PAGES_LOCKED);
}

/* A partial MDL of a partial MDL takes the PFNs through both. */
static void build_partial_of_partial(struct kunit *test)
{
	struct partial_env env;
	PMDL third;
	unsigned long va = 0;

	partial_env_init(test, &env);
	third = mdl_kunit_alloc_mdl(test, (PVOID)env.ubuf, SRC_LEN);
	IoBuildPartialMdl(env.src, env.dst, (PVOID)(env.ubuf + PAGE_SIZE), 0);
	va = env.ubuf + 3 * PAGE_SIZE + 1;
	IoBuildPartialMdl(env.dst, third, (PVOID)va, PAGE_SIZE);
	expect_partial(test, env.src, third, va, PAGE_SIZE);
}

struct partial_write_case {
	const char *name;
	LOCK_OPERATION op;	/* the source's lock */
	bool raw_target;	/* a target the caller initialised (no state) */
	bool writable;		/* device writes and writable user mappings */
};

static const struct partial_write_case partial_write_cases[] = {
	{ "read_lock", IoReadAccess, false, false },
	{ "write_lock", IoWriteAccess, false, true },
	{ "modify_lock", IoModifyAccess, false, true },
	{ "read_lock_caller_target", IoReadAccess, true, false },
	{ "write_lock_caller_target", IoWriteAccess, true, false },
};

KUNIT_ARRAY_PARAM_DESC(partial_write, partial_write_cases, name);

/*
 * A user mapping of @mdl without MdlMappingNoWrite is made exactly when its
 * pages may be written; stores through it reach the source's buffer at @va.
 */
static void expect_user_write(struct kunit *test, PMDL mdl, unsigned long va,
			      bool writable, u8 seed)
{
	PVOID uva = MmMapLockedPagesSpecifyCache(mdl, UserMode, MmCached, NULL,
						 FALSE, NormalPagePriority);

	KUNIT_EXPECT_EQ(test, !!uva, writable);
	if (!uva)
		return;
	mdl_kunit_fill_user(test, (unsigned long)uva, PAGE_SIZE, seed);
	mdl_kunit_expect_user(test, va, PAGE_SIZE, seed);
	MmUnmapLockedPages(uva, mdl);
}

/*
 * A partial MDL of user pages may be written as its source's lock allows
 * (the same test decides device writes in the DMA layer); a part of that
 * part is as the part. No part carries MDL_WRITE_OPERATION, as on Windows.
 */
static void partial_mdl_write_access(struct kunit *test)
{
	const struct partial_write_case *c = test->param_value;
	unsigned long va;
	struct partial_env env;
	PMDL dst, third;

	partial_env_init_op(test, &env, c->op);
	dst = env.dst;
	va = env.ubuf + PAGE_SIZE;
	if (c->raw_target) {
		dst = mdl_kunit_raw_mdl(test, SRC_MAP_PAGES);
		MmInitializeMdl(dst, (PVOID)va, 2 * PAGE_SIZE);
	}
	IoBuildPartialMdl(env.src, dst, (PVOID)va, 2 * PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, dst->MdlFlags & MDL_PARTIAL);
	KUNIT_EXPECT_FALSE(test, dst->MdlFlags & MDL_WRITE_OPERATION);
	third = mdl_kunit_alloc_mdl(test, (PVOID)va, PAGE_SIZE);
	IoBuildPartialMdl(dst, third, (PVOID)va, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, third->MdlFlags & MDL_PARTIAL);

	expect_user_write(test, dst, va, c->writable, 77);
	expect_user_write(test, third, va, c->writable, 78);
}

static struct kunit_case mdl_partial_cases[] = {
	KUNIT_CASE_PARAM(build_partial_mdl_ranges, partial_range_gen_params),
	KUNIT_CASE(build_partial_mdl_of_mapped_source),
	KUNIT_CASE(build_partial_mdl_of_nonpaged_pool),
	KUNIT_CASE_PARAM(build_partial_mdl_bad_range_refused, partial_bad_gen_params),
	KUNIT_CASE(map_partial_then_prepare_for_reuse),
	KUNIT_CASE(free_mapped_partial_mdl),
	KUNIT_CASE(build_partial_of_partial),
	KUNIT_CASE_PARAM(partial_mdl_write_access, partial_write_gen_params),
	{}
};

static struct kunit_suite mdl_partial_suite = {
	.name = "mdl_partial",
	.test_cases = mdl_partial_cases,
};

kunit_test_suite(mdl_partial_suite);
