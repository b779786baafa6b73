// SPDX-License-Identifier: GPL-2.0
/*
 * System-space mappings of MDLs: MmMapLockedPagesSpecifyCache(KernelMode),
 * its status form MmTryMapLockedPagesSpecifyCache, MmMapLockedPages and
 * MmUnmapLockedPages, over vmap().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"

/**
 * mdl_cache_prot() - apply a Windows cache type to a page protection
 * @cache: the MEMORY_CACHING_TYPE
 * @prot: protection to update
 *
 * Return: 0, or -EINVAL for MmNotMapped and unknown values.
 */
int mdl_cache_prot(MEMORY_CACHING_TYPE cache, pgprot_t *prot)
{
	switch (mdl_cache_class(cache)) {
	case MmCached:
		return 0;
	case MmNonCached:
		*prot = pgprot_noncached(*prot);
		return 0;
	case MmWriteCombined:
		*prot = pgprot_writecombine(*prot);
		return 0;
	default:
		return -EINVAL;
	}
}

/* An MM_PAGE_PRIORITY with only the documented flag bits. */
bool mdl_priority_ok(u32 priority)
{
	u32 prio = priority & ~(MdlMappingNoWrite | MdlMappingNoExecute);

	return prio == LowPagePriority || prio == NormalPagePriority ||
	       prio == HighPagePriority;
}

/* Does the MDL describe pages that may be mapped (pitfall: hand-built MDLs
 * must carry MDL_PAGES_LOCKED)?
 */
bool mdl_is_mappable(PMDL mdl, struct mdl_ext *ext)
{
	if (mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL |
			     MDL_PARTIAL | MDL_IO_SPACE))
		return true;
	return ext && ext->hold != MDL_HOLD_NONE;
}

/**
 * mdl_pages_writable() - may an MDL's pages be written, by a device or
 * through a user mapping?
 * @mdl: the MDL
 * @ext: its state, or NULL
 *
 * Kernel memory and device memory may be written; user pages (the MDL has
 * a Process) when they were locked for writing: the lock's
 * MDL_WRITE_OPERATION, or for a partial MDL what IoBuildPartialMdl()
 * recorded of its source. A partial MDL of user pages that has no state of
 * its own (it was not made by IoAllocateMdl) is taken as read-only.
 *
 * Return: true when the pages may be written.
 */
bool mdl_pages_writable(PMDL mdl, const struct mdl_ext *ext)
{
	if (!mdl->Process || (mdl->MdlFlags & MDL_WRITE_OPERATION))
		return true;
	if (mdl->MdlFlags & MDL_PARTIAL)
		return ext && ext->part_writable;
	return false;
}

/**
 * mdl_vmap_pfns() - map the first @count PFNs of an MDL into system space
 * @mdl: the MDL
 * @count: number of pages
 * @prot: protection, cache type applied
 *
 * RAM is mapped with vmap() (its PFNs must have struct pages); I/O space
 * with vmap_pfn().
 *
 * Return: the page-aligned mapping, or NULL.
 */
static void *mdl_vmap_pfns(PMDL mdl, u32 count, pgprot_t prot)
{
	PPFN_NUMBER pfns = MmGetMdlPfnArray(mdl);
	struct page **pages;
	void *va = NULL;
	u32 i;

	if (mdl->MdlFlags & MDL_IO_SPACE)
		return mdl_vmap_io(pfns, count, prot);
	pages = kvmalloc_array(count, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < count; i++) {
		if (!pfn_valid(pfns[i]))
			goto out;
		pages[i] = pfn_to_page(pfns[i]);
	}
	va = vmap(pages, count, VM_MAP, prot);
out:
	kvfree(pages);
	return va;
}

/* Are the first @count entries of an I/O-space MDL one physical run? */
static bool mdl_io_run(PMDL mdl, u32 count)
{
	const PFN_NUMBER *pfns = MmGetMdlPfnArray(mdl);
	u32 i;

	if (!(mdl->MdlFlags & MDL_IO_SPACE))
		return false;
	for (i = 1; i < count; i++)
		if (pfns[i] != pfns[0] + i)
			return false;
	return true;
}

/*
 * Device memory of one physical run is mapped with ioremap, ioremap_wc or
 * ioremap_cache, which reserve its memory type for as long as the mapping
 * lives, so that no mapping with another type can exist beside it.
 * I/O-space MDLs of several runs fall back to vmap_pfn(). The ioremap
 * family maps writable only: MdlMappingNoWrite of one run is refused.
 */
