// SPDX-License-Identifier: GPL-2.0
/*
 * Reserved system address space: MmAllocateMappingAddress,
 * MmFreeMappingAddress, MmMapLockedPagesWithReservedMapping and
 * MmUnmapReservedMapping.
 *
 * A reservation is a real vmalloc-space range, vmap() of the zero page at
 * every slot with PAGE_NONE (get_vm_area() is not exported): its address is
 * unique to it and any access through it faults, as on Windows. Pages cannot
 * be put into an existing range with exported interfaces (see compat.h), so
 * an MDL mapped "into" a reservation gets a vmap() (vmap_pfn() for I/O
 * space) of its own, at another address, for as long as it is mapped there;
 * the reservation is busy meanwhile, and the size and tag rules are the
 * WDK's. The mapping is recorded in the MDL's state (sys_va, sys_reserved),
 * so MmUnlockPages, IoFreeMdl, MmUnmapLockedPages and
 * MmProtectMdlSystemAddress treat it like any other system mapping. Ranges
 * a driver leaves behind are released when mdl.ko is unloaded.
 *
 * A range of MmAllocateMappingAddressEx with MM_MAPPING_ADDRESS_DIVISIBLE
 * takes several MDLs at once, each at its own page offset inside the range
 * (MappingAddress = base + offset): the slots may not overlap, each must fit
 * in the range, and each MDL gets its own mapping as above. Two MDLs mapped
 * at adjacent offsets (a ring mapped twice back to back) therefore each see
 * their whole buffer at the address returned, but the two mappings are not
 * adjacent: an access that runs off the end of one does not reach the
 * other, it faults on the guard page after the mapping.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"

/**
 * struct mdl_resv_slot - an MDL mapped for a part of a reservation
 * @node: entry in the reservation's @slots
 * @mdl: the MDL
 * @first: page offset of the slot in the range
 * @npages: pages of the slot
 */
struct mdl_resv_slot {
	struct list_head node;
	PMDL mdl;
	u32 first;
	u32 npages;
};

/**
 * struct mdl_resv - one range of MmAllocateMappingAddress(Ex)
 * @node: entry in the registry (MDL_KIND_RESV)
 * @va: page-aligned base of the range
 * @npages: size of the range in pages
 * @tag: the pool tag given at reservation
 * @divisible: MM_MAPPING_ADDRESS_DIVISIBLE: MDLs at offsets inside the range
 * @slots: the MDLs mapped for the range (at most one unless @divisible)
 */
struct mdl_resv {
	struct list_head node;
	void *va;
	u32 npages;
	u32 tag;
	bool divisible;
	struct list_head slots;
};

/* Caller holds mdl_reg_lock. */
static struct mdl_resv *mdl_resv_find(const void *va)
{
	struct mdl_resv *r;

	mdl_reg_for_each(r, MDL_KIND_RESV, node)
		if (r->va == va)
			return r;
	return NULL;
}

/*
 * The reservation that @va, a page of it, lies in (only its base for a
 * range that is not divisible), and the page's offset in it in *@first.
 * Caller holds mdl_reg_lock.
 */
static struct mdl_resv *mdl_resv_find_in(const void *va, u32 *first)
{
	unsigned long a = (unsigned long)va;
	struct mdl_resv *r;

	if (!PAGE_ALIGNED(a))
		return NULL;
	mdl_reg_for_each(r, MDL_KIND_RESV, node) {
		unsigned long base = (unsigned long)r->va;

		if (a == base || (r->divisible && a > base &&
				  a < base + ((unsigned long)r->npages << PAGE_SHIFT))) {
			*first = (a - base) >> PAGE_SHIFT;
			return r;
		}
	}
	return NULL;
}

/* Can [@first, @first + @n) of @r take an MDL? Caller holds the lock. */
static bool mdl_resv_slot_free(struct mdl_resv *r, u32 first, u32 n)
{
	struct mdl_resv_slot *sl;

	if (n > r->npages || first > r->npages - n)
		return false;
	list_for_each_entry(sl, &r->slots, node)
		if (first < sl->first + sl->npages && sl->first < first + n)
			return false;
	return true;
}

static void *mdl_reserve(size_t NumberOfBytes, u32 PoolTag, bool divisible)
{
	struct page **pages;
	struct mdl_resv *r;
	u32 n, i;

	if (!PoolTag || !NumberOfBytes || NumberOfBytes > MDL_MAX_BYTE_COUNT) {
		mdl_refuse("bad size %zu or zero tag", NumberOfBytes);
		return NULL;
	}
	n = BYTES_TO_PAGES(NumberOfBytes);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!r || !pages)
		goto err;
	for (i = 0; i < n; i++)
		pages[i] = ZERO_PAGE(0);
	r->va = vmap(pages, n, VM_MAP, PAGE_NONE);
	if (!r->va)
		goto err;
	kvfree(pages);
	r->npages = n;
	r->tag = PoolTag;
	r->divisible = divisible;
	INIT_LIST_HEAD(&r->slots);
	mdl_reg_add(MDL_KIND_RESV, &r->node);
	return r->va;
