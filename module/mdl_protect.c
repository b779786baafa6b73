// SPDX-License-Identifier: GPL-2.0
/*
 * MmProtectMdlSystemAddress and MmAdvanceMdl.
 *
 * The protection of an MDL's system mapping is changed in place, in the
 * PTEs of the vmap (or reserved range) that mdl.ko made for the MDL,
 * keeping the frame and the cache bits; the TLBs of all
 * CPUs are flushed afterwards (see mdl_kernel_pte() in compat.h). The
 * mapping keeps its address. PAGE_NOACCESS uses PAGE_NONE: the PTE stays
 * a valid "protnone" entry (not present to the MMU), so a later vunmap()
 * clears it like any other.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"

/**
 * mdl_kernel_ptes_apply() - rewrite the kernel PTEs of a vmap range
 * @start: page-aligned address of a vmap or reserved range
 * @npages: number of pages
 * @fn: called for each PTE, in order
 * @data: passed to @fn
 *
 * Every page of the range must be mapped at the PTE level (vmap does that);
 * nothing is changed otherwise. The TLBs of all CPUs are flushed after.
 *
 * Return: 0, -EFAULT for a page without a PTE, -EOPNOTSUPP where kernel
 * page tables are out of a module's reach (User-Mode Linux).
 */
int mdl_kernel_ptes_apply(unsigned long start, ULONG npages, mdl_pte_fn_t fn,
			  void *data)
{
	unsigned long addr;
	pte_t *pte;
	ULONG i;

	if (!MDL_HAVE_KERNEL_PTE)
		return -EOPNOTSUPP;
	for (i = 0, addr = start; i < npages; i++, addr += PAGE_SIZE) {
		pte = mdl_kernel_pte(addr);
		if (!pte || pte_none(ptep_get(pte)))
			return -EFAULT;
	}
	for (i = 0, addr = start; i < npages; i++, addr += PAGE_SIZE)
		fn(mdl_kernel_pte(addr), addr, data);
	mdl_flush_kernel_tlb();
	return 0;
}

static int mdl_pte_protect(pte_t *pte, unsigned long addr, void *data)
{
	pgprot_t *prot = data;

	mdl_set_kernel_pte(pte, mdl_pte_reprotect(ptep_get(pte), *prot));
	return 0;
}

static bool mdl_protect_to_prot(ULONG protect, pgprot_t *prot)
{
	switch (protect) {
	case PAGE_NOACCESS:
		*prot = PAGE_NONE;
		return true;
	case PAGE_READONLY:
		*prot = MDL_PAGE_KERNEL_RO;
		return true;
	case PAGE_READWRITE:
		*prot = PAGE_KERNEL;
		return true;
	default:
		/* PAGE_EXECUTE*: system mappings stay non-executable. */
		return false;
	}
}

NTSTATUS MmProtectMdlSystemAddress(PMDL MemoryDescriptorList, ULONG NewProtect)
{
	struct mdl_ext *ext;
	pgprot_t prot;

	if (!mdl_protect_to_prot(NewProtect, &prot)) {
		mdl_refuse("protection %#x refused (executable or unknown)", NewProtect);
		return STATUS_INVALID_PAGE_PROTECTION;
	}
	ext = MemoryDescriptorList ? mdl_ext_find(MemoryDescriptorList) : NULL;
	if (!ext || !ext->sys_va)
		return STATUS_NOT_MAPPED_VIEW;
	switch (mdl_kernel_ptes_apply((unsigned long)ext->sys_va, ext->sys_pages,
				      mdl_pte_protect, &prot)) {
	case 0:
		return STATUS_SUCCESS;
	case -EOPNOTSUPP:
		mdl_refuse("kernel page tables are out of reach on this architecture");
		return STATUS_NOT_SUPPORTED;
	default:
		return STATUS_NOT_MAPPED_VIEW;
	}
}
EXPORT_SYMBOL_GPL(MmProtectMdlSystemAddress);

static bool mdl_advance_ok(PMDL mdl, struct mdl_ext *ext)
{
	if (mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL_HAS_BEEN_MAPPED))
		return false;
	if (ext && (ext->sys_va || ext->priv))
		return false;
	return (mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL |
				 MDL_PARTIAL | MDL_IO_SPACE)) ||
	       (ext && ext->hold != MDL_HOLD_NONE);
}

/* Release what is held on the first @skip pages of the MDL. */
static void mdl_advance_release(struct mdl_ext *ext, ULONG skip)
{
	PMDL mdl = ext->mdl;
	ULONG held = ext->nheld;

	if (!skip || !held)
		return;
	skip = min(skip, held);
	switch (ext->hold) {
	case MDL_HOLD_PINNED:
		mdl_unpin_user_pages(mdl, skip, mdl->MdlFlags & MDL_WRITE_OPERATION);
		break;
	case MDL_HOLD_ALLOCATED:
		/* Pages passed over are no longer described: free them. */
		ext->nheld = skip;
		mdl_free_allocated(ext, false);
		break;
	default:
		break;
	}
	ext->nheld = held - skip;
}

NTSTATUS MmAdvanceMdl(PMDL Mdl, ULONG NumberOfBytes)
{
	struct mdl_ext *ext;
	ULONG newoff, skip, npages;
	PPFN_NUMBER pfns;

	if (!Mdl)
		return STATUS_INVALID_PARAMETER;
	if (NumberOfBytes >= Mdl->ByteCount)
		return STATUS_INVALID_PARAMETER_2;
	ext = mdl_ext_find(Mdl);
	if (!mdl_advance_ok(Mdl, ext)) {
		mdl_refuse("MDL %p is mapped, or neither locked nor built", Mdl);
		return STATUS_INVALID_PARAMETER;
	}
	npages = mdl_page_count(Mdl);
	newoff = Mdl->ByteOffset + NumberOfBytes;
	skip = newoff >> PAGE_SHIFT;
	if (ext)
		mdl_advance_release(ext, skip);
	pfns = MmGetMdlPfnArray(Mdl);
	if (skip)
		memmove(pfns, pfns + skip, sizeof(*pfns) * (npages - skip));
	Mdl->StartVa = (char *)Mdl->StartVa + ((unsigned long)skip << PAGE_SHIFT);
	Mdl->ByteOffset = newoff & (PAGE_SIZE - 1);
	Mdl->ByteCount -= NumberOfBytes;
	if (Mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL)
		Mdl->MappedSystemVa = (char *)Mdl->MappedSystemVa + NumberOfBytes;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(MmAdvanceMdl);