static void *mdl_ioremap_mdl(PMDL mdl, u32 count, MEMORY_CACHING_TYPE cache,
			     u32 priority)
{
	if (!mdl_io_run(mdl, count))
		return NULL;
	if (priority & MdlMappingNoWrite) {
		mdl_refuse("device memory of MDL %p cannot be mapped read-only", mdl);
		return NULL;
	}
	return mdl_ioremap(PFN_PHYS(MmGetMdlPfnArray(mdl)[0]),
			   (size_t)count << PAGE_SHIFT, cache);
}

/**
 * mdl_cache_class() - the memory type a cache type gives a page
 * @cache: a MEMORY_CACHING_TYPE
 *
 * Return: MmCached, MmNonCached or MmWriteCombined for the types that map
 * with them, @cache itself for any other value.
 */
MEMORY_CACHING_TYPE mdl_cache_class(MEMORY_CACHING_TYPE cache)
{
	switch (cache) {
	case MmHardwareCoherentCached:
		return MmCached;
	case MmNonCachedUnordered:
		return MmNonCached;
	case MmUSWCCached:
		return MmWriteCombined;
	default:
		return cache;
	}
}

/*
 * The memory type of one RAM page: the type mdl.ko gave it (contiguous and
 * non-cached memory), else write-back unless PAT recorded another, else the
 * type asked for if that is not cached (the page's exact type is unknown:
 * its other mappings are uncached), else none (MmNotMapped). Where PAT
 * cannot be asked (MDL_HAVE_PAT_LOOKUP 0), a page mdl.ko did not give a type
 * takes the type asked for.
 */
static MEMORY_CACHING_TYPE mdl_pfn_cache(PFN_NUMBER pfn, MEMORY_CACHING_TYPE asked)
{
	MEMORY_CACHING_TYPE type;

	if (MDL_HAVE_PAT_LOOKUP && !mdl_pfn_uncached(pfn))
		return MmCached;
	if (mdl_contig_cache_of(pfn, &type))
		return mdl_cache_class(type);
	if (!MDL_HAVE_PAT_LOOKUP)
		return asked;
	return asked == MmCached ? MmNotMapped : asked;
}

/**
 * mdl_map_pages() - map the pages of an MDL into system space
 * @mdl: the MDL
 * @npages: number of entries to map
 * @cache: the cache type, as mdl_map_cache() gives it
 * @priority: the MM_PAGE_PRIORITY flags (MdlMappingNoWrite)
 * @prot: protection with @cache applied (vmap and vmap_pfn)
 * @iomem: out: the mapping is an ioremap (release with mdl_unmap_pages())
 * @mapped: out: the page-aligned mapping
 *
 * Device memory of one physical run goes through the ioremap family, RAM
 * through vmap(), device memory of several runs through vmap_pfn(). The
 * memory type of device memory is held for the MDL first
 * (mdl_io_type_hold(), released by mdl_unmap_system()).
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS; STATUS_CONFLICTING_ADDRESSES when device pages of
 * the MDL are mapped with another memory type; STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS mdl_map_pages(PMDL mdl, u32 npages, MEMORY_CACHING_TYPE cache,
		       u32 priority, pgprot_t prot, bool *iomem, void **mapped)
{
	bool io = mdl->MdlFlags & MDL_IO_SPACE;
	void *va;
	int ret;

	*mapped = NULL;
	*iomem = false;
	if (io) {
		ret = mdl_io_type_hold(mdl, MmGetMdlPfnArray(mdl), npages, cache,
				       GFP_KERNEL);
		if (ret)
			return ret == -EINVAL ? STATUS_CONFLICTING_ADDRESSES :
						STATUS_INSUFFICIENT_RESOURCES;
	}
	va = mdl_ioremap_mdl(mdl, npages, cache, priority);
	*iomem = !!va;
	if (!va && !mdl_io_run(mdl, npages))
		va = mdl_vmap_pfns(mdl, npages, prot);
	if (!va) {
		if (io)
			mdl_io_type_drop(mdl);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	*mapped = va;
	return STATUS_SUCCESS;
}

/**
 * mdl_unmap_pages() - release a mapping of mdl_map_pages()
 * @va: the page-aligned mapping
 * @iomem: what mdl_map_pages() said of it
 */
void mdl_unmap_pages(void *va, bool iomem)
{
	if (iomem)
		iounmap((void __iomem __force *)va);
	else
		vunmap(va);
}

