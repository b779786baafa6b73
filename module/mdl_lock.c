// SPDX-License-Identifier: GPL-2.0
/*
 * Locking the pages of an MDL: MmProbeAndLockPages, MmUnlockPages and
 * MmBuildMdlForNonPagedPool.
 *
 * User pages are pinned with pin_user_pages_fast(FOLL_LONGTERM) straight
 * into the MDL's PFN array (a struct page pointer and a PFN_NUMBER have the
 * same size), then turned into PFNs in place: no allocation per page, and
 * the PFN array is the only per-page memory a lock costs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"

NTSTATUS mdl_errno_to_status(int err)
{
	switch (err) {
	case 0:
		return STATUS_SUCCESS;
	case -ENOMEM:
		return STATUS_INSUFFICIENT_RESOURCES;
	case -EINVAL:
		return STATUS_INVALID_PARAMETER;
	case -EPERM:
	case -EACCES:
		return STATUS_ACCESS_DENIED;
	default:
		return STATUS_ACCESS_VIOLATION;
	}
}

/* PFN of one page of kernel memory: direct map, vmalloc or module memory. */
bool mdl_kernel_pfn(const void *va, PFN_NUMBER *pfn)
{
	if (mdl_is_vmalloc_or_module(va)) {
		/* vmalloc_to_pfn() of an unmapped address is not 0: garbage. */
		struct page *page = vmalloc_to_page(va);

		if (!page)
			return false;
		*pfn = page_to_pfn(page);
		return true;
	}
	if (virt_addr_valid(va)) {
		*pfn = page_to_pfn(virt_to_page(va));
		return true;
	}
	return false;
}

/* Is @va kernel memory: direct map, vmalloc or module memory? */
bool mdl_is_kernel_address(const void *va)
{
	return mdl_is_vmalloc_or_module(va) || virt_addr_valid(va);
}

