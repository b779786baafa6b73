// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_pool": ExAllocatePool, ExAllocatePoolWithTag,
 * ExAllocatePool2, ExFreePool and ExFreePoolWithTag: the arena of
 * page-backed pool memory (sizes, alignment, tags, zeroing, never a slab
 * page, user and kernel mappings of any allocation), refused frees, and
 * ExFreePool of the MDLs the WDK frees with it.
 */
#include <kunit/test.h>
#include <linux/cache.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"
#include "mdl_kunit.h"
#include "mdl_wdk_kunit.h"

/* The page of pool memory at @va. */
static struct page *pool_page(const void *va)
{
	return is_vmalloc_addr(va) ? vmalloc_to_page(va) : virt_to_page(va);
}

/* Every page of [@p, @p + @len) is a page of the arena, never a slab page. */
static void pool_expect_arena_pages(struct kunit *test, const char *p, size_t len)
{
	const char *va;
	struct page *page;

	for (va = PTR_ALIGN_DOWN(p, PAGE_SIZE); va < p + len; va += PAGE_SIZE) {
		page = pool_page(va);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_FALSE(test, PageSlab(page));
		KUNIT_EXPECT_FALSE(test, PageAnon(page));
		KUNIT_EXPECT_GE(test, page_count(page), 1);
	}
}

/* Alignment a pool allocation of @size gets: its class, or a page. */
static size_t pool_alignment(size_t size)
{
	if (size > PAGE_SIZE / 2)
		return PAGE_SIZE;
	return max_t(size_t, roundup_pow_of_two(size), 32);
}

struct pool_size_case {
	const char *name;
	SIZE_T size;
};

static const struct pool_size_case pool_size_cases[] = {
	{ "1", 1 }, { "16", 16 }, { "31", 31 }, { "32", 32 }, { "33", 33 },
	{ "64", 64 }, { "100", 100 }, { "1024", 1024 }, { "2047", 2047 },
	{ "half_page", PAGE_SIZE / 2 }, { "half_page_plus_1", PAGE_SIZE / 2 + 1 },
	{ "page_minus_1", PAGE_SIZE - 1 }, { "page", PAGE_SIZE },
	{ "page_plus_1", PAGE_SIZE + 1 }, { "5_pages_5", 5 * PAGE_SIZE + 5 },
	{ "16_pages", 16 * PAGE_SIZE }, { "17_pages", 17 * PAGE_SIZE },
	{ "64_pages_3", 64 * PAGE_SIZE + 3 },
};

KUNIT_ARRAY_PARAM_DESC(pool_size, pool_size_cases, name);

/*
 * Sizes from 1 byte to beyond a page: aligned to their class (a page above
 * half a page), page-backed and never slab, usable up to their size, and
 * two live allocations of one size never overlap.
 */
static void pool_sizes(struct kunit *test)
{
	SIZE_T size = test->param_value ?
		((const struct pool_size_case *)test->param_value)->size : 1;
	char *a = ExAllocatePoolWithTag(NonPagedPool, size, WDK_TAG);
	char *b = ExAllocatePoolWithTag(NonPagedPoolNx, size, WDK_TAG);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, (uintptr_t)a % pool_alignment(size), 0UL);
	KUNIT_EXPECT_EQ(test, (uintptr_t)b % pool_alignment(size), 0UL);
	KUNIT_EXPECT_TRUE(test, a + size <= b || b + size <= a);
	pool_expect_arena_pages(test, a, size);
	pool_expect_arena_pages(test, b, size);
	wdk_fill(a, size, 3);
	wdk_fill(b, size, 4);
	KUNIT_EXPECT_TRUE(test, wdk_check(a, size, 3));
	KUNIT_EXPECT_TRUE(test, wdk_check(b, size, 4));
	ExFreePoolWithTag(a, WDK_TAG);
	ExFreePoolWithTag(b, WDK_TAG);
}

