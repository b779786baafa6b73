// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_pool": ExAllocatePool, ExAllocatePoolWithTag,
 * ExAllocatePool2, ExFreePool and ExFreePoolWithTag: where the memory comes
 * from, zeroing, flag checks, and ExFreePool of the MDLs the WDK frees with
 * it.
 */
#include <kunit/test.h>
#include <linux/cache.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "mdl_kunit.h"
#include "mdl_wdk_kunit.h"

/* Below PAGE_SIZE: kmalloc; the memory is usable up to its size. */
static void pool_small_is_kmalloc(struct kunit *test)
{
	PVOID p = ExAllocatePool(NonPagedPool, 100);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, is_vmalloc_addr(p));
	KUNIT_EXPECT_TRUE(test, virt_addr_valid(p));
	wdk_fill(p, 100, 3);
	KUNIT_EXPECT_TRUE(test, wdk_check(p, 100, 3));
	ExFreePool(p);
}

/* PAGE_SIZE and above: vmalloc, page-aligned, page-backed. */
static void pool_large_is_vmalloc(struct kunit *test)
{
	PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, 3 * PAGE_SIZE + 5, WDK_TAG);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(p));
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(p), 0U);
	KUNIT_EXPECT_NOT_NULL(test, vmalloc_to_page(p + 3 * PAGE_SIZE));
	wdk_fill(p, 3 * PAGE_SIZE + 5, 9);
	KUNIT_EXPECT_TRUE(test, wdk_check(p, 3 * PAGE_SIZE + 5, 9));
	ExFreePoolWithTag(p, WDK_TAG);
}

struct pool_type_case {
	const char *name;
	POOL_TYPE type;
	bool ok;
};

static const struct pool_type_case pool_type_cases[] = {
	{ "non_paged", NonPagedPool, true },
	{ "paged", PagedPool, true },
	{ "must_succeed", NonPagedPoolMustSucceed, true },
	{ "cache_aligned", NonPagedPoolCacheAligned, true },
	{ "paged_cache_aligned", PagedPoolCacheAligned, true },
	{ "nx", NonPagedPoolNx, true },
	{ "unknown_3", (POOL_TYPE)3, false },
	{ "unknown_1000", (POOL_TYPE)1000, false },
};

KUNIT_ARRAY_PARAM_DESC(pool_type, pool_type_cases, name);

/* Known pool types allocate; unknown ones are refused. */
static void pool_types(struct kunit *test)
{
	const struct pool_type_case *c = test->param_value;
	PVOID p = ExAllocatePool(c->type, 200);

	KUNIT_EXPECT_EQ(test, !!p, c->ok);
	if (p && (c->type == NonPagedPoolCacheAligned ||
		  c->type == PagedPoolCacheAligned))
		KUNIT_EXPECT_EQ(test, (uintptr_t)p % L1_CACHE_BYTES, 0UL);
	ExFreePool(p);
}

/* Zero bytes: nothing to allocate, NULL (never ZERO_SIZE_PTR). */
static void pool_zero_size(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, ExAllocatePool(NonPagedPool, 0));
	KUNIT_EXPECT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED, 0, WDK_TAG));
}

/* ExAllocatePool2 zeroes, small and large, unless asked not to. */
static void pool2_zeroes(struct kunit *test)
{
	static const SIZE_T sizes[] = { 24, PAGE_SIZE - 1, PAGE_SIZE, 5 * PAGE_SIZE };
	unsigned int i;
	PVOID p;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizes[i], WDK_TAG);

		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_TRUE_MSG(test, wdk_all_zero(p, sizes[i]),
				      "size %zu", sizes[i]);
		ExFreePoolWithTag(p, WDK_TAG);
	}
	p = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED, 64, WDK_TAG);
	KUNIT_EXPECT_NOT_NULL(test, p);
	ExFreePool(p);
}

struct pool2_flags_case {
	const char *name;
	POOL_FLAGS flags;
	ULONG tag;
	bool ok;
};

static const struct pool2_flags_case pool2_flags_cases[] = {
	{ "non_paged", POOL_FLAG_NON_PAGED, WDK_TAG, true },
	{ "paged_raise", POOL_FLAG_PAGED | POOL_FLAG_RAISE_ON_FAILURE, WDK_TAG, true },
	{ "cache_aligned", POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED, WDK_TAG, true },
	{ "zero_tag", POOL_FLAG_NON_PAGED, 0, false },
	{ "no_pool_kind", POOL_FLAG_UNINITIALIZED, WDK_TAG, false },
	{ "two_kinds", POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, WDK_TAG, false },
	{ "executable", POOL_FLAG_NON_PAGED_EXECUTE, WDK_TAG, false },
	{ "unknown_bit", POOL_FLAG_NON_PAGED | (1ULL << 40), WDK_TAG, false },
};

