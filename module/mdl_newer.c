// SPDX-License-Identifier: GPL-2.0
/*
 * Routines of newer WDKs: MmGetPhysicalMemoryRanges(Ex, Ex2), MmCopyMemory,
 * the node forms of the page and contiguous allocators, MmMapMdl,
 * MmAreMdlPagesCached, MmMdlPageContentsState, MmIsIoSpaceActive,
 * MmIsNonPagedSystemAddressValid and MmSecureVirtualMemory(Ex) /
 * MmUnsecureVirtualMemory. MmAllocateMappingAddressEx lives with the other
 * reservations (mdl_reserve.c).
 *
 * Physical memory ranges come from the kernel's resource tree ("System RAM",
 * and "Persistent Memory" where asked), merged and sorted; a kernel that
 * registers no System RAM there (User-Mode Linux) reports the spans of its
 * memory nodes instead. MmCopyMemory never faults: a virtual source must be
 * mapped kernel memory and is read with copy_from_kernel_nofault(); a
 * physical source must be RAM (the rules of mdl_range_is_ram(), as
 * MmMapIoSpace: never device memory) and is read page by page through
 * kmap_local_page(). A secured range is the current process's pages pinned
 * by an MDL of mdl.ko, so they stay resident and cannot be replaced; the
 * handle is that MDL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include "mdl_internal.h"

/* Pool tag of the arrays of MmGetPhysicalMemoryRanges ('MdlR'). */
#define MDL_RANGES_TAG		0x526c644dU

/* ------------------------------------------------------------------ */
/* Physical memory ranges                                             */
/* ------------------------------------------------------------------ */

/**
 * struct mdl_ranges - ranges being collected
 * @r: the array, or NULL while counting
 * @n: ranges seen (stored when @r is set and @n < @cap)
 * @cap: entries @r has room for, the terminator excluded
 */
struct mdl_ranges {
	PPHYSICAL_MEMORY_RANGE r;
	u32 n;
	u32 cap;
};

static void mdl_ranges_add(struct mdl_ranges *rs, u64 start, u64 len)
{
	if (!len)
		return;
	if (rs->r && rs->n < rs->cap) {
		rs->r[rs->n].BaseAddress.QuadPart = start;
		rs->r[rs->n].NumberOfBytes.QuadPart = len;
	}
	rs->n++;
}

static int mdl_ranges_res(struct resource *res, void *arg)
{
	mdl_ranges_add(arg, res->start, resource_size(res));
	return 0;
}

/* Spans of the memory nodes, where the resource tree lists no RAM. */
static void mdl_ranges_nodes(struct mdl_ranges *rs)
{
	int nid;

	for_each_online_node(nid)
		mdl_ranges_add(rs, PFN_PHYS(node_start_pfn(nid)),
			       PFN_PHYS(node_spanned_pages(nid)));
}

static void mdl_ranges_walk(struct mdl_ranges *rs, bool pmem)
{
	u32 before = rs->n;

	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
			    0, -1, rs, mdl_ranges_res);
	if (rs->n == before)
		mdl_ranges_nodes(rs);
	if (!pmem)
		return;
	walk_iomem_res_desc(IORES_DESC_PERSISTENT_MEMORY, IORESOURCE_MEM, 0, -1,
			    rs, mdl_ranges_res);
	walk_iomem_res_desc(IORES_DESC_PERSISTENT_MEMORY_LEGACY, IORESOURCE_MEM,
			    0, -1, rs, mdl_ranges_res);
}

static int mdl_range_cmp(const void *a, const void *b)
{
	const PHYSICAL_MEMORY_RANGE *x = a, *y = b;

	if (x->BaseAddress.QuadPart == y->BaseAddress.QuadPart)
		return 0;
	return x->BaseAddress.QuadPart < y->BaseAddress.QuadPart ? -1 : 1;
}

