// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_pages": MmAllocatePagesForMdl, MmAllocatePagesForMdlEx,
 * MmFreePagesFromMdl and MmFreePagesFromMdlEx. Physical ranges, strides and
 * chunks are checked on the PFNs returned; zeroing on the pages' bytes;
 * leaks by the free page count around loops of allocate and free.
 */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sizes.h>

#include "mdl_wdk_kunit.h"

#define ANY_HIGH	(~0ULL >> 1)

static PMDL alloc_ex(struct kunit *test, u64 low, u64 high, u64 skip,
		     SIZE_T bytes, MEMORY_CACHING_TYPE cache, ULONG flags)
{
	return MmAllocatePagesForMdlEx(wdk_pa(low), wdk_pa(high), wdk_pa(skip),
				       bytes, cache, flags);
}

static void free_mdl(PMDL mdl)
{
	MmFreePagesFromMdl(mdl);
	ExFreePool(mdl);
}

static ULONG mdl_pages(PMDL mdl)
{
	return ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(mdl),
					      MmGetMdlByteCount(mdl));
}

static bool page_is_zero(PFN_NUMBER pfn)
{
	void *va = kmap_local_page(pfn_to_page(pfn));
	bool zero = wdk_all_zero(va, PAGE_SIZE);

	kunmap_local(va);
	return zero;
}

/* The allocation: an MDL with the byte count asked, real distinct PFNs. */
static void pages_alloc_basic(struct kunit *test)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 16 * PAGE_SIZE);
	PPFN_NUMBER pfns;
	ULONG i, j;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	pfns = MmGetMdlPfnArray(mdl);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), 16 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteOffset(mdl), 0U);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	for (i = 0; i < 16; i++) {
		KUNIT_EXPECT_TRUE(test, pfn_valid(pfns[i]));
		KUNIT_EXPECT_TRUE_MSG(test, page_is_zero(pfns[i]), "page %u", i);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, pfns[i], pfns[j]);
	}
	free_mdl(mdl);
}

/* A size that is not a page multiple keeps its byte count. */
static void pages_alloc_odd_size(struct kunit *test)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 PAGE_SIZE + 100);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), (ULONG)PAGE_SIZE + 100);
	KUNIT_EXPECT_EQ(test, mdl_pages(mdl), 2U);
	free_mdl(mdl);
}

struct pages_flags_case {
	const char *name;
	ULONG flags;
	MEMORY_CACHING_TYPE cache;
};

static const struct pages_flags_case pages_flags_cases[] = {
	{ "none", 0, MmCached },
	{ "dont_zero", MM_DONT_ZERO_ALLOCATION, MmCached },
	{ "local_node", MM_ALLOCATE_FROM_LOCAL_NODE_ONLY, MmCached },
	{ "fully_required", MM_ALLOCATE_FULLY_REQUIRED, MmCached },
	{ "no_wait", MM_ALLOCATE_NO_WAIT, MmCached },
	{ "prefer_contiguous", MM_ALLOCATE_PREFER_CONTIGUOUS, MmCached },
	{ "fast_large_pages", MM_ALLOCATE_FAST_LARGE_PAGES, MmCached },
	{ "trim", MM_ALLOCATE_TRIM_IF_NECESSARY, MmCached },
	{ "non_cached", 0, MmNonCached },
	{ "write_combined", 0, MmWriteCombined },
};

KUNIT_ARRAY_PARAM_DESC(pages_flags, pages_flags_cases, name);

/* Each honoured flag and cache type gives a full, usable allocation. */
static void pages_alloc_flags(struct kunit *test)
{
	const struct pages_flags_case *c = test->param_value;
	PMDL mdl = alloc_ex(test, 0, ANY_HIGH, 0, 8 * PAGE_SIZE, c->cache, c->flags);
	PVOID va;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), 8 * PAGE_SIZE);
	if (!(c->flags & MM_DONT_ZERO_ALLOCATION))
		KUNIT_EXPECT_TRUE(test, page_is_zero(MmGetMdlPfnArray(mdl)[7]));
	va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	wdk_fill(va, 8 * PAGE_SIZE, 5);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 8 * PAGE_SIZE, 5));
	free_mdl(mdl);
}