/**
 * mdl_map_cache() - the cache type a mapping of an MDL really gets
 * @mdl: the MDL
 * @ext: its state, or NULL
 * @asked: the cache type the caller asked for
 *
 * A page has one memory type in every mapping (x86 PAT forbids two), and
 * the type a page already has wins over the one asked for, as on Windows:
 * pages from MmAllocatePagesForMdlEx carry the type they were allocated
 * with, and every RAM page the type PAT recorded for it (contiguous and
 * non-cached memory, or pages another driver made uncached). Device memory
 * takes the type asked for: the ioremap family and remap_pfn_range()
 * reserve it and refuse a conflicting one.
 *
 * Context: may sleep.
 * Return: the cache type to map with; MmNotMapped when the pages have
 * different types, or an uncached type the mapping cannot know and a cached
 * mapping was asked for (an invalid @asked stays invalid).
 */
MEMORY_CACHING_TYPE mdl_map_cache(PMDL mdl, struct mdl_ext *ext,
				  MEMORY_CACHING_TYPE asked)
{
	const PFN_NUMBER *pfns = MmGetMdlPfnArray(mdl);
	MEMORY_CACHING_TYPE type = MmMaximumCacheType, t;
	u32 i, n = mdl_page_count(mdl);

	if (asked < MmNonCached || asked >= MmMaximumCacheType)
		return asked;
	if (ext && ext->hold == MDL_HOLD_ALLOCATED)
		return ext->cache;
	asked = mdl_cache_class(asked);
	if (mdl->MdlFlags & MDL_IO_SPACE)
		return asked;
	for (i = 0; i < n; i++) {
		t = mdl_pfn_cache(pfns[i], asked);
		if (type != MmMaximumCacheType && t != type)
			return MmNotMapped;
		type = t;
	}
	return type == MmMaximumCacheType ? asked : type;
}

/**
 * mdl_map_type() - the memory type a new mapping of an MDL gets
 * @mdl: the MDL
 * @ext: its state, or NULL
 * @cache: in: the cache type asked for; out: the one to map with
 * @prot: protection to apply it to
 *
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER_3 for a cache type that
 * is not one; STATUS_NOT_SUPPORTED when the pages have no single memory
 * type that the mapping can take (see mdl_map_cache()).
 */
NTSTATUS mdl_map_type(PMDL mdl, struct mdl_ext *ext, MEMORY_CACHING_TYPE *cache,
		      pgprot_t *prot)
{
	if (*cache < MmNonCached || *cache >= MmMaximumCacheType)
		return STATUS_INVALID_PARAMETER_3;
	*cache = mdl_map_cache(mdl, ext, *cache);
	if (mdl_cache_prot(*cache, prot))
		return STATUS_NOT_SUPPORTED;
	return STATUS_SUCCESS;
}

static NTSTATUS mdl_map_kernel(PMDL mdl, MEMORY_CACHING_TYPE cache,
			       u32 priority, void **mapped)
{
	struct mdl_ext *ext = mdl_ext_find(mdl);
	pgprot_t prot = (priority & MdlMappingNoWrite) ?
			MDL_PAGE_KERNEL_RO : PAGE_KERNEL;
	u32 npages = mdl_page_count(mdl);
	NTSTATUS status;
	void *va;

	if (!mdl_is_mappable(mdl, ext))
		return STATUS_INVALID_PARAMETER_1;
	if ((mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) || (ext && ext->sys_va))
		return STATUS_INVALID_PARAMETER_1;
	status = mdl_map_type(mdl, ext, &cache, &prot);
	if (!NT_SUCCESS(status))
		return status;
	ext = mdl_ext_get(mdl);
	if (!ext)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = mdl_map_pages(mdl, npages, cache, priority, prot,
			       &ext->sys_iomem, &va);
	if (!NT_SUCCESS(status)) {
		mdl_ext_release_if_idle(ext);
		return status;
	}
	ext->sys_va = va;
	ext->sys_pages = npages;
	ext->sys_readonly = priority & MdlMappingNoWrite;
	/* A non-paged pool MDL keeps its pool address as MappedSystemVa. */
	if (!(mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL)) {
		mdl->MappedSystemVa = va + mdl->ByteOffset;
		mdl->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
		if (mdl->MdlFlags & MDL_PARTIAL)
			mdl->MdlFlags |= MDL_PARTIAL_HAS_BEEN_MAPPED;
	}
	*mapped = va + mdl->ByteOffset;
	return STATUS_SUCCESS;
}

/* Remove the system mapping the MDL made, if any. */
void mdl_unmap_system(struct mdl_ext *ext)
{
	PMDL mdl = ext->mdl;

	if (!ext->sys_va)
		return;
	if ((mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) &&
	    !(mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL)) {
		mdl->MdlFlags &= ~(MDL_MAPPED_TO_SYSTEM_VA |
				   MDL_PARTIAL_HAS_BEEN_MAPPED);
		mdl->MappedSystemVa = NULL;
	}
	if (ext->sys_reserved)
		mdl_reserve_unmap(ext);
	else
		mdl_unmap_pages(ext->sys_va, ext->sys_iomem);
	if (mdl->MdlFlags & MDL_IO_SPACE)
		mdl_io_type_drop(mdl);
	ext->sys_va = NULL;
	ext->sys_iomem = false;
	ext->sys_pages = 0;
}

