// SPDX-License-Identifier: GPL-2.0
/*
 * Physical ranges in system space: MmMapIoSpace, MmMapIoSpaceEx,
 * MmUnmapIoSpace, and MDLs of device memory: MmAllocateMdlForIoSpace.
 *
 * Device memory is mapped with ioremap (MmNonCached), ioremap_wc
 * (MmWriteCombined) or ioremap_cache (MmCached). A range that is System
 * RAM is mapped with memremap(MEMREMAP_WB), so that the Windows pattern
 * MmGetPhysicalAddress then MmMapIoSpace of that address works; RAM keeps
 * its cached attribute whatever the cache type asked (x86 PAT forbids an
 * uncached alias of a page the direct map maps cached). A range that is
 * partly RAM is refused. Read-only mappings (MmMapIoSpaceEx PAGE_READONLY)
 * are made with vmap (RAM) or vmap_pfn (device memory) and a read-only
 * protection. Each mapping is recorded so that MmUnmapIoSpace uses the call
 * that matches the one that mapped it and refuses anything else.
 *
 * Device memory has one memory type in every mapping mdl.ko makes of it:
 * MmMapIoSpace*, system and user mappings of I/O-space MDLs and the MDL fds
 * of MDL_IOC_MAP_IO_SPACE hold the type of their pages (mdl_io_type_hold())
 * before mapping them, and a request for another type is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"

enum mdl_iomap_kind {
	MDL_IOMAP_IOREMAP,	/* iounmap */
	MDL_IOMAP_MEMREMAP,	/* memunmap */
	MDL_IOMAP_DIRECT,	/* direct map of RAM: nothing to undo */
	MDL_IOMAP_VMAP,		/* vunmap */
};

/**
 * struct mdl_iomap - one mapping of MmMapIoSpace*
 * @node: entry in the registry (MDL_KIND_IOMAP)
 * @va: the address returned to the caller
 * @size: NumberOfBytes
 * @pa: the physical address mapped
 * @kind: how @va was mapped
 */
struct mdl_iomap {
	struct list_head node;
	void *va;
	size_t size;
	phys_addr_t pa;
	enum mdl_iomap_kind kind;
};

/**
 * struct mdl_iotype - the memory type a holder gives runs of device pages
 * @node: entry in the registry (MDL_KIND_IOTYPE)
 * @owner: the holder: an MDL fd's object, a system or user mapping
 * @type: the memory type (mdl_cache_class() of the cache type)
 * @nruns: entries of @runs
 * @runs: first PFN and page count of each physical run
 */
struct mdl_iotype {
	struct list_head node;
	const void *owner;
	MEMORY_CACHING_TYPE type;
	u32 nruns;
	struct {
		u64 pfn;
		u64 n;
	} runs[];
};

static struct mdl_iotype *mdl_iotype_new(const void *owner, u32 nruns,
					 MEMORY_CACHING_TYPE cache, gfp_t gfp)
{
	struct mdl_iotype *t = kvmalloc(struct_size(t, runs, nruns), gfp);

	if (!t)
		return NULL;
	t->owner = owner;
	t->type = mdl_cache_class(cache);
	t->nruns = nruns;
	return t;
}

/* Does a page of @a's runs have another type in @b's? */
static bool mdl_iotype_conflict(const struct mdl_iotype *a,
				const struct mdl_iotype *b)
{
	u32 i, j;

	if (a->type == b->type)
		return false;
	for (i = 0; i < a->nruns; i++)
		for (j = 0; j < b->nruns; j++)
			if (a->runs[i].pfn < b->runs[j].pfn + b->runs[j].n &&
			    b->runs[j].pfn < a->runs[i].pfn + a->runs[i].n)
				return true;
	return false;
}

/* Record @t unless a live holder gives one of its pages another type. */
static int mdl_iotype_add(struct mdl_iotype *t)
{
	struct mdl_iotype *o;

	scoped_guard(mutex, &mdl_reg_lock) {
		mdl_reg_for_each(o, MDL_KIND_IOTYPE, node) {
			if (mdl_iotype_conflict(t, o))
				goto conflict;
		}
		list_add(&t->node, mdl_reg_list(MDL_KIND_IOTYPE));
		return 0;
	}
conflict:
	kvfree(t);
	return -EINVAL;
}