/*
 * Where the page allocator hands out pages now: a window around it is a
 * range that can be met (Linux cannot ask for a physical range directly;
 * pages outside are set aside and others taken).
 */
static u64 probe_pa(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	u64 pa;

	KUNIT_ASSERT_NOT_NULL(test, page);
	pa = PFN_PHYS(page_to_pfn(page));
	__free_page(page);
	return pa;
}

/* Every page lies in [LowAddress, HighAddress]. */
static void pages_low_high(struct kunit *test)
{
	u64 mid = ALIGN_DOWN(probe_pa(test), SZ_16M);
	u64 low = mid > SZ_16M ? mid - SZ_16M : 0, high = mid + SZ_16M - 1;
	PMDL mdl = alloc_ex(test, low, high, 0, 32 * PAGE_SIZE, MmCached, 0);
	PPFN_NUMBER pfns;
	ULONG i;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	pfns = MmGetMdlPfnArray(mdl);
	for (i = 0; i < mdl_pages(mdl); i++) {
		KUNIT_EXPECT_GE(test, (u64)PFN_PHYS(pfns[i]), low);
		KUNIT_EXPECT_LE(test, (u64)PFN_PHYS(pfns[i]) + PAGE_SIZE - 1, high);
	}
	free_mdl(mdl);
}

/* With SkipBytes, pages lie in [Low + k*Skip, High + k*Skip]. */
static void pages_skip_stride(struct kunit *test)
{
	u64 low = ALIGN_DOWN(probe_pa(test), SZ_1M) % (2 * SZ_1M);
	u64 high = low + SZ_1M - 1, skip = 2 * SZ_1M;
	PMDL mdl = alloc_ex(test, low, high, skip, 16 * PAGE_SIZE, MmCached, 0);
	PPFN_NUMBER pfns;
	ULONG i;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	pfns = MmGetMdlPfnArray(mdl);
	for (i = 0; i < mdl_pages(mdl); i++)
		KUNIT_EXPECT_LT_MSG(test, ((u64)PFN_PHYS(pfns[i]) - low) % skip,
				    (u64)SZ_1M, "pfn %#lx", pfns[i]);
	free_mdl(mdl);
}

/* REQUIRE_CONTIGUOUS_CHUNKS: SkipBytes-sized, aligned runs of PFNs. */
static void pages_contiguous_chunks(struct kunit *test)
{
	ULONG chunk = 4, i;
	PMDL mdl = alloc_ex(test, 0, ANY_HIGH, chunk * PAGE_SIZE, 16 * PAGE_SIZE,
			    MmCached, MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS);
	PPFN_NUMBER pfns;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_ASSERT_EQ(test, mdl_pages(mdl), 16U);
	pfns = MmGetMdlPfnArray(mdl);
	for (i = 0; i < 16; i++) {
		if (i % chunk)
			KUNIT_EXPECT_EQ(test, pfns[i], pfns[i - 1] + 1);
		else
			KUNIT_EXPECT_EQ(test, pfns[i] % chunk, 0UL);
	}
	free_mdl(mdl);
}

struct pages_bad_case {
	const char *name;
	u64 low, high, skip;
	SIZE_T bytes;
	MEMORY_CACHING_TYPE cache;
	ULONG flags;
};

static const struct pages_bad_case pages_bad_cases[] = {
	{ "zero_bytes", 0, ANY_HIGH, 0, 0, MmCached, 0 },
	{ "high_below_low", 1 << 20, 4095, 0, PAGE_SIZE, MmCached, 0 },
	{ "skip_not_page_multiple", 0, ANY_HIGH, 100, PAGE_SIZE, MmCached, 0 },
	{ "negative_low", -4096ULL, ANY_HIGH, 0, PAGE_SIZE, MmCached, 0 },
	{ "bad_cache_type", 0, ANY_HIGH, 0, PAGE_SIZE, (MEMORY_CACHING_TYPE)9, 0 },
	{ "not_mapped_cache_type", 0, ANY_HIGH, 0, PAGE_SIZE, MmNotMapped, 0 },
	{ "unknown_flag", 0, ANY_HIGH, 0, PAGE_SIZE, MmCached, 0x1000 },
	{ "hot_remove", 0, ANY_HIGH, 0, PAGE_SIZE, MmCached, MM_ALLOCATE_AND_HOT_REMOVE },
	{ "chunk_without_size", 0, ANY_HIGH, 0, PAGE_SIZE, MmCached,
	  MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS },
	{ "chunk_not_power_of_two", 0, ANY_HIGH, 3 * PAGE_SIZE, PAGE_SIZE, MmCached,
	  MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS },
	{ "fully_required_over_4g", 0, ANY_HIGH, 0, 1ULL << 33, MmCached,
	  MM_ALLOCATE_FULLY_REQUIRED },
	{ "low_above_ram", 1ULL << 40, ANY_HIGH, 0, PAGE_SIZE, MmCached, 0 },
};