KUNIT_ARRAY_PARAM_DESC(pool2_flags, pool2_flags_cases, name);

/* Unknown flags, executable pool and a zero tag are refused. */
static void pool2_flags(struct kunit *test)
{
	const struct pool2_flags_case *c = test->param_value;
	PVOID p = ExAllocatePool2(c->flags, 100, c->tag);

	KUNIT_EXPECT_EQ(test, !!p, c->ok);
	if (p && (c->flags & POOL_FLAG_CACHE_ALIGNED))
		KUNIT_EXPECT_EQ(test, (uintptr_t)p % L1_CACHE_BYTES, 0UL);
	ExFreePool(p);
}

/* ExFreePool(NULL) does nothing. */
static void pool_free_null(struct kunit *test)
{
	ExFreePool(NULL);
	ExFreePoolWithTag(NULL, WDK_TAG);
	KUNIT_SUCCEED(test);
}

static void pool_round_allocated_mdl(struct kunit *test, const void *ctx)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(~0ULL >> 1), wdk_pa(0),
					 16 * PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	if (ctx)
		MmFreePagesFromMdl(mdl);
	ExFreePool(mdl);
}

/* The WDK cleanup of MmAllocatePagesForMdl: free the pages, ExFreePool the MDL. */
static void pool_frees_allocated_mdl(struct kunit *test)
{
	wdk_leak_loop(test, 64, "MmAllocatePagesForMdl(16 pages) + free + ExFreePool",
		      pool_round_allocated_mdl, test);
}

/* ExFreePool of such an MDL whose pages were not freed releases them too. */
static void pool_frees_mdl_with_pages(struct kunit *test)
{
	wdk_leak_loop(test, 32, "ExFreePool of an MDL still holding pages",
		      pool_round_allocated_mdl, NULL);
}

/*
 * Pool memory holding a caller-built MDL that is still locked: ExFreePool
 * unpins the pages and forgets the MDL's state, so that the same memory,
 * allocated again and built again, locks afresh.
 */
static void pool_frees_locked_hand_built_mdl(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, 2 * PAGE_SIZE);
	SIZE_T size = MmSizeOfMdl((PVOID)ubuf, 2 * PAGE_SIZE);
	struct mdl_kunit_pins before;
	PMDL mdl;

	mdl_kunit_pins_read(&before);
	mdl = ExAllocatePoolWithTag(NonPagedPool, size, WDK_TAG);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmInitializeMdl(mdl, (PVOID)ubuf, 2 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoWriteAccess),
			STATUS_SUCCESS);
	MDL_KUNIT_EXPECT_PINS(test, &before, 2, 0);
	ExFreePool(mdl);
	MDL_KUNIT_EXPECT_PINS(test, &before, 2, 2);

	mdl = ExAllocatePoolWithTag(NonPagedPool, size, WDK_TAG);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmInitializeMdl(mdl, (PVOID)ubuf, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_SUCCESS);
	MmUnlockPages(mdl);
	ExFreePool(mdl);
	MDL_KUNIT_EXPECT_PINS(test, &before, 4, 4);
}

static void pool_round(struct kunit *test, const void *ctx)
{
	PVOID big = ExAllocatePool(NonPagedPool, 8 * PAGE_SIZE);
	PVOID small = ExAllocatePool2(POOL_FLAG_NON_PAGED, 512, WDK_TAG);

	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_ASSERT_NOT_NULL(test, small);
	ExFreePool(big);
	ExFreePoolWithTag(small, WDK_TAG);
}

/* A loop of large and small pool allocations leaks nothing. */
static void pool_no_leak(struct kunit *test)
{
	wdk_leak_loop(test, 200, "pool alloc + free", pool_round, NULL);
}

static struct kunit_case mdl_pool_cases[] = {
	KUNIT_CASE(pool_small_is_kmalloc),
	KUNIT_CASE(pool_large_is_vmalloc),
	KUNIT_CASE_PARAM(pool_types, pool_type_gen_params),
	KUNIT_CASE(pool_zero_size),
	KUNIT_CASE(pool2_zeroes),
	KUNIT_CASE_PARAM(pool2_flags, pool2_flags_gen_params),
	KUNIT_CASE(pool_free_null),
	KUNIT_CASE(pool_frees_allocated_mdl),
	KUNIT_CASE(pool_frees_mdl_with_pages),
	KUNIT_CASE(pool_frees_locked_hand_built_mdl),
	KUNIT_CASE(pool_no_leak),
	{}
};

static struct kunit_suite mdl_pool_suite = {
	.name = "mdl_pool",
	.test_cases = mdl_pool_cases,
};

kunit_test_suite(mdl_pool_suite);
