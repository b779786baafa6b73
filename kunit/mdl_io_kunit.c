// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_io": MmMapIoSpace, MmMapIoSpaceEx, MmUnmapIoSpace and
 * MmAllocateMdlForIoSpace.
 *
 * System RAM through MmMapIoSpace (the seed-000 pattern: MmGetPhysicalAddress
 * then MmMapIoSpace) works everywhere. Device memory does not exist under
 * User-Mode Linux (ioremap returns NULL, no vmap_pfn): those cases skip
 * there and run in QEMU through examples/.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_wdk_kunit.h"

/* A physical address far above the RAM of the test kernels: no struct page. */
#define IO_PA		BIT_ULL(36)

static void skip_without_device_memory(struct kunit *test)
{
	if (IS_ENABLED(CONFIG_UML))
		kunit_skip(test, "no device memory under User-Mode Linux: covered in QEMU");
}

struct io_ram_case {
	const char *name;
	MEMORY_CACHING_TYPE cache;
};

static const struct io_ram_case io_ram_cases[] = {
	{ "cached", MmCached },
	{ "non_cached", MmNonCached },
	{ "write_combined", MmWriteCombined },
};

KUNIT_ARRAY_PARAM_DESC(io_ram, io_ram_cases, name);

/* Seed 000: the physical address of a buffer, mapped again, shows its bytes. */
static void io_map_ram_of_buffer(struct kunit *test)
{
	const struct io_ram_case *c = test->param_value;
	char *buf = kunit_kmalloc(test, 256, GFP_KERNEL);
	PHYSICAL_ADDRESS pa;
	char *va;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	wdk_fill(buf, 256, 12);
	pa = MmGetPhysicalAddress(buf);
	KUNIT_ASSERT_NE(test, pa.QuadPart, 0LL);
	va = MmMapIoSpace(pa, 256, c->cache);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, 256, 12));
	va[3] = 0x7e;
	KUNIT_EXPECT_EQ(test, buf[3], (char)0x7e);
	MmUnmapIoSpace(va, 256);
}

/* Two pages of a vmalloc buffer, each through its own physical address. */
static void io_map_ram_pages(struct kunit *test)
{
	char *buf = vmalloc(2 * PAGE_SIZE);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	wdk_fill(buf, 2 * PAGE_SIZE, 13);
	for (i = 0; i < 2; i++) {
		PHYSICAL_ADDRESS pa = MmGetPhysicalAddress(buf + i * PAGE_SIZE);
		char *va = MmMapIoSpace(pa, PAGE_SIZE, MmCached);

		KUNIT_ASSERT_NOT_NULL(test, va);
		KUNIT_EXPECT_EQ(test, memcmp(va, buf + i * PAGE_SIZE, PAGE_SIZE), 0);
		MmUnmapIoSpace(va, PAGE_SIZE);
	}
	vfree(buf);
}

/* MmMapIoSpaceEx: read-write and read-only mappings of RAM. */
static void io_map_ex_ram(struct kunit *test)
{
	char *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	PHYSICAL_ADDRESS pa;
	char *rw, *ro;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	wdk_fill(buf, PAGE_SIZE, 14);
	pa = MmGetPhysicalAddress(buf + 100);
	rw = MmMapIoSpaceEx(pa, 200, PAGE_READWRITE);
	ro = MmMapIoSpaceEx(pa, 200, PAGE_READONLY);
	KUNIT_ASSERT_NOT_NULL(test, rw);
	KUNIT_ASSERT_NOT_NULL(test, ro);
	KUNIT_EXPECT_EQ(test, memcmp(ro, buf + 100, 200), 0);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(ro));
	rw[0] = 0x11;
	KUNIT_EXPECT_EQ(test, ro[0], (char)0x11);
	MmUnmapIoSpace(ro, 200);
	MmUnmapIoSpace(rw, 200);
}

struct io_bad_case {
	const char *name;
	s64 pa;
	SIZE_T size;
	ULONG protect;	/* 0: MmMapIoSpace with cache 7 */
};

static const struct io_bad_case io_bad_cases[] = {
	{ "zero_size", 0x1000, 0, PAGE_READWRITE },
	{ "negative_address", -4096, 16, PAGE_READWRITE },
	{ "wrapping_range", 0x7ffffffffffff000LL, 1ULL << 63, PAGE_READWRITE },
	{ "execute", 0x1000, 16, PAGE_EXECUTE_READWRITE },
	{ "no_access", 0x1000, 16, PAGE_NOACCESS },
	{ "nocache_and_wc", 0x1000, 16, PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE },
	{ "guard", 0x1000, 16, PAGE_READWRITE | PAGE_GUARD },
	{ "bad_cache_type", 0x1000, 16, 0 },
};

