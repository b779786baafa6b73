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
 * struct mdl_resv - one range of MmAllocateMappingAddress
 * @node: entry in mdl_resvs
 * @va: page-aligned base of the range
 * @npages: size of the range in pages
 * @tag: the pool tag given at reservation
 * @mdl: the MDL mapped for the range, or NULL
 */
struct mdl_resv {
	struct list_head node;
	void *va;
	ULONG npages;
	ULONG tag;
	PMDL mdl;
};

static LIST_HEAD(mdl_resvs);
static DEFINE_MUTEX(mdl_resv_lock);

/* Caller holds mdl_resv_lock. */
static struct mdl_resv *mdl_resv_find(const void *va)
{
	struct mdl_resv *r;

	list_for_each_entry(r, &mdl_resvs, node)
		if (r->va == va)
			return r;
	return NULL;
}

PVOID MmAllocateMappingAddress(SIZE_T NumberOfBytes, ULONG PoolTag)
{
	struct page **pages;
	struct mdl_resv *r;
	ULONG n, i;

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
	mutex_lock(&mdl_resv_lock);
	list_add(&r->node, &mdl_resvs);
	mutex_unlock(&mdl_resv_lock);
	return r->va;
err:
	kvfree(pages);
	kfree(r);
	return NULL;
}
EXPORT_SYMBOL_GPL(MmAllocateMappingAddress);

void MmFreeMappingAddress(PVOID BaseAddress, ULONG PoolTag)
{
	struct mdl_resv *r;

	mutex_lock(&mdl_resv_lock);
	r = mdl_resv_find(BaseAddress);
	if (r && r->tag == PoolTag && !r->mdl)
		list_del(&r->node);
	else
		r = NULL;
	mutex_unlock(&mdl_resv_lock);
	if (!r) {
		mdl_refuse("%p is not a reservation with tag %#x, or still holds a mapping",
			   BaseAddress, PoolTag);
		return;
	}
	vunmap(r->va);
	kfree(r);
}
EXPORT_SYMBOL_GPL(MmFreeMappingAddress);

PVOID MmMapLockedPagesWithReservedMapping(PVOID MappingAddress, ULONG PoolTag,
					  PMDL MemoryDescriptorList,
					  MEMORY_CACHING_TYPE CacheType)
{
	PMDL mdl = MemoryDescriptorList;
	struct mdl_ext *ext = mdl ? mdl_ext_find(mdl) : NULL;
	ULONG npages = mdl ? mdl_page_count(mdl) : 0;
	pgprot_t prot = PAGE_KERNEL;
	struct mdl_resv *r;
	void *va;

	if (!mdl || !mdl_is_mappable(mdl, ext) ||
	    (mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) || (ext && ext->sys_va) ||
	    mdl_cache_prot(mdl_map_cache(ext, CacheType), &prot))
		goto refuse;
	ext = mdl_ext_get(mdl);
	if (!ext)
		return NULL;
	mutex_lock(&mdl_resv_lock);
	r = mdl_resv_find(MappingAddress);
	if (!r || r->tag != PoolTag || r->mdl || npages > r->npages) {
		mutex_unlock(&mdl_resv_lock);
		mdl_ext_release_if_idle(ext);
		goto refuse;
	}
	va = mdl_vmap_pfns(mdl, npages, prot);
	if (!va) {
		mutex_unlock(&mdl_resv_lock);
		mdl_ext_release_if_idle(ext);
		return NULL;
	}
	r->mdl = mdl;
	mutex_unlock(&mdl_resv_lock);
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

/* Called by mdl_unmap_system() for the mapping of a reserved range. */
void mdl_reserve_unmap(struct mdl_ext *ext)
{
	struct mdl_resv *r;

	mutex_lock(&mdl_resv_lock);
	list_for_each_entry(r, &mdl_resvs, node) {
		if (r->mdl == ext->mdl) {
			r->mdl = NULL;
			break;
		}
	}
	mutex_unlock(&mdl_resv_lock);
	vunmap(ext->sys_va);
	ext->sys_reserved = false;
}

void MmUnmapReservedMapping(PVOID BaseAddress, ULONG PoolTag,
			    PMDL MemoryDescriptorList)
{
	PMDL mdl = MemoryDescriptorList;
	struct mdl_ext *ext = mdl ? mdl_ext_find(mdl) : NULL;
	struct mdl_resv *r;
	bool ok;

	mutex_lock(&mdl_resv_lock);
	r = mdl_resv_find(BaseAddress);
	ok = r && r->tag == PoolTag && mdl && r->mdl == mdl && ext &&
	     ext->sys_reserved;
	mutex_unlock(&mdl_resv_lock);
	if (!ok) {
		mdl_refuse("MDL %p is not mapped at reservation %p with tag %#x",
			   mdl, BaseAddress, PoolTag);
		return;
	}
	mdl_unmap_system(ext);
	mdl_ext_release_if_idle(ext);
}
EXPORT_SYMBOL_GPL(MmUnmapReservedMapping);

/**
 * mdl_reserve_exit() - release the reservations left at unload
 *
 * Called after the MDLs left behind were released, which unmapped those
 * mapped for a reservation. Logs one line if anything was left.
 */
void mdl_reserve_exit(void)
{
	struct mdl_resv *r, *tmp;
	unsigned int n = 0;

	mutex_lock(&mdl_resv_lock);
	list_for_each_entry_safe(r, tmp, &mdl_resvs, node) {
		list_del(&r->node);
		vunmap(r->va);
		kfree(r);
		n++;
	}
	mutex_unlock(&mdl_resv_lock);
	if (n)
		pr_warn("%u range(s) of MmAllocateMappingAddress still reserved at unload: released\n",
			n);
}