/* Sort, merge overlapping and adjacent ranges; returns the count kept. */
static u32 mdl_ranges_merge(PPHYSICAL_MEMORY_RANGE r, u32 n)
{
	u32 i, out = 0;

	sort(r, n, sizeof(*r), mdl_range_cmp, NULL);
	for (i = 0; i < n; i++) {
		u64 start = r[i].BaseAddress.QuadPart;
		u64 end = start + r[i].NumberOfBytes.QuadPart;
		u64 prev_end;

		if (out) {
			prev_end = r[out - 1].BaseAddress.QuadPart +
				   r[out - 1].NumberOfBytes.QuadPart;
			if (start <= prev_end) {
				if (end > prev_end)
					r[out - 1].NumberOfBytes.QuadPart =
						end - r[out - 1].BaseAddress.QuadPart;
				continue;
			}
		}
		r[out++] = r[i];
	}
	memset(&r[out], 0, sizeof(*r));
	return out;
}

static PPHYSICAL_MEMORY_RANGE mdl_physical_ranges(bool pmem)
{
	struct mdl_ranges rs = { };
	int tries;

	/* Count, then fill; memory hot-plug in between means another go. */
	for (tries = 0; tries < 4; tries++) {
		mdl_ranges_walk(&rs, pmem);
		rs.cap = rs.n + 4;
		rs.n = 0;
		rs.r = ExAllocatePoolWithTag(NonPagedPoolNx,
					     (rs.cap + 1) * sizeof(*rs.r),
					     MDL_RANGES_TAG);
		if (!rs.r)
			return NULL;
		mdl_ranges_walk(&rs, pmem);
		if (rs.n <= rs.cap) {
			mdl_ranges_merge(rs.r, rs.n);
			return rs.r;
		}
		ExFreePool(rs.r);
		rs.r = NULL;
		rs.n = 0;
	}
	return NULL;
}

/**
 * MmGetPhysicalMemoryRanges() - the physical memory of the system
 *
 * System RAM as the kernel's resource tree lists it ("System RAM" in
 * /proc/iomem), sorted, adjacent ranges merged; a kernel that lists no RAM
 * there (User-Mode Linux) gives the spans of its memory nodes.
 *
 * Context: may sleep.
 * Return: a pool array ending with an all-zero entry (free it with
 * ExFreePool), or NULL when memory is short.
 */
PPHYSICAL_MEMORY_RANGE MmGetPhysicalMemoryRanges(void)
{
	return mdl_physical_ranges(false);
}
EXPORT_SYMBOL_GPL(MmGetPhysicalMemoryRanges);

/**
 * MmGetPhysicalMemoryRangesEx() - the physical memory of a partition
 * @PartitionObject: NULL (the system; no other partition exists)
 *
 * Context: may sleep.
 * Return: as MmGetPhysicalMemoryRanges(); NULL for a partition object.
 */
PPHYSICAL_MEMORY_RANGE MmGetPhysicalMemoryRangesEx(PVOID PartitionObject)
{
	return MmGetPhysicalMemoryRangesEx2(PartitionObject, 0);
}
EXPORT_SYMBOL_GPL(MmGetPhysicalMemoryRangesEx);

/**
 * MmGetPhysicalMemoryRangesEx2() - the physical memory, persistent memory too
 * @PartitionObject: NULL (the system)
 * @Flags: MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_FILE_ONLY adds persistent
 *         memory ("Persistent Memory" and "Persistent Memory (legacy)"
 *         resources); MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_ALL_PARTITIONS
 *         changes nothing (one partition)
 *
 * Context: may sleep.
 * Return: as MmGetPhysicalMemoryRanges(); NULL for a partition object or
 * unknown flags.
 */
PPHYSICAL_MEMORY_RANGE MmGetPhysicalMemoryRangesEx2(PVOID PartitionObject,
						    ULONG Flags)
{
	if (PartitionObject ||
	    (Flags & ~(MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_FILE_ONLY |
		       MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_ALL_PARTITIONS))) {
		mdl_refuse("partition %p or flags %#x not supported",
			   PartitionObject, Flags);
		return NULL;
	}
	return mdl_physical_ranges(Flags & MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_FILE_ONLY);
}
EXPORT_SYMBOL_GPL(MmGetPhysicalMemoryRangesEx2);

