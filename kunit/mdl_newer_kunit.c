// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_newer": routines of newer WDKs. MmGetPhysicalMemoryRanges
 * (Ex, Ex2), MmCopyMemory (virtual and physical, bad addresses as a status),
 * the node allocators (every PFN checked against the node asked, for every
 * node with memory; User-Mode Linux has one), MmMapMdl,
 * MmAllocateMappingAddressEx with several MDLs inside one reservation,
 * MmAreMdlPagesCached, MmMdlPageContentsState, MmIsIoSpaceActive,
 * MmIsNonPagedSystemAddressValid and MmSecureVirtualMemory(Ex) /
 * MmUnsecureVirtualMemory.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/nodemask.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_kunit.h"
#include "mdl_wdk_kunit.h"

#define ANY_HIGH	(~0ULL >> 1)

/* ------------------------------------------------------------------ */
/* Physical memory ranges                                             */
/* ------------------------------------------------------------------ */

static ULONG ranges_count(PPHYSICAL_MEMORY_RANGE r)
{
	ULONG n = 0;

	while (r[n].NumberOfBytes.QuadPart)
		n++;
	return n;
}

static bool ranges_hold(PPHYSICAL_MEMORY_RANGE r, u64 pa, u64 len)
{
	for (; r->NumberOfBytes.QuadPart; r++)
		if (pa >= (u64)r->BaseAddress.QuadPart &&
		    pa + len <= (u64)r->BaseAddress.QuadPart + r->NumberOfBytes.QuadPart)
			return true;
	return false;
}

/* Sorted, disjoint, not adjacent, zero-terminated; holds the RAM in use. */
static void ranges_check(struct kunit *test, PPHYSICAL_MEMORY_RANGE r)
{
	struct page *page = alloc_page(GFP_KERNEL);
	ULONG i, n = ranges_count(r);
	u64 total = 0;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_GT(test, n, 0U);
	KUNIT_EXPECT_EQ(test, r[n].BaseAddress.QuadPart, 0LL);
	for (i = 0; i < n; i++) {
		total += r[i].NumberOfBytes.QuadPart;
		KUNIT_EXPECT_GT(test, r[i].NumberOfBytes.QuadPart, 0LL);
		if (i)
			KUNIT_EXPECT_GT(test, r[i].BaseAddress.QuadPart,
					r[i - 1].BaseAddress.QuadPart +
					r[i - 1].NumberOfBytes.QuadPart);
	}
	KUNIT_EXPECT_GE(test, total, (u64)totalram_pages() << PAGE_SHIFT);
	KUNIT_EXPECT_TRUE_MSG(test, ranges_hold(r, page_to_phys(page), PAGE_SIZE),
			      "an allocated page lies in no range");
	KUNIT_EXPECT_TRUE(test, ranges_hold(r, virt_to_phys(r), sizeof(*r)));
	__free_page(page);
}

static void ranges_system(struct kunit *test)
{
	PPHYSICAL_MEMORY_RANGE r = MmGetPhysicalMemoryRanges();

	KUNIT_ASSERT_NOT_NULL(test, r);
	ranges_check(test, r);
	ExFreePool(r);
}

/* Ex(NULL) is the system's; a partition object or unknown flag: NULL. */
static void ranges_ex(struct kunit *test)
{
	PPHYSICAL_MEMORY_RANGE a = MmGetPhysicalMemoryRanges();
	PPHYSICAL_MEMORY_RANGE b = MmGetPhysicalMemoryRangesEx(NULL);
	PPHYSICAL_MEMORY_RANGE c = MmGetPhysicalMemoryRangesEx2(NULL,
		MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_FILE_ONLY |
		MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_ALL_PARTITIONS);
	ULONG i, n;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, c);
	n = ranges_count(a);
	KUNIT_EXPECT_EQ(test, ranges_count(b), n);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, (n + 1) * sizeof(*a)), 0);
	ranges_check(test, c);
	/* Persistent memory only adds: every RAM range lies in one of c's. */
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE(test, ranges_hold(c, a[i].BaseAddress.QuadPart,
						    a[i].NumberOfBytes.QuadPart));
	ExFreePool(a);
	ExFreePool(b);
	ExFreePool(c);
	KUNIT_EXPECT_NULL(test, MmGetPhysicalMemoryRangesEx((PVOID)test));
	KUNIT_EXPECT_NULL(test, MmGetPhysicalMemoryRangesEx2((PVOID)test, 0));
	KUNIT_EXPECT_NULL(test, MmGetPhysicalMemoryRangesEx2(NULL, 0x4));
}

static NTSTATUS copy_phys(void *dst, u64 pa, SIZE_T len, SIZE_T *done)
{
	MM_COPY_ADDRESS a = { .PhysicalAddress.QuadPart = (LONGLONG)pa };

	return MmCopyMemory(dst, a, len, MM_COPY_MEMORY_PHYSICAL, done);
}

