// SPDX-License-Identifier: GPL-2.0
/*
 * Locking pages of another process and lists of pages:
 * MmProbeAndLockProcessPages, MmProbeAndLockSelectedPages and the process
 * helpers PsLookupProcessByProcessId and ObDereferenceObject.
 *
 * A PEPROCESS is a task_struct pointer (a thread group leader). Pages are
 * pinned with FOLL_LONGTERM into the MDL's PFN array, exactly as
 * MmProbeAndLockPages does, and released by its unpin path
 * (MDL_HOLD_PINNED), so MmUnlockPages, MmAdvanceMdl and IoFreeMdl treat
 * them alike. The lock holds a reference on the process until it is
 * released, so that the MDL's Process stays valid if the process exits.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>

#include "mdl_internal.h"

/**
 * PsLookupProcessByProcessId() - reference a process by its id
 * @ProcessId: the process id (a Linux tgid), cast to HANDLE
 * @Process: receives a referenced process; drop it with ObDereferenceObject
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS or STATUS_INVALID_CID.
 */
NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process)
{
	pid_t nr = (pid_t)(uintptr_t)ProcessId;
	struct task_struct *task;
	struct pid *pid;

	if (!Process)
		return STATUS_INVALID_PARAMETER;
	*Process = NULL;
	if ((uintptr_t)ProcessId > INT_MAX || nr <= 0)
		return STATUS_INVALID_CID;
	pid = find_get_pid(nr);
	if (!pid)
		return STATUS_INVALID_CID;
	task = get_pid_task(pid, PIDTYPE_TGID);
	put_pid(pid);
	if (!task)
		return STATUS_INVALID_CID;
	*Process = (PEPROCESS)task;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(PsLookupProcessByProcessId);

/**
 * ObDereferenceObject() - drop a process reference
 * @Object: a process from PsLookupProcessByProcessId
 *
 * Context: any.
 */
void ObDereferenceObject(PVOID Object)
{
	if (!Object) {
		mdl_refuse("NULL object");
		return;
	}
	put_task_struct((struct task_struct *)Object);
}
EXPORT_SYMBOL_GPL(ObDereferenceObject);

/* Pin @npages pages of @mm from @start into @pages; nothing stays on failure. */
static int mdl_pin_remote(struct mm_struct *mm, unsigned long start,
			  u32 npages, unsigned int gup, struct page **pages)
{
	u32 done = 0;
	long ret = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	while (done < npages) {
		ret = mdl_pin_user_pages_remote(mm, start + (unsigned long)done * PAGE_SIZE,
						npages - done, gup, pages + done);
		if (ret <= 0)
			break;
		done += ret;
	}
	mmap_read_unlock(mm);
	if (done == npages)
		return 0;
	unpin_user_pages(pages, done);
	return ret < 0 ? (int)ret : -EFAULT;
}

/* Turn the struct page pointers pinned into the PFN array into PFNs. */
static void mdl_pinned_to_pfns(PMDL mdl, u32 npages)
{
	mdl_pages_to_pfns((struct page **)MmGetMdlPfnArray(mdl),
			  MmGetMdlPfnArray(mdl), npages);
}

static bool mdl_user_range_ok(struct mm_struct *mm, unsigned long start,
			      unsigned long len)
{
	unsigned long end;

	return !check_add_overflow(start, len, &end) && end <= mm->task_size;
}

/**
 * MmTryProbeAndLockProcessPages() - lock pages of another process
 * @Mdl: an MDL not yet locked, describing an address of @Process
 * @Process: the process (from PsLookupProcessByProcessId or
 *           PsGetCurrentProcess)
 * @AccessMode: KernelMode or UserMode
 * @Operation: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * Context: may sleep.
 * Return: as MmTryProbeAndLockPages(); STATUS_INVALID_PARAMETER for a process
 * that has exited.
 */
NTSTATUS MmTryProbeAndLockProcessPages(PMDL Mdl, PEPROCESS Process,
				       KPROCESSOR_MODE AccessMode,
				       LOCK_OPERATION Operation)
{
	struct task_struct *task = (struct task_struct *)Process;
	unsigned int gup = FOLL_LONGTERM;
	struct mm_struct *mm;
	struct mdl_ext *ext;
	NTSTATUS status;
	ULONG npages;
	int err;

	if (!Process)
		return STATUS_INVALID_PARAMETER;
	if (Process == PsGetCurrentProcess() ||
	    (AccessMode == KernelMode && Mdl &&
	     !access_ok((void __user *)MmGetMdlVirtualAddress(Mdl), 1)))
		return MmTryProbeAndLockPages(Mdl, AccessMode, Operation);
	status = mdl_lock_check(Mdl, AccessMode, Operation, &ext);
	if (!NT_SUCCESS(status))
		return status;
	npages = mdl_page_count(Mdl);
	if (Operation != IoReadAccess)
		gup |= FOLL_WRITE;
	mm = get_task_mm(task);
	if (!mm) {
		status = STATUS_INVALID_PARAMETER;
		goto out;
	}
	if (!mdl_user_range_ok(mm, (unsigned long)Mdl->StartVa,
			       (unsigned long)npages << PAGE_SHIFT)) {
		status = STATUS_ACCESS_VIOLATION;
	} else {
		err = mdl_pin_remote(mm, (unsigned long)Mdl->StartVa, npages, gup,
				     (struct page **)MmGetMdlPfnArray(Mdl));
		status = mdl_errno_to_status(err);
	}
	mmput(mm);
	if (NT_SUCCESS(status)) {
		mdl_pinned_to_pfns(Mdl, npages);
		mdl_lock_done(ext, MDL_HOLD_PINNED, npages, Operation, Process);
	}
out:
	if (!NT_SUCCESS(status))
		mdl_ext_release_if_idle(ext);
	return status;
}
EXPORT_SYMBOL_GPL(MmTryProbeAndLockProcessPages);

/**
 * MmProbeAndLockProcessPages() - lock pages of another process (Windows form)
 * @Mdl: an MDL not yet locked
 * @Process: the process whose address space @Mdl describes
 * @AccessMode: KernelMode or UserMode
 * @Operation: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * As MmTryProbeAndLockProcessPages(); failure is logged once and leaves
 * MDL_PAGES_LOCKED clear.
 *
 * Context: may sleep.
 */
void MmProbeAndLockProcessPages(PMDL Mdl, PEPROCESS Process,
				KPROCESSOR_MODE AccessMode,
				LOCK_OPERATION Operation)
{
	NTSTATUS status = MmTryProbeAndLockProcessPages(Mdl, Process, AccessMode,
							Operation);

	if (!NT_SUCCESS(status))
		mdl_refuse("failed with status %#x; the MDL stays unlocked",
			   (u32)status);
}
EXPORT_SYMBOL_GPL(MmProbeAndLockProcessPages);

/*
 * Pin one page per segment of the current process, a run of consecutive
 * segments per call.
 */
static int mdl_pin_segments(PFILE_SEGMENT_ELEMENT seg, u32 npages,
			    unsigned int gup, struct page **pages)
{
	u32 done = 0, run;
	unsigned long start;
	int ret;

	while (done < npages) {
		start = (unsigned long)seg[done].Buffer;
		for (run = 1; done + run < npages &&
		     (unsigned long)seg[done + run].Buffer ==
		     start + ((unsigned long)run << PAGE_SHIFT); run++)
			;
		ret = pin_user_pages_fast(start, run, gup, pages + done);
		if (ret != run) {
			if (ret > 0)
				unpin_user_pages(pages + done, ret);
			unpin_user_pages(pages, done);
			return ret < 0 ? ret : -EFAULT;
		}
		done += run;
	}
	return 0;
}

/* Every segment a page-aligned user address of the current process. */
static bool mdl_segments_ok(PFILE_SEGMENT_ELEMENT seg, u32 npages)
{
	u32 i;

	for (i = 0; i < npages; i++) {
		if (seg[i].Alignment & (PAGE_SIZE - 1) ||
		    !access_ok((void __user *)seg[i].Buffer, PAGE_SIZE))
			return false;
	}
	return true;
}

/**
 * MmTryProbeAndLockSelectedPages() - lock a list of user pages
 * @Mdl: an MDL not yet locked, whose page count is the segment count
 * @SegmentArray: one page-aligned user address per page of @Mdl
 * @AccessMode: KernelMode or UserMode
 * @Operation: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * Context: may sleep.
 * Return: as MmTryProbeAndLockPages().
 */
NTSTATUS MmTryProbeAndLockSelectedPages(PMDL Mdl,
					PFILE_SEGMENT_ELEMENT SegmentArray,
					KPROCESSOR_MODE AccessMode,
					LOCK_OPERATION Operation)
{
	unsigned int gup = FOLL_LONGTERM;
	struct mdl_ext *ext;
	NTSTATUS status;
	ULONG npages;
	int err;

	if (!SegmentArray)
		return STATUS_INVALID_PARAMETER;
	status = mdl_lock_check(Mdl, AccessMode, Operation, &ext);
	if (!NT_SUCCESS(status))
		return status;
	npages = mdl_page_count(Mdl);
	if (Operation != IoReadAccess)
		gup |= FOLL_WRITE;
	if (!current->mm || !mdl_segments_ok(SegmentArray, npages)) {
		status = STATUS_ACCESS_VIOLATION;
	} else {
		err = mdl_pin_segments(SegmentArray, npages, gup,
				       (struct page **)MmGetMdlPfnArray(Mdl));
		status = mdl_errno_to_status(err);
	}
	if (NT_SUCCESS(status)) {
		mdl_pinned_to_pfns(Mdl, npages);
		mdl_lock_done(ext, MDL_HOLD_PINNED, npages, Operation,
			      PsGetCurrentProcess());
	} else {
		mdl_ext_release_if_idle(ext);
	}
	return status;
}
EXPORT_SYMBOL_GPL(MmTryProbeAndLockSelectedPages);

/**
 * MmProbeAndLockSelectedPages() - lock a list of user pages (Windows form)
 * @Mdl: an MDL not yet locked
 * @SegmentArray: one page-aligned user address per page of @Mdl
 * @AccessMode: KernelMode or UserMode
 * @Operation: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * As MmTryProbeAndLockSelectedPages(); failure is logged once and leaves
 * MDL_PAGES_LOCKED clear.
 *
 * Context: may sleep.
 */
void MmProbeAndLockSelectedPages(PMDL Mdl, PFILE_SEGMENT_ELEMENT SegmentArray,
				 KPROCESSOR_MODE AccessMode,
				 LOCK_OPERATION Operation)
{
	NTSTATUS status = MmTryProbeAndLockSelectedPages(Mdl, SegmentArray,
							 AccessMode, Operation);

	if (!NT_SUCCESS(status))
		mdl_refuse("failed with status %#x; the MDL stays unlocked",
			   (u32)status);
}
EXPORT_SYMBOL_GPL(MmProbeAndLockSelectedPages);