static NTSTATUS mdl_fill_kernel_pfns(PMDL mdl, u32 npages)
{
	PPFN_NUMBER pfns = MmGetMdlPfnArray(mdl);
	const char *va = mdl->StartVa;
	u32 i;

	for (i = 0; i < npages; i++, va += PAGE_SIZE)
		if (!mdl_kernel_pfn(va, &pfns[i]))
			return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

/*
 * Pages pinned per pin_user_pages_fast() call: each batch's PFNs are written
 * while its page pointers are still in the cache.
 */
#define MDL_PIN_BATCH	1024

/**
 * mdl_pin_user_pages() - pin user pages of the current mm into an MDL
 * @mdl: the MDL; its PFN array receives the PFNs
 * @npages: pages spanned by the MDL
 * @write: pin for writing (breaks copy-on-write, dirties on release)
 *
 * Return: 0 or a negative errno; nothing stays pinned on failure.
 */
static int mdl_pin_user_pages(PMDL mdl, u32 npages, bool write)
{
	struct page **pages = (struct page **)MmGetMdlPfnArray(mdl);
	PPFN_NUMBER pfns = MmGetMdlPfnArray(mdl);
	unsigned long start = (unsigned long)mdl->StartVa;
	unsigned int gup = FOLL_LONGTERM | (write ? FOLL_WRITE : 0);
	u32 done = 0, n;
	int ret;

	while (done < npages) {
		n = min_t(u32, npages - done, MDL_PIN_BATCH);
		ret = pin_user_pages_fast(start + (unsigned long)done * PAGE_SIZE,
					  n, gup, pages + done);
		if (ret <= 0) {
			mdl_unpin_user_pages(mdl, done, false);
			return ret ? ret : -EFAULT;
		}
		mdl_pages_to_pfns(pages + done, pfns + done, ret);
		done += ret;
	}
	return 0;
}

/*
 * End of the run of consecutive PFNs that starts at entry @i of @pfns
 * (@n entries): the first entry after @i that does not continue it. Past
 * the first entry (where scattered pages end their runs of one), eight
 * entries are compared at once, with one branch for the eight.
 */
u32 mdl_pfn_run_end(const PFN_NUMBER *pfns, u32 i, u32 n)
{
	PFN_NUMBER base = pfns[i] - i;	/* in the run, pfns[j] == base + j */
	const PFN_NUMBER *p;
	PFN_NUMBER e;
	u32 j = i + 1;

	if (j == n || pfns[j] != base + j)
		return j;
	for (j++; n - j >= 8; j += 8) {
		p = pfns + j;
		e = base + j;
		if ((p[0] ^ e) | (p[1] ^ (e + 1)) | (p[2] ^ (e + 2)) |
		    (p[3] ^ (e + 3)) | (p[4] ^ (e + 4)) | (p[5] ^ (e + 5)) |
		    (p[6] ^ (e + 6)) | (p[7] ^ (e + 7)))
			break;
	}
	while (j < n && pfns[j] == base + j)
		j++;
	return j;
}
EXPORT_SYMBOL_IF_KUNIT(mdl_pfn_run_end);

/*
 * Unpin by runs of physically contiguous PFNs: one call per run (a whole
 * huge page at a time), which walks folios and only reads the PFN array.
 */
void mdl_unpin_user_pages(PMDL mdl, u32 npages, bool dirty)
{
	PPFN_NUMBER pfns = MmGetMdlPfnArray(mdl);
	u32 i = 0, j;

	while (i < npages) {
		j = mdl_pfn_run_end(pfns, i, npages);
		unpin_user_page_range_dirty_lock(pfn_to_page(pfns[i]), j - i, dirty);
		i = j;
	}
}

/* Release what the state holds on the MDL's pages (not its mappings). */
void mdl_release_hold(struct mdl_ext *ext)
{
	PMDL mdl = ext->mdl;

	mdl_dma_cache_drop(ext);
	switch (ext->hold) {
	case MDL_HOLD_PINNED:
		mdl_unpin_user_pages(mdl, ext->nheld,
				     mdl->MdlFlags & MDL_WRITE_OPERATION);
		break;
	case MDL_HOLD_ALLOCATED:
		mdl_free_allocated(ext, false);
		break;
	default:
		break;
	}
	if (ext->process) {
		put_task_struct((struct task_struct *)ext->process);
		ext->process = NULL;
	}
	ext->hold = MDL_HOLD_NONE;
	ext->nheld = 0;
	mdl->MdlFlags &= ~(MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
}

/* The checks of mdl_lock_check(), @ext being @mdl's state or NULL. */
static NTSTATUS mdl_lock_check_state(PMDL mdl, struct mdl_ext *ext,
				     KPROCESSOR_MODE mode, LOCK_OPERATION op,
				     struct mdl_ext **extp)
{
	if (!mdl || (mode != KernelMode && mode != UserMode) ||
	    (op != IoReadAccess && op != IoWriteAccess && op != IoModifyAccess))
		return STATUS_INVALID_PARAMETER;
	if (mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL |
			     MDL_PARTIAL | MDL_IO_SPACE | MDL_MAPPED_TO_SYSTEM_VA))
		return STATUS_INVALID_PARAMETER;
	if (!mdl_range_ok(MmGetMdlVirtualAddress(mdl), mdl->ByteCount))
		return STATUS_INVALID_PARAMETER;
	if (ext && ext->hold != MDL_HOLD_NONE)
		return STATUS_INVALID_PARAMETER;
	if (!mdl_has_room(mdl, ext, mdl_page_count(mdl)))
		return STATUS_INVALID_PARAMETER;
	if (!ext)
		ext = mdl_ext_get(mdl);
	if (!ext)
		return STATUS_INSUFFICIENT_RESOURCES;
	*extp = ext;
	return STATUS_SUCCESS;
}

/* Common argument checks of the probe-and-lock family. */
NTSTATUS mdl_lock_check(PMDL mdl, KPROCESSOR_MODE mode, LOCK_OPERATION op,
			struct mdl_ext **extp)
{
	return mdl_lock_check_state(mdl, mdl ? mdl_ext_find(mdl) : NULL, mode,
				    op, extp);
}

/*
 * Record a successful lock of @npages pages held as @hold. The MDL's
 * Process (the process whose pages are pinned) keeps a reference until the
 * lock is released: the MDL may outlive the process (an MDL fd, a driver's
 * MmProbeAndLockProcessPages of a process that exits).
 */
void mdl_lock_done(struct mdl_ext *ext, enum mdl_hold hold, u32 npages,
		   LOCK_OPERATION op, PEPROCESS process)
{
	PMDL mdl = ext->mdl;

	if (process)
		get_task_struct((struct task_struct *)process);
	ext->process = process;
	ext->hold = hold;
	ext->nheld = npages;
	mdl->Process = process;
	mdl->MdlFlags |= MDL_PAGES_LOCKED;
	if (op != IoReadAccess)
		mdl->MdlFlags |= MDL_WRITE_OPERATION;
}

/* MmTryProbeAndLockPages() of @Mdl, whose state is @ext (or NULL: none). */
static NTSTATUS mdl_probe_and_lock(PMDL Mdl, struct mdl_ext *ext,
				   KPROCESSOR_MODE AccessMode,
				   LOCK_OPERATION Operation)
{
	NTSTATUS status;
	ULONG npages;
	int err;

	status = mdl_lock_check_state(Mdl, ext, AccessMode, Operation, &ext);
	if (!NT_SUCCESS(status))
		return status;
	npages = mdl_page_count(Mdl);

	if (AccessMode == KernelMode &&
	    mdl_is_kernel_address(MmGetMdlVirtualAddress(Mdl))) {
		status = mdl_fill_kernel_pfns(Mdl, npages);
		if (NT_SUCCESS(status))
			mdl_lock_done(ext, MDL_HOLD_KERNEL, npages, Operation, NULL);
	} else if (!current->mm) {
		status = STATUS_ACCESS_VIOLATION;
	} else {
		err = mdl_pin_user_pages(Mdl, npages, Operation != IoReadAccess);
		status = mdl_errno_to_status(err);
		if (!err)
			mdl_lock_done(ext, MDL_HOLD_PINNED, npages, Operation,
				      PsGetCurrentProcess());
	}
	if (!NT_SUCCESS(status))
		mdl_ext_release_if_idle(ext);
	return status;
}

/**
 * MmTryProbeAndLockPages() - lock an MDL's pages and fill its PFN array
 * @Mdl: an MDL not yet locked
 * @AccessMode: UserMode checks that the buffer is the current process's
 *              user memory; KernelMode also accepts kernel addresses
 *              (direct map, vmalloc and module memory)
 * @Operation: IoReadAccess, or IoWriteAccess / IoModifyAccess (the pages are
 *             made writable, copy-on-write broken, and marked dirty on unlock)
 *
 * User memory is pinned with pin_user_pages_fast(FOLL_LONGTERM): the pages
 * stay resident and in place until MmUnlockPages. This is MmProbeAndLockPages
 * without the structured exception: it returns the status Windows would raise.
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS; STATUS_ACCESS_VIOLATION for an address that is not
 * mapped with the requested access; STATUS_INVALID_PARAMETER for an MDL that
 * is already locked or built, too small for its range, or a bad argument;
 * STATUS_INSUFFICIENT_RESOURCES when memory is short. On failure the MDL is
 * unchanged and MDL_PAGES_LOCKED stays clear.
 */
NTSTATUS MmTryProbeAndLockPages(PMDL Mdl, KPROCESSOR_MODE AccessMode,
				LOCK_OPERATION Operation)
{
	return mdl_probe_and_lock(Mdl, Mdl ? mdl_ext_find(Mdl) : NULL,
				  AccessMode, Operation);
}
EXPORT_SYMBOL_GPL(MmTryProbeAndLockPages);

/**
 * mdl_lock_owned() - MmTryProbeAndLockPages() of an MDL mdl.ko allocated
 * @mdl: an MDL from mdl_alloc_owned() or mdl_alloc_private(), not yet locked
 * @mode: KernelMode or UserMode
 * @op: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * Its state is the one before the MDL: no look-up in the table.
 *
 * Context: may sleep.
 * Return: as MmTryProbeAndLockPages().
 */
NTSTATUS mdl_lock_owned(PMDL mdl, KPROCESSOR_MODE mode, LOCK_OPERATION op)
{
	return mdl_probe_and_lock(mdl, mdl_owned_ext(mdl), mode, op);
}
EXPORT_SYMBOL_IF_KUNIT(mdl_lock_owned);

/**
 * MmProbeAndLockPages() - lock an MDL's pages (Windows form)
 * @Mdl: an MDL not yet locked
 * @AccessMode: KernelMode or UserMode
 * @Operation: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * As MmTryProbeAndLockPages(). Windows raises an exception on failure; here
 * the failure is logged once and the MDL stays unlocked: test
 * (Mdl->MdlFlags & MDL_PAGES_LOCKED) afterwards, or call the Try form where
 * the Windows code had __try / __except.
 *
 * Context: may sleep.
 */
void MmProbeAndLockPages(PMDL Mdl, KPROCESSOR_MODE AccessMode,
			 LOCK_OPERATION Operation)
{
	NTSTATUS status = MmTryProbeAndLockPages(Mdl, AccessMode, Operation);

	if (!NT_SUCCESS(status))
		mdl_refuse("failed with status %#x; the MDL stays unlocked",
			   (u32)status);
}
EXPORT_SYMBOL_GPL(MmProbeAndLockPages);

/**
 * MmUnlockPages() - unlock the pages of a locked MDL
 * @Mdl: an MDL locked by one of the MmProbeAndLock routines
 *
 * Releases a system mapping made on the MDL (MmGetSystemAddressForMdlSafe),
 * unpins the pages, and marks them dirty when the lock was for writing.
 * An MDL that is not locked is refused (logged once, nothing changes).
 *
 * Context: may sleep.
 */
void MmUnlockPages(PMDL Mdl)
{
	struct mdl_ext *ext = Mdl ? mdl_ext_find(Mdl) : NULL;

	if (!ext || !(Mdl->MdlFlags & MDL_PAGES_LOCKED) ||
	    (ext->hold != MDL_HOLD_PINNED && ext->hold != MDL_HOLD_KERNEL)) {
		mdl_refuse("MDL %p is not locked by MmProbeAndLockPages", Mdl);
		return;
	}
	mdl_unlock(ext);
}
EXPORT_SYMBOL_GPL(MmUnlockPages);

/**
 * mdl_unlock() - MmUnlockPages() of an MDL whose state the caller has
 * @ext: the state of an MDL locked by one of the MmProbeAndLock routines
 *
 * Context: may sleep.
 */
void mdl_unlock(struct mdl_ext *ext)
{
	mdl_unmap_system(ext);
	mdl_release_hold(ext);
	mdl_ext_release_if_idle(ext);
}
EXPORT_SYMBOL_IF_KUNIT(mdl_unlock);

/**
 * MmTryBuildMdlForNonPagedPool() - describe non-paged kernel memory
 * @Mdl: an MDL over kmalloc, page allocator, vmalloc or module memory
 *
 * Fills the PFN array, sets MDL_SOURCE_IS_NONPAGED_POOL and MappedSystemVa
 * (StartVa + ByteOffset). Such an MDL is never locked, unlocked, or unmapped.
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a stack buffer, a
 * user address, an address that is not mapped, an MDL too small, or one
 * already locked or built. On failure the MDL is unchanged.
 */
NTSTATUS MmTryBuildMdlForNonPagedPool(PMDL Mdl)
{
	const void *va;
	ULONG npages;
	NTSTATUS status;

	if (!Mdl || (Mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL |
				      MDL_PARTIAL | MDL_IO_SPACE |
				      MDL_MAPPED_TO_SYSTEM_VA)))
		return STATUS_INVALID_PARAMETER;
	va = MmGetMdlVirtualAddress(Mdl);
	if (!mdl_range_ok(va, Mdl->ByteCount) || !mdl_is_kernel_address(va) ||
	    object_is_on_stack(va))
		return STATUS_INVALID_PARAMETER;
	npages = mdl_page_count(Mdl);
	if (!mdl_has_room(Mdl, mdl_ext_find(Mdl), npages))
		return STATUS_INVALID_PARAMETER;
	status = mdl_fill_kernel_pfns(Mdl, npages);
	if (!NT_SUCCESS(status))
		return STATUS_INVALID_PARAMETER;
	Mdl->Process = NULL;
	Mdl->MappedSystemVa = (PVOID)va;
	Mdl->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(MmTryBuildMdlForNonPagedPool);

/**
 * MmBuildMdlForNonPagedPool() - describe non-paged kernel memory (Windows form)
 * @Mdl: an MDL over non-paged kernel memory
 *
 * As MmTryBuildMdlForNonPagedPool(); failure is logged once and leaves
 * MDL_SOURCE_IS_NONPAGED_POOL clear.
 *
 * Context: any; atomic context allowed.
 */
void MmBuildMdlForNonPagedPool(PMDL Mdl)
{
	if (!NT_SUCCESS(MmTryBuildMdlForNonPagedPool(Mdl)))
		mdl_refuse("MDL %p does not describe non-paged kernel memory", Mdl);
}
EXPORT_SYMBOL_GPL(MmBuildMdlForNonPagedPool);

/**
 * PsGetCurrentProcess() - the current process
 *
 * No reference is taken, as on Windows.
 *
 * Context: process context.
 * Return: the current process.
 */
PEPROCESS PsGetCurrentProcess(void)
{
	return (PEPROCESS)current->group_leader;
}
EXPORT_SYMBOL_GPL(PsGetCurrentProcess);
