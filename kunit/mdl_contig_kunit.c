// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_contig": MmAllocateContiguousMemory(SpecifyCache),
 * MmFreeContiguousMemory(SpecifyCache), MmAllocateNonCachedMemory and
 * MmFreeNonCachedMemory. Contiguity, bounds and boundaries are checked on
 * the physical addresses of every page.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include "mdl_wdk_kunit.h"

#define ANY_HIGH	(~0ULL >> 1)

/* Every page of [va, va + n pages) follows the first one physically. */
static void expect_contiguous(struct kunit *test, char *va, ULONG n)
{
	u64 base = MmGetPhysicalAddress(va).QuadPart;
	ULONG i;

	KUNIT_ASSERT_NE(test, base, 0ULL);
	for (i = 1; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, (u64)MmGetPhysicalAddress(va + i * PAGE_SIZE).QuadPart,
				    base + (u64)i * PAGE_SIZE, "page %u", i);
}

/* Five pages, physically contiguous and zeroed, in the direct map. */
static void contig_basic(struct kunit *test)
{
	char *va = MmAllocateContiguousMemory(5 * PAGE_SIZE, wdk_pa(ANY_HIGH));

	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_FALSE(test, is_vmalloc_addr(va));
	KUNIT_EXPECT_TRUE(test, wdk_all_zero(va, 5 * PAGE_SIZE));
	expect_contiguous(test, va, 5);
	wdk_fill(va, 5 * PAGE_SIZE, 44);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 5 * PAGE_SIZE, 44));
	MmFreeContiguousMemory(va);
}

/*
 * Ranges relative to where the page allocator hands out memory now (@low
 * and @high are offsets from a 32 MiB-aligned point near it, ANY_HIGH: no
 * bound): Linux cannot ask for a physical range, only set misses aside.
 */
struct contig_range_case {
	const char *name;
	s64 low, high;
	u64 boundary;
	SIZE_T size;
};

static const struct contig_range_case contig_range_cases[] = {
	{ "below", -SZ_64M, SZ_32M - 1, 0, 3 * PAGE_SIZE },
	{ "window", -SZ_32M, SZ_64M - 1, 0, 8 * PAGE_SIZE },
	{ "boundary_16k", 0, 0, SZ_16K, 3 * PAGE_SIZE },
	{ "boundary_64k", 0, 0, SZ_64K, 9 * PAGE_SIZE },
	{ "max_block", 0, 0, 0, SZ_1M },
};

/* Where the page allocator hands out blocks of @size now. */
static u64 probe_pa(struct kunit *test, SIZE_T size)
{
	unsigned int order = get_order(size);
	struct page *page = alloc_pages(GFP_KERNEL, order);
	u64 pa;

	KUNIT_ASSERT_NOT_NULL(test, page);
	pa = PFN_PHYS(page_to_pfn(page));
	__free_pages(page, order);
	return pa;
}

KUNIT_ARRAY_PARAM_DESC(contig_range, contig_range_cases, name);

/* Lowest, highest and boundary are honoured by the whole block. */
static void contig_ranges(struct kunit *test)
{
	const struct contig_range_case *c = test->param_value;
	u64 mid = ALIGN_DOWN(probe_pa(test, c->size), SZ_32M);
	u64 low = c->high ? (mid > -c->low ? mid + c->low : 0) : 0;
	u64 high = c->high ? mid + c->high : ANY_HIGH;
	char *va = MmAllocateContiguousMemorySpecifyCache(c->size, wdk_pa(low),
							  wdk_pa(high),
							  wdk_pa(c->boundary),
							  MmCached);
	u64 pa, last;

	KUNIT_ASSERT_NOT_NULL(test, va);
	pa = MmGetPhysicalAddress(va).QuadPart;
	last = pa + (u64)BYTES_TO_PAGES(c->size) * PAGE_SIZE - 1;
	KUNIT_EXPECT_GE(test, pa, low);
	KUNIT_EXPECT_LE(test, last, high);
	if (c->boundary)
		KUNIT_EXPECT_EQ(test, pa / c->boundary, last / c->boundary);
	expect_contiguous(test, va, BYTES_TO_PAGES(c->size));
	MmFreeContiguousMemorySpecifyCache(va, c->size, MmCached);
}

struct contig_cache_case {
	const char *name;
	MEMORY_CACHING_TYPE cache;
};

static const struct contig_cache_case contig_cache_cases[] = {
	{ "cached", MmCached },
	{ "non_cached", MmNonCached },
	{ "write_combined", MmWriteCombined },
	{ "coherent", MmHardwareCoherentCached },
};

KUNIT_ARRAY_PARAM_DESC(contig_cache, contig_cache_cases, name);

/* Every cache type allocates, is usable, and frees. */
static void contig_cache_types(struct kunit *test)
{
	const struct contig_cache_case *c = test->param_value;
	char *va = MmAllocateContiguousMemorySpecifyCache(2 * PAGE_SIZE, wdk_pa(0),
							  wdk_pa(ANY_HIGH),
							  wdk_pa(0), c->cache);

	KUNIT_ASSERT_NOT_NULL(test, va);
	wdk_fill(va, 2 * PAGE_SIZE, 45);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 2 * PAGE_SIZE, 45));
	MmFreeContiguousMemorySpecifyCache(va, 2 * PAGE_SIZE, c->cache);
}