KUNIT_DEFINE_ACTION_WRAPPER(ranges_release_res, release_resource, struct resource *);

/*
 * Persistent memory, as a "Persistent Memory" resource in a hole above RAM:
 * listed by Ex2 with MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_FILE_ONLY only,
 * and never copied from by physical address (it is not System RAM).
 */
static void ranges_persistent(struct kunit *test)
{
	struct resource *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	PPHYSICAL_MEMORY_RANGE r = MmGetPhysicalMemoryRanges(), p;
	u8 *dst = kunit_kzalloc(test, 64, GFP_KERNEL);
	SIZE_T done = 1;
	ULONG n;
	u64 base;

	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	n = ranges_count(r);
	KUNIT_ASSERT_GT(test, n, 0U);
	base = ALIGN(r[n - 1].BaseAddress.QuadPart + r[n - 1].NumberOfBytes.QuadPart +
		     SZ_64M, SZ_64M);
	res->name = "mdl_kunit pmem";
	res->start = base;
	res->end = base + SZ_16M - 1;
	res->flags = IORESOURCE_MEM;
	res->desc = IORES_DESC_PERSISTENT_MEMORY;
	KUNIT_ASSERT_EQ(test, request_resource(&iomem_resource, res), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ranges_release_res, res), 0);
	p = MmGetPhysicalMemoryRangesEx2(NULL, MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_FILE_ONLY);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_GE(test, ranges_count(p), n + 1);
	KUNIT_EXPECT_TRUE(test, ranges_hold(p, base, SZ_16M));
	KUNIT_EXPECT_FALSE(test, ranges_hold(p, base - PAGE_SIZE, PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, ranges_hold(p, base + SZ_16M, PAGE_SIZE));
	ExFreePool(p);
	ExFreePool(r);
	r = MmGetPhysicalMemoryRanges();
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, ranges_count(r), n);
	KUNIT_EXPECT_FALSE(test, ranges_hold(r, base, PAGE_SIZE));
	ExFreePool(r);
	KUNIT_EXPECT_EQ(test, copy_phys(dst, base, 64, &done), STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, done, 0UL);
}

/* ------------------------------------------------------------------ */
/* MmCopyMemory                                                       */
/* ------------------------------------------------------------------ */

static NTSTATUS copy_virt(void *dst, const void *src, SIZE_T len, SIZE_T *done)
{
	MM_COPY_ADDRESS a = { .VirtualAddress = (PVOID)src };

	return MmCopyMemory(dst, a, len, MM_COPY_MEMORY_VIRTUAL, done);
}

/* Slab and vmalloc sources, across page boundaries. */
static void copy_virtual(struct kunit *test)
{
	size_t vlen = 3 * PAGE_SIZE;
	u8 *k = kunit_kmalloc(test, 300, GFP_KERNEL);
	u8 *v = mdl_kunit_vmalloc(test, vlen);
	u8 *dst = kunit_kzalloc(test, vlen, GFP_KERNEL);
	SIZE_T done = 1;

	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	wdk_fill(k, 300, 3);
	wdk_fill(v, vlen, 5);
	KUNIT_EXPECT_EQ(test, copy_virt(dst, k, 300, &done), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, done, 300UL);
	KUNIT_EXPECT_TRUE(test, wdk_check(dst, 300, 3));
	KUNIT_EXPECT_EQ(test, copy_virt(dst, v + 100, vlen - 200, &done),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, done, vlen - 200);
	KUNIT_EXPECT_EQ(test, memcmp(dst, v + 100, vlen - 200), 0);
	KUNIT_EXPECT_EQ(test, copy_virt(dst, k, 0, &done), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, done, 0UL);
}