/* ------------------------------------------------------------------ */
/* MmCopyMemory                                                       */
/* ------------------------------------------------------------------ */

/* Copy @len bytes (within one page) from mapped kernel memory at @src. */
static bool mdl_copy_virtual(void *dst, const void *src, size_t len)
{
	PFN_NUMBER pfn;

	return mdl_kernel_pfn(src, &pfn) && pfn_valid(pfn) &&
	       !copy_from_kernel_nofault(dst, src, len);
}

/* Copy @len bytes (within one page) from physical RAM at @pa. */
static bool mdl_copy_physical(void *dst, u64 pa, size_t len)
{
	unsigned long pfn = PHYS_PFN(pa);
	void *va;
	long ret;

	if (pa > mdl_phys_addr_max() || !pfn_valid(pfn) ||
	    mdl_range_is_ram(pa & PAGE_MASK, PAGE_SIZE) != 1)
		return false;
	va = kmap_local_page(pfn_to_page(pfn));
	ret = copy_from_kernel_nofault(dst, va + offset_in_page(pa), len);
	kunmap_local(va);
	return !ret;
}

/**
 * MmCopyMemory() - copy memory that may not be valid, without faulting
 * @TargetAddress: kernel buffer of @NumberOfBytes bytes
 * @SourceAddress: the source, virtual or physical as @Flags says
 * @NumberOfBytes: bytes to copy
 * @Flags: MM_COPY_MEMORY_VIRTUAL (a kernel address: direct map, kernel
 *         image, vmalloc or module memory that is mapped) or
 *         MM_COPY_MEMORY_PHYSICAL (System RAM only; device memory and holes
 *         are refused, as by MmMapIoSpace)
 * @NumberOfBytesTransferred: receives the bytes copied
 *
 * Copies page by page and stops at the first page that cannot be read; a
 * bad address is a status, never a fault.
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS; STATUS_ACCESS_VIOLATION when a page could not be
 * read (*@NumberOfBytesTransferred says how far the copy got);
 * STATUS_INVALID_PARAMETER(_4) for bad arguments.
 */
NTSTATUS MmCopyMemory(PVOID TargetAddress, MM_COPY_ADDRESS SourceAddress,
		      SIZE_T NumberOfBytes, ULONG Flags,
		      PSIZE_T NumberOfBytesTransferred)
{
	bool phys = Flags == MM_COPY_MEMORY_PHYSICAL;
	u64 src, end;
	SIZE_T done = 0;

	if (!NumberOfBytesTransferred)
		return STATUS_INVALID_PARAMETER;
	*NumberOfBytesTransferred = 0;
	if (Flags != MM_COPY_MEMORY_PHYSICAL && Flags != MM_COPY_MEMORY_VIRTUAL)
		return STATUS_INVALID_PARAMETER_4;
	src = phys ? (u64)SourceAddress.PhysicalAddress.QuadPart :
		     (u64)(uintptr_t)SourceAddress.VirtualAddress;
	if ((NumberOfBytes && !TargetAddress) ||
	    check_add_overflow(src, (u64)NumberOfBytes, &end))
		return STATUS_INVALID_PARAMETER;
	while (done < NumberOfBytes) {
		size_t chunk = min_t(u64, NumberOfBytes - done,
				     PAGE_SIZE - offset_in_page(src + done));
		void *dst = (u8 *)TargetAddress + done;
		bool ok = phys ? mdl_copy_physical(dst, src + done, chunk) :
				 mdl_copy_virtual(dst, (void *)(uintptr_t)(src + done),
						  chunk);

		if (!ok)
			break;
		done += chunk;
		cond_resched();
	}
	*NumberOfBytesTransferred = done;
	return done == NumberOfBytes ? STATUS_SUCCESS : STATUS_ACCESS_VIOLATION;
}
EXPORT_SYMBOL_GPL(MmCopyMemory);

