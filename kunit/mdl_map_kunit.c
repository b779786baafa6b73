// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_map": system-space mappings of locked MDLs with
 * MmMapLockedPagesSpecifyCache(KernelMode), MmMapLockedPages,
 * MmGetSystemAddressForMdlSafe and MmUnmapLockedPages, and their release
 * by MmUnlockPages.
 *
 * A mapping is checked by the bytes it shares with the buffer's original
 * address (user memory through copy_{to,from}_user, kernel memory
 * directly), in both directions, and by the PFNs its page tables hold.
 */
#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "mdl_kunit.h"

#define MAP_OFFSET	0x2a0
#define MAP_LEN		(2 * PAGE_SIZE + 0x300)
#define MAP_PAGES	3

/* A locked MDL over MAP_LEN bytes of user memory; the buffer address in *ubuf. */
static PMDL locked_user_mdl(struct kunit *test, unsigned long *ubuf)
{
	unsigned long uaddr = mdl_kunit_user_mem(test, MAP_PAGES * PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	unsigned long buf = uaddr + MAP_OFFSET;
	PMDL mdl;

	*ubuf = buf;
	mdl_kunit_fill_user(test, buf, MAP_LEN, 21);
	mdl = mdl_kunit_alloc_mdl(test, (PVOID)buf, MAP_LEN);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoWriteAccess),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	return mdl;
}

/* The mapping at @va maps the MDL's pages at base + ByteOffset. */
static void expect_maps_pfns(struct kunit *test, PMDL mdl, PVOID va)
{
	u8 *base = (u8 *)va - mdl->ByteOffset;
	ULONG npages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, mdl->ByteCount), i;

	KUNIT_ASSERT_TRUE(test, is_vmalloc_addr(va));
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(va), mdl->ByteOffset);
	for (i = 0; i < npages; i++)
		KUNIT_EXPECT_EQ_MSG(test, vmalloc_to_pfn(base + i * PAGE_SIZE),
				    MmGetMdlPfnArray(mdl)[i], "page %u", i);
}

/* The pages of the mapping at @va are gone from the kernel page tables. */
static void expect_unmapped(struct kunit *test, PVOID va, ULONG npages)
{
	u8 *base = PAGE_ALIGN(va);
	ULONG i;

	for (i = 0; i < npages; i++)
		KUNIT_EXPECT_NULL_MSG(test, vmalloc_to_page(base + i * PAGE_SIZE),
				      "page %u still mapped", i);
}

/* Bytes written at @va show at the user buffer, and the reverse. */
static void expect_aliases_user(struct kunit *test, PVOID va, unsigned long ubuf,
				size_t len, bool writable)
{
	mdl_kunit_fill_user(test, ubuf, len, 55);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(va, len, 55));
	if (!writable)
		return;
	mdl_kunit_fill(va, len, 77);
	mdl_kunit_expect_user(test, ubuf, len, 77);
}

struct map_cache_case {
	const char *name;
	MEMORY_CACHING_TYPE cache;
};

static const struct map_cache_case map_cache_cases[] = {
	{ "cached", MmCached },
	{ "non_cached", MmNonCached },
	{ "write_combined", MmWriteCombined },
	{ "hardware_coherent_cached", MmHardwareCoherentCached },
	{ "non_cached_unordered", MmNonCachedUnordered },
	{ "uswc_cached", MmUSWCCached },
};

KUNIT_ARRAY_PARAM_DESC(map_cache, map_cache_cases, name);

/* Every cache type maps the locked pages at base + ByteOffset. */
static void map_locked_pages_cache_types(struct kunit *test)
{
	const struct map_cache_case *c = test->param_value;
	unsigned long ubuf;
	PMDL mdl = locked_user_mdl(test, &ubuf);
	PVOID va;

	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, c->cache, NULL, FALSE,
					  NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	mdl_kunit_unmap_at_exit(test, mdl, va);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, va);
	KUNIT_EXPECT_NE(test, (unsigned long)va, ubuf);
	expect_maps_pfns(test, mdl, va);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(va, MAP_LEN, 21));
	expect_aliases_user(test, va, ubuf, MAP_LEN, true);

	MmUnmapLockedPages(va, mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_NULL(test, mdl->MappedSystemVa);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	expect_unmapped(test, va, MAP_PAGES);
}