err:
	kvfree(pages);
	kfree(r);
	return NULL;
}

/**
 * MmAllocateMappingAddress() - reserve system address space
 * @NumberOfBytes: size of the range
 * @PoolTag: non-zero tag that later calls must repeat
 *
 * The range is a vmalloc-space area whose PTEs exist but are not present
 * (the zero page with PAGE_NONE): get_vm_area() is not exported to modules.
 * Ranges still reserved when mdl.ko is unloaded are released then.
 *
 * Context: may sleep.
 * Return: the reserved range, or NULL.
 */
PVOID MmAllocateMappingAddress(SIZE_T NumberOfBytes, ULONG PoolTag)
{
	return mdl_reserve(NumberOfBytes, PoolTag, false);
}
EXPORT_SYMBOL_GPL(MmAllocateMappingAddress);

/**
 * MmAllocateMappingAddressEx() - reserve system address space, divisibly
 * @NumberOfBytes: size, 1 to MDL_MAX_BYTE_COUNT
 * @PoolTag: non-zero tag, given again to every use of the range
 * @Flags: 0 or MM_MAPPING_ADDRESS_DIVISIBLE: several MDLs may be mapped at
 *         once, each at its own page offset (MappingAddress = base + offset
 *         of MmMapLockedPagesWithReservedMapping and MmUnmapReservedMapping)
 *
 * As with MmAllocateMappingAddress, each MDL mapped for the range gets a
 * mapping of its own outside it: the address returned by
 * MmMapLockedPagesWithReservedMapping is not base + offset, and MDLs mapped
 * at adjacent offsets are not adjacent in system space.
 *
 * Context: may sleep.
 * Return: the page-aligned base, or NULL (also for unknown flags).
 */
PVOID MmAllocateMappingAddressEx(SIZE_T NumberOfBytes, ULONG PoolTag,
				 ULONG Flags)
{
	if (Flags & ~MM_MAPPING_ADDRESS_DIVISIBLE) {
		mdl_refuse("unknown flags %#x", Flags);
		return NULL;
	}
	return mdl_reserve(NumberOfBytes, PoolTag,
			   Flags & MM_MAPPING_ADDRESS_DIVISIBLE);
}
EXPORT_SYMBOL_GPL(MmAllocateMappingAddressEx);

/**
 * MmFreeMappingAddress() - release a range from MmAllocateMappingAddress
 * @BaseAddress: the reserved range (it must not be mapped)
 * @PoolTag: the tag given at reservation; a mismatch is refused
 *
 * Context: may sleep.
 */
void MmFreeMappingAddress(PVOID BaseAddress, ULONG PoolTag)
{
	struct mdl_resv *r;

	scoped_guard(mutex, &mdl_reg_lock) {
		r = mdl_resv_find(BaseAddress);
		if (r && r->tag == PoolTag && list_empty(&r->slots))
			list_del(&r->node);
		else
			r = NULL;
	}
	if (!r) {
		mdl_refuse("%p is not a reservation with tag %#x, or still holds a mapping",
			   BaseAddress, PoolTag);
		return;
	}
	mdl_resv_release(&r->node);
}
EXPORT_SYMBOL_GPL(MmFreeMappingAddress);

/* Unmap a reservation (taken off the registry); its MDLs are gone. */
void mdl_resv_release(struct list_head *node)
{
	struct mdl_resv *r = list_entry(node, struct mdl_resv, node);

	vunmap(r->va);
	kfree(r);
}

/*
 * Give @sl (its MDL and size set) the pages of reservation @va at which it
 * maps, if the reservation has @tag and those pages are free. The slot is
 * claimed before the MDL is mapped, outside mdl_reg_lock.
 */
static bool mdl_resv_claim(const void *va, u32 tag, struct mdl_resv_slot *sl)
{
	struct mdl_resv *r;
	u32 first = 0;

	guard(mutex)(&mdl_reg_lock);
	r = mdl_resv_find_in(va, &first);
	if (!r || r->tag != tag || !mdl_resv_slot_free(r, first, sl->npages))
		return false;
	sl->first = first;
	list_add(&sl->node, &r->slots);
	return true;
}

/**
 * MmMapLockedPagesWithReservedMapping() - map an MDL into a reserved range
 * @MappingAddress: range from MmAllocateMappingAddress
 * @PoolTag: the tag given at reservation
 * @MemoryDescriptorList: a locked, non-paged, partial or allocated MDL
 * @CacheType: cache type of the mapping
 *
 * No kernel exports to modules a way to map pages into an existing range:
 * the MDL gets a system mapping of its own (vmap) at another address, and
 * the reservation is busy until MmUnmapReservedMapping. Unlike Windows, the
 * returned address is outside the reservation (use the return value, never
 * @MappingAddress, to reach the buffer), and the mapping allocates, so it
 * can fail when memory is short. It counts as the MDL's system mapping
 * (MmUnlockPages, IoFreeMdl and MmFreePagesFromMdl release it too). The
 * cache type is the pages' own where it was set at allocation.
 *
 * Context: may sleep.
 * Return: the buffer's address (mapping base + ByteOffset), or NULL if the
 * range is too small, already in use, the tag does not match, the MDL is not
 * mappable, or memory is short.
 */
