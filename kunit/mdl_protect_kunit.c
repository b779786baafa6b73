// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_protect": MmProtectMdlSystemAddress and MmAdvanceMdl.
 *
 * A system mapping keeps the protection it was made with on every kernel
 * (no kernel exports a way to change it in place): the protection it has is
 * granted, a change is refused with STATUS_NOT_SUPPORTED and leaves the
 * mapping as it was, same address, still readable and (if it was) writable.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "mdl_wdk_kunit.h"

#define ANY_HIGH	(~0ULL >> 1)

static PMDL pages_mdl(struct kunit *test, ULONG npages)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 (SIZE_T)npages * PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	return mdl;
}

static PMDL mapped_mdl(struct kunit *test, ULONG npages, char **va)
{
	PMDL mdl = pages_mdl(test, npages);

	*va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, *va);
	return mdl;
}

static void free_mdl(PMDL mdl)
{
	MmFreePagesFromMdl(mdl);
	ExFreePool(mdl);
}

struct protect_case {
	const char *name;
	ULONG protect;
	NTSTATUS status;
};

/* On a writable mapping: only PAGE_READWRITE is what it already has. */
static const struct protect_case protect_rw_cases[] = {
	{ "readwrite", PAGE_READWRITE, STATUS_SUCCESS },
	{ "readonly", PAGE_READONLY, STATUS_NOT_SUPPORTED },
	{ "noaccess", PAGE_NOACCESS, STATUS_NOT_SUPPORTED },
};

KUNIT_ARRAY_PARAM_DESC(protect_rw, protect_rw_cases, name);

/* A writable mapping: its own protection granted, a change refused, unchanged. */
static void protect_writable(struct kunit *test)
{
	const struct protect_case *c = test->param_value;
	char *va;
	PMDL mdl = mapped_mdl(test, 3, &va);

	wdk_fill(va, 3 * PAGE_SIZE, 3);
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, c->protect), c->status);
	KUNIT_EXPECT_PTR_EQ(test, (char *)mdl->MappedSystemVa, va);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 3 * PAGE_SIZE, 3));
	/* Still writable: the write below would oops otherwise. */
	wdk_fill(va, 3 * PAGE_SIZE, 4);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 3 * PAGE_SIZE, 4));
	/* Asking again gives the same answer: nothing changed. */
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, c->protect), c->status);
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, PAGE_READWRITE),
			STATUS_SUCCESS);
	free_mdl(mdl);
}

static const struct protect_case protect_ro_cases[] = {
	{ "readonly", PAGE_READONLY, STATUS_SUCCESS },
	{ "readwrite", PAGE_READWRITE, STATUS_NOT_SUPPORTED },
	{ "noaccess", PAGE_NOACCESS, STATUS_NOT_SUPPORTED },
};

KUNIT_ARRAY_PARAM_DESC(protect_ro, protect_ro_cases, name);

/* A mapping made with MdlMappingNoWrite has PAGE_READONLY, and keeps it. */
static void protect_readonly(struct kunit *test)
{
	const struct protect_case *c = test->param_value;
	PMDL mdl = pages_mdl(test, 2);
	char *kva, *va;

	kva = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, kva);
	wdk_fill(kva, 2 * PAGE_SIZE, 5);
	MmUnmapLockedPages(kva, mdl);
	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE,
					  NormalPagePriority | MdlMappingNoWrite);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, c->protect), c->status);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 2 * PAGE_SIZE, 5));
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, PAGE_READONLY),
			STATUS_SUCCESS);
	MmUnmapLockedPages(va, mdl);
	/* No mapping left: nothing to protect. */
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, c->protect),
			STATUS_NOT_MAPPED_VIEW);
	free_mdl(mdl);
}

