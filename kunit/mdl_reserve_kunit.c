// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_reserve": MmAllocateMappingAddress,
 * MmFreeMappingAddress, MmMapLockedPagesWithReservedMapping and
 * MmUnmapReservedMapping. On every kernel an MDL mapped for a reservation
 * gets a mapping of its own outside the reserved range (no kernel exports a
 * way to map pages into an existing range); the reservation stays reserved
 * and busy while it is mapped.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "mdl_wdk_kunit.h"

#define ANY_HIGH	(~0ULL >> 1)
#define OTHER_TAG	0x5453454eU

static PMDL pages_mdl(struct kunit *test, ULONG npages)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 (SIZE_T)npages * PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	return mdl;
}

static PVOID map_reserved(PVOID r, ULONG tag, PMDL mdl, MEMORY_CACHING_TYPE cache)
{
	return MmMapLockedPagesWithReservedMapping(r, tag, mdl, cache);
}

static void free_mdl(PMDL mdl)
{
	MmFreePagesFromMdl(mdl);
	ExFreePool(mdl);
}

/* A reservation is page-aligned system address space, and frees. */
static void reserve_alloc_free(struct kunit *test)
{
	PVOID r = MmAllocateMappingAddress(5 * PAGE_SIZE, WDK_TAG);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(r));
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(r), 0U);
	MmFreeMappingAddress(r, WDK_TAG);
}

/* Zero size or zero tag: no reservation. */
static void reserve_refused(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, MmAllocateMappingAddress(0, WDK_TAG));
	KUNIT_EXPECT_NULL(test, MmAllocateMappingAddress(PAGE_SIZE, 0));
}

/* Freeing with the wrong tag or an unknown address is refused. */
static void reserve_free_checks_tag(struct kunit *test)
{
	PVOID r = MmAllocateMappingAddress(PAGE_SIZE, WDK_TAG);
	PMDL mdl = pages_mdl(test, 1);

	KUNIT_ASSERT_NOT_NULL(test, r);
	MmFreeMappingAddress(r, OTHER_TAG);
	MmFreeMappingAddress((char *)r + PAGE_SIZE, WDK_TAG);
	MmFreeMappingAddress(NULL, WDK_TAG);
	/* Still reserved: a mapping for it is still possible. */
	KUNIT_EXPECT_NOT_NULL(test, map_reserved(r, WDK_TAG, mdl, MmCached));
	MmUnmapReservedMapping(r, WDK_TAG, mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	MmFreeMappingAddress(r, WDK_TAG);
	free_mdl(mdl);
}

/* Mapping into a range smaller than the MDL, or with another tag: NULL. */
static void reserve_map_refused(struct kunit *test)
{
	PVOID r = MmAllocateMappingAddress(2 * PAGE_SIZE, WDK_TAG);
	PMDL big = pages_mdl(test, 3);
	PMDL small = pages_mdl(test, 1);
	PMDL bare = IoAllocateMdl(r, PAGE_SIZE, FALSE, FALSE, NULL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, bare);
	KUNIT_EXPECT_NULL(test, map_reserved(r, WDK_TAG, big, MmCached));
	KUNIT_EXPECT_NULL(test, map_reserved(r, OTHER_TAG, small, MmCached));
	KUNIT_EXPECT_NULL(test, map_reserved(r, WDK_TAG, bare, MmCached));
	KUNIT_EXPECT_NULL(test, map_reserved(r, WDK_TAG, small, MmNotMapped));
	KUNIT_EXPECT_NULL(test, map_reserved((char *)r + PAGE_SIZE, WDK_TAG, small,
					     MmCached));
	KUNIT_EXPECT_FALSE(test, small->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	MmUnmapReservedMapping(r, WDK_TAG, small);
	IoFreeMdl(bare);
	free_mdl(big);
	free_mdl(small);
	MmFreeMappingAddress(r, WDK_TAG);
}

/* Is [@va, @va + @len) disjoint from [@r, @r + @rlen)? */
static bool outside(const char *va, size_t len, const char *r, size_t rlen)
{
	return va + len <= r || va >= r + rlen;
}

/* An MDL mapped for its reservation: the same bytes, outside the range. */
static void reserve_map_unmap(struct kunit *test)
{
	char *r = MmAllocateMappingAddress(4 * PAGE_SIZE, WDK_TAG);
	PMDL mdl = pages_mdl(test, 3);
	PMDL other = pages_mdl(test, 1);
	char *va, *kva;

	KUNIT_ASSERT_NOT_NULL(test, r);
	va = MmMapLockedPagesWithReservedMapping(r, WDK_TAG, mdl, MmCached);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(va));
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(va), 0U);
	KUNIT_EXPECT_TRUE(test, outside(va, 3 * PAGE_SIZE, r, 4 * PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_PTR_EQ(test, MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority),
			    (PVOID)va);
	wdk_fill(va, 3 * PAGE_SIZE, 17);
	KUNIT_EXPECT_EQ(test, MmGetPhysicalAddress(va + PAGE_SIZE).QuadPart,
			(LONGLONG)PFN_PHYS(MmGetMdlPfnArray(mdl)[1]));
	/* Mapping it again, or another MDL for the busy range, is refused. */
	KUNIT_EXPECT_NULL(test, map_reserved(r, WDK_TAG, mdl, MmCached));
	KUNIT_EXPECT_NULL(test, map_reserved(r, WDK_TAG, other, MmCached));
	KUNIT_EXPECT_FALSE(test, other->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	/* Only MmUnmapReservedMapping with the range and tag unmaps it. */
	MmUnmapReservedMapping(r, OTHER_TAG, mdl);
	MmUnmapReservedMapping(r, WDK_TAG, other);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 3 * PAGE_SIZE, 17));
	MmFreeMappingAddress(r, WDK_TAG);	/* refused: still mapped */
	MmUnmapReservedMapping(r, WDK_TAG, mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_NE(test, MmGetPhysicalAddress(r).QuadPart,
			(LONGLONG)PFN_PHYS(MmGetMdlPfnArray(mdl)[0]));
	/* A new mapping of the same pages sees the bytes. */
	kva = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, kva);
	KUNIT_EXPECT_TRUE(test, wdk_check(kva, 3 * PAGE_SIZE, 17));
	/* The range is free again for another MDL. */
	KUNIT_EXPECT_NOT_NULL(test, map_reserved(r, WDK_TAG, other, MmCached));
	MmUnmapReservedMapping(r, WDK_TAG, other);
	free_mdl(other);
	free_mdl(mdl);
	MmFreeMappingAddress(r, WDK_TAG);
}