KUNIT_ARRAY_PARAM_DESC(io_bad, io_bad_cases, name);

/* Bad ranges, protections and cache types map nothing. */
static void io_map_refused(struct kunit *test)
{
	const struct io_bad_case *c = test->param_value;
	PHYSICAL_ADDRESS pa = { .QuadPart = c->pa };

	if (c->protect)
		KUNIT_EXPECT_NULL(test, MmMapIoSpaceEx(pa, c->size, c->protect));
	else
		KUNIT_EXPECT_NULL(test, MmMapIoSpace(pa, c->size,
						     (MEMORY_CACHING_TYPE)7));
}

/* Unmapping what was not mapped, or with another size, is refused. */
static void io_unmap_refused(struct kunit *test)
{
	char *buf = kunit_kmalloc(test, 64, GFP_KERNEL);
	char *va;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	MmUnmapIoSpace(buf, 64);
	MmUnmapIoSpace(NULL, 0);
	va = MmMapIoSpace(MmGetPhysicalAddress(buf), 64, MmCached);
	KUNIT_ASSERT_NOT_NULL(test, va);
	MmUnmapIoSpace(va, 32);
	buf[0] = 1;
	KUNIT_EXPECT_EQ(test, va[0], 1);
	MmUnmapIoSpace(va, 64);
	MmUnmapIoSpace(va, 64);
}

/* Device memory with each cache type. */
static void io_map_device(struct kunit *test)
{
	const struct io_ram_case *c = test->param_value;
	PVOID va;

	skip_without_device_memory(test);
	va = MmMapIoSpace(wdk_pa(IO_PA), PAGE_SIZE, c->cache);
	KUNIT_ASSERT_NOT_NULL(test, va);
	MmUnmapIoSpace(va, PAGE_SIZE);
}

/* An I/O-space MDL: the PFNs of the ranges, in order, MDL_IO_SPACE. */
static void io_mdl_ranges(struct kunit *test)
{
	MM_PHYSICAL_ADDRESS_LIST list[2] = {
		{ .PhysicalAddress = wdk_pa(IO_PA), .NumberOfBytes = 2 * PAGE_SIZE },
		{ .PhysicalAddress = wdk_pa(IO_PA + (1ULL << 24)),
		  .NumberOfBytes = PAGE_SIZE },
	};
	PPFN_NUMBER pfns;
	PMDL mdl = NULL;

	KUNIT_ASSERT_EQ(test, MmAllocateMdlForIoSpace(list, 2, &mdl), STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	pfns = MmGetMdlPfnArray(mdl);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_IO_SPACE);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, pfns[0], (PFN_NUMBER)PHYS_PFN(IO_PA));
	KUNIT_EXPECT_EQ(test, pfns[1], (PFN_NUMBER)PHYS_PFN(IO_PA) + 1);
	KUNIT_EXPECT_EQ(test, pfns[2], (PFN_NUMBER)PHYS_PFN(IO_PA + (1ULL << 24)));
	ExFreePool(mdl);
}

/* A partial MDL of an I/O-space MDL is I/O space too. */
static void io_mdl_partial(struct kunit *test)
{
	MM_PHYSICAL_ADDRESS_LIST list = {
		.PhysicalAddress = wdk_pa(IO_PA), .NumberOfBytes = 4 * PAGE_SIZE,
	};
	PMDL mdl = NULL, part;
	char *va;

	KUNIT_ASSERT_EQ(test, MmAllocateMdlForIoSpace(&list, 1, &mdl), STATUS_SUCCESS);
	va = MmGetMdlVirtualAddress(mdl);
	part = IoAllocateMdl(va + PAGE_SIZE, PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, part);
	IoBuildPartialMdl(mdl, part, va + PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, part->MdlFlags & MDL_IO_SPACE);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(part)[0], MmGetMdlPfnArray(mdl)[1]);
	IoFreeMdl(part);
	ExFreePool(mdl);
}