KUNIT_ARRAY_PARAM_DESC(pages_bad, pages_bad_cases, name);

/* Bad ranges, cache types and flags are refused before anything is taken. */
static void pages_refused(struct kunit *test)
{
	const struct pages_bad_case *c = test->param_value;
	long before = wdk_free_pages();

	KUNIT_EXPECT_NULL(test, alloc_ex(test, c->low, c->high, c->skip, c->bytes,
					 c->cache, c->flags));
	WDK_EXPECT_NO_LEAK(test, before, c->name);
}

/* Nothing acceptable (the first page of RAM only): NULL, nothing kept. */
static void pages_empty_range(struct kunit *test)
{
	long before = wdk_free_pages();

	KUNIT_EXPECT_NULL(test, alloc_ex(test, 0, PAGE_SIZE - 1, 0, 4 * PAGE_SIZE,
					 MmCached, 0));
	KUNIT_EXPECT_NULL(test, alloc_ex(test, 0, PAGE_SIZE - 1, 0, 4 * PAGE_SIZE,
					 MmCached, MM_ALLOCATE_FULLY_REQUIRED));
	WDK_EXPECT_NO_LEAK(test, before, "impossible range");
}

/* MmFreePagesFromMdl releases the system mapping made on the MDL. */
static void pages_free_unmaps(struct kunit *test)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 3 * PAGE_SIZE);
	PVOID va;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(va));
	MmFreePagesFromMdl(mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA |
						  MDL_PAGES_LOCKED));
	KUNIT_EXPECT_NULL(test, mdl->MappedSystemVa);
	ExFreePool(mdl);
}

/*
 * Allocated pages are mapped with the cache type they were allocated with,
 * whatever valid type the caller asks; an invalid type is still refused.
 */
static void pages_map_cache_type(struct kunit *test)
{
	PMDL mdl = alloc_ex(test, 0, ANY_HIGH, 0, 2 * PAGE_SIZE, MmWriteCombined, 0);
	PVOID va;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_EXPECT_NULL(test, MmMapLockedPagesSpecifyCache(mdl, KernelMode,
							     MmMaximumCacheType, NULL,
							     FALSE, NormalPagePriority));
	KUNIT_EXPECT_NULL(test, MmMapLockedPagesSpecifyCache(mdl, KernelMode,
							     MmNotMapped, NULL, FALSE,
							     NormalPagePriority));
	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE,
					  NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	memset(va, 0x5a, 2 * PAGE_SIZE);
	KUNIT_EXPECT_FALSE(test, page_is_zero(MmGetMdlPfnArray(mdl)[1]));
	MmUnmapLockedPages(va, mdl);
	free_mdl(mdl);
}

/* MM_FREE_MDL_PAGES_ZERO: the pages are zero when they go back. */
static void pages_free_zeroes(struct kunit *test)
{
	PMDL mdl = alloc_ex(test, 0, ANY_HIGH, 0, 2 * PAGE_SIZE, MmCached, 0);
	struct page *page;
	PVOID va;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	wdk_fill(va, 2 * PAGE_SIZE, 77);
	page = pfn_to_page(MmGetMdlPfnArray(mdl)[1]);
	get_page(page);		/* look at the page after it is freed */
	MmFreePagesFromMdlEx(mdl, MM_FREE_MDL_PAGES_ZERO);
	KUNIT_EXPECT_TRUE(test, page_is_zero(page_to_pfn(page)));
	put_page(page);
	ExFreePool(mdl);
}

