// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation of MDLs: IoAllocateMdl, IoFreeMdl, MmSizeOfMdl, MmCreateMdl
 * and IoBuildPartialMdl.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/module.h>
#include <linux/string.h>

#include "mdl_internal.h"

/**
 * IoAllocateMdl() - allocate and initialise an MDL for a buffer
 * @VirtualAddress: start of the buffer (user or kernel address)
 * @Length: length in bytes, 1 to MDL_MAX_BYTE_COUNT
 * @SecondaryBuffer: with @Irp: FALSE sets Irp->MdlAddress, TRUE appends the
 *                   MDL to the end of the Irp's MDL chain
 * @ChargeQuota: ignored, as on current Windows
 * @Irp: optional I/O request packet to attach the MDL to
 *
 * The MDL describes the buffer but locks nothing: call MmProbeAndLockPages or
 * MmBuildMdlForNonPagedPool next. Free it with IoFreeMdl.
 *
 * Context: may sleep.
 * Return: the MDL, or NULL for a zero, too large or wrapping range, or when
 * memory is short.
 */
PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer,
		   BOOLEAN ChargeQuota, PIRP Irp)
{
	PMDL mdl = mdl_alloc_owned(VirtualAddress, Length, GFP_KERNEL);
	PMDL tail;

	if (!mdl) {
		mdl_refuse("cannot describe %u bytes at %p", Length, VirtualAddress);
		return NULL;
	}
	if (!Irp)
		return mdl;
	if (!SecondaryBuffer || !Irp->MdlAddress) {
		Irp->MdlAddress = mdl;
		return mdl;
	}
	for (tail = Irp->MdlAddress; tail->Next; tail = tail->Next)
		;
	tail->Next = mdl;
	return mdl;
}
EXPORT_SYMBOL_GPL(IoAllocateMdl);

/**
 * mdl_release_all() - release everything an MDL still holds
 * @ext: the MDL's state
 *
 * User mappings are detached, the system mapping removed, the pages
 * unlocked or freed. Holding anything but the mapping of a partial MDL (which
 * IoFreeMdl releases by design) or the description of device memory is a
 * caller error, logged once.
 */
void mdl_release_all(struct mdl_ext *ext)
{
	PMDL mdl = ext->mdl;
	bool held = (ext->hold != MDL_HOLD_NONE && ext->hold != MDL_HOLD_IO) ||
		    ext->umaps ||
		    (ext->sys_va && !(mdl->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED));

	if (held)
		mdl_refuse("MDL %p freed while locked or mapped: releasing it", mdl);
	mdl_user_release_all(ext);
	mdl_unmap_system(ext);
	mdl_release_hold(ext);
}
EXPORT_SYMBOL_IF_KUNIT(mdl_release_all);

/**
 * IoFreeMdl() - free one MDL (not its chain)
 * @Mdl: an MDL from IoAllocateMdl or MmCreateMdl
 *
 * A mapped partial MDL is unmapped first. An MDL that is still locked or
 * mapped is a caller error: it is logged once, and the lock and mapping are
 * released so that nothing leaks. Pointers that mdl.ko did not allocate are
 * refused (logged once, nothing freed).
 *
 * Context: may sleep.
 */
void IoFreeMdl(PMDL Mdl)
{
	struct mdl_ext *ext;

	if (!Mdl)
		return;
	ext = mdl_ext_find(Mdl);
	if (!ext || !ext->owned) {
		mdl_refuse("MDL %p was not allocated by IoAllocateMdl", Mdl);
		return;
	}
	mdl_release_all(ext);
	mdl_free_owned(ext);
}
EXPORT_SYMBOL_GPL(IoFreeMdl);

/**
 * MmSizeOfMdl() - bytes needed for an MDL describing a buffer
 * @Base: start of the buffer
 * @Length: length of the buffer in bytes
 *
 * Context: any; atomic context allowed.
 * Return: sizeof(MDL) + pages spanned * sizeof(PFN_NUMBER).
 */
SIZE_T MmSizeOfMdl(PVOID Base, SIZE_T Length)
{
	return sizeof(MDL) +
	       sizeof(PFN_NUMBER) * ADDRESS_AND_SIZE_TO_SPAN_PAGES(Base, Length);
}
EXPORT_SYMBOL_GPL(MmSizeOfMdl);

/**
 * MmCreateMdl() - the old MDL allocator
 * @MemoryDescriptorList: caller memory to initialise, or NULL to allocate
 * @Base: start of the buffer
 * @Length: length of the buffer in bytes
 *
 * Context: may sleep.
 * Return: the initialised MDL, or NULL on a bad range or when memory is short.
 */
