// SPDX-License-Identifier: GPL-2.0
/*
 * MmProtectMdlSystemAddress and MmAdvanceMdl.
 *
 * A system mapping cannot change its protection in place: that means
 * rewriting its kernel PTEs, which no supported kernel lets a module do
 * (see compat.h), and a new mapping elsewhere would move the buffer under
 * the driver. MmProtectMdlSystemAddress therefore grants the protection the
 * mapping already has (PAGE_READWRITE for a writable mapping, PAGE_READONLY
 * for one made with MdlMappingNoWrite) and refuses any other with
 * STATUS_NOT_SUPPORTED, leaving the mapping as it was.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>

#include "mdl_internal.h"

/**
 * MmProtectMdlSystemAddress() - change the protection of a system mapping
 * @MemoryDescriptorList: an MDL mapped to system space by mdl.ko
 * @NewProtect: PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE or a
 *              PAGE_EXECUTE* value (executable is refused: kernel mappings
 *              stay non-executable)
 *
 * A mapping keeps the address and the protection it was made with: no
 * kernel exports to modules a way to change the protection of a mapping in
 * place. The protection the mapping already has is granted (PAGE_READWRITE
 * for a writable mapping, PAGE_READONLY for one made with
 * MdlMappingNoWrite); a change is refused and the mapping left as it was.
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS, STATUS_NOT_MAPPED_VIEW when the MDL has no system
 * mapping of its own, STATUS_INVALID_PAGE_PROTECTION for other values,
 * STATUS_NOT_SUPPORTED for a change of protection (every kernel).
 */
NTSTATUS MmProtectMdlSystemAddress(PMDL MemoryDescriptorList, ULONG NewProtect)
{
	struct mdl_ext *ext;

	switch (NewProtect) {
	case PAGE_NOACCESS:
	case PAGE_READONLY:
	case PAGE_READWRITE:
		break;
	default:
		/* PAGE_EXECUTE*: system mappings stay non-executable. */
		mdl_refuse("protection %#x refused (executable or unknown)", NewProtect);
		return STATUS_INVALID_PAGE_PROTECTION;
	}
	ext = MemoryDescriptorList ? mdl_ext_find(MemoryDescriptorList) : NULL;
	if (!ext || !ext->sys_va)
		return STATUS_NOT_MAPPED_VIEW;
	if (NewProtect == (ext->sys_readonly ? PAGE_READONLY : PAGE_READWRITE))
		return STATUS_SUCCESS;
	mdl_refuse("protection %#x refused: a system mapping keeps the protection it was made with",
		   NewProtect);
	return STATUS_NOT_SUPPORTED;
}
EXPORT_SYMBOL_GPL(MmProtectMdlSystemAddress);

static bool mdl_advance_ok(PMDL mdl, struct mdl_ext *ext)
{
	if (mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL_HAS_BEEN_MAPPED))
		return false;
	if (ext && (ext->sys_va || ext->umaps))
		return false;
	return (mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL |
				 MDL_PARTIAL | MDL_IO_SPACE)) ||
	       (ext && ext->hold != MDL_HOLD_NONE);
}

/* Release what is held on the first @skip pages of the MDL. */
static void mdl_advance_release(struct mdl_ext *ext, u32 skip)
{
	PMDL mdl = ext->mdl;
	u32 held = ext->nheld;

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

/**
 * MmAdvanceMdl() - move the start of an MDL forward
 * @Mdl: a locked or built MDL
 * @NumberOfBytes: bytes to move, less than MmGetMdlByteCount(Mdl)
 *
 * Whole pages passed over leave the PFN array and, for a locked MDL, are
 * unlocked.
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS, or STATUS_INVALID_PARAMETER_2 when @NumberOfBytes
 * is not less than the byte count; STATUS_INVALID_PARAMETER for an MDL that
 * is mapped or neither locked nor built.
 */
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