/* Freeing twice, with bad flags, or an MDL without such pages: refused. */
static void pages_free_refused(struct kunit *test)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 PAGE_SIZE);
	PMDL other = IoAllocateMdl(mdl, PAGE_SIZE, FALSE, FALSE, NULL);
	PFN_NUMBER pfn;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_ASSERT_NOT_NULL(test, other);
	pfn = MmGetMdlPfnArray(mdl)[0];
	MmFreePagesFromMdlEx(mdl, 0x80);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(mdl)[0], pfn);
	MmFreePagesFromMdl(mdl);
	MmFreePagesFromMdl(mdl);
	MmFreePagesFromMdl(other);
	MmFreePagesFromMdl(NULL);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	IoFreeMdl(other);
	ExFreePool(mdl);
}

/* A partial MDL over allocated pages names the same frames. */
static void pages_partial(struct kunit *test)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 4 * PAGE_SIZE);
	PMDL part;
	char *va;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	va = MmGetMdlVirtualAddress(mdl);
	part = IoAllocateMdl(va + PAGE_SIZE, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, part);
	IoBuildPartialMdl(mdl, part, va + PAGE_SIZE, 2 * PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, part->MdlFlags & MDL_PARTIAL);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(part)[0], MmGetMdlPfnArray(mdl)[1]);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(part)[1], MmGetMdlPfnArray(mdl)[2]);
	IoFreeMdl(part);
	free_mdl(mdl);
}

struct pages_leak_case {
	const char *name;
	ULONG flags;
	u64 skip;
};

static const struct pages_leak_case pages_leak_cases[] = {
	{ "bulk", 0, 0 },
	{ "prefer_contiguous", MM_ALLOCATE_PREFER_CONTIGUOUS, 0 },
	{ "chunks_of_8", MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, 8 * PAGE_SIZE },
	{ "free_zero", MM_DONT_ZERO_ALLOCATION, 0 },
};

KUNIT_ARRAY_PARAM_DESC(pages_leak, pages_leak_cases, name);

static void pages_round(struct kunit *test, const void *ctx)
{
	const struct pages_leak_case *c = ctx;
	PMDL mdl = alloc_ex(test, 0, ANY_HIGH, c->skip, 32 * PAGE_SIZE, MmCached,
			    c->flags);
	struct page *first;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_ASSERT_NOT_NULL(test,
			      MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority));
	first = pfn_to_page(MmGetMdlPfnArray(mdl)[0]);
	MmFreePagesFromMdlEx(mdl, (c->flags & MM_DONT_ZERO_ALLOCATION) ?
			     MM_FREE_MDL_PAGES_ZERO : 0);
	KUNIT_EXPECT_EQ(test, page_count(first), 0);
	ExFreePool(mdl);
}

/* Rounds of allocate, map, free: the pages go back, the count comes back. */
static void pages_no_leak(struct kunit *test)
{
	const struct pages_leak_case *c = test->param_value;

	wdk_leak_loop(test, 100, c->name, pages_round, c);
}

static struct kunit_case mdl_pages_cases[] = {
	KUNIT_CASE(pages_alloc_basic),
	KUNIT_CASE(pages_alloc_odd_size),
	KUNIT_CASE_PARAM(pages_alloc_flags, pages_flags_gen_params),
	KUNIT_CASE(pages_low_high),
	KUNIT_CASE(pages_skip_stride),
	KUNIT_CASE(pages_contiguous_chunks),
	KUNIT_CASE_PARAM(pages_refused, pages_bad_gen_params),
	KUNIT_CASE(pages_empty_range),
	KUNIT_CASE(pages_free_unmaps),
	KUNIT_CASE(pages_map_cache_type),
	KUNIT_CASE(pages_free_zeroes),
	KUNIT_CASE(pages_free_refused),
	KUNIT_CASE(pages_partial),
	KUNIT_CASE_PARAM(pages_no_leak, pages_leak_gen_params),
	{}
};

static struct kunit_suite mdl_pages_suite = {
	.name = "mdl_pages",
	.test_cases = mdl_pages_cases,
};

kunit_test_suite(mdl_pages_suite);