/**
 * mdl_io_type_hold() - give device pages a memory type before mapping them
 * @owner: the holder (unique among live holders), released with
 *         mdl_io_type_drop()
 * @pfns: the pages
 * @count: number of entries of @pfns
 * @cache: the cache type the mapping uses
 * @gfp: flags of the record's allocation
 *
 * A page has one memory type: a type that contradicts one a live holder
 * gave one of the pages is refused. Holders of the same type overlap
 * freely. The check is made before anything is mapped, so that the kernel's
 * own memory-type tracking (x86 PAT) never sees a conflict.
 *
 * Context: may sleep.
 * Return: 0, -EINVAL for a conflicting type, -ENOMEM.
 */
int mdl_io_type_hold(const void *owner, const PFN_NUMBER *pfns, u32 count,
		     MEMORY_CACHING_TYPE cache, gfp_t gfp)
{
	struct mdl_iotype *t;
	u32 i, r, nruns = 0;

	for (i = 0; i < count; i++)
		if (!i || pfns[i] != pfns[i - 1] + 1)
			nruns++;
	t = mdl_iotype_new(owner, nruns, cache, gfp);
	if (!t)
		return -ENOMEM;
	for (i = 0, r = 0; i < count; i++) {
		if (!i || pfns[i] != pfns[i - 1] + 1) {
			t->runs[r].pfn = pfns[i];
			t->runs[r++].n = 0;
		}
		t->runs[r - 1].n++;
	}
	return mdl_iotype_add(t);
}

/**
 * mdl_io_type_hold_range() - mdl_io_type_hold() of one physical range
 * @owner: the holder
 * @pa: start of the range
 * @size: bytes (not 0)
 * @cache: the cache type
 * @gfp: flags of the record's allocation
 *
 * Context: may sleep.
 * Return: as mdl_io_type_hold().
 */
int mdl_io_type_hold_range(const void *owner, phys_addr_t pa, u64 size,
			   MEMORY_CACHING_TYPE cache, gfp_t gfp)
{
	struct mdl_iotype *t = mdl_iotype_new(owner, 1, cache, gfp);

	if (!t)
		return -ENOMEM;
	t->runs[0].pfn = PHYS_PFN(pa);
	t->runs[0].n = PHYS_PFN(pa + size - 1) - t->runs[0].pfn + 1;
	return mdl_iotype_add(t);
}

/**
 * mdl_io_type_drop() - release what @owner holds, if anything
 * @owner: the holder of mdl_io_type_hold()
 *
 * Context: may sleep.
 */
void mdl_io_type_drop(const void *owner)
{
	struct mdl_iotype *t, *found = NULL;

	scoped_guard(mutex, &mdl_reg_lock) {
		mdl_reg_for_each(t, MDL_KIND_IOTYPE, node) {
			if (t->owner == owner) {
				found = t;
				list_del(&t->node);
				break;
			}
		}
	}
	kvfree(found);
}

/* Free a memory-type record whose holder is gone (unload). */
void mdl_iotype_release(struct list_head *node)
{
	kvfree(list_entry(node, struct mdl_iotype, node));
}

/* RAM without an iomem resource (User-Mode Linux registers none). */
static bool mdl_unlisted_ram(phys_addr_t pa, size_t size)
{
	unsigned long pfn = PHYS_PFN(pa), last = PHYS_PFN(pa + size - 1);

	for (; pfn <= last; pfn++) {
		if (!pfn_valid(pfn) || PageReserved(pfn_to_page(pfn)) ||
		    PageHighMem(pfn_to_page(pfn)))
			return false;
	}
	return true;
}

/* 1: System RAM, 0: device memory, -1: a mix (refused). */
int mdl_range_is_ram(phys_addr_t pa, size_t size)
{
	switch (region_intersects(pa, size, IORESOURCE_SYSTEM_RAM,
				  IORES_DESC_NONE)) {
	case REGION_INTERSECTS:
		return 1;
	case REGION_DISJOINT:
		return mdl_unlisted_ram(pa, size) ? 1 : 0;
	default:
		return -1;
	}
}