/* A full page of one class and one more: all distinct, all in the arena. */
static void pool_fills_pages(struct kunit *test)
{
	enum { N = PAGE_SIZE / 64 + 1 };
	char **p = kunit_kcalloc(test, N, sizeof(*p), GFP_KERNEL);
	unsigned int i, j;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < N; i++) {
		p[i] = ExAllocatePoolWithTag(NonPagedPool, 64, WDK_TAG + i);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_EQ(test, (uintptr_t)p[i] % 64, 0UL);
		wdk_fill(p[i], 64, i);
	}
	for (i = 0; i < N; i++) {
		KUNIT_EXPECT_TRUE(test, wdk_check(p[i], 64, i));
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, p[i], p[j]);
	}
	for (i = 0; i < N; i++)
		ExFreePoolWithTag(p[i], WDK_TAG + i);
}

/*
 * ExFreePoolWithTag with another tag than the allocation's is refused and
 * frees nothing: the memory stays allocated (a new allocation does not
 * get it) until freed with the right tag. ExFreePool takes any tag, and
 * ExAllocatePool's tag is 'None', as on Windows.
 */
static void pool_wrong_tag_refused(struct kunit *test)
{
	static const SIZE_T sizes[] = { 48, 2000, 3 * PAGE_SIZE };
	unsigned int i;
	char *p, *q;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = ExAllocatePoolWithTag(NonPagedPool, sizes[i], WDK_TAG);
		KUNIT_ASSERT_NOT_NULL(test, p);
		wdk_fill(p, sizes[i], 5);
		ExFreePoolWithTag(p, WDK_TAG + 1);
		q = ExAllocatePoolWithTag(NonPagedPool, sizes[i], WDK_TAG + 1);
		KUNIT_ASSERT_NOT_NULL(test, q);
		KUNIT_EXPECT_PTR_NE_MSG(test, p, q, "size %zu", sizes[i]);
		KUNIT_EXPECT_TRUE(test, wdk_check(p, sizes[i], 5));
		ExFreePoolWithTag(q, WDK_TAG + 1);
		ExFreePoolWithTag(p, WDK_TAG);
	}
	p = ExAllocatePool(NonPagedPool, 40);
	KUNIT_ASSERT_NOT_NULL(test, p);
	ExFreePoolWithTag(p, WDK_TAG);
	q = ExAllocatePool(NonPagedPool, 40);
	KUNIT_EXPECT_PTR_NE(test, p, q);
	ExFreePoolWithTag(p, 0x656e6f4e);	/* 'None' */
	ExFreePool(q);
}

static void pool_round_bad_frees(struct kunit *test, const void *ctx)
{
	char *small = ExAllocatePoolWithTag(NonPagedPool, 200, WDK_TAG);
	char *big = ExAllocatePoolWithTag(NonPagedPool, 2 * PAGE_SIZE, WDK_TAG);
	void *slab = kmalloc(64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, small);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_ASSERT_NOT_NULL(test, slab);
	/* Inside an allocation, not pool memory, a wrong tag: refused. */
	ExFreePool(small + 8);
	ExFreePool(big + PAGE_SIZE);
	ExFreePool(slab);
	ExFreePoolWithTag(big, WDK_TAG + 1);
	kfree(slab);
	wdk_fill(small, 200, 1);
	wdk_fill(big, 2 * PAGE_SIZE, 2);
	KUNIT_EXPECT_TRUE(test, wdk_check(small, 200, 1));
	KUNIT_EXPECT_TRUE(test, wdk_check(big, 2 * PAGE_SIZE, 2));
	ExFreePool(small);
	ExFreePool(big);
	/* Freeing twice: the second is refused. */
	ExFreePool(small);
	ExFreePool(big);
}

#define POOL_KUNIT_RETURNED	80	/* 2 KiB chunks: 40 pages, over the spares */

/*
 * Pages the arena gives back once empty (past its spare pages) are
 * forgotten with their descriptors: a later free of a chunk they held finds
 * none, though the last free looked that very page up.
 */