struct map_prio_case {
	const char *name;
	ULONG priority;
};

static const struct map_prio_case map_prio_cases[] = {
	{ "low", LowPagePriority },
	{ "normal", NormalPagePriority },
	{ "high", HighPagePriority },
	{ "normal_no_write", NormalPagePriority | MdlMappingNoWrite },
	{ "normal_no_execute", NormalPagePriority | MdlMappingNoExecute },
	{ "high_no_write_no_execute",
	  HighPagePriority | MdlMappingNoWrite | MdlMappingNoExecute },
};

KUNIT_ARRAY_PARAM_DESC(map_prio, map_prio_cases, name);

/*
 * Priorities and the MdlMapping* flags all map. A MdlMappingNoWrite mapping
 * is only read through: a write would fault the kernel.
 */
static void map_locked_pages_priorities(struct kunit *test)
{
	const struct map_prio_case *c = test->param_value;
	bool writable = !(c->priority & MdlMappingNoWrite);
	unsigned long ubuf;
	PMDL mdl = locked_user_mdl(test, &ubuf);
	PVOID va;

	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE,
					  c->priority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	mdl_kunit_unmap_at_exit(test, mdl, va);
	expect_maps_pfns(test, mdl, va);
	expect_aliases_user(test, va, ubuf, MAP_LEN, writable);
	MmUnmapLockedPages(va, mdl);
	expect_unmapped(test, va, MAP_PAGES);
}

/*
 * MmGetSystemAddressForMdlSafe maps once and returns the same address
 * again; MmUnlockPages releases that mapping with the pins.
 */
static void get_system_address_released_by_unlock(struct kunit *test)
{
	struct mdl_kunit_pins pins;
	unsigned long ubuf;
	PMDL mdl;
	PVOID va;

	mdl_kunit_pins_read(&pins);
	mdl = locked_user_mdl(test, &ubuf);
	va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority | MdlMappingNoExecute);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_PTR_EQ(test, MmGetSystemAddressForMdlSafe(mdl, HighPagePriority), va);
	expect_maps_pfns(test, mdl, va);
	expect_aliases_user(test, va, ubuf, MAP_LEN, true);

	MmUnlockPages(mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags &
			   (MDL_MAPPED_TO_SYSTEM_VA | MDL_PAGES_LOCKED));
	KUNIT_EXPECT_NULL(test, mdl->MappedSystemVa);
	expect_unmapped(test, va, MAP_PAGES);
	MDL_KUNIT_EXPECT_PINS(test, &pins, MAP_PAGES, MAP_PAGES);
	/* Unlocked again, it cannot be mapped. */
	KUNIT_EXPECT_NULL(test, MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority));
}

/* MmMapLockedPages (old form) maps cached; MmUnmapLockedPages removes it. */
static void mm_map_locked_pages_kernel_mode(struct kunit *test)
{
	unsigned long ubuf;
	PMDL mdl = locked_user_mdl(test, &ubuf);
	PVOID va = MmMapLockedPages(mdl, KernelMode);

	KUNIT_ASSERT_NOT_NULL(test, va);
	mdl_kunit_unmap_at_exit(test, mdl, va);
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, va);
	expect_maps_pfns(test, mdl, va);
	expect_aliases_user(test, va, ubuf, MAP_LEN, true);
	MmUnmapLockedPages(va, mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	expect_unmapped(test, va, MAP_PAGES);

	/* Unmapped, the MDL can be mapped again. */
	va = MmMapLockedPages(mdl, KernelMode);
	KUNIT_ASSERT_NOT_NULL(test, va);
	mdl_kunit_unmap_at_exit(test, mdl, va);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(va, MAP_LEN, 77));
}

/* BugCheckOnFailure TRUE is accepted and maps like FALSE. */
static void map_bugcheck_on_failure_still_maps(struct kunit *test)
{
	unsigned long ubuf;
	PMDL mdl = locked_user_mdl(test, &ubuf);
	PVOID va;

	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, TRUE,
					  NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	mdl_kunit_unmap_at_exit(test, mdl, va);
	expect_maps_pfns(test, mdl, va);
	expect_aliases_user(test, va, ubuf, MAP_LEN, true);
}

enum map_kernel_kind { MAP_KMALLOC, MAP_VMALLOC };

struct map_kernel_case {
	const char *name;
	enum map_kernel_kind kind;
};