/* ------------------------------------------------------------------ */
/* Allocations on a node                                              */
/* ------------------------------------------------------------------ */

/* A node number or MM_ANY_NODE_OK as a Linux node; false: no such node. */
static bool mdl_node(u32 node, int *nid)
{
	if (node == MM_ANY_NODE_OK) {
		*nid = NUMA_NO_NODE;
		return true;
	}
	if (node >= MAX_NUMNODES || !node_online(node) ||
	    !node_state(node, N_MEMORY))
		return false;
	*nid = node;
	return true;
}

/**
 * MmAllocateNodePagesForMdlEx() - MmAllocatePagesForMdlEx from a node
 * @LowAddress: as MmAllocatePagesForMdlEx
 * @HighAddress: as MmAllocatePagesForMdlEx
 * @SkipBytes: as MmAllocatePagesForMdlEx
 * @TotalBytes: as MmAllocatePagesForMdlEx
 * @CacheType: as MmAllocatePagesForMdlEx
 * @IdealNode: node to take the pages from first (MM_ANY_NODE_OK: the
 *             local node)
 * @Flags: as MmAllocatePagesForMdlEx; MM_ALLOCATE_FROM_LOCAL_NODE_ONLY
 *         takes pages from @IdealNode only
 *
 * Context: may sleep (unless MM_ALLOCATE_NO_WAIT).
 * Return: the MDL, or NULL (also for a node that does not exist or has no
 * memory).
 */
PMDL MmAllocateNodePagesForMdlEx(PHYSICAL_ADDRESS LowAddress,
				 PHYSICAL_ADDRESS HighAddress,
				 PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes,
				 MEMORY_CACHING_TYPE CacheType, ULONG IdealNode,
				 ULONG Flags)
{
	int nid;

	if (!mdl_node(IdealNode, &nid)) {
		mdl_refuse("no node %u with memory", IdealNode);
		return NULL;
	}
	return mdl_allocate_pages_node(LowAddress, HighAddress, SkipBytes,
				       TotalBytes, CacheType, Flags, nid, 0);
}
EXPORT_SYMBOL_GPL(MmAllocateNodePagesForMdlEx);

/**
 * MmAllocatePartitionNodePagesForMdlEx() - the same, in a partition
 * @LowAddress: as MmAllocateNodePagesForMdlEx
 * @HighAddress: as MmAllocateNodePagesForMdlEx
 * @SkipBytes: as MmAllocateNodePagesForMdlEx
 * @TotalBytes: as MmAllocateNodePagesForMdlEx
 * @CacheType: as MmAllocateNodePagesForMdlEx
 * @IdealNode: as MmAllocateNodePagesForMdlEx
 * @Flags: as MmAllocateNodePagesForMdlEx
 * @PartitionObject: NULL (the system; no other partition exists)
 *
 * Context: may sleep (unless MM_ALLOCATE_NO_WAIT).
 * Return: the MDL, or NULL (also for a partition object).
 */
PMDL MmAllocatePartitionNodePagesForMdlEx(PHYSICAL_ADDRESS LowAddress,
					  PHYSICAL_ADDRESS HighAddress,
					  PHYSICAL_ADDRESS SkipBytes,
					  SIZE_T TotalBytes,
					  MEMORY_CACHING_TYPE CacheType,
					  ULONG IdealNode, ULONG Flags,
					  PVOID PartitionObject)
{
	if (PartitionObject) {
		mdl_refuse("partition %p: only the system partition (NULL) exists",
			   PartitionObject);
		return NULL;
	}
	return MmAllocateNodePagesForMdlEx(LowAddress, HighAddress, SkipBytes,
					   TotalBytes, CacheType, IdealNode, Flags);
}
EXPORT_SYMBOL_GPL(MmAllocatePartitionNodePagesForMdlEx);