/* Unmapped, user and bad arguments: a status and how far the copy got. */
static void copy_virtual_bad(struct kunit *test)
{
	u8 *v = mdl_kunit_vmalloc(test, PAGE_SIZE);
	u8 *dst = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	unsigned long uaddr = wdk_user_mem(test, PAGE_SIZE);
	MM_COPY_ADDRESS a = { .VirtualAddress = v };
	SIZE_T done = 1;

	KUNIT_ASSERT_NOT_NULL(test, dst);
	wdk_fill(v, PAGE_SIZE, 9);
	/* The page after a vmalloc area is its guard page: never mapped. */
	KUNIT_EXPECT_EQ(test, copy_virt(dst, v, 2 * PAGE_SIZE, &done),
			STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, done, PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, wdk_check(dst, PAGE_SIZE, 9));
	KUNIT_EXPECT_EQ(test, copy_virt(dst, NULL, 8, &done), STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, done, 0UL);
	KUNIT_EXPECT_EQ(test, copy_virt(dst, (void *)uaddr, 8, &done),
			STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, done, 0UL);
	KUNIT_EXPECT_EQ(test, MmCopyMemory(dst, a, 8, 0, &done),
			STATUS_INVALID_PARAMETER_4);
	KUNIT_EXPECT_EQ(test, MmCopyMemory(dst, a, 8, MM_COPY_MEMORY_PHYSICAL |
					   MM_COPY_MEMORY_VIRTUAL, &done),
			STATUS_INVALID_PARAMETER_4);
	KUNIT_EXPECT_EQ(test, MmCopyMemory(dst, a, 8, MM_COPY_MEMORY_VIRTUAL, NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, copy_virt(NULL, v, 8, &done), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, copy_virt(dst, (void *)-16L, 32, &done),
			STATUS_INVALID_PARAMETER);
}

/* RAM by physical address, across a page boundary of an order-1 block. */
static void copy_physical(struct kunit *test)
{
	void *buf = mdl_kunit_pages(test, 1);
	u8 *dst = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	u64 pa = virt_to_phys(buf);
	SIZE_T done = 0;

	KUNIT_ASSERT_NOT_NULL(test, dst);
	wdk_fill(buf, 2 * PAGE_SIZE, 21);
	KUNIT_EXPECT_EQ(test, copy_phys(dst, pa + 100, 2 * PAGE_SIZE - 300, &done),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, done, 2 * PAGE_SIZE - 300);
	KUNIT_EXPECT_EQ(test, memcmp(dst, (u8 *)buf + 100, 2 * PAGE_SIZE - 300), 0);
}

/* Physical addresses that are not RAM: refused, nothing copied. */
static void copy_physical_bad(struct kunit *test)
{
	PPHYSICAL_MEMORY_RANGE r = MmGetPhysicalMemoryRanges();
	u8 *dst = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	ULONG n;
	u64 hole;
	SIZE_T done = 1;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	n = ranges_count(r);
	KUNIT_ASSERT_GT(test, n, 0U);
	hole = r[n - 1].BaseAddress.QuadPart + r[n - 1].NumberOfBytes.QuadPart +
	       16 * PAGE_SIZE;
	ExFreePool(r);
	KUNIT_EXPECT_EQ(test, copy_phys(dst, hole, 64, &done), STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, done, 0UL);
	KUNIT_EXPECT_EQ(test, copy_phys(dst, 1ULL << 62, 64, &done),
			STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, copy_phys(dst, (u64)-PAGE_SIZE, 64, &done),
			STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, done, 0UL);
}

/* ------------------------------------------------------------------ */
/* Allocations on a node                                              */
/* ------------------------------------------------------------------ */

static void free_pages_mdl(PMDL mdl)
{
	MmFreePagesFromMdl(mdl);
	ExFreePool(mdl);
}

/* Every PFN of @mdl is on node @nid. */
static void expect_mdl_on_node(struct kunit *test, PMDL mdl, int nid)
{
	ULONG i, n = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(mdl),
						     MmGetMdlByteCount(mdl));

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, pfn_to_nid(MmGetMdlPfnArray(mdl)[i]), nid,
				    "page %u", i);
}

/* Pages from each node with memory, only from it when asked. */
static void node_pages(struct kunit *test)
{
	int nid;

	for_each_node_state(nid, N_MEMORY) {
		PMDL only = MmAllocateNodePagesForMdlEx(wdk_pa(0), wdk_pa(ANY_HIGH),
							wdk_pa(0), 24 * PAGE_SIZE,
							MmCached, nid,
							MM_ALLOCATE_FROM_LOCAL_NODE_ONLY);
		PMDL pref = MmAllocatePartitionNodePagesForMdlEx(wdk_pa(0),
								 wdk_pa(ANY_HIGH),
								 wdk_pa(0), 8 * PAGE_SIZE,
								 MmCached, nid,
								 MM_ALLOCATE_PREFER_CONTIGUOUS,
								 NULL);

		KUNIT_ASSERT_NOT_NULL(test, only);
		KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(only), 24 * PAGE_SIZE);
		expect_mdl_on_node(test, only, nid);
		free_pages_mdl(only);
		KUNIT_ASSERT_NOT_NULL(test, pref);
		/* Preferred, not required: on node @nid while it has memory. */
		expect_mdl_on_node(test, pref, nid);
		free_pages_mdl(pref);
	}
}