/* Mapping an I/O-space MDL into system space: vmap_pfn. */
static void io_mdl_map_kernel(struct kunit *test)
{
	MM_PHYSICAL_ADDRESS_LIST list = {
		.PhysicalAddress = wdk_pa(IO_PA), .NumberOfBytes = PAGE_SIZE,
	};
	PMDL mdl = NULL;
	PVOID va;

	KUNIT_ASSERT_EQ(test, MmAllocateMdlForIoSpace(&list, 1, &mdl), STATUS_SUCCESS);
	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmNonCached, NULL, FALSE,
					  NormalPagePriority);
	if (IS_ENABLED(CONFIG_UML)) {
		KUNIT_EXPECT_NULL(test, va);
		ExFreePool(mdl);
		kunit_skip(test, "no vmap_pfn under User-Mode Linux: covered in QEMU");
	}
	KUNIT_ASSERT_NOT_NULL(test, va);
	MmUnmapLockedPages(va, mdl);
	ExFreePool(mdl);
}

/* RAM, unaligned or empty ranges and bad arguments are refused. */
static void io_mdl_refused(struct kunit *test)
{
	void *ram = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	MM_PHYSICAL_ADDRESS_LIST list;
	PMDL mdl = (PMDL)test;

	KUNIT_ASSERT_NOT_NULL(test, ram);
	list.PhysicalAddress = MmGetPhysicalAddress(PAGE_ALIGN(ram));
	list.NumberOfBytes = PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, MmAllocateMdlForIoSpace(&list, 1, &mdl),
			STATUS_INVALID_PARAMETER_1);
	KUNIT_EXPECT_NULL(test, mdl);
	list.PhysicalAddress = wdk_pa(IO_PA + 8);
	KUNIT_EXPECT_EQ(test, MmAllocateMdlForIoSpace(&list, 1, &mdl),
			STATUS_INVALID_PARAMETER_1);
	list.PhysicalAddress = wdk_pa(IO_PA);
	list.NumberOfBytes = 0;
	KUNIT_EXPECT_EQ(test, MmAllocateMdlForIoSpace(&list, 1, &mdl),
			STATUS_INVALID_PARAMETER_1);
	KUNIT_EXPECT_EQ(test, MmAllocateMdlForIoSpace(NULL, 1, &mdl),
			STATUS_INVALID_PARAMETER_1);
	KUNIT_EXPECT_EQ(test, MmAllocateMdlForIoSpace(&list, 0, &mdl),
			STATUS_INVALID_PARAMETER_2);
	KUNIT_EXPECT_EQ(test, MmAllocateMdlForIoSpace(&list, 1, NULL),
			STATUS_INVALID_PARAMETER_3);
}

static void io_round(struct kunit *test, const void *ctx)
{
	MM_PHYSICAL_ADDRESS_LIST list = {
		.PhysicalAddress = wdk_pa(IO_PA), .NumberOfBytes = 16 * PAGE_SIZE,
	};
	PMDL mdl = NULL;
	PVOID va = MmMapIoSpaceEx(MmGetPhysicalAddress((PVOID)ctx), PAGE_SIZE,
				  PAGE_READONLY);

	KUNIT_ASSERT_NOT_NULL(test, va);
	MmUnmapIoSpace(va, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, MmAllocateMdlForIoSpace(&list, 1, &mdl), STATUS_SUCCESS);
	ExFreePool(mdl);
}

/* Map and unmap RAM, and allocate and free I/O MDLs: nothing leaks. */
static void io_no_leak(struct kunit *test)
{
	char *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	wdk_leak_loop(test, 200, "MmMapIoSpaceEx + I/O MDL", io_round, buf);
}

static struct kunit_case mdl_io_cases[] = {
	KUNIT_CASE_PARAM(io_map_ram_of_buffer, io_ram_gen_params),
	KUNIT_CASE(io_map_ram_pages),
	KUNIT_CASE(io_map_ex_ram),
	KUNIT_CASE_PARAM(io_map_refused, io_bad_gen_params),
	KUNIT_CASE(io_unmap_refused),
	KUNIT_CASE_PARAM(io_map_device, io_ram_gen_params),
	KUNIT_CASE(io_mdl_ranges),
	KUNIT_CASE(io_mdl_partial),
	KUNIT_CASE(io_mdl_map_kernel),
	KUNIT_CASE(io_mdl_refused),
	KUNIT_CASE(io_no_leak),
	{}
};

static struct kunit_suite mdl_io_suite = {
	.name = "mdl_io",
	.test_cases = mdl_io_cases,
};

kunit_test_suite(mdl_io_suite);