static void pool_free_after_page_returned(struct kunit *test)
{
	void **p = kunit_kcalloc(test, POOL_KUNIT_RETURNED, sizeof(*p), GFP_KERNEL);
	long before = mdl_pool_bytes();
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < POOL_KUNIT_RETURNED; i++) {
		p[i] = ExAllocatePoolWithTag(NonPagedPool, 2048, WDK_TAG);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	for (i = 0; i < POOL_KUNIT_RETURNED; i++)
		ExFreePool(p[i]);
	KUNIT_EXPECT_LT(test, mdl_pool_bytes(),
			before + POOL_KUNIT_RETURNED / 2 * (long)PAGE_SIZE);
	/* Freeing again, newest first: each is refused, nothing changes. */
	for (i = POOL_KUNIT_RETURNED; i-- > 0;)
		ExFreePool(p[i]);
	KUNIT_EXPECT_LT(test, mdl_pool_bytes(),
			before + POOL_KUNIT_RETURNED / 2 * (long)PAGE_SIZE);
}

/* Refused frees change nothing, and nothing leaks around them. */
static void pool_bad_frees_refused(struct kunit *test)
{
	wdk_leak_loop(test, 64, "refused ExFreePool calls", pool_round_bad_frees, NULL);
}

/*
 * Seed 001 with its sizes: a 1024-byte pool buffer described by
 * MmBuildMdlForNonPagedPool and mapped into the process (MmCached, UserMode)
 * and into the kernel; all three addresses show the same bytes, the user
 * address keeps the buffer's offset in its page, and the page's reference
 * count is back to one when the mappings are gone.
 */
static void pool_small_user_map(struct kunit *test)
{
	char *pool = ExAllocatePool(NonPagedPool, 1024);
	struct page *page;
	char *uva, *kva;
	PMDL mdl;

	KUNIT_ASSERT_NOT_NULL(test, pool);
	page = virt_to_page(pool);
	memset(pool, 0, 1024);
	wdk_user_mem(test, PAGE_SIZE);
	mdl = IoAllocateMdl(pool, 1024, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmBuildMdlForNonPagedPool(mdl);
	KUNIT_ASSERT_TRUE(test, mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(mdl)[0], page_to_pfn(page));
	uva = MmMapLockedPagesSpecifyCache(mdl, UserMode, MmCached, NULL, FALSE,
					   NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(uva), BYTE_OFFSET(pool));
	KUNIT_EXPECT_GT(test, page_count(page), 1);
	kva = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE,
					   NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, kva);
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(kva), BYTE_OFFSET(pool));

	wdk_fill(pool, 1024, 41);
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva, 1024, 41));
	KUNIT_EXPECT_TRUE(test, wdk_check(kva, 1024, 41));
	wdk_fill_user(test, (unsigned long)uva, 1024, 42);
	KUNIT_EXPECT_TRUE(test, wdk_check(pool, 1024, 42));
	KUNIT_EXPECT_TRUE(test, wdk_check(kva, 1024, 42));

	MmUnmapLockedPages(kva, mdl);
	MmUnmapLockedPages(uva, mdl);
	IoFreeMdl(mdl);
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	ExFreePool(pool);
}

/*
 * Every size class and a block: MmBuildMdlForNonPagedPool and a user
 * mapping work on any pool allocation.
 */
static void pool_any_size_user_map(struct kunit *test)
{
	static const SIZE_T sizes[] = { 1, 40, 100, 300, 700, 1500, 2048, 3000,
					PAGE_SIZE + 100 };
	unsigned int i;
	char *pool, *uva;
	PMDL mdl;

	wdk_user_mem(test, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		pool = ExAllocatePoolWithTag(NonPagedPool, sizes[i], WDK_TAG);
		KUNIT_ASSERT_NOT_NULL(test, pool);
		mdl = IoAllocateMdl(pool, sizes[i], FALSE, FALSE, NULL);
		KUNIT_ASSERT_NOT_NULL(test, mdl);
		KUNIT_EXPECT_EQ(test, MmTryBuildMdlForNonPagedPool(mdl), STATUS_SUCCESS);
		uva = MmMapLockedPagesSpecifyCache(mdl, UserMode, MmCached, NULL,
						   FALSE, NormalPagePriority);
		KUNIT_EXPECT_NOT_NULL_MSG(test, uva, "size %zu", sizes[i]);
		if (uva) {
			wdk_fill(pool, sizes[i], i);
			KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva,
							       sizes[i], i));
			MmUnmapLockedPages(uva, mdl);
		}
		IoFreeMdl(mdl);
		ExFreePoolWithTag(pool, WDK_TAG);
	}
}