/* A mapping for a reserved range is writable, as any other. */
static void protect_reserved(struct kunit *test)
{
	PVOID r = MmAllocateMappingAddress(2 * PAGE_SIZE, WDK_TAG);
	PMDL mdl = pages_mdl(test, 2);
	char *va;

	KUNIT_ASSERT_NOT_NULL(test, r);
	va = MmMapLockedPagesWithReservedMapping(r, WDK_TAG, mdl, MmCached);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, PAGE_READWRITE),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, PAGE_READONLY),
			STATUS_NOT_SUPPORTED);
	wdk_fill(va, 2 * PAGE_SIZE, 6);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 2 * PAGE_SIZE, 6));
	MmUnmapReservedMapping(r, WDK_TAG, mdl);
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, PAGE_READWRITE),
			STATUS_NOT_MAPPED_VIEW);
	MmFreeMappingAddress(r, WDK_TAG);
	free_mdl(mdl);
}

/* Unmapping after a refused change is clean. */
static void protect_then_unmap(struct kunit *test)
{
	char *va;
	PMDL mdl = mapped_mdl(test, 2, &va);

	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, PAGE_NOACCESS),
			STATUS_NOT_SUPPORTED);
	MmUnmapLockedPages(va, mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	free_mdl(mdl);
}

struct protect_bad_case {
	const char *name;
	ULONG protect;
};

static const struct protect_bad_case protect_bad_cases[] = {
	{ "execute", PAGE_EXECUTE },
	{ "execute_read", PAGE_EXECUTE_READ },
	{ "execute_readwrite", PAGE_EXECUTE_READWRITE },
	{ "execute_writecopy", PAGE_EXECUTE_WRITECOPY },
	{ "writecopy", PAGE_WRITECOPY },
	{ "zero", 0 },
	{ "readwrite_nocache", PAGE_READWRITE | PAGE_NOCACHE },
	{ "guard", PAGE_GUARD },
};

KUNIT_ARRAY_PARAM_DESC(protect_bad, protect_bad_cases, name);

/* Executable and unknown protections: STATUS_INVALID_PAGE_PROTECTION. */
static void protect_refused(struct kunit *test)
{
	const struct protect_bad_case *c = test->param_value;
	char *va;
	PMDL mdl = mapped_mdl(test, 1, &va);

	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, c->protect),
			STATUS_INVALID_PAGE_PROTECTION);
	va[0] = 1;	/* still writable */
	free_mdl(mdl);
}

/* No system mapping of the MDL's own: STATUS_NOT_MAPPED_VIEW. */
static void protect_not_mapped(struct kunit *test)
{
	char *pool = ExAllocatePool(NonPagedPool, PAGE_SIZE);
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 PAGE_SIZE);
	PMDL npp;

	KUNIT_ASSERT_NOT_NULL(test, pool);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(mdl, PAGE_READONLY),
			STATUS_NOT_MAPPED_VIEW);
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(NULL, PAGE_READONLY),
			STATUS_NOT_MAPPED_VIEW);
	npp = IoAllocateMdl(pool, PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, npp);
	MmBuildMdlForNonPagedPool(npp);
	KUNIT_EXPECT_EQ(test, MmProtectMdlSystemAddress(npp, PAGE_READONLY),
			STATUS_NOT_MAPPED_VIEW);
	IoFreeMdl(npp);
	ExFreePool(pool);
	free_mdl(mdl);
}

/* Advancing a non-paged MDL moves the start, the count and the PFNs. */
static void advance_nonpaged(struct kunit *test)
{
	char *buf = vmalloc(4 * PAGE_SIZE);
	PFN_NUMBER pfn2;
	PMDL mdl;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	mdl = IoAllocateMdl(buf + 0x100, 3 * PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmBuildMdlForNonPagedPool(mdl);
	pfn2 = MmGetMdlPfnArray(mdl)[2];

	KUNIT_ASSERT_EQ(test, MmAdvanceMdl(mdl, 0x10), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteOffset(mdl), 0x110U);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), 3 * PAGE_SIZE - 0x10);
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, (PVOID)(buf + 0x110));

	KUNIT_ASSERT_EQ(test, MmAdvanceMdl(mdl, 2 * PAGE_SIZE), STATUS_SUCCESS);
	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlVirtualAddress(mdl),
			    (PVOID)(buf + 2 * PAGE_SIZE + 0x110));
	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlBaseVa(mdl), (PVOID)(buf + 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(mdl)[0], pfn2);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), PAGE_SIZE - 0x10);
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa,
			    (PVOID)(buf + 2 * PAGE_SIZE + 0x110));
	IoFreeMdl(mdl);
	vfree(buf);
}