/* MM_ANY_NODE_OK works; nodes that do not exist and partitions fail. */
static void node_pages_refused(struct kunit *test)
{
	PMDL any = MmAllocateNodePagesForMdlEx(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					       4 * PAGE_SIZE, MmCached,
					       MM_ANY_NODE_OK, 0);

	KUNIT_ASSERT_NOT_NULL(test, any);
	free_pages_mdl(any);
	KUNIT_EXPECT_NULL(test, MmAllocateNodePagesForMdlEx(wdk_pa(0), wdk_pa(ANY_HIGH),
							    wdk_pa(0), PAGE_SIZE,
							    MmCached, nr_node_ids, 0));
	KUNIT_EXPECT_NULL(test, MmAllocateNodePagesForMdlEx(wdk_pa(0), wdk_pa(ANY_HIGH),
							    wdk_pa(0), PAGE_SIZE,
							    MmCached, MAX_NUMNODES, 0));
	KUNIT_EXPECT_NULL(test, MmAllocateNodePagesForMdlEx(wdk_pa(0), wdk_pa(ANY_HIGH),
							    wdk_pa(0), PAGE_SIZE,
							    MmCached, 0x7fffffff, 0));
	KUNIT_EXPECT_NULL(test,
			  MmAllocatePartitionNodePagesForMdlEx(wdk_pa(0), wdk_pa(ANY_HIGH),
							       wdk_pa(0), PAGE_SIZE,
							       MmCached, first_online_node,
							       0, (PVOID)test));
}

/* A contiguous block: every page on the node, physically in a row. */
static void expect_block_on_node(struct kunit *test, void *va, ULONG n, int nid)
{
	ULONG i;

	KUNIT_ASSERT_NOT_NULL(test, va);
	for (i = 0; i < n; i++) {
		struct page *page = virt_to_page((u8 *)va + i * PAGE_SIZE);

		KUNIT_EXPECT_EQ(test, page_to_nid(page), nid);
		KUNIT_EXPECT_EQ(test, page_to_pfn(page), page_to_pfn(virt_to_page(va)) + i);
	}
}

static void node_contiguous(struct kunit *test)
{
	int nid;

	for_each_node_state(nid, N_MEMORY) {
		void *a = MmAllocateContiguousMemorySpecifyCacheNode(8 * PAGE_SIZE,
								     wdk_pa(0),
								     wdk_pa(ANY_HIGH),
								     wdk_pa(0), MmCached,
								     nid);
		void *b = MmAllocateContiguousNodeMemory(3 * PAGE_SIZE, wdk_pa(0),
							 wdk_pa(ANY_HIGH), wdk_pa(0),
							 PAGE_READWRITE | PAGE_NOCACHE,
							 nid);

		expect_block_on_node(test, a, 8, nid);
		KUNIT_EXPECT_TRUE(test, wdk_all_zero(a, 8 * PAGE_SIZE));
		MmFreeContiguousMemory(a);
		expect_block_on_node(test, b, 3, nid);
		MmFreeContiguousMemory(b);
	}
}

static void node_contiguous_refused(struct kunit *test)
{
	void *any = MmAllocateContiguousNodeMemory(PAGE_SIZE, wdk_pa(0), wdk_pa(ANY_HIGH),
						   wdk_pa(0), PAGE_READWRITE,
						   MM_ANY_NODE_OK);
	static const ULONG bad_protect[] = {
		PAGE_READONLY, PAGE_EXECUTE_READWRITE, PAGE_NOACCESS,
		PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE, 0,
	};
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, any);
	MmFreeContiguousMemory(any);
	for (i = 0; i < ARRAY_SIZE(bad_protect); i++)
		KUNIT_EXPECT_NULL_MSG(test,
				      MmAllocateContiguousNodeMemory(PAGE_SIZE, wdk_pa(0),
								     wdk_pa(ANY_HIGH),
								     wdk_pa(0),
								     bad_protect[i],
								     MM_ANY_NODE_OK),
				      "protect %#x", bad_protect[i]);
	KUNIT_EXPECT_NULL(test,
			  MmAllocateContiguousMemorySpecifyCacheNode(PAGE_SIZE, wdk_pa(0),
								     wdk_pa(ANY_HIGH),
								     wdk_pa(0), MmCached,
								     nr_node_ids));
}

/* ------------------------------------------------------------------ */
/* MmMapMdl                                                           */
/* ------------------------------------------------------------------ */

struct map_ctx {
	PMDL mdl;
	int calls;
	PVOID va;
	bool mapped_during;
	u8 seed;
	bool write;
};

static VOID map_routine(PVOID DriverContext, PVOID MappedVa)
{
	struct map_ctx *c = DriverContext;

	c->calls++;
	c->va = MappedVa;
	c->mapped_during = c->mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA;
	if (c->write)
		wdk_fill(MappedVa, MmGetMdlByteCount(c->mdl), c->seed);
	else
		c->write = wdk_check(MappedVa, MmGetMdlByteCount(c->mdl), c->seed);
}

static PMDL pages_mdl(struct kunit *test, ULONG npages)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 (SIZE_T)npages * PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	return mdl;
}