/**
 * MmAllocateContiguousMemorySpecifyCacheNode() - contiguous memory on a node
 * @NumberOfBytes: as MmAllocateContiguousMemorySpecifyCache
 * @LowestAcceptableAddress: as MmAllocateContiguousMemorySpecifyCache
 * @HighestAcceptableAddress: as MmAllocateContiguousMemorySpecifyCache
 * @BoundaryAddressMultiple: as MmAllocateContiguousMemorySpecifyCache
 * @CacheType: as MmAllocateContiguousMemorySpecifyCache
 * @PreferredNode: node tried first (then any node), or MM_ANY_NODE_OK
 *
 * Free with MmFreeContiguousMemory.
 *
 * Context: may sleep.
 * Return: the system address, or NULL (also for a node that does not exist
 * or has no memory).
 */
PVOID MmAllocateContiguousMemorySpecifyCacheNode(SIZE_T NumberOfBytes,
						 PHYSICAL_ADDRESS LowestAcceptableAddress,
						 PHYSICAL_ADDRESS HighestAcceptableAddress,
						 PHYSICAL_ADDRESS BoundaryAddressMultiple,
						 MEMORY_CACHING_TYPE CacheType,
						 NODE_REQUIREMENT PreferredNode)
{
	int nid;

	if (!mdl_node(PreferredNode, &nid)) {
		mdl_refuse("no node %u with memory", PreferredNode);
		return NULL;
	}
	return mdl_contig_alloc_node(NumberOfBytes, LowestAcceptableAddress,
				     HighestAcceptableAddress,
				     BoundaryAddressMultiple, CacheType, nid);
}
EXPORT_SYMBOL_GPL(MmAllocateContiguousMemorySpecifyCacheNode);

/* PAGE_READWRITE, optionally with PAGE_NOCACHE or PAGE_WRITECOMBINE. */
static bool mdl_protect_cache(u32 protect, MEMORY_CACHING_TYPE *cache)
{
	switch (protect) {
	case PAGE_READWRITE:
		*cache = MmCached;
		return true;
	case PAGE_READWRITE | PAGE_NOCACHE:
		*cache = MmNonCached;
		return true;
	case PAGE_READWRITE | PAGE_WRITECOMBINE:
		*cache = MmWriteCombined;
		return true;
	default:
		return false;
	}
}

/**
 * MmAllocateContiguousNodeMemory() - contiguous memory on a node, by protection
 * @NumberOfBytes: as MmAllocateContiguousMemorySpecifyCache
 * @LowestAcceptableAddress: as MmAllocateContiguousMemorySpecifyCache
 * @HighestAcceptableAddress: as MmAllocateContiguousMemorySpecifyCache
 * @BoundaryAddressMultiple: as MmAllocateContiguousMemorySpecifyCache
 * @Protect: PAGE_READWRITE, optionally ORed with PAGE_NOCACHE or
 *           PAGE_WRITECOMBINE; executable protections are refused (kernel
 *           memory is never executable)
 * @PreferredNode: node tried first (then any node), or MM_ANY_NODE_OK
 *
 * Free with MmFreeContiguousMemory.
 *
 * Context: may sleep.
 * Return: the system address, or NULL.
 */
PVOID MmAllocateContiguousNodeMemory(SIZE_T NumberOfBytes,
				     PHYSICAL_ADDRESS LowestAcceptableAddress,
				     PHYSICAL_ADDRESS HighestAcceptableAddress,
				     PHYSICAL_ADDRESS BoundaryAddressMultiple,
				     ULONG Protect, NODE_REQUIREMENT PreferredNode)
{
	MEMORY_CACHING_TYPE cache;

	if (!mdl_protect_cache(Protect, &cache)) {
		mdl_refuse("protection %#x refused (read-write only, never executable)",
			   Protect);
		return NULL;
	}
	return MmAllocateContiguousMemorySpecifyCacheNode(NumberOfBytes,
							  LowestAcceptableAddress,
							  HighestAcceptableAddress,
							  BoundaryAddressMultiple,
							  cache, PreferredNode);
}
EXPORT_SYMBOL_GPL(MmAllocateContiguousNodeMemory);