/* Read-only mapping: vmap of RAM pages or vmap_pfn of device PFNs. */
static void *mdl_map_ro(phys_addr_t pa, size_t size, bool ram, pgprot_t prot)
{
	unsigned long first = PHYS_PFN(pa);
	unsigned int i, n = PHYS_PFN(pa + size - 1) - first + 1;
	unsigned long *pfns;
	void *va;

	pfns = kvmalloc_array(n, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return NULL;
	for (i = 0; i < n; i++)
		pfns[i] = first + i;
	if (ram) {
		struct page **pages = (struct page **)pfns;

		for (i = 0; i < n; i++)
			pages[i] = pfn_to_page(first + i);
		va = vmap(pages, n, VM_MAP, MDL_PAGE_KERNEL_RO);
	} else {
		va = mdl_vmap_io(pfns, n, prot);
	}
	kvfree(pfns);
	return va ? va + offset_in_page(pa) : NULL;
}

/**
 * mdl_ioremap() - map device memory into system space with a cache type
 * @pa: page-aligned physical address
 * @size: bytes
 * @cache: the MEMORY_CACHING_TYPE
 *
 * The ioremap family reserves the memory type of the range for the life of
 * the mapping (iounmap releases it).
 *
 * Return: the mapping, or NULL.
 */
void *mdl_ioremap(phys_addr_t pa, size_t size, MEMORY_CACHING_TYPE cache)
{
	switch (cache) {
	case MmNonCached:
	case MmNonCachedUnordered:
		return (void __force *)mdl_ioremap_uc(pa, size);
	case MmWriteCombined:
	case MmUSWCCached:
		return (void __force *)mdl_ioremap_wc(pa, size);
	case MmCached:
	case MmHardwareCoherentCached:
		return (void __force *)mdl_ioremap_cache(pa, size);
	default:
		return NULL;
	}
}

static void *mdl_map_phys(PHYSICAL_ADDRESS PhysicalAddress, size_t size,
			  MEMORY_CACHING_TYPE cache, bool readonly)
{
	phys_addr_t pa = PhysicalAddress.QuadPart, end;
	enum mdl_iomap_kind kind;
	struct mdl_iomap *map;
	pgprot_t prot = MDL_PAGE_KERNEL_RO;
	int ram;
	void *va;

	if (PhysicalAddress.QuadPart < 0 || !size ||
	    check_add_overflow(pa, (phys_addr_t)size, &end) ||
	    end - 1 > mdl_phys_addr_max() || mdl_cache_prot(cache, &prot))
		return NULL;
	ram = mdl_range_is_ram(pa, size);
	if (ram < 0)
		return NULL;
	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return NULL;
	if (!ram) {
		int ret = mdl_io_type_hold_range(map, pa, size, cache, GFP_KERNEL);

		if (ret) {
			kfree(map);
			return ret == -EINVAL ? ERR_PTR(ret) : NULL;
		}
	}
	if (readonly) {
		kind = MDL_IOMAP_VMAP;
		va = mdl_map_ro(pa, size, ram, prot);
	} else if (ram && region_intersects(pa, size, IORESOURCE_SYSTEM_RAM,
					    IORES_DESC_NONE) == REGION_INTERSECTS) {
		kind = MDL_IOMAP_MEMREMAP;
		va = mdl_memremap_wb(pa, size);
	} else if (ram) {
		kind = MDL_IOMAP_DIRECT;
		va = phys_to_virt(pa);
	} else {
		kind = MDL_IOMAP_IOREMAP;
		va = mdl_ioremap(pa, size, cache);
	}
	if (!va) {
		mdl_io_type_drop(map);
		kfree(map);
		return NULL;
	}
	if (ram && cache != MmCached && cache != MmHardwareCoherentCached)
		pr_info_once("System RAM at %pa is mapped cached (its direct-map attribute)\n",
			     &pa);
	map->va = va;
	map->size = size;
	map->pa = pa;
	map->kind = kind;
	mdl_reg_add(MDL_KIND_IOMAP, &map->node);
	return va;
}

/**
 * MmMapIoSpace() - map a physical range into system space
 * @PhysicalAddress: start of the range
 * @NumberOfBytes: length of the range
 * @CacheType: MmNonCached (ioremap), MmWriteCombined (ioremap_wc) or
 *             MmCached (ioremap_cache); System RAM is mapped with memremap
 *             and stays cached whatever the type (x86 PAT forbids an
 *             uncached alias of the direct map)
 *
 * A range that is partly RAM, or beyond the CPU's physical address width,
 * is refused. Each mapping is recorded so that MmUnmapIoSpace undoes it
 * with the matching call. Device memory has one memory type: a range of it
 * that a live mapping of mdl.ko (MmMapIoSpace*, a mapping of an I/O-space
 * MDL, an MDL fd of MDL_IOC_MAP_IO_SPACE) gives another type is refused
 * before anything is mapped, without a log line (NULL).
 *
 * Context: may sleep.
 * Return: the address of @PhysicalAddress, or NULL.
 */
PVOID MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
		   MEMORY_CACHING_TYPE CacheType)
{
	PVOID va = mdl_map_phys(PhysicalAddress, NumberOfBytes, CacheType, false);

	if (IS_ERR(va))
		return NULL;	/* another memory type: no log line */
	if (!va)
		mdl_refuse("cannot map %zu bytes at %#llx (cache type %d)",
			   NumberOfBytes, PhysicalAddress.QuadPart, CacheType);
	return va;
}
EXPORT_SYMBOL_GPL(MmMapIoSpace);