/**
 * MmTryMapLockedPagesSpecifyCache() - map an MDL's pages, with a status
 * @MemoryDescriptorList: a locked, non-paged, partial, allocated or
 *                        I/O-space MDL
 * @AccessMode: KernelMode (system space) or UserMode (the current process)
 * @CacheType: as MmMapLockedPagesSpecifyCache()
 * @RequestedAddress: NULL for KernelMode; a user address hint for UserMode
 * @Priority: an MM_PAGE_PRIORITY, optionally ORed with MdlMappingNoWrite,
 *            MdlMappingNoExecute and, for KernelMode, MdlMappingWithGuardPtes
 *            (a vmap area always ends in a guard page)
 * @MappedAddress: receives the mapping of the buffer's first byte, or NULL
 *
 * MmMapLockedPagesSpecifyCache(UserMode) raises on Windows when the pages
 * cannot be mapped; this is its status-returning form, for both modes, and
 * makes the same mapping (released the same ways).
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER_1 for a NULL MDL or one
 * that is not locked or (KernelMode) already mapped; _2 for a bad
 * AccessMode or UserMode without a process; _3 for a bad cache type; _4 for
 * a RequestedAddress with KernelMode; _5 for unknown priority bits; _6 for
 * a NULL @MappedAddress; STATUS_ACCESS_DENIED for a writable user mapping
 * of pages that may only be read; STATUS_NOT_SUPPORTED for pages never
 * mapped into a process (slab memory) or without one memory type to map
 * them with; STATUS_CONFLICTING_ADDRESSES for device memory (an I/O-space
 * MDL) that a live mapping of mdl.ko gives another memory type (refused
 * before anything is mapped, nothing logged); STATUS_INSUFFICIENT_RESOURCES
 * when address space or memory is short. Nothing is mapped on failure.
 */
NTSTATUS MmTryMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList,
					 KPROCESSOR_MODE AccessMode,
					 MEMORY_CACHING_TYPE CacheType,
					 PVOID RequestedAddress, ULONG Priority,
					 PVOID *MappedAddress)
{
	PMDL mdl = MemoryDescriptorList;

	if (!MappedAddress)
		return STATUS_INVALID_PARAMETER_6;
	*MappedAddress = NULL;
	if (!mdl)
		return STATUS_INVALID_PARAMETER_1;
	if (AccessMode == KernelMode) {
		if (RequestedAddress)
			return STATUS_INVALID_PARAMETER_4;
		/* vmap areas always end in a guard page. */
		if (!mdl_priority_ok(Priority & ~MdlMappingWithGuardPtes))
			return STATUS_INVALID_PARAMETER_5;
		return mdl_map_kernel(mdl, CacheType, Priority, MappedAddress);
	}
	if (AccessMode != UserMode)
		return STATUS_INVALID_PARAMETER_2;
	if (!mdl_priority_ok(Priority))
		return STATUS_INVALID_PARAMETER_5;
	return mdl_map_user(mdl, CacheType, RequestedAddress, Priority,
			    MappedAddress);
}
EXPORT_SYMBOL_GPL(MmTryMapLockedPagesSpecifyCache);