/* ------------------------------------------------------------------ */
/* MmMapMdl and MDL queries                                           */
/* ------------------------------------------------------------------ */

/**
 * MmMapMdl() - map an MDL, call a routine with the mapping, unmap
 * @MemoryDescriptorList: a locked, allocated, partial or I/O-space MDL
 * @Protection: PAGE_READWRITE or PAGE_READONLY
 * @DriverRoutine: called with @DriverContext and the buffer's system address
 * @DriverContext: passed to @DriverRoutine
 *
 * An MDL without a system mapping is mapped for the call only and unmapped
 * when @DriverRoutine returns; one already mapped (or non-paged pool) is
 * passed its mapping, which stays.
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS once @DriverRoutine ran; STATUS_INVALID_PARAMETER_1
 * (no MDL, or not locked), STATUS_INVALID_PAGE_PROTECTION,
 * STATUS_INVALID_PARAMETER_3 (no routine) or STATUS_INSUFFICIENT_RESOURCES
 * (mapping failed) without calling it.
 */
NTSTATUS MmMapMdl(PMDL MemoryDescriptorList, ULONG Protection,
		  PMM_MDL_ROUTINE DriverRoutine, PVOID DriverContext)
{
	PMDL mdl = MemoryDescriptorList;
	struct mdl_ext *ext = mdl ? mdl_ext_find(mdl) : NULL;
	ULONG prio = NormalPagePriority;
	PVOID va;

	if (!mdl || !mdl_is_mappable(mdl, ext))
		return STATUS_INVALID_PARAMETER_1;
	if (Protection == PAGE_READONLY)
		prio |= MdlMappingNoWrite;
	else if (Protection != PAGE_READWRITE)
		return STATUS_INVALID_PAGE_PROTECTION;
	if (!DriverRoutine)
		return STATUS_INVALID_PARAMETER_3;
	/* Already mapped: the routine gets that mapping, which stays. */
	if (mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL)) {
		if (Protection == PAGE_READWRITE && ext && ext->sys_va &&
		    ext->sys_readonly)
			return STATUS_INVALID_PAGE_PROTECTION;
		DriverRoutine(DriverContext, mdl->MappedSystemVa);
		return STATUS_SUCCESS;
	}
	va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE,
					  prio);
	if (!va)
		return STATUS_INSUFFICIENT_RESOURCES;
	DriverRoutine(DriverContext, va);
	MmUnmapLockedPages(va, mdl);
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(MmMapMdl);

/**
 * MmAreMdlPagesCached() - are an MDL's pages mapped cached
 * @MemoryDescriptorList: a locked, allocated, non-paged or I/O-space MDL
 *
 * Context: may sleep (the memory types mdl.ko gave are looked up).
 * Return: TRUE when mappings of the pages are write-back; FALSE for pages
 * given another memory type (non-cached and write-combined allocations),
 * for I/O space and for an unlocked MDL.
 */
BOOLEAN MmAreMdlPagesCached(PMDL MemoryDescriptorList)
{
	PMDL mdl = MemoryDescriptorList;
	MEMORY_CACHING_TYPE cache;

	if (!mdl || (mdl->MdlFlags & MDL_IO_SPACE) ||
	    !mdl_is_mappable(mdl, mdl_ext_find(mdl)))
		return FALSE;
	cache = mdl_map_cache(mdl, mdl_ext_find(mdl), MmCached);
	return cache == MmCached || cache == MmHardwareCoherentCached;
}
EXPORT_SYMBOL_GPL(MmAreMdlPagesCached);