PMDL MmCreateMdl(PMDL MemoryDescriptorList, PVOID Base, SIZE_T Length)
{
	if (!mdl_range_ok(Base, Length)) {
		mdl_refuse("cannot describe %zu bytes at %p", Length, Base);
		return NULL;
	}
	if (!MemoryDescriptorList)
		return mdl_alloc_owned(Base, Length, GFP_KERNEL);
	MmInitializeMdl(MemoryDescriptorList, Base, Length);
	return MemoryDescriptorList;
}
EXPORT_SYMBOL_GPL(MmCreateMdl);

/* Flags a partial MDL inherits from its source. */
#define MDL_PARTIAL_INHERITED	(MDL_IO_PAGE_READ | MDL_SOURCE_IS_NONPAGED_POOL | \
				 MDL_MAPPED_TO_SYSTEM_VA | MDL_IO_SPACE)

static bool mdl_partial_ok(PMDL src, PMDL dst, void *va, u32 *length)
{
	const char *src_va = MmGetMdlVirtualAddress(src);
	struct mdl_ext *src_ext = mdl_ext_find(src);
	struct mdl_ext *dst_ext = mdl_ext_find(dst);
	unsigned long offset;

	if (!mdl_is_mappable(src, src_ext) || src == dst)
		return false;
	if ((const char *)va < src_va)
		return false;
	offset = (const char *)va - src_va;
	if (offset >= src->ByteCount)
		return false;
	if (!*length)
		*length = src->ByteCount - offset;
	if (*length > src->ByteCount - offset)
		return false;
	if (dst->MdlFlags & (MDL_PAGES_LOCKED | MDL_PARTIAL_HAS_BEEN_MAPPED))
		return false;
	if (dst_ext && (dst_ext->hold != MDL_HOLD_NONE || dst_ext->sys_va ||
			dst_ext->umaps))
		return false;
	return mdl_has_room(dst, dst_ext, ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, *length));
}

/**
 * IoBuildPartialMdl() - describe a sub-range of a locked or built MDL
 * @SourceMdl: locked, non-paged, I/O-space or partial MDL
 * @TargetMdl: MDL large enough for the sub-range (for example IoAllocateMdl
 *             of the same range)
 * @VirtualAddress: start of the sub-range, inside the source's buffer
 * @Length: length of the sub-range; 0 means "to the end of the source"
 *
 * Copies the PFNs of the sub-range, sets MDL_PARTIAL and inherits the
 * source's MDL_SOURCE_IS_NONPAGED_POOL, MDL_MAPPED_TO_SYSTEM_VA, MDL_IO_SPACE
 * and MDL_IO_PAGE_READ flags, Process and (offset) MappedSystemVa. A range
 * outside the source, or a target too small, is refused (logged once, target
 * unchanged). The source must stay locked while the target is used.
 *
 * A partial MDL of user pages locked for reading, like its source, takes
 * no device writes and maps read-only; of user pages locked for writing it
 * may be written when @TargetMdl is from IoAllocateMdl (a target the caller
 * initialised itself is taken as read-only).
 *
 * Context: any; atomic context allowed.
 */
void IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress,
		       ULONG Length)
{
	struct mdl_ext *dst_ext;
	unsigned long offset, first;

	if (!SourceMdl || !TargetMdl ||
	    !mdl_partial_ok(SourceMdl, TargetMdl, VirtualAddress, &Length)) {
		mdl_refuse("bad range %p+%u for source MDL %p", VirtualAddress,
			   Length, SourceMdl);
		return;
	}
	offset = (char *)VirtualAddress - (char *)MmGetMdlVirtualAddress(SourceMdl);
	first = ((unsigned long)PAGE_ALIGN(VirtualAddress) -
		 (unsigned long)SourceMdl->StartVa) >> PAGE_SHIFT;

	TargetMdl->StartVa = PAGE_ALIGN(VirtualAddress);
	TargetMdl->ByteOffset = BYTE_OFFSET(VirtualAddress);
	TargetMdl->ByteCount = Length;
	TargetMdl->Process = SourceMdl->Process;
	TargetMdl->MdlFlags &= MDL_ALLOCATED_FIXED_SIZE | MDL_ALLOCATED_MUST_SUCCEED;
	TargetMdl->MdlFlags |= (SourceMdl->MdlFlags & MDL_PARTIAL_INHERITED) |
			       MDL_PARTIAL;
	TargetMdl->MappedSystemVa = NULL;
	if (SourceMdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))
		TargetMdl->MappedSystemVa = (char *)SourceMdl->MappedSystemVa + offset;
	memcpy(MmGetMdlPfnArray(TargetMdl), MmGetMdlPfnArray(SourceMdl) + first,
	       sizeof(PFN_NUMBER) * mdl_page_count(TargetMdl));
	dst_ext = mdl_ext_find(TargetMdl);
	if (dst_ext)
		dst_ext->part_writable =
			mdl_pages_writable(SourceMdl, mdl_ext_find(SourceMdl));
}
EXPORT_SYMBOL_GPL(IoBuildPartialMdl);