static const struct map_kernel_case map_kernel_cases[] = {
	{ "kmalloc", MAP_KMALLOC },
	{ "vmalloc", MAP_VMALLOC },
};

KUNIT_ARRAY_PARAM_DESC(map_kernel, map_kernel_cases, name);

/* Kernel memory locked in KernelMode maps to a second alias of its bytes. */
static void map_locked_kernel_memory(struct kunit *test)
{
	const struct map_kernel_case *c = test->param_value;
	u8 *buf, *start;
	PMDL mdl;
	PVOID va;

	if (c->kind == MAP_KMALLOC) {
		buf = kunit_kzalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
	} else {
		buf = mdl_kunit_vmalloc(test, 3 * PAGE_SIZE);
	}
	start = buf + 0x10;
	mdl = mdl_kunit_alloc_mdl(test, start, 2 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, KernelMode, IoWriteAccess),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE,
					  NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	mdl_kunit_unmap_at_exit(test, mdl, va);
	KUNIT_EXPECT_PTR_NE(test, va, (PVOID)start);
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(va), BYTE_OFFSET(start));
	expect_maps_pfns(test, mdl, va);

	mdl_kunit_fill(va, 2 * PAGE_SIZE, 5);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(start, 2 * PAGE_SIZE, 5));
	mdl_kunit_fill(start, 2 * PAGE_SIZE, 6);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(va, 2 * PAGE_SIZE, 6));
	MmUnlockPages(mdl);
	expect_unmapped(test, va, 3);
}

/*
 * A non-paged pool MDL can be mapped a second time: MappedSystemVa keeps
 * the pool address, the returned alias shares the bytes.
 */
static void map_nonpaged_pool_mdl(struct kunit *test)
{
	u8 *buf = mdl_kunit_pages(test, 1);
	PMDL mdl = mdl_kunit_alloc_mdl(test, buf + 0x100, PAGE_SIZE);
	PVOID va;

	MmBuildMdlForNonPagedPool(mdl);
	KUNIT_ASSERT_TRUE(test, mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE,
					  NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_PTR_NE(test, va, (PVOID)(buf + 0x100));
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, (PVOID)(buf + 0x100));
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	expect_maps_pfns(test, mdl, va);
	mdl_kunit_fill(va, PAGE_SIZE, 8);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(buf + 0x100, PAGE_SIZE, 8));
	MmUnmapLockedPages(va, mdl);
	expect_unmapped(test, va, 2);
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, (PVOID)(buf + 0x100));
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
}

struct map_bad_case {
	const char *name;
	KPROCESSOR_MODE mode;
	MEMORY_CACHING_TYPE cache;
	bool requested;
	ULONG priority;
};

static const struct map_bad_case map_bad_cases[] = {
	{ "unknown_priority_bit", KernelMode, MmCached, false,
	  NormalPagePriority | 0x100 },
	{ "unknown_priority_value", KernelMode, MmCached, false, 7 },
	{ "cache_not_mapped", KernelMode, MmNotMapped, false, NormalPagePriority },
	{ "cache_maximum", KernelMode, MmMaximumCacheType, false,
	  NormalPagePriority },
	{ "cache_out_of_range", KernelMode, (MEMORY_CACHING_TYPE)42, false,
	  NormalPagePriority },
	{ "requested_address_kernel_mode", KernelMode, MmCached, true,
	  NormalPagePriority },
	{ "unknown_access_mode", 2, MmCached, false, NormalPagePriority },
};

KUNIT_ARRAY_PARAM_DESC(map_bad, map_bad_cases, name);

/* Bad arguments return NULL and leave the MDL unmapped and unchanged. */
static void map_bad_argument_refused(struct kunit *test)
{
	const struct map_bad_case *c = test->param_value;
	unsigned long ubuf;
	PMDL mdl = locked_user_mdl(test, &ubuf);
	size_t len;
	void *snap = mdl_kunit_snapshot(test, mdl, &len);
	PVOID va;

	va = MmMapLockedPagesSpecifyCache(mdl, c->mode, c->cache,
					  c->requested ? (PVOID)ubuf : NULL,
					  FALSE, c->priority);
	KUNIT_EXPECT_NULL(test, va);
	if (va)
		mdl_kunit_unmap_at_exit(test, mdl, va);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, len);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);

	/* Nothing was left half done: a good call still maps. */
	va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(va, MAP_LEN, 21));
}