/* Mapped for the call only: written through it, read back read-only. */
static void map_mdl(struct kunit *test)
{
	PMDL mdl = pages_mdl(test, 3);
	struct map_ctx c = { .mdl = mdl, .seed = 44, .write = true };
	PVOID va;

	KUNIT_EXPECT_EQ(test, MmMapMdl(mdl, PAGE_READWRITE, map_routine, &c),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, c.calls, 1);
	KUNIT_EXPECT_TRUE(test, c.mapped_during);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_NULL(test, mdl->MappedSystemVa);
	c.write = false;
	KUNIT_EXPECT_EQ(test, MmMapMdl(mdl, PAGE_READONLY, map_routine, &c),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, c.calls, 2);
	KUNIT_EXPECT_TRUE_MSG(test, c.write, "contents not seen read-only");
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	/* An MDL already mapped passes its mapping, which stays. */
	va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, va);
	c.write = false;
	KUNIT_EXPECT_EQ(test, MmMapMdl(mdl, PAGE_READWRITE, map_routine, &c),
			STATUS_SUCCESS);
	KUNIT_EXPECT_PTR_EQ(test, c.va, va);
	KUNIT_EXPECT_TRUE(test, c.write);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	MmUnmapLockedPages(va, mdl);
	free_pages_mdl(mdl);
}

/* Bad protection, no routine, unlocked MDL: a status, the routine not run. */
static void map_mdl_refused(struct kunit *test)
{
	PMDL mdl = pages_mdl(test, 1);
	u8 *buf = kunit_kmalloc(test, 64, GFP_KERNEL);
	PMDL unlocked;
	struct map_ctx c = { .mdl = mdl, .write = true };

	KUNIT_ASSERT_NOT_NULL(test, buf);
	unlocked = mdl_kunit_alloc_mdl(test, buf, 64);
	KUNIT_EXPECT_EQ(test, MmMapMdl(mdl, PAGE_EXECUTE_READWRITE, map_routine, &c),
			STATUS_INVALID_PAGE_PROTECTION);
	KUNIT_EXPECT_EQ(test, MmMapMdl(mdl, PAGE_NOACCESS, map_routine, &c),
			STATUS_INVALID_PAGE_PROTECTION);
	KUNIT_EXPECT_EQ(test, MmMapMdl(mdl, PAGE_READWRITE, NULL, &c),
			STATUS_INVALID_PARAMETER_3);
	KUNIT_EXPECT_EQ(test, MmMapMdl(unlocked, PAGE_READWRITE, map_routine, &c),
			STATUS_INVALID_PARAMETER_1);
	KUNIT_EXPECT_EQ(test, MmMapMdl(NULL, PAGE_READWRITE, map_routine, &c),
			STATUS_INVALID_PARAMETER_1);
	KUNIT_EXPECT_EQ(test, c.calls, 0);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	free_pages_mdl(mdl);
}

/* ------------------------------------------------------------------ */
/* MmAllocateMappingAddressEx                                         */
/* ------------------------------------------------------------------ */

/*
 * A ring mapped twice back to back: one MDL at offset 0, a partial MDL of
 * the same pages at offset 2 pages. Each sees the ring's bytes.
 */
