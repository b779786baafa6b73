// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_protect": MmProtectMdlSystemAddress and MmAdvanceMdl.
 *
 * A write to a read-only kernel mapping would oops, so protections are
 * checked on the PTEs themselves (looked up, then restored). Kernel page
 * tables are out of a module's reach under User-Mode Linux: there the
 * routine must refuse with STATUS_NOT_SUPPORTED, and the PTE cases skip.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "compat.h"
#include "mdl_wdk_kunit.h"

#define ANY_HIGH	(~0ULL >> 1)

static PMDL mapped_mdl(struct kunit *test, ULONG npages, char **va)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 (SIZE_T)npages * PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	*va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, *va);
	return mdl;
}

static void free_mdl(PMDL mdl)
{
	MmFreePagesFromMdl(mdl);
	ExFreePool(mdl);
}

enum pte_state { PTE_RW, PTE_RO, PTE_NONE };

/* State of the kernel PTE of @va, and its frame. */
static enum pte_state pte_state_of(void *va, unsigned long *pfn)
{
	pte_t pte = ptep_get(mdl_kernel_pte((unsigned long)va));

	*pfn = pte_pfn(pte);
	if (!(pte_val(pte) & _PAGE_PRESENT))
		return PTE_NONE;
	return pte_write(pte) ? PTE_RW : PTE_RO;
}

struct protect_case {
	const char *name;
	ULONG protect;
	enum pte_state state;
};

static const struct protect_case protect_cases[] = {
	{ "readonly", PAGE_READONLY, PTE_RO },
	{ "noaccess", PAGE_NOACCESS, PTE_NONE },
	{ "readwrite", PAGE_READWRITE, PTE_RW },
};

KUNIT_ARRAY_PARAM_DESC(protect, protect_cases, name);

/* The PTEs of the MDL's own mapping change; frames and address stay. */
static void protect_changes_ptes(struct kunit *test)
{
	const struct protect_case *c = test->param_value;
	unsigned long pfn;
	NTSTATUS status;
	char *va;
	PMDL mdl = mapped_mdl(test, 3, &va);
	int i;

	status = MmProtectMdlSystemAddress(mdl, c->protect);
	if (!MDL_HAVE_KERNEL_PTE) {
		KUNIT_EXPECT_EQ(test, status, STATUS_NOT_SUPPORTED);
		free_mdl(mdl);
		kunit_skip(test, "kernel PTEs out of reach under User-Mode Linux");
	}
	KUNIT_ASSERT_EQ(test, status, STATUS_SUCCESS);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, pte_state_of(va + i * PAGE_SIZE, &pfn), c->state);
		KUNIT_EXPECT_EQ(test, pfn, MmGetMdlPfnArray(mdl)[i]);
	}
	KUNIT_EXPECT_PTR_EQ(test, (char *)mdl->MappedSystemVa, va);
	KUNIT_ASSERT_EQ(test, MmProtectMdlSystemAddress(mdl, PAGE_READWRITE),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, pte_state_of(va, &pfn), PTE_RW);
	wdk_fill(va, 3 * PAGE_SIZE, 3);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 3 * PAGE_SIZE, 3));
	free_mdl(mdl);
}

/* Unmapping a read-only or no-access mapping is clean. */
static void protect_then_unmap(struct kunit *test)
{
	char *va;
	PMDL mdl = mapped_mdl(test, 2, &va);
	NTSTATUS status = MmProtectMdlSystemAddress(mdl, PAGE_NOACCESS);

	KUNIT_EXPECT_TRUE(test, status == STATUS_SUCCESS ||
			  (!MDL_HAVE_KERNEL_PTE && status == STATUS_NOT_SUPPORTED));
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
	KUNIT_CASE_PARAM(protect_changes_ptes, protect_gen_params),
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