struct contig_bad_case {
	const char *name;
	SIZE_T size;
	s64 low, high, boundary;
	MEMORY_CACHING_TYPE cache;
};

static const struct contig_bad_case contig_bad_cases[] = {
	{ "zero_size", 0, 0, ANY_HIGH, 0, MmCached },
	{ "larger_than_a_block", SZ_64M, 0, ANY_HIGH, 0, MmCached },
	{ "high_below_low", PAGE_SIZE, SZ_64M, SZ_32M, 0, MmCached },
	{ "negative_low", PAGE_SIZE, -1, ANY_HIGH, 0, MmCached },
	{ "boundary_not_power_of_two", PAGE_SIZE, 0, ANY_HIGH, 3 * PAGE_SIZE, MmCached },
	{ "boundary_below_size", 4 * PAGE_SIZE, 0, ANY_HIGH, 2 * PAGE_SIZE, MmCached },
	{ "bad_cache_type", PAGE_SIZE, 0, ANY_HIGH, 0, (MEMORY_CACHING_TYPE)6 },
	{ "nothing_in_range", PAGE_SIZE, 0, PAGE_SIZE - 1, 0, MmCached },
	{ "low_above_ram", PAGE_SIZE, 1LL << 40, ANY_HIGH, 0, MmCached },
};

KUNIT_ARRAY_PARAM_DESC(contig_bad, contig_bad_cases, name);

/* Requests that cannot be met return NULL and keep nothing. */
static void contig_refused(struct kunit *test)
{
	const struct contig_bad_case *c = test->param_value;
	long before = wdk_free_pages();
	PVOID va;

	va = MmAllocateContiguousMemorySpecifyCache(c->size, wdk_pa(c->low),
						    wdk_pa(c->high),
						    wdk_pa(c->boundary), c->cache);
	KUNIT_EXPECT_NULL(test, va);
	WDK_EXPECT_NO_LEAK(test, before, c->name);
}

/* Freeing an unknown address, twice, or with the other free routine: refused. */
static void contig_free_refused(struct kunit *test)
{
	char *va = MmAllocateContiguousMemory(PAGE_SIZE, wdk_pa(ANY_HIGH));
	char *nc = MmAllocateNonCachedMemory(PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_ASSERT_NOT_NULL(test, nc);
	MmFreeContiguousMemory(va + 8);
	MmFreeContiguousMemory(NULL);
	MmFreeNonCachedMemory(va, PAGE_SIZE);
	MmFreeContiguousMemory(nc);
	va[0] = 1;
	nc[0] = 2;
	KUNIT_EXPECT_EQ(test, va[0] + nc[0], 3);
	MmFreeContiguousMemory(va);
	MmFreeContiguousMemory(va);
	MmFreeNonCachedMemory(nc, PAGE_SIZE);
	MmFreeNonCachedMemory(nc, PAGE_SIZE);
}

/* Non-cached memory: virtually contiguous, zeroed, usable. */
static void noncached_basic(struct kunit *test)
{
	char *va = MmAllocateNonCachedMemory(3 * PAGE_SIZE + 7);

	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(va));
	KUNIT_EXPECT_TRUE(test, wdk_all_zero(va, 3 * PAGE_SIZE + 7));
	wdk_fill(va, 4 * PAGE_SIZE, 46);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 4 * PAGE_SIZE, 46));
	KUNIT_EXPECT_NE(test, MmGetPhysicalAddress(va + 3 * PAGE_SIZE).QuadPart, 0LL);
	MmFreeNonCachedMemory(va, 3 * PAGE_SIZE + 7);
	KUNIT_EXPECT_NULL(test, MmAllocateNonCachedMemory(0));
}

static void contig_round(struct kunit *test, const void *ctx)
{
	PVOID a = MmAllocateContiguousMemory(7 * PAGE_SIZE, wdk_pa(ANY_HIGH));
	PVOID b = MmAllocateContiguousMemorySpecifyCache(PAGE_SIZE, wdk_pa(0),
							 wdk_pa(ANY_HIGH), wdk_pa(0),
							 MmNonCached);
	PVOID c = MmAllocateNonCachedMemory(5 * PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, c);
	MmFreeContiguousMemory(a);
	MmFreeContiguousMemorySpecifyCache(b, PAGE_SIZE, MmNonCached);
	MmFreeNonCachedMemory(c, 5 * PAGE_SIZE);
}

/* Rounds of each allocator: the free page count comes back. */
static void contig_no_leak(struct kunit *test)
{
	wdk_leak_loop(test, 100, "contiguous + non-cached", contig_round, NULL);
}

static struct kunit_case mdl_contig_cases[] = {
	KUNIT_CASE(contig_basic),
	KUNIT_CASE_PARAM(contig_ranges, contig_range_gen_params),
	KUNIT_CASE_PARAM(contig_cache_types, contig_cache_gen_params),
	KUNIT_CASE_PARAM(contig_refused, contig_bad_gen_params),
	KUNIT_CASE(contig_free_refused),
	KUNIT_CASE(noncached_basic),
	KUNIT_CASE(contig_no_leak),
	{}
};

static struct kunit_suite mdl_contig_suite = {
	.name = "mdl_contig",
	.test_cases = mdl_contig_cases,
};

kunit_test_suite(mdl_contig_suite);