/**
 * MmMapIoSpaceEx() - map a physical range with a page protection
 * @PhysicalAddress: start of the range
 * @NumberOfBytes: length of the range
 * @Protect: PAGE_READWRITE or PAGE_READONLY, ORed with PAGE_NOCACHE or
 *           PAGE_WRITECOMBINE (neither: cached)
 *
 * As MmMapIoSpace(): device memory another live mapping gives another
 * memory type is refused (NULL).
 *
 * Context: may sleep.
 * Return: the address of @PhysicalAddress, or NULL.
 */
PVOID MmMapIoSpaceEx(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
		     ULONG Protect)
{
	ULONG access = Protect & 0xff, extra = Protect & ~0xffU;
	MEMORY_CACHING_TYPE cache = MmCached;
	PVOID va = NULL;

	if (extra == PAGE_NOCACHE)
		cache = MmNonCached;
	else if (extra == PAGE_WRITECOMBINE)
		cache = MmWriteCombined;
	else if (extra)
		cache = MmNotMapped;
	if (cache != MmNotMapped &&
	    (access == PAGE_READWRITE || access == PAGE_READONLY))
		va = mdl_map_phys(PhysicalAddress, NumberOfBytes, cache,
				  access == PAGE_READONLY);
	if (IS_ERR(va))
		return NULL;
	if (!va)
		mdl_refuse("cannot map %zu bytes at %#llx with protection %#x",
			   NumberOfBytes, PhysicalAddress.QuadPart, Protect);
	return va;
}
EXPORT_SYMBOL_GPL(MmMapIoSpaceEx);

/**
 * MmUnmapIoSpace() - unmap a range from MmMapIoSpace / MmMapIoSpaceEx
 * @BaseAddress: the address returned by the map call
 * @NumberOfBytes: the length given to the map call
 *
 * Context: may sleep.
 */
void MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes)
{
	struct mdl_iomap *map, *found = NULL;

	scoped_guard(mutex, &mdl_reg_lock) {
		mdl_reg_for_each(map, MDL_KIND_IOMAP, node) {
			if (map->va == BaseAddress && map->size == NumberOfBytes) {
				found = map;
				list_del(&map->node);
				break;
			}
		}
	}
	if (!found) {
		mdl_refuse("%p (%zu bytes) was not mapped by MmMapIoSpace",
			   BaseAddress, NumberOfBytes);
		return;
	}
	mdl_iomap_release(&found->node);
}
EXPORT_SYMBOL_GPL(MmUnmapIoSpace);

/* Unmap a mapping of MmMapIoSpace* (taken off the registry). */
void mdl_iomap_release(struct list_head *node)
{
	struct mdl_iomap *found = list_entry(node, struct mdl_iomap, node);

	switch (found->kind) {
	case MDL_IOMAP_IOREMAP:
		iounmap((void __iomem *)found->va);
		break;
	case MDL_IOMAP_MEMREMAP:
		mdl_memunmap(found->va);
		break;
	case MDL_IOMAP_VMAP:
		vunmap((void *)((unsigned long)found->va & PAGE_MASK));
		break;
	default:
		break;
	}
	mdl_io_type_drop(found);
	kfree(found);
}

/* Does a mapping of MmMapIoSpace* cover a byte of [@pa, @pa + @size)? */
bool mdl_iomap_active(phys_addr_t pa, u64 size)
{
	struct mdl_iomap *map;

	guard(mutex)(&mdl_reg_lock);
	mdl_reg_for_each(map, MDL_KIND_IOMAP, node) {
		if (map->pa < pa + size && pa < map->pa + map->size)
			return true;
	}
	return false;
}

/* Does any page of [@pfn, @pfn + @n) have a struct page? */
static bool mdl_any_pfn_valid(u64 pfn, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++) {
		if (pfn_valid(pfn + i))
			return true;
	}
	return false;
}

/*
 * Device memory only: no System RAM resource, and no page with a struct
 * page (RAM the resource tree does not list, hot-plugged or device-managed
 * memory), checked page by page.
 */