/*
 * Pool freed while a user mapping of it remains: the mapping keeps its
 * pages and their contents, and the arena does not hand them out again.
 * The round holds a reference of its own on every page of the allocation:
 * once the mapping is gone, that is the only reference left (neither the
 * arena nor the mapping kept one), and dropping it frees the page. False
 * if a page was still referenced.
 */
static bool pool_round_free_while_mapped(struct kunit *test, SIZE_T size)
{
	unsigned int i, n = DIV_ROUND_UP(size, PAGE_SIZE);
	struct page *pages[2];
	char *pool, *again, *uva;
	bool released = true;
	PMDL mdl;

	KUNIT_ASSERT_LE(test, n, ARRAY_SIZE(pages));
	pool = ExAllocatePoolWithTag(NonPagedPool, size, WDK_TAG);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	mdl = IoAllocateMdl(pool, size, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmBuildMdlForNonPagedPool(mdl);
	uva = MmMapLockedPagesSpecifyCache(mdl, UserMode, MmCached, NULL, FALSE,
					   NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	for (i = 0; i < n; i++) {
		pages[i] = pool_page(pool + i * PAGE_SIZE);
		get_page(pages[i]);
	}
	wdk_fill(pool, size, 7);
	ExFreePoolWithTag(pool, WDK_TAG);
	again = ExAllocatePoolWithTag(NonPagedPool, size, WDK_TAG);
	KUNIT_EXPECT_NOT_NULL(test, again);
	if (again) {
		KUNIT_EXPECT_PTR_NE(test, again, pool);
		wdk_fill(again, size, 8);
	}
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva, size, 7));
	ExFreePoolWithTag(again, WDK_TAG);
	MmUnmapLockedPages(uva, mdl);
	IoFreeMdl(mdl);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, page_count(pages[i]), 1,
				    "page %u of %zu freed bytes is still referenced", i, size);
		released &= page_count(pages[i]) == 1;
		put_page(pages[i]);
	}
	return released;
}

/*
 * Rounds of pool_round_free_while_mapped() release every page and do not
 * grow the arena: once a first round has left a freed allocation of that
 * size for reuse, each round takes what it frees from what the arena keeps.
 */
static void pool_free_while_mapped_loop(struct kunit *test, SIZE_T size, const char *what)
{
	long before = 0;
	int i;

	for (i = 0; i <= 32; i++) {
		if (!pool_round_free_while_mapped(test, size))
			return;
		if (!i)
			before = mdl_pool_bytes();
	}
	kunit_info(test, "%s: arena %ld -> %ld bytes over %d rounds\n", what, before,
		   mdl_pool_bytes(), i - 1);
	KUNIT_EXPECT_LE_MSG(test, mdl_pool_bytes(), before, "%s: the arena grew", what);
}