/**
 * MmMapLockedPagesSpecifyCache() - map an MDL's pages
 * @MemoryDescriptorList: a locked, non-paged, partial, allocated or
 *                        I/O-space MDL
 * @AccessMode: KernelMode maps into system space (vmap); UserMode maps into
 *              the current process
 * @CacheType: MmCached, MmNonCached, MmWriteCombined, ...; pages from
 *             MmAllocatePagesForMdlEx are always mapped with the cache type
 *             they were allocated with (x86 forbids two types for one page)
 * @RequestedAddress: must be NULL for KernelMode; a user address hint for
 *                    UserMode
 * @BugCheckOnFailure: never obeyed: a failure returns NULL. A TRUE value is
 *                     logged once.
 * @Priority: an MM_PAGE_PRIORITY, optionally ORed with MdlMappingNoWrite
 *            (read-only mapping) and MdlMappingNoExecute (mappings are always
 *            non-executable on Linux)
 *
 * A kernel mapping sets MDL_MAPPED_TO_SYSTEM_VA (and, for a partial MDL,
 * MDL_PARTIAL_HAS_BEEN_MAPPED) and MappedSystemVa; MmUnmapLockedPages,
 * MmUnlockPages, MmPrepareMdlForReuse or IoFreeMdl release it. A user mapping
 * keeps the pages alive while it exists and is removed by
 * MmUnmapLockedPages in the same process or when the process exits. It is
 * one shared VMA that cannot be split, moved, inherited by fork or made
 * executable. kmalloc (slab) memory is never mapped into a process (pool
 * memory of ExAllocatePool* is, whatever its size: it is page-backed), and
 * user pages locked for IoReadAccess are mapped only with MdlMappingNoWrite.
 *
 * Context: may sleep.
 * Device memory has one memory type: while MmMapIoSpace*, a mapping of
 * an I/O-space MDL or an MDL fd of MDL_IOC_MAP_IO_SPACE gives a device page
 * a type (cached, uncached or write-combined), a mapping of it with another
 * type is refused.
 *
 * Return: the mapping of the buffer's first byte (base + ByteOffset), or
 * NULL for an MDL that is not locked, already mapped, unknown priority bits,
 * device memory mapped with another memory type, or when address space or
 * memory is short.
 */
PVOID MmMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList,
				   KPROCESSOR_MODE AccessMode,
				   MEMORY_CACHING_TYPE CacheType,
				   PVOID RequestedAddress,
				   ULONG BugCheckOnFailure, ULONG Priority)
{
	NTSTATUS status;
	PVOID va;

	if (BugCheckOnFailure)
		pr_warn_once("BugCheckOnFailure is not obeyed: a failed mapping returns NULL\n");
	status = MmTryMapLockedPagesSpecifyCache(MemoryDescriptorList, AccessMode,
						 CacheType, RequestedAddress,
						 Priority, &va);
	if (!NT_SUCCESS(status))
		mdl_refuse("MDL %p not mapped: status %#x", MemoryDescriptorList,
			   (u32)status);
	return va;
}
EXPORT_SYMBOL_GPL(MmMapLockedPagesSpecifyCache);

/**
 * MmMapLockedPages() - map an MDL's pages, cached (old form)
 * @MemoryDescriptorList: a locked MDL
 * @AccessMode: KernelMode or UserMode
 *
 * MmMapLockedPagesSpecifyCache(Mdl, AccessMode, MmCached, NULL, FALSE,
 * HighPagePriority). Windows bugchecks on failure; here it returns NULL.
 *
 * Context: may sleep.
 * Return: the mapped address of the buffer, or NULL.
 */
PVOID MmMapLockedPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode)
{
	PVOID va = MmMapLockedPagesSpecifyCache(MemoryDescriptorList, AccessMode,
						MmCached, NULL, FALSE,
						HighPagePriority);

	if (!va)
		pr_err_once("%s failed: Windows would bugcheck, NULL is returned\n",
			    __func__);
	return va;
}
EXPORT_SYMBOL_GPL(MmMapLockedPages);

/**
 * MmUnmapLockedPages() - remove a mapping made by MmMapLockedPages*
 * @BaseAddress: the address the map call returned
 * @MemoryDescriptorList: the MDL that was mapped
 *
 * A user mapping is removed only in the process that made it; anything else
 * is refused (logged once, no address space touched).
 *
 * Context: may sleep.
 */
void MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList)
{
	PMDL mdl = MemoryDescriptorList;
	struct mdl_ext *ext = mdl ? mdl_ext_find(mdl) : NULL;

	if (!ext || !BaseAddress) {
		mdl_refuse("MDL %p has no mapping at %p", mdl, BaseAddress);
		return;
	}
	if (ext->sys_va && BaseAddress == ext->sys_va + mdl->ByteOffset) {
		mdl_unmap_system(ext);
		mdl_ext_release_if_idle(ext);
		return;
	}
	mdl_unmap_user(ext, BaseAddress);
}
EXPORT_SYMBOL_GPL(MmUnmapLockedPages);

/**
 * MmPrepareMdlForReuse() - release what a partial MDL holds before reuse
 * @Mdl: an MDL about to be rebuilt by IoBuildPartialMdl
 *
 * Unmaps a partial MDL that has MDL_PARTIAL_HAS_BEEN_MAPPED; anything else
 * is left as it is. A macro in the WDK; a function here.
 *
 * Context: may sleep.
 */
void MmPrepareMdlForReuse(PMDL Mdl)
{
	if (Mdl && (Mdl->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED))
		MmUnmapLockedPages(Mdl->MappedSystemVa, Mdl);
}
EXPORT_SYMBOL_GPL(MmPrepareMdlForReuse);