/* Advancing a locked MDL unpins exactly the pages passed over. */
static void advance_pinned(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, 4 * PAGE_SIZE);
	PMDL mdl = IoAllocateMdl((PVOID)ubuf, 4 * PAGE_SIZE, FALSE, FALSE, NULL);
	unsigned long rel;
	PFN_NUMBER pfn3;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	wdk_fill_user(test, ubuf, 4 * PAGE_SIZE, 9);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoWriteAccess),
			STATUS_SUCCESS);
	pfn3 = MmGetMdlPfnArray(mdl)[3];
	rel = global_node_page_state(NR_FOLL_PIN_RELEASED);
	KUNIT_ASSERT_EQ(test, MmAdvanceMdl(mdl, 3 * PAGE_SIZE + 5), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, global_node_page_state(NR_FOLL_PIN_RELEASED) - rel, 3UL);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(mdl)[0], pfn3);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteOffset(mdl), 5U);
	MmUnlockPages(mdl);
	KUNIT_EXPECT_EQ(test, global_node_page_state(NR_FOLL_PIN_RELEASED) - rel, 4UL);
	IoFreeMdl(mdl);
}

static void advance_round(struct kunit *test, const void *ctx)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 8 * PAGE_SIZE);
	PFN_NUMBER pfn5;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	pfn5 = MmGetMdlPfnArray(mdl)[5];
	KUNIT_ASSERT_EQ(test, MmAdvanceMdl(mdl, 5 * PAGE_SIZE), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(mdl)[0], pfn5);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), 3 * PAGE_SIZE);
	free_mdl(mdl);
}

/* Advancing allocated pages frees the pages passed over. */
static void advance_allocated(struct kunit *test)
{
	wdk_leak_loop(test, 50, "allocate 8, advance 5, free", advance_round, NULL);
}

/* NumberOfBytes >= ByteCount, mapped MDLs and bare MDLs are refused. */
static void advance_refused(struct kunit *test)
{
	char *va;
	PMDL mdl = mapped_mdl(test, 2, &va);
	PMDL bare = IoAllocateMdl(va, PAGE_SIZE, FALSE, FALSE, NULL);

	KUNIT_ASSERT_NOT_NULL(test, bare);
	KUNIT_EXPECT_EQ(test, MmAdvanceMdl(mdl, 2 * PAGE_SIZE), STATUS_INVALID_PARAMETER_2);
	KUNIT_EXPECT_EQ(test, MmAdvanceMdl(mdl, 3 * PAGE_SIZE), STATUS_INVALID_PARAMETER_2);
	KUNIT_EXPECT_EQ(test, MmAdvanceMdl(mdl, 10), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, MmAdvanceMdl(bare, 10), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, MmAdvanceMdl(NULL, 10), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), 2 * PAGE_SIZE);
	IoFreeMdl(bare);
	free_mdl(mdl);
}

static struct kunit_case mdl_protect_cases[] = {
	KUNIT_CASE_PARAM(protect_writable, protect_rw_gen_params),
	KUNIT_CASE_PARAM(protect_readonly, protect_ro_gen_params),
	KUNIT_CASE(protect_reserved),
	KUNIT_CASE(protect_then_unmap),
	KUNIT_CASE_PARAM(protect_refused, protect_bad_gen_params),
	KUNIT_CASE(protect_not_mapped),
	KUNIT_CASE(advance_nonpaged),
	KUNIT_CASE(advance_pinned),
	KUNIT_CASE(advance_allocated),
	KUNIT_CASE(advance_refused),
	{}
};

static struct kunit_suite mdl_protect_suite = {
	.name = "mdl_protect",
	.test_cases = mdl_protect_cases,
};

kunit_test_suite(mdl_protect_suite);