static void pool_free_while_mapped(struct kunit *test)
{
	wdk_user_mem(test, PAGE_SIZE);
	pool_free_while_mapped_loop(test, 2 * PAGE_SIZE, "pool block freed while mapped");
	pool_free_while_mapped_loop(test, 1024, "pool chunk freed while mapped");
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
	static const SIZE_T sizes[] = { 1, 24, 1024, PAGE_SIZE / 2 + 1, PAGE_SIZE - 1,
					PAGE_SIZE, 5 * PAGE_SIZE, 20 * PAGE_SIZE };
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

/*
 * mdl_pool_bytes() counts what a live allocation holds of the arena: a block
 * larger than the arena keeps of freed blocks (16 pages) comes from the page
 * allocator and goes back to it when freed.
 */
static void pool_bytes_counted(struct kunit *test)
{
	const long size = 20 * PAGE_SIZE;
	long before = mdl_pool_bytes(), held;
	void *p = ExAllocatePoolWithTag(NonPagedPool, size, WDK_TAG);

	KUNIT_ASSERT_NOT_NULL(test, p);
	held = mdl_pool_bytes();
	KUNIT_EXPECT_GE(test, held - before, size);
	ExFreePoolWithTag(p, WDK_TAG);
	KUNIT_EXPECT_LE(test, mdl_pool_bytes(), held - size);
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

/*
 * ExFreePool of an MDL of MmAllocatePagesForMdl while a caller-built MDL
 * in pool memory holds a state (the path that asks the table first).
 */
static void pool_frees_allocated_mdl_beside_hand_built(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, PAGE_SIZE);
	SIZE_T size = MmSizeOfMdl((PVOID)ubuf, PAGE_SIZE);
	struct mdl_kunit_pins before;
	PMDL mdl;

	mdl_kunit_pins_read(&before);
	mdl = ExAllocatePoolWithTag(NonPagedPool, size, WDK_TAG);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmInitializeMdl(mdl, (PVOID)ubuf, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_SUCCESS);
	wdk_leak_loop(test, 16, "ExFreePool of allocated MDLs beside a locked one",
		      pool_round_allocated_mdl, test);
	MmUnlockPages(mdl);
	ExFreePool(mdl);
	MDL_KUNIT_EXPECT_PINS(test, &before, 1, 1);
}

#define POOL_CACHE_FILL	1100	/* one-page blocks: more than the cache keeps */

/*
 * Freed blocks of one size cannot keep the cache from another: once
 * one-page blocks have filled it, a freed four-page block still goes into
 * it (pushing out the oldest), and the next four-page request gets that
 * block back without taking new pages or a new descriptor.
 */
static void pool_cache_shared_by_sizes(struct kunit *test)
{
	void **p = kunit_kcalloc(test, POOL_CACHE_FILL, sizeof(*p), GFP_KERNEL);
	long freed, again;
	void *a, *b;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < POOL_CACHE_FILL; i++) {
		p[i] = ExAllocatePoolWithTag(NonPagedPool, PAGE_SIZE, WDK_TAG);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	for (i = 0; i < POOL_CACHE_FILL; i++)
		ExFreePoolWithTag(p[i], WDK_TAG);
	a = ExAllocatePoolWithTag(NonPagedPool, 4 * PAGE_SIZE, WDK_TAG);
	KUNIT_ASSERT_NOT_NULL(test, a);
	ExFreePoolWithTag(a, WDK_TAG);
	freed = mdl_pool_bytes();
	b = ExAllocatePoolWithTag(NonPagedPool, 4 * PAGE_SIZE, WDK_TAG);
	KUNIT_ASSERT_NOT_NULL(test, b);
	again = mdl_pool_bytes();
	ExFreePoolWithTag(b, WDK_TAG);
	KUNIT_EXPECT_PTR_EQ(test, b, a);
	KUNIT_EXPECT_EQ(test, again - freed, 4 * (long)PAGE_SIZE);
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
	KUNIT_CASE_PARAM(pool_sizes, pool_size_gen_params),
	KUNIT_CASE(pool_fills_pages),
	KUNIT_CASE(pool_wrong_tag_refused),
	KUNIT_CASE(pool_bad_frees_refused),
	KUNIT_CASE(pool_free_after_page_returned),
	KUNIT_CASE(pool_small_user_map),
	KUNIT_CASE(pool_any_size_user_map),
	KUNIT_CASE(pool_free_while_mapped),
	KUNIT_CASE_PARAM(pool_types, pool_type_gen_params),
	KUNIT_CASE(pool_zero_size),
	KUNIT_CASE(pool2_zeroes),
	KUNIT_CASE_PARAM(pool2_flags, pool2_flags_gen_params),
	KUNIT_CASE(pool_bytes_counted),
	KUNIT_CASE(pool_free_null),
	KUNIT_CASE(pool_frees_allocated_mdl),
	KUNIT_CASE(pool_frees_mdl_with_pages),
	KUNIT_CASE(pool_frees_locked_hand_built_mdl),
	KUNIT_CASE(pool_frees_allocated_mdl_beside_hand_built),
	KUNIT_CASE(pool_cache_shared_by_sizes),
	KUNIT_CASE(pool_no_leak),
	{}
};

static struct kunit_suite mdl_pool_suite = {
	.name = "mdl_pool",
	.test_cases = mdl_pool_cases,
};

kunit_test_suite(mdl_pool_suite);
