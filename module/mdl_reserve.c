// SPDX-License-Identifier: GPL-2.0
/*
 * Reserved system address space: MmAllocateMappingAddress,
 * MmFreeMappingAddress, MmMapLockedPagesWithReservedMapping and
 * MmUnmapReservedMapping.
 *
 * get_vm_area() and vmap_pages_range() are not exported, so a range is
 * reserved with vmap() of the zero page at every slot with PAGE_NONE: a
 * real vmalloc-space range whose PTEs exist but are not present to the MMU.
 * Mapping an MDL rewrites the first PTEs of the range in place to the MDL's
 * frames (mdl_kernel_ptes_apply); unmapping points them back at the zero
 * page with PAGE_NONE and flushes the TLBs. Where a module cannot reach
 * kernel page tables (User-Mode Linux) ranges can be reserved and freed but
 * mapping into them fails. The address the caller
 * gets is inside its reservation, as on Windows. The mapping is recorded in
 * the MDL's state (sys_va, sys_reserved), so MmUnlockPages, IoFreeMdl,
 * MmUnmapLockedPages and MmProtectMdlSystemAddress treat it like any other
 * system mapping.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"

/**
 * struct mdl_resv - one range of MmAllocateMappingAddress
 * @node: entry in mdl_resvs
 * @va: page-aligned base of the range
 * @npages: size of the range in pages
 * @tag: the pool tag given at reservation
 * @mdl: the MDL mapped in the range, or NULL
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

struct mdl_resv_fill {
	const PFN_NUMBER *pfns;	/* NULL: back to the zero page, PAGE_NONE */
	ULONG idx;
	pgprot_t prot;
	bool io;
};

static int mdl_resv_set_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct mdl_resv_fill *f = data;
	pte_t new;

	if (!f->pfns)
		new = mk_pte(ZERO_PAGE(0), PAGE_NONE);
	else if (f->io)
		new = pte_mkspecial(pfn_pte(f->pfns[f->idx], f->prot));
	else
		new = pfn_pte(f->pfns[f->idx], f->prot);
	f->idx++;
	mdl_set_kernel_pte(pte, new);
	return 0;
}

static int mdl_resv_fill(void *va, ULONG npages, struct mdl_resv_fill *f)
{
	return mdl_kernel_ptes_apply((unsigned long)va, npages, mdl_resv_set_pte, f);
}

static bool mdl_resv_pfns_ok(PMDL mdl, ULONG npages)
{
	const PFN_NUMBER *pfns = MmGetMdlPfnArray(mdl);
	ULONG i;

	if (mdl->MdlFlags & MDL_IO_SPACE)
		return true;
	for (i = 0; i < npages; i++)
		if (!pfn_valid(pfns[i]))
			return false;
	return true;
}

PVOID MmMapLockedPagesWithReservedMapping(PVOID MappingAddress, ULONG PoolTag,
					  PMDL MemoryDescriptorList,
					  MEMORY_CACHING_TYPE CacheType)
{
	struct mdl_resv_fill fill = { .prot = PAGE_KERNEL };
	PMDL mdl = MemoryDescriptorList;
	struct mdl_ext *ext = mdl ? mdl_ext_find(mdl) : NULL;
	ULONG npages = mdl ? mdl_page_count(mdl) : 0;
	struct mdl_resv *r;

	if (!mdl || !mdl_is_mappable(mdl, ext) ||
	    (mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) || (ext && ext->sys_va) ||
	    mdl_cache_prot(CacheType, &fill.prot) || !mdl_resv_pfns_ok(mdl, npages))
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
	fill.pfns = MmGetMdlPfnArray(mdl);
	fill.io = mdl->MdlFlags & MDL_IO_SPACE;
	if (mdl_resv_fill(r->va, npages, &fill)) {
		fill.pfns = NULL;
		mdl_resv_fill(r->va, npages, &fill);
		mutex_unlock(&mdl_resv_lock);
		mdl_ext_release_if_idle(ext);
		return NULL;
	}
	r->mdl = mdl;
	mutex_unlock(&mdl_resv_lock);
	ext->sys_va = r->va;
	ext->sys_pages = npages;
	ext->sys_reserved = true;
	if (!(mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL)) {
		mdl->MappedSystemVa = (char *)r->va + mdl->ByteOffset;
		mdl->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
	}
	return (char *)r->va + mdl->ByteOffset;

refuse:
	mdl_refuse("cannot map MDL %p at %p (tag %#x): unlocked, mapped, too large or wrong tag",
		   mdl, MappingAddress, PoolTag);
	return NULL;
}
EXPORT_SYMBOL_GPL(MmMapLockedPagesWithReservedMapping);

/* Called by mdl_unmap_system() for a mapping in a reserved range. */
void mdl_reserve_unmap(struct mdl_ext *ext)
{
	struct mdl_resv_fill fill = { };
	struct mdl_resv *r;

	mutex_lock(&mdl_resv_lock);
	r = mdl_resv_find(ext->sys_va);
	if (r && r->mdl == ext->mdl) {
		mdl_resv_fill(r->va, ext->sys_pages, &fill);
		r->mdl = NULL;
	}
	mutex_unlock(&mdl_resv_lock);
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
	     ext->sys_reserved && ext->sys_va == BaseAddress;
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
