// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_unload": what a driver leaves behind when it is unloaded
 * before mdl.ko: an MDL of allocated pages, an MDL with pinned user pages,
 * a pool allocation, an IRP, a contiguous and a non-cached allocation and an
 * I/O-space mapping, none of them freed (mdl_newer leaves a secured range,
 * mdl_reserve a reserved one).  mdl.ko releases
 * them when it is unloaded (kunit/uml-init.sh unloads it after this module)
 * and logs each kind; scripts/uml-kunit.sh checks those lines, that the pins
 * balance after the unload and that no vmalloc area of mdl.ko is left.
 */
#include <kunit/test.h>
#include <linux/mm.h>

#include "mdl_wdk_kunit.h"

/* Two MDLs never freed: one of allocated pages, one locking user pages. */
static void unload_left_mdls(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, 2 * PAGE_SIZE);
	PMDL pages, locked;

	pages = MmAllocatePagesForMdlEx(wdk_pa(0), wdk_pa(~0ULL), wdk_pa(0),
					2 * PAGE_SIZE, MmCached, 0);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(pages), 2 * PAGE_SIZE);
	locked = IoAllocateMdl((PVOID)ubuf, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, locked);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(locked, UserMode, IoWriteAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, locked->MdlFlags & MDL_PAGES_LOCKED);
}

/* A pool allocation and an IRP never freed. */
static void unload_left_pool_and_irp(struct kunit *test)
{
	KUNIT_EXPECT_NOT_NULL(test, ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, WDK_TAG));
	KUNIT_EXPECT_NOT_NULL(test, IoAllocateIrp(1, FALSE));
}

/*
 * A contiguous allocation mapped again by MmMapIoSpace and a non-cached
 * allocation, never released.
 */
static void unload_left_ranges(struct kunit *test)
{
	PVOID contig, nc;

	contig = MmAllocateContiguousMemory(PAGE_SIZE, wdk_pa(~0ULL));
	KUNIT_ASSERT_NOT_NULL(test, contig);
	KUNIT_EXPECT_NOT_NULL(test, MmMapIoSpace(MmGetPhysicalAddress(contig),
						 PAGE_SIZE, MmCached));
	nc = MmAllocateNonCachedMemory(PAGE_SIZE);
	KUNIT_EXPECT_NOT_NULL(test, nc);
}

static struct kunit_case mdl_unload_cases[] = {
	KUNIT_CASE(unload_left_mdls),
	KUNIT_CASE(unload_left_pool_and_irp),
	KUNIT_CASE(unload_left_ranges),
	{}
};

static struct kunit_suite mdl_unload_suite = {
	.name = "mdl_unload",
	.test_cases = mdl_unload_cases,
};

kunit_test_suite(mdl_unload_suite);
