// SPDX-License-Identifier: GPL-2.0
/*
 * Pool memory: ExAllocatePool, ExAllocatePoolWithTag, ExAllocatePool2,
 * ExFreePool and ExFreePoolWithTag.
 *
 * Linux kernel memory is never paged out, so every pool is non-paged.
 * Requests below PAGE_SIZE come from kmalloc; PAGE_SIZE and above from
 * vmalloc, page-aligned and page-backed, so that such a buffer can be
 * described by MmBuildMdlForNonPagedPool and mapped into a process (slab
 * pages never are: they hold other objects). ExFreePool also frees the MDLs
 * of MmAllocatePagesForMdl* and MmAllocateMdlForIoSpace, as the WDK asks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"

#define POOL_FLAGS_KNOWN	(POOL_FLAG_UNINITIALIZED | POOL_FLAG_CACHE_ALIGNED | \
				 POOL_FLAG_RAISE_ON_FAILURE | POOL_FLAG_NON_PAGED | \
				 POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)

static void *mdl_pool_alloc(SIZE_T size, bool zero, bool cache_aligned)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | (zero ? __GFP_ZERO : 0);

	if (!size)
		return NULL;
	if (size < PAGE_SIZE) {
		/* kmalloc aligns power-of-two sizes naturally. */
		if (cache_aligned)
			size = roundup_pow_of_two(max_t(SIZE_T, size, L1_CACHE_BYTES));
		return kmalloc(size, gfp);
	}
	return __vmalloc(size, gfp);
}

static bool mdl_pool_type_ok(POOL_TYPE type, bool *cache_aligned)
{
	switch ((int)type) {
	case NonPagedPool:
	case PagedPool:
	case NonPagedPoolMustSucceed:
	case NonPagedPoolNx:
		*cache_aligned = false;
		return true;
	case NonPagedPoolCacheAligned:
	case PagedPoolCacheAligned:
		*cache_aligned = true;
		return true;
	default:
		return false;
	}
}

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
	bool aligned;

	if (!mdl_pool_type_ok(PoolType, &aligned)) {
		mdl_refuse("pool type %d is not supported", PoolType);
		return NULL;
	}
	return mdl_pool_alloc(NumberOfBytes, false, aligned);
}
EXPORT_SYMBOL_GPL(ExAllocatePoolWithTag);

PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
	return ExAllocatePoolWithTag(PoolType, NumberOfBytes, 0);
}
EXPORT_SYMBOL_GPL(ExAllocatePool);

PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
	POOL_FLAGS kind = Flags & (POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED |
				   POOL_FLAG_NON_PAGED_EXECUTE);
	PVOID p;

	if ((Flags & ~POOL_FLAGS_KNOWN) || !Tag ||
	    (kind != POOL_FLAG_NON_PAGED && kind != POOL_FLAG_PAGED)) {
		mdl_refuse("flags %#llx (executable pool is not offered) or tag %#x refused",
			   (unsigned long long)Flags, Tag);
		return NULL;
	}
	p = mdl_pool_alloc(NumberOfBytes, !(Flags & POOL_FLAG_UNINITIALIZED),
			   Flags & POOL_FLAG_CACHE_ALIGNED);
	if (!p && (Flags & POOL_FLAG_RAISE_ON_FAILURE))
		mdl_refuse("allocation of %zu bytes failed: NULL returned, nothing raised",
			   NumberOfBytes);
	return p;
}
EXPORT_SYMBOL_GPL(ExAllocatePool2);

void ExFreePool(PVOID P)
{
	struct mdl_ext *ext;

	if (!P)
		return;
	ext = mdl_ext_find(P);
	if (ext && ext->owned) {
		/* An MDL of MmAllocatePagesForMdl* or MmAllocateMdlForIoSpace. */
		IoFreeMdl(P);
		return;
	}
	/* Pool memory that holds a caller-built MDL: forget its state too. */
	if (ext) {
		mdl_release_all(ext);
		mdl_ext_release_if_idle(ext);
	}
	kvfree(P);
}
EXPORT_SYMBOL_GPL(ExFreePool);

void ExFreePoolWithTag(PVOID P, ULONG Tag)
{
	ExFreePool(P);
}
EXPORT_SYMBOL_GPL(ExFreePoolWithTag);