PVOID MmMapLockedPagesWithReservedMapping(PVOID MappingAddress, ULONG PoolTag,
					  PMDL MemoryDescriptorList,
					  MEMORY_CACHING_TYPE CacheType)
{
	PMDL mdl = MemoryDescriptorList;
	struct mdl_ext *ext = mdl ? mdl_ext_find(mdl) : NULL;
	ULONG npages = mdl ? mdl_page_count(mdl) : 0;
	pgprot_t prot = PAGE_KERNEL;
	MEMORY_CACHING_TYPE cache;
	struct mdl_resv_slot *sl;
	void *va;

	if (!mdl || !mdl_is_mappable(mdl, ext) ||
	    (mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) || (ext && ext->sys_va))
		goto refuse;
	cache = mdl_map_cache(mdl, ext, CacheType);
	if (mdl_cache_prot(cache, &prot))
		goto refuse;
	sl = kzalloc(sizeof(*sl), GFP_KERNEL);
	ext = sl ? mdl_ext_get(mdl) : NULL;
	if (!ext) {
		kfree(sl);
		return NULL;
	}
	sl->mdl = mdl;
	sl->npages = npages;
	if (!mdl_resv_claim(MappingAddress, PoolTag, sl)) {
		mdl_ext_release_if_idle(ext);
		kfree(sl);
		goto refuse;
	}
	if (!NT_SUCCESS(mdl_map_pages(mdl, npages, cache, 0, prot,
				      &ext->sys_iomem, &va))) {
		scoped_guard(mutex, &mdl_reg_lock)
			list_del(&sl->node);
		mdl_ext_release_if_idle(ext);
		kfree(sl);
		return NULL;
	}
	ext->sys_va = va;
	ext->sys_pages = npages;
	ext->sys_reserved = true;
	ext->sys_readonly = false;
	if (!(mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL)) {
		mdl->MappedSystemVa = (char *)va + mdl->ByteOffset;
		mdl->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
	}
	return (char *)va + mdl->ByteOffset;

refuse:
	mdl_refuse("cannot map MDL %p for %p (tag %#x): unlocked, mapped, too large or wrong tag",
		   mdl, MappingAddress, PoolTag);
	return NULL;
}
EXPORT_SYMBOL_GPL(MmMapLockedPagesWithReservedMapping);

/* The slot of @mdl in @r. Caller holds mdl_reg_lock. */
static struct mdl_resv_slot *mdl_resv_slot_in(struct mdl_resv *r, PMDL mdl)
{
	struct mdl_resv_slot *sl;

	list_for_each_entry(sl, &r->slots, node)
		if (sl->mdl == mdl)
			return sl;
	return NULL;
}

/* The slot of @mdl in any reservation. Caller holds mdl_reg_lock. */
static struct mdl_resv_slot *mdl_resv_slot_of(PMDL mdl)
{
	struct mdl_resv_slot *sl;
	struct mdl_resv *r;

	mdl_reg_for_each(r, MDL_KIND_RESV, node) {
		sl = mdl_resv_slot_in(r, mdl);
		if (sl)
			return sl;
	}
	return NULL;
}

/* Called by mdl_unmap_system() for the mapping of a reserved range. */
void mdl_reserve_unmap(struct mdl_ext *ext)
{
	struct mdl_resv_slot *sl;

	scoped_guard(mutex, &mdl_reg_lock) {
		sl = mdl_resv_slot_of(ext->mdl);
		if (sl)
			list_del(&sl->node);
	}
	kfree(sl);
	mdl_unmap_pages(ext->sys_va, ext->sys_iomem);
	ext->sys_reserved = false;
}

/**
 * MmUnmapReservedMapping() - unmap an MDL from a reserved range
 * @BaseAddress: the reserved range
 * @PoolTag: the tag given at reservation
 * @MemoryDescriptorList: the MDL that was mapped there
 *
 * Context: may sleep.
 */
void MmUnmapReservedMapping(PVOID BaseAddress, ULONG PoolTag,
			    PMDL MemoryDescriptorList)
{
	PMDL mdl = MemoryDescriptorList;
	struct mdl_ext *ext = mdl ? mdl_ext_find(mdl) : NULL;
	struct mdl_resv_slot *sl;
	struct mdl_resv *r;
	ULONG first = 0;
	bool ok;

	scoped_guard(mutex, &mdl_reg_lock) {
		r = mdl_resv_find_in(BaseAddress, &first);
		sl = r && mdl ? mdl_resv_slot_in(r, mdl) : NULL;
		ok = r && r->tag == PoolTag && sl && sl->first == first && ext &&
		     ext->sys_reserved;
	}
	if (!ok) {
		mdl_refuse("MDL %p is not mapped at reservation %p with tag %#x",
			   mdl, BaseAddress, PoolTag);
		return;
	}
	mdl_unmap_system(ext);
	mdl_ext_release_if_idle(ext);
}
EXPORT_SYMBOL_GPL(MmUnmapReservedMapping);