static NTSTATUS mdl_io_ranges_ok(PMM_PHYSICAL_ADDRESS_LIST list, size_t n,
				 u64 *total)
{
	size_t i;
	u64 pa, len, end;

	*total = 0;
	for (i = 0; i < n; i++) {
		pa = list[i].PhysicalAddress.QuadPart;
		len = list[i].NumberOfBytes;
		if (list[i].PhysicalAddress.QuadPart < 0 || !len ||
		    (pa | len) & (PAGE_SIZE - 1) ||
		    check_add_overflow(pa, len, &end) ||
		    end - 1 > mdl_phys_addr_max() ||
		    check_add_overflow(*total, len, total) ||
		    *total > MDL_MAX_BYTE_COUNT)
			return STATUS_INVALID_PARAMETER_1;
		if (region_intersects(pa, len, IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_DISJOINT ||
		    mdl_any_pfn_valid(PHYS_PFN(pa), PHYS_PFN(len)))
			return STATUS_INVALID_PARAMETER_1;
	}
	return STATUS_SUCCESS;
}

/**
 * mdl_alloc_mdl_for_io() - MmAllocateMdlForIoSpace with allocation flags
 * @PhysicalAddressList: as MmAllocateMdlForIoSpace
 * @NumberOfEntries: as MmAllocateMdlForIoSpace
 * @NewMdl: as MmAllocateMdlForIoSpace
 * @gfp: flags of the MDL's allocation: GFP_KERNEL_ACCOUNT charges it to the
 *       caller's memory cgroup (/dev/mdl), GFP_KERNEL for drivers
 *
 * Context: may sleep.
 * Return: as MmAllocateMdlForIoSpace.
 */
NTSTATUS mdl_alloc_mdl_for_io(PMM_PHYSICAL_ADDRESS_LIST PhysicalAddressList,
			      size_t NumberOfEntries, PMDL *NewMdl, gfp_t gfp)
{
	struct mdl_ext *ext;
	PPFN_NUMBER pfns;
	NTSTATUS status;
	u64 total, pfn, last;
	size_t i;
	PMDL mdl;

	if (!NewMdl)
		return STATUS_INVALID_PARAMETER_3;
	*NewMdl = NULL;
	if (!PhysicalAddressList)
		return STATUS_INVALID_PARAMETER_1;
	if (!NumberOfEntries || NumberOfEntries > MDL_MAX_BYTE_COUNT / PAGE_SIZE)
		return STATUS_INVALID_PARAMETER_2;
	status = mdl_io_ranges_ok(PhysicalAddressList, NumberOfEntries, &total);
	if (!NT_SUCCESS(status)) {
		mdl_refuse("ranges are not device memory or not page-aligned");
		return status;
	}
	mdl = mdl_alloc_owned(NULL, total, gfp);
	if (!mdl)
		return STATUS_INSUFFICIENT_RESOURCES;
	pfns = MmGetMdlPfnArray(mdl);
	for (i = 0; i < NumberOfEntries; i++) {
		pfn = PHYS_PFN(PhysicalAddressList[i].PhysicalAddress.QuadPart);
		last = pfn + PHYS_PFN(PhysicalAddressList[i].NumberOfBytes);
		for (; pfn < last; pfn++)
			*pfns++ = pfn;
	}
	ext = mdl_ext_find(mdl);
	ext->hold = MDL_HOLD_IO;
	ext->nheld = mdl_page_count(mdl);
	mdl->MdlFlags |= MDL_IO_SPACE;
	*NewMdl = mdl;
	return STATUS_SUCCESS;
}

/**
 * MmAllocateMdlForIoSpace() - MDL describing device memory
 * @PhysicalAddressList: page-aligned physical ranges
 * @NumberOfEntries: number of ranges
 * @NewMdl: receives the MDL (MDL_IO_SPACE; free with ExFreePool)
 *
 * No struct page is assumed for the ranges. The MDL has no memory type of
 * its own: each mapping of it takes the one it asks for, and is refused
 * when a live mapping gives one of its pages another (see
 * MmMapLockedPagesSpecifyCache()).
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS, STATUS_INVALID_PARAMETER_1/_2 for bad ranges,
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS MmAllocateMdlForIoSpace(PMM_PHYSICAL_ADDRESS_LIST PhysicalAddressList,
				 SIZE_T NumberOfEntries, PMDL *NewMdl)
{
	return mdl_alloc_mdl_for_io(PhysicalAddressList, NumberOfEntries, NewMdl,
				    GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(MmAllocateMdlForIoSpace);