/**
 * MmMdlPageContentsState() - mark an MDL's contents invariant, or query
 * @MemoryDescriptorList: the MDL
 * @State: MmMdlPageContentsInvariant sets MDL_PAGE_CONTENTS_INVARIANT,
 *         MmMdlPageContentsDynamic clears it, MmMdlPageContentsQuery
 *         changes nothing
 *
 * Context: any; atomic context allowed.
 * Return: the state before the call (MmMdlPageContentsQuery for no MDL).
 */
MM_MDL_PAGE_CONTENTS_STATE MmMdlPageContentsState(PMDL MemoryDescriptorList,
						  MM_MDL_PAGE_CONTENTS_STATE State)
{
	PMDL mdl = MemoryDescriptorList;
	MM_MDL_PAGE_CONTENTS_STATE old;

	if (!mdl)
		return MmMdlPageContentsQuery;
	old = (mdl->MdlFlags & MDL_PAGE_CONTENTS_INVARIANT) ?
	      MmMdlPageContentsInvariant : MmMdlPageContentsDynamic;
	if (State == MmMdlPageContentsInvariant)
		mdl->MdlFlags |= MDL_PAGE_CONTENTS_INVARIANT;
	else if (State == MmMdlPageContentsDynamic)
		mdl->MdlFlags &= ~MDL_PAGE_CONTENTS_INVARIANT;
	return old;
}
EXPORT_SYMBOL_GPL(MmMdlPageContentsState);

/**
 * MmIsIoSpaceActive() - is part of a physical range mapped by MmMapIoSpace
 * @StartAddress: first physical address
 * @NumberOfBytes: length of the range
 *
 * Context: may sleep.
 * Return: TRUE when a mapping of MmMapIoSpace or MmMapIoSpaceEx that is
 * still in place covers a byte of the range.
 */
LOGICAL MmIsIoSpaceActive(PHYSICAL_ADDRESS StartAddress, SIZE_T NumberOfBytes)
{
	u64 pa = StartAddress.QuadPart, end;

	if (StartAddress.QuadPart < 0 || !NumberOfBytes ||
	    check_add_overflow(pa, (u64)NumberOfBytes, &end))
		return FALSE;
	return mdl_iomap_active(pa, NumberOfBytes);
}
EXPORT_SYMBOL_GPL(MmIsIoSpaceActive);

/**
 * MmIsNonPagedSystemAddressValid() - is a system address mapped
 * @VirtualAddress: a kernel address
 *
 * Kernel memory is never paged on Linux: TRUE for every mapped kernel
 * address (direct map, kernel image, vmalloc, module memory).
 *
 * Context: any; atomic context allowed.
 * Return: TRUE when the address is a mapped kernel address; FALSE for user
 * addresses.
 */
BOOLEAN MmIsNonPagedSystemAddressValid(PVOID VirtualAddress)
{
	PFN_NUMBER pfn;

	return VirtualAddress && mdl_kernel_pfn(VirtualAddress, &pfn);
}
EXPORT_SYMBOL_GPL(MmIsNonPagedSystemAddressValid);

/* ------------------------------------------------------------------ */
/* MmSecureVirtualMemory                                              */
/* ------------------------------------------------------------------ */

/* Flags of MmSecureVirtualMemoryEx that pinning the pages honours. */
#define MDL_SECURE_HONOURED	(MM_SECURE_USER_MODE_ONLY | MM_SECURE_NO_INHERIT)

/**
 * struct mdl_secure - one secured range
 * @node: entry in the registry (MDL_KIND_SECURE)
 * @mdl: the MDL that holds the range's pages pinned; also the handle
 */
struct mdl_secure {
	struct list_head node;
	PMDL mdl;
};