static void reserve_divisible_ring(struct kunit *test)
{
	PVOID r = MmAllocateMappingAddressEx(4 * PAGE_SIZE, WDK_TAG,
					     MM_MAPPING_ADDRESS_DIVISIBLE);
	PMDL ring = pages_mdl(test, 2);
	u8 *second = (u8 *)r + 2 * PAGE_SIZE;
	PMDL again, third;
	u8 *a, *b;

	KUNIT_ASSERT_NOT_NULL(test, r);
	again = IoAllocateMdl(MmGetMdlVirtualAddress(ring), 2 * PAGE_SIZE, FALSE,
			      FALSE, NULL);
	third = IoAllocateMdl(MmGetMdlVirtualAddress(ring), PAGE_SIZE, FALSE,
			      FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, again);
	KUNIT_ASSERT_NOT_NULL(test, third);
	IoBuildPartialMdl(ring, again, MmGetMdlVirtualAddress(ring), 2 * PAGE_SIZE);
	IoBuildPartialMdl(ring, third, MmGetMdlVirtualAddress(ring), PAGE_SIZE);
	a = MmMapLockedPagesWithReservedMapping(r, WDK_TAG, ring, MmCached);
	b = MmMapLockedPagesWithReservedMapping(second, WDK_TAG, again, MmCached);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	wdk_fill(a, 2 * PAGE_SIZE, 61);
	KUNIT_EXPECT_TRUE(test, wdk_check(b, 2 * PAGE_SIZE, 61));
	b[5] = 0x33;
	KUNIT_EXPECT_EQ(test, a[5], 0x33);
	/* Overlapping, out of the range, unaligned, wrong tag: refused. */
	KUNIT_EXPECT_NULL(test, MmMapLockedPagesWithReservedMapping((u8 *)r + PAGE_SIZE,
								    WDK_TAG, third,
								    MmCached));
	KUNIT_EXPECT_NULL(test, MmMapLockedPagesWithReservedMapping((u8 *)r + 4 * PAGE_SIZE,
								    WDK_TAG, third,
								    MmCached));
	KUNIT_EXPECT_NULL(test, MmMapLockedPagesWithReservedMapping(second + 8, WDK_TAG,
								    third, MmCached));
	KUNIT_EXPECT_FALSE(test, third->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	/* Busy: not freed; unmapped at the wrong offset: still mapped. */
	MmFreeMappingAddress(r, WDK_TAG);
	MmUnmapReservedMapping(r, WDK_TAG, again);
	KUNIT_EXPECT_TRUE(test, again->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	MmUnmapReservedMapping(second, WDK_TAG, again);
	KUNIT_EXPECT_FALSE(test, again->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	/* The freed slot takes another MDL. */
	KUNIT_EXPECT_NOT_NULL(test, MmMapLockedPagesWithReservedMapping(second + PAGE_SIZE,
									WDK_TAG, third,
									MmCached));
	MmUnmapReservedMapping(second + PAGE_SIZE, WDK_TAG, third);
	MmUnmapReservedMapping(r, WDK_TAG, ring);
	KUNIT_EXPECT_FALSE(test, ring->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	MmFreeMappingAddress(r, WDK_TAG);
	IoFreeMdl(third);
	IoFreeMdl(again);
	free_pages_mdl(ring);
}

/* Without the flag a reservation takes one MDL at its base only. */
static void reserve_ex_not_divisible(struct kunit *test)
{
	PVOID r = MmAllocateMappingAddressEx(4 * PAGE_SIZE, WDK_TAG, 0);
	PMDL mdl = pages_mdl(test, 1);
	PVOID va;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_NULL(test, MmMapLockedPagesWithReservedMapping((u8 *)r + PAGE_SIZE,
								    WDK_TAG, mdl, MmCached));
	va = MmMapLockedPagesWithReservedMapping(r, WDK_TAG, mdl, MmCached);
	KUNIT_EXPECT_NOT_NULL(test, va);
	MmUnmapReservedMapping(r, WDK_TAG, mdl);
	MmFreeMappingAddress(r, WDK_TAG);
	free_pages_mdl(mdl);
	KUNIT_EXPECT_NULL(test, MmAllocateMappingAddressEx(PAGE_SIZE, WDK_TAG, 0x2));
	KUNIT_EXPECT_NULL(test, MmAllocateMappingAddressEx(PAGE_SIZE, 0,
							   MM_MAPPING_ADDRESS_DIVISIBLE));
}

/* ------------------------------------------------------------------ */
/* MDL queries                                                        */
/* ------------------------------------------------------------------ */

static void pages_cached(struct kunit *test)
{
	PMDL wb = pages_mdl(test, 2);
	PMDL uc = MmAllocatePagesForMdlEx(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					  PAGE_SIZE, MmNonCached, 0);
	PMDL wc = MmAllocatePagesForMdlEx(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					  PAGE_SIZE, MmWriteCombined, 0);
	u8 *buf = kunit_kmalloc(test, 64, GFP_KERNEL);
	PMDL unlocked;

	KUNIT_ASSERT_NOT_NULL(test, uc);
	KUNIT_ASSERT_NOT_NULL(test, wc);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	unlocked = mdl_kunit_alloc_mdl(test, buf, 64);
	KUNIT_EXPECT_TRUE(test, MmAreMdlPagesCached(wb));
	KUNIT_EXPECT_FALSE(test, MmAreMdlPagesCached(uc));
	KUNIT_EXPECT_FALSE(test, MmAreMdlPagesCached(wc));
	KUNIT_EXPECT_FALSE(test, MmAreMdlPagesCached(unlocked));
	KUNIT_EXPECT_FALSE(test, MmAreMdlPagesCached(NULL));
	MmBuildMdlForNonPagedPool(unlocked);
	KUNIT_EXPECT_TRUE(test, MmAreMdlPagesCached(unlocked));
	free_pages_mdl(wb);
	free_pages_mdl(uc);
	free_pages_mdl(wc);
}

/*
 * Non-paged MDLs of memory mdl.ko gave a memory type report that type, on
 * every kernel (mdl.ko records the types it gives).
 */
static void pages_cached_nonpaged(struct kunit *test)
{
	void *nc = MmAllocateNonCachedMemory(2 * PAGE_SIZE);
	void *wc = MmAllocateContiguousNodeMemory(2 * PAGE_SIZE, wdk_pa(0),
						  wdk_pa(ANY_HIGH), wdk_pa(0),
						  PAGE_READWRITE | PAGE_WRITECOMBINE,
						  MM_ANY_NODE_OK);
	void *wb = MmAllocateContiguousNodeMemory(2 * PAGE_SIZE, wdk_pa(0),
						  wdk_pa(ANY_HIGH), wdk_pa(0),
						  PAGE_READWRITE, MM_ANY_NODE_OK);
	PMDL m_nc, m_wc, m_wb;

	KUNIT_ASSERT_NOT_NULL(test, nc);
	KUNIT_ASSERT_NOT_NULL(test, wc);
	KUNIT_ASSERT_NOT_NULL(test, wb);
	m_nc = IoAllocateMdl(nc, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
	m_wc = IoAllocateMdl(wc, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
	m_wb = IoAllocateMdl(wb, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, m_nc);
	KUNIT_ASSERT_NOT_NULL(test, m_wc);
	KUNIT_ASSERT_NOT_NULL(test, m_wb);
	MmBuildMdlForNonPagedPool(m_nc);
	MmBuildMdlForNonPagedPool(m_wc);
	MmBuildMdlForNonPagedPool(m_wb);
	KUNIT_EXPECT_FALSE(test, MmAreMdlPagesCached(m_nc));
	KUNIT_EXPECT_FALSE(test, MmAreMdlPagesCached(m_wc));
	KUNIT_EXPECT_TRUE(test, MmAreMdlPagesCached(m_wb));
	IoFreeMdl(m_nc);
	IoFreeMdl(m_wc);
	IoFreeMdl(m_wb);
	MmFreeNonCachedMemory(nc, 2 * PAGE_SIZE);
	MmFreeContiguousMemory(wc);
	MmFreeContiguousMemory(wb);
}

static void contents_state(struct kunit *test)
{
	PMDL mdl = pages_mdl(test, 1);

	KUNIT_EXPECT_EQ(test, MmMdlPageContentsState(mdl, MmMdlPageContentsQuery),
			MmMdlPageContentsDynamic);
	KUNIT_EXPECT_EQ(test, MmMdlPageContentsState(mdl, MmMdlPageContentsInvariant),
			MmMdlPageContentsDynamic);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGE_CONTENTS_INVARIANT);
	KUNIT_EXPECT_EQ(test, MmMdlPageContentsState(mdl, MmMdlPageContentsQuery),
			MmMdlPageContentsInvariant);
	KUNIT_EXPECT_EQ(test, MmMdlPageContentsState(mdl, MmMdlPageContentsDynamic),
			MmMdlPageContentsInvariant);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_PAGE_CONTENTS_INVARIANT);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_EQ(test, MmMdlPageContentsState(NULL, MmMdlPageContentsInvariant),
			MmMdlPageContentsQuery);
	free_pages_mdl(mdl);
}

/* Active while a mapping of MmMapIoSpace covers a byte of the range. */
static void io_space_active(struct kunit *test)
{
	void *buf = mdl_kunit_pages(test, 1);
	PHYSICAL_ADDRESS pa = MmGetPhysicalAddress(buf);
	PHYSICAL_ADDRESS next = wdk_pa(pa.QuadPart + PAGE_SIZE);
	PHYSICAL_ADDRESS before = wdk_pa(pa.QuadPart - 16);
	void *va;

	KUNIT_ASSERT_NE(test, pa.QuadPart, 0LL);
	KUNIT_EXPECT_FALSE(test, MmIsIoSpaceActive(pa, PAGE_SIZE));
	va = MmMapIoSpace(pa, PAGE_SIZE, MmCached);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_TRUE(test, MmIsIoSpaceActive(pa, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, MmIsIoSpaceActive(wdk_pa(pa.QuadPart + 100), 1));
	KUNIT_EXPECT_TRUE(test, MmIsIoSpaceActive(before, 17));
	KUNIT_EXPECT_FALSE(test, MmIsIoSpaceActive(before, 16));
	KUNIT_EXPECT_FALSE(test, MmIsIoSpaceActive(next, PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, MmIsIoSpaceActive(pa, 0));
	KUNIT_EXPECT_FALSE(test, MmIsIoSpaceActive(wdk_pa(-1), 2));
	MmUnmapIoSpace(va, PAGE_SIZE);
	KUNIT_EXPECT_FALSE(test, MmIsIoSpaceActive(pa, PAGE_SIZE));
}

static void nonpaged_valid(struct kunit *test)
{
	u8 *k = kunit_kmalloc(test, 64, GFP_KERNEL);
	u8 *v = mdl_kunit_vmalloc(test, PAGE_SIZE);
	unsigned long uaddr = wdk_user_mem(test, PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_EXPECT_TRUE(test, MmIsNonPagedSystemAddressValid(k));
	KUNIT_EXPECT_TRUE(test, MmIsNonPagedSystemAddressValid(v + 10));
	KUNIT_EXPECT_FALSE(test, MmIsNonPagedSystemAddressValid(v + PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, MmIsNonPagedSystemAddressValid(NULL));
	KUNIT_EXPECT_FALSE(test, MmIsNonPagedSystemAddressValid((PVOID)uaddr));
}

/* ------------------------------------------------------------------ */
/* MmSecureVirtualMemory                                              */
/* ------------------------------------------------------------------ */

/* The range's pages are pinned until MmUnsecureVirtualMemory. */
static void secure_user(struct kunit *test)
{
	unsigned long uaddr = wdk_user_mem(test, 3 * PAGE_SIZE);
	struct mdl_kunit_pins before;
	HANDLE h, ro;

	mdl_kunit_pins_read(&before);
	h = MmSecureVirtualMemory((PVOID)(uaddr + 8), 3 * PAGE_SIZE - 16,
				  PAGE_READWRITE);
	KUNIT_ASSERT_NOT_NULL(test, h);
	MDL_KUNIT_EXPECT_PINS(test, &before, 3, 0);
	ro = MmSecureVirtualMemoryEx((PVOID)uaddr, PAGE_SIZE, PAGE_READONLY,
				     MM_SECURE_NO_INHERIT | MM_SECURE_USER_MODE_ONLY);
	KUNIT_ASSERT_NOT_NULL(test, ro);
	MDL_KUNIT_EXPECT_PINS(test, &before, 4, 0);
	MmUnsecureVirtualMemory(h);
	MDL_KUNIT_EXPECT_PINS(test, &before, 4, 3);
	MmUnsecureVirtualMemory(ro);
	MDL_KUNIT_EXPECT_PINS(test, &before, 4, 4);
	/* A released handle is unknown: refused, nothing unpinned again. */
	MmUnsecureVirtualMemory(ro);
	MmUnsecureVirtualMemory(NULL);
	MDL_KUNIT_EXPECT_PINS(test, &before, 4, 4);
}

static void secure_refused(struct kunit *test)
{
	unsigned long uaddr = wdk_user_mem(test, PAGE_SIZE);
	unsigned long ro = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ,
					 MAP_ANONYMOUS | MAP_PRIVATE, 0);
	u8 *k = kunit_kmalloc(test, 64, GFP_KERNEL);
	struct mdl_kunit_pins before;

	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_ASSERT_NE(test, ro, 0UL);
	mdl_kunit_pins_read(&before);
	KUNIT_EXPECT_NULL(test, MmSecureVirtualMemory((PVOID)ro, PAGE_SIZE,
						      PAGE_READWRITE));
	KUNIT_EXPECT_NULL(test, MmSecureVirtualMemory(k, 64, PAGE_READONLY));
	KUNIT_EXPECT_NULL(test, MmSecureVirtualMemory((PVOID)uaddr, 0, PAGE_READONLY));
	KUNIT_EXPECT_NULL(test, MmSecureVirtualMemory((PVOID)uaddr, PAGE_SIZE,
						      PAGE_EXECUTE_READWRITE));
	KUNIT_EXPECT_NULL(test, MmSecureVirtualMemoryEx((PVOID)uaddr, PAGE_SIZE,
							PAGE_READONLY,
							MM_SECURE_NO_CHANGE));
	KUNIT_EXPECT_NULL(test, MmSecureVirtualMemoryEx((PVOID)uaddr, PAGE_SIZE,
							PAGE_READONLY,
							MM_SECURE_EXCLUSIVE));
	MDL_KUNIT_EXPECT_PINS(test, &before, 0, 0);
}

/*
 * A range a driver never unsecures: mdl.ko releases it when it is unloaded
 * (kunit/uml-init.sh checks that every pin is released after rmmod mdl).
 */
static void secure_left_for_unload(struct kunit *test)
{
	unsigned long uaddr = wdk_user_mem(test, 2 * PAGE_SIZE);

	KUNIT_EXPECT_NOT_NULL(test, MmSecureVirtualMemory((PVOID)uaddr, 2 * PAGE_SIZE,
							  PAGE_READWRITE));
}

static struct kunit_case mdl_newer_cases[] = {
	KUNIT_CASE(ranges_system),
	KUNIT_CASE(ranges_ex),
	KUNIT_CASE(ranges_persistent),
	KUNIT_CASE(copy_virtual),
	KUNIT_CASE(copy_virtual_bad),
	KUNIT_CASE(copy_physical),
	KUNIT_CASE(copy_physical_bad),
	KUNIT_CASE(node_pages),
	KUNIT_CASE(node_pages_refused),
	KUNIT_CASE(node_contiguous),
	KUNIT_CASE(node_contiguous_refused),
	KUNIT_CASE(map_mdl),
	KUNIT_CASE(map_mdl_refused),
	KUNIT_CASE(reserve_divisible_ring),
	KUNIT_CASE(reserve_ex_not_divisible),
	KUNIT_CASE(pages_cached),
	KUNIT_CASE(pages_cached_nonpaged),
	KUNIT_CASE(contents_state),
	KUNIT_CASE(io_space_active),
	KUNIT_CASE(nonpaged_valid),
	KUNIT_CASE(secure_user),
	KUNIT_CASE(secure_refused),
	KUNIT_CASE(secure_left_for_unload),
	{}
};

static struct kunit_suite mdl_newer_suite = {
	.name = "mdl_newer",
	.test_cases = mdl_newer_cases,
};

kunit_test_suite(mdl_newer_suite);