/* A buffer not at a page start: the address keeps its ByteOffset. */
static void reserve_map_offset(struct kunit *test)
{
	char *buf = vmalloc(3 * PAGE_SIZE);
	char *r = MmAllocateMappingAddress(2 * PAGE_SIZE, WDK_TAG);
	PMDL mdl;
	char *va;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, r);
	wdk_fill(buf, 3 * PAGE_SIZE, 23);
	mdl = IoAllocateMdl(buf + 0x123, PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmBuildMdlForNonPagedPool(mdl);
	va = MmMapLockedPagesWithReservedMapping(r, WDK_TAG, mdl, MmCached);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(va), 0x123U);
	KUNIT_EXPECT_TRUE(test, outside(va, PAGE_SIZE, r, 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, memcmp(va, buf + 0x123, PAGE_SIZE), 0);
	/* A non-paged MDL keeps its own address as MappedSystemVa. */
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, (PVOID)(buf + 0x123));
	va[PAGE_SIZE - 1] = 0x5a;
	KUNIT_EXPECT_EQ(test, buf[0x123 + PAGE_SIZE - 1], 0x5a);
	MmUnmapReservedMapping(r, WDK_TAG, mdl);
	IoFreeMdl(mdl);
	MmFreeMappingAddress(r, WDK_TAG);
	vfree(buf);
}

/* Freeing the MDL's pages releases its reserved mapping too. */
static void reserve_released_with_mdl(struct kunit *test)
{
	char *r = MmAllocateMappingAddress(PAGE_SIZE, WDK_TAG);
	PMDL mdl = pages_mdl(test, 1);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, map_reserved(r, WDK_TAG, mdl, MmCached));
	free_mdl(mdl);
	/* The range is free again: a new mapping for it is accepted. */
	mdl = pages_mdl(test, 1);
	KUNIT_EXPECT_NOT_NULL(test, map_reserved(r, WDK_TAG, mdl, MmCached));
	free_mdl(mdl);
	MmFreeMappingAddress(r, WDK_TAG);
}

static void reserve_round(struct kunit *test, const void *ctx)
{
	PMDL mdl = (PMDL)ctx;
	PVOID r = MmAllocateMappingAddress(8 * PAGE_SIZE, WDK_TAG);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_NOT_NULL(test, map_reserved(r, WDK_TAG, mdl, MmCached));
	MmUnmapReservedMapping(r, WDK_TAG, mdl);
	MmFreeMappingAddress(r, WDK_TAG);
}

/* Reserve, map, unmap and free 100 times: nothing leaks. */
static void reserve_no_leak(struct kunit *test)
{
	PMDL mdl = pages_mdl(test, 2);

	wdk_leak_loop(test, 100, "reserve + map + free", reserve_round, mdl);
	free_mdl(mdl);
}

/*
 * A range a driver never frees: mdl.ko releases it when it is unloaded.
 * kunit/uml-init.sh notes mdl's vmalloc areas before rmmod mdl and checks
 * that none is left after it.
 */
static void reserve_left_for_unload(struct kunit *test)
{
	KUNIT_EXPECT_NOT_NULL(test, MmAllocateMappingAddress(3 * PAGE_SIZE, WDK_TAG));
}

static struct kunit_case mdl_reserve_cases[] = {
	KUNIT_CASE(reserve_alloc_free),
	KUNIT_CASE(reserve_refused),
	KUNIT_CASE(reserve_free_checks_tag),
	KUNIT_CASE(reserve_map_refused),
	KUNIT_CASE(reserve_map_unmap),
	KUNIT_CASE(reserve_map_offset),
	KUNIT_CASE(reserve_released_with_mdl),
	KUNIT_CASE(reserve_no_leak),
	KUNIT_CASE(reserve_left_for_unload),
	{}
};

static struct kunit_suite mdl_reserve_suite = {
	.name = "mdl_reserve",
	.test_cases = mdl_reserve_cases,
};

kunit_test_suite(mdl_reserve_suite);