/**
 * MmSecureVirtualMemoryEx() - keep a user range's pages, as probed
 * @Address: start of the range in the current process
 * @Size: bytes, 1 to MDL_MAX_BYTE_COUNT
 * @ProbeMode: PAGE_READONLY or PAGE_READWRITE: the access checked (and, for
 *             PAGE_READWRITE, the pages made writable)
 * @Flags: 0, MM_SECURE_USER_MODE_ONLY, MM_SECURE_NO_INHERIT; the range's
 *         protection cannot be frozen (MM_SECURE_NO_CHANGE,
 *         MM_SECURE_EXCLUSIVE: NULL)
 *
 * The range's pages are pinned (as MmProbeAndLockPages) until
 * MmUnsecureVirtualMemory: they stay resident and are the pages the range
 * had. Unlike Windows, the process may still munmap or mprotect the range
 * (the pinned pages stay valid and keep their contents, but the user
 * addresses may no longer reach them), and the range is not released when
 * the process exits: the driver calls MmUnsecureVirtualMemory (from any
 * process), or unloading mdl.ko does.
 *
 * Context: may sleep; process context.
 * Return: a handle for MmUnsecureVirtualMemory, or NULL.
 */
HANDLE MmSecureVirtualMemoryEx(PVOID Address, SIZE_T Size, ULONG ProbeMode,
			       ULONG Flags)
{
	LOCK_OPERATION op;
	struct mdl_secure *s;
	NTSTATUS status;

	if (ProbeMode == PAGE_READONLY)
		op = IoReadAccess;
	else if (ProbeMode == PAGE_READWRITE)
		op = IoWriteAccess;
	else
		return NULL;
	if ((Flags & ~MDL_SECURE_HONOURED) || !Size || Size > MDL_MAX_BYTE_COUNT ||
	    !current->mm || !access_ok((void __user *)Address, Size))
		return NULL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->mdl = IoAllocateMdl(Address, (ULONG)Size, FALSE, FALSE, NULL);
	if (!s->mdl)
		goto err_free;
	status = MmTryProbeAndLockPages(s->mdl, UserMode, op);
	if (!NT_SUCCESS(status))
		goto err_mdl;
	mdl_reg_add(MDL_KIND_SECURE, &s->node);
	return s->mdl;

err_mdl:
	IoFreeMdl(s->mdl);
err_free:
	kfree(s);
	return NULL;
}
EXPORT_SYMBOL_GPL(MmSecureVirtualMemoryEx);

/**
 * MmSecureVirtualMemory() - MmSecureVirtualMemoryEx without flags
 * @Address: start of the range in the current process
 * @Size: bytes
 * @ProbeMode: PAGE_READONLY or PAGE_READWRITE
 *
 * Context: may sleep; process context.
 * Return: a handle for MmUnsecureVirtualMemory, or NULL.
 */
HANDLE MmSecureVirtualMemory(PVOID Address, SIZE_T Size, ULONG ProbeMode)
{
	return MmSecureVirtualMemoryEx(Address, Size, ProbeMode, 0);
}
EXPORT_SYMBOL_GPL(MmSecureVirtualMemory);

/**
 * MmUnsecureVirtualMemory() - release a range of MmSecureVirtualMemory
 * @SecureHandle: the handle; an unknown handle is refused (logged once)
 *
 * Context: may sleep.
 */
void MmUnsecureVirtualMemory(HANDLE SecureHandle)
{
	struct mdl_secure *s, *found = NULL;

	scoped_guard(mutex, &mdl_reg_lock) {
		mdl_reg_for_each(s, MDL_KIND_SECURE, node) {
			if (SecureHandle && s->mdl == SecureHandle) {
				found = s;
				list_del(&s->node);
				break;
			}
		}
	}
	if (!found) {
		mdl_refuse("%p is not a handle of MmSecureVirtualMemory", SecureHandle);
		return;
	}
	mdl_secure_release(&found->node);
}
EXPORT_SYMBOL_GPL(MmUnsecureVirtualMemory);

/* Unlock and free a secured range (taken off the registry). */
void mdl_secure_release(struct list_head *node)
{
	struct mdl_secure *s = list_entry(node, struct mdl_secure, node);

	MmUnlockPages(s->mdl);
	IoFreeMdl(s->mdl);
	kfree(s);
}