/* An MDL that is neither locked nor built is never mapped. */
static void map_unlocked_mdl_refused(struct kunit *test)
{
	unsigned long uaddr = mdl_kunit_user_mem(test, PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)uaddr, PAGE_SIZE);
	PMDL raw = mdl_kunit_raw_mdl(test, 1);
	u8 *page = mdl_kunit_pages(test, 0);
	size_t len;
	void *snap = mdl_kunit_snapshot(test, mdl, &len);

	KUNIT_EXPECT_NULL(test, MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached,
							     NULL, FALSE,
							     NormalPagePriority));
	KUNIT_EXPECT_NULL(test, MmMapLockedPages(mdl, KernelMode));
	KUNIT_EXPECT_NULL(test, MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority));
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, len);

	/* A hand-built MDL with real PFNs but without MDL_PAGES_LOCKED. */
	MmInitializeMdl(raw, page, PAGE_SIZE);
	MmGetMdlPfnArray(raw)[0] = page_to_pfn(virt_to_page(page));
	KUNIT_EXPECT_NULL(test, MmGetSystemAddressForMdlSafe(raw, NormalPagePriority));
	KUNIT_EXPECT_EQ(test, raw->MdlFlags, 0);
	KUNIT_EXPECT_NULL(test, raw->MappedSystemVa);
}

/* A second kernel mapping of a mapped MDL is refused; the first stays. */
static void map_twice_refused(struct kunit *test)
{
	unsigned long ubuf;
	PMDL mdl = locked_user_mdl(test, &ubuf);
	PVOID va;

	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE,
					  NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	mdl_kunit_unmap_at_exit(test, mdl, va);
	KUNIT_EXPECT_NULL(test, MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmNonCached,
							     NULL, FALSE,
							     NormalPagePriority));
	KUNIT_EXPECT_NULL(test, MmMapLockedPages(mdl, KernelMode));
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, va);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	expect_maps_pfns(test, mdl, va);
	expect_aliases_user(test, va, ubuf, MAP_LEN, true);
}

/* MmUnmapLockedPages with an address the MDL did not return is refused. */
static void unmap_wrong_address_refused(struct kunit *test)
{
	unsigned long ubuf, ubuf2;
	PMDL mdl = locked_user_mdl(test, &ubuf);
	PMDL other = locked_user_mdl(test, &ubuf2);
	PVOID va, va2;

	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE,
					  NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	mdl_kunit_unmap_at_exit(test, mdl, va);
	va2 = MmGetSystemAddressForMdlSafe(other, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va2);

	MmUnmapLockedPages((u8 *)va + PAGE_SIZE, mdl);
	MmUnmapLockedPages(PAGE_ALIGN(va), mdl);
	MmUnmapLockedPages(NULL, mdl);
	MmUnmapLockedPages(va2, mdl);	/* the other MDL's mapping */
	MmUnmapLockedPages(va, NULL);

	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, va);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	expect_maps_pfns(test, mdl, va);
	expect_maps_pfns(test, other, va2);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(va, MAP_LEN, 21));
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(va2, MAP_LEN, 21));
}

static struct kunit_case mdl_map_cases[] = {
	KUNIT_CASE_PARAM(map_locked_pages_cache_types, map_cache_gen_params),
	KUNIT_CASE_PARAM(map_locked_pages_priorities, map_prio_gen_params),
	KUNIT_CASE(get_system_address_released_by_unlock),
	KUNIT_CASE(mm_map_locked_pages_kernel_mode),
	KUNIT_CASE(map_bugcheck_on_failure_still_maps),
	KUNIT_CASE_PARAM(map_locked_kernel_memory, map_kernel_gen_params),
	KUNIT_CASE(map_nonpaged_pool_mdl),
	KUNIT_CASE_PARAM(map_bad_argument_refused, map_bad_gen_params),
	KUNIT_CASE(map_unlocked_mdl_refused),
	KUNIT_CASE(map_twice_refused),
	KUNIT_CASE(unmap_wrong_address_refused),
	{}
};

static struct kunit_suite mdl_map_suite = {
	.name = "mdl_map",
	.test_cases = mdl_map_cases,
};

kunit_test_suite(mdl_map_suite);
