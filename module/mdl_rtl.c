// SPDX-License-Identifier: GPL-2.0
/*
 * The names a Windows driver's memory code uses beside the MDL routines:
 * KeGetCurrentIrql, ExGetPreviousMode, RtlCompareMemory,
 * RtlInitUnicodeString, MmGetSystemRoutineAddress, IoAllocateIrp /
 * IoFreeIrp and ProbeForRead / ProbeForWrite with their status forms.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "mdl_internal.h"

/* The object type of an IRP in its Type field. */
#define MDL_IO_TYPE_IRP		6

/* A UNICODE_STRING holds at most this many bytes (65534), null included. */
#define MDL_UNICODE_MAX_BYTES	((USHORT)(MAXUSHORT - 1))

/**
 * KeGetCurrentIrql() - the IRQL that matches the caller's context
 *
 * From the real preemption and interrupt state: HIGH_LEVEL in hard
 * interrupt or NMI context or with local interrupts disabled (a Linux
 * interrupt handler runs with interrupts off, as code above DISPATCH_LEVEL
 * runs with them masked); DISPATCH_LEVEL in softirq context (where DPCs'
 * work runs), with preemption disabled or a spinlock held (as
 * KeAcquireSpinLock raises to DISPATCH_LEVEL); PASSIVE_LEVEL where the
 * caller may sleep. APC_LEVEL is never returned. A spinlock is seen only
 * on kernels that count preemption (CONFIG_PREEMPT_COUNT: Debian's, and
 * every kernel with lockdep or CONFIG_DEBUG_ATOMIC_SLEEP).
 *
 * Context: any.
 * Return: PASSIVE_LEVEL, DISPATCH_LEVEL or HIGH_LEVEL.
 */
KIRQL KeGetCurrentIrql(void)
{
	if (in_nmi() || in_hardirq() || irqs_disabled())
		return HIGH_LEVEL;
	if (preempt_count() || rcu_preempt_depth())
		return DISPATCH_LEVEL;
	return PASSIVE_LEVEL;
}
EXPORT_SYMBOL_GPL(KeGetCurrentIrql);

/**
 * ExGetPreviousMode() - the mode the current request came from
 *
 * Context: any.
 * Return: UserMode in a system call of a user process (the process's
 * addresses are user addresses to probe), KernelMode in kernel threads and
 * interrupt context.
 */
KPROCESSOR_MODE ExGetPreviousMode(void)
{
	if (!in_task() || (current->flags & PF_KTHREAD) || !current->mm)
		return KernelMode;
	return UserMode;
}
EXPORT_SYMBOL_GPL(ExGetPreviousMode);

/**
 * RtlCompareMemory() - count the bytes at which two buffers match
 * @Source1: first buffer
 * @Source2: second buffer
 * @Length: bytes to compare
 *
 * Context: any; atomic context allowed.
 * Return: the number of leading bytes that are equal (@Length when the
 * buffers are equal), as the WDK's; not a memcmp() ordering.
 */
SIZE_T RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
	const UCHAR *a = Source1, *b = Source2;
	SIZE_T i;

	for (i = 0; i < Length && a[i] == b[i]; i++)
		;
	return i;
}
EXPORT_SYMBOL_GPL(RtlCompareMemory);

/**
 * RtlInitUnicodeString() - describe a null-terminated UTF-16 string
 * @DestinationString: the string to initialise
 * @SourceString: a null-terminated string (for example L"MmMapIoSpace"),
 *                or NULL
 *
 * Buffer points at @SourceString (nothing is copied); Length is its length
 * in bytes and MaximumLength two more, both limited to what a USHORT holds
 * (a longer string is described truncated, as by the WDK). NULL gives an
 * empty string with a NULL Buffer.
 *
 * Context: any; atomic context allowed.
 */
void RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
	const SIZE_T max = (MDL_UNICODE_MAX_BYTES - sizeof(WCHAR)) / sizeof(WCHAR);
	SIZE_T n = 0;

	DestinationString->Buffer = (PWCH)SourceString;
	if (!SourceString) {
		DestinationString->Length = 0;
		DestinationString->MaximumLength = 0;
		return;
	}
	while (n < max && SourceString[n])
		n++;
	DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
	DestinationString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
}
EXPORT_SYMBOL_GPL(RtlInitUnicodeString);

/* ------------------------------------------------------------------ */
/* MmGetSystemRoutineAddress                                          */
/* ------------------------------------------------------------------ */

struct mdl_routine {
	const char *name;
	void *address;
};

#define MDL_ROUTINE(fn)	{ #fn, (PVOID)fn },

static const struct mdl_routine mdl_routines[] = {
#include "mdl_routines.h"
};

#undef MDL_ROUTINE

/* Does the counted string @s (@n characters) spell the ASCII @name? */
static bool mdl_name_is(const WCHAR *s, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!name[i] || s[i] != (u8)name[i])
			return false;
	return !name[n];
}

/**
 * MmGetSystemRoutineAddress() - the address of an mdl.ko routine by name
 * @SystemRoutineName: the routine's name, for example L"MmMapLockedPagesSpecifyCache"
 *
 * Looks the name up in a table of the WDK routines mdl.ko exports (not in
 * the kernel's symbol table: Linux functions are not system routines).
 * The match is exact and case-sensitive; names whose characters are not
 * ASCII match nothing.
 *
 * Context: any; atomic context allowed.
 * Return: the routine's address, or NULL for an unknown name (a driver
 * probing for a newer routine falls back, as on an older Windows).
 */
PVOID MmGetSystemRoutineAddress(PUNICODE_STRING SystemRoutineName)
{
	SIZE_T n, i;

	if (!SystemRoutineName || !SystemRoutineName->Buffer)
		return NULL;
	n = SystemRoutineName->Length / sizeof(WCHAR);
	for (i = 0; i < ARRAY_SIZE(mdl_routines); i++)
		if (mdl_name_is(SystemRoutineName->Buffer, n, mdl_routines[i].name))
			return mdl_routines[i].address;
	return NULL;
}
EXPORT_SYMBOL_GPL(MmGetSystemRoutineAddress);

/* ------------------------------------------------------------------ */
/* IRPs                                                               */
/* ------------------------------------------------------------------ */

/*
 * An IRP of IoAllocateIrp, on the list of live IRPs (so that IoFreeIrp
 * refuses other pointers and unload frees what drivers left).
 */
struct mdl_irp {
	struct list_head node;
	IRP irp;
};

/**
 * IoAllocateIrp() - allocate the IRP that carries an MDL chain
 * @StackSize: number of stack locations, 1 or more (this IRP has none: the
 *             value is only checked)
 * @ChargeQuota: ignored
 *
 * The IRP is zeroed but for Type (6, an IRP), Size and RequestorMode
 * (KernelMode). IoAllocateMdl with this IRP sets or extends MdlAddress.
 * Only the fields of struct _IRP exist: there is no I/O manager to send it
 * to.
 *
 * Context: may sleep.
 * Return: the IRP, or NULL when memory is short or @StackSize is below 1.
 */
PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
	struct mdl_irp *mi;

	if (StackSize < 1)
		return NULL;
	mi = kzalloc(sizeof(*mi), GFP_KERNEL);
	if (!mi)
		return NULL;
	mi->irp.Type = MDL_IO_TYPE_IRP;
	mi->irp.Size = sizeof(IRP);
	mi->irp.RequestorMode = KernelMode;
	mdl_reg_add(MDL_KIND_IRP, &mi->node);
	return &mi->irp;
}
EXPORT_SYMBOL_GPL(IoAllocateIrp);

/**
 * IoFreeIrp() - free an IRP from IoAllocateIrp
 * @Irp: the IRP
 *
 * The MDLs on Irp->MdlAddress are not freed: free them with IoFreeMdl
 * first, as on Windows. A pointer IoAllocateIrp did not return is refused
 * (logged once, nothing freed).
 *
 * Context: may sleep.
 */
void IoFreeIrp(PIRP Irp)
{
	struct mdl_irp *mi, *found = NULL;

	scoped_guard(mutex, &mdl_reg_lock) {
		mdl_reg_for_each(mi, MDL_KIND_IRP, node) {
			if (&mi->irp == Irp) {
				found = mi;
				list_del(&mi->node);
				break;
			}
		}
	}
	if (!found) {
		mdl_refuse("%p is not an IRP of IoAllocateIrp: not freed", Irp);
		return;
	}
	kfree(found);
}
EXPORT_SYMBOL_GPL(IoFreeIrp);

/* Free an IRP a driver left at unload (its MDLs are not touched). */
void mdl_irp_release(struct list_head *node)
{
	kfree(list_entry(node, struct mdl_irp, node));
}

/* ------------------------------------------------------------------ */
/* ProbeForRead / ProbeForWrite                                       */
/* ------------------------------------------------------------------ */

static NTSTATUS mdl_probe_range(const VOID *Address, size_t Length,
				u32 Alignment)
{
	unsigned long va = (unsigned long)Address;

	if (Alignment != 1 && Alignment != 2 && Alignment != 4 &&
	    Alignment != 8 && Alignment != 16)
		return STATUS_DATATYPE_MISALIGNMENT;
	if (va & (Alignment - 1))
		return STATUS_DATATYPE_MISALIGNMENT;
	/*
	 * access_ok() alone lets kernel memory through where kernel and user
	 * address spaces overlap (User-Mode Linux).
	 */
	if (!access_ok((const void __user *)va, Length) ||
	    mdl_is_kernel_address((const void *)va) ||
	    mdl_is_kernel_address((const void *)(va + Length - 1)))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

/**
 * TryProbeForRead() - is a buffer user memory, suitably aligned
 * @Address: start of the buffer
 * @Length: its length in bytes; 0 checks nothing
 * @Alignment: 1, 2, 4, 8 or 16: the alignment @Address must have
 *
 * The status form of ProbeForRead. As on Windows, the range is checked, not
 * read: copy_from_user() or a lock (MmTryProbeAndLockPages) still decides
 * whether the memory is readable.
 *
 * Context: any.
 * Return: STATUS_SUCCESS; STATUS_DATATYPE_MISALIGNMENT when @Address is not
 * aligned or @Alignment is not one of the values above;
 * STATUS_ACCESS_VIOLATION when the range wraps or is not all in the user
 * part of the address space.
 */
NTSTATUS TryProbeForRead(const VOID *Address, SIZE_T Length,
			 ULONG Alignment)
{
	if (!Length)
		return STATUS_SUCCESS;
	return mdl_probe_range(Address, Length, Alignment);
}
EXPORT_SYMBOL_GPL(TryProbeForRead);

/**
 * TryProbeForWrite() - is a buffer writable user memory, suitably aligned
 * @Address: start of the buffer
 * @Length: its length in bytes; 0 checks nothing
 * @Alignment: 1, 2, 4, 8 or 16: the alignment @Address must have
 *
 * The status form of ProbeForWrite. As TryProbeForRead(), and every page
 * of the range must be mapped writable in the current process: the pages
 * are faulted in for writing (fault_in_safe_writeable(): copy-on-write is
 * broken, no byte changes), where Windows writes each page back.
 *
 * Context: may sleep.
 * Return: as TryProbeForRead(); STATUS_ACCESS_VIOLATION also for a page
 * that is not mapped writable, or when there is no process.
 */
NTSTATUS TryProbeForWrite(PVOID Address, SIZE_T Length,
			  ULONG Alignment)
{
	NTSTATUS status;

	if (!Length)
		return STATUS_SUCCESS;
	status = mdl_probe_range(Address, Length, Alignment);
	if (!NT_SUCCESS(status))
		return status;
	if (!current->mm ||
	    fault_in_safe_writeable((const char __user *)(ULONG_PTR)Address, Length))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_GPL(TryProbeForWrite);

/**
 * ProbeForRead() - check a user buffer (Windows form)
 * @Address: start of the buffer
 * @Length: its length in bytes
 * @Alignment: the alignment @Address must have
 *
 * As TryProbeForRead(). Windows raises on failure; here the failure is
 * logged once and the call returns: call the Try form where the Windows
 * code had __try / __except, and keep using copy_from_user(), which fails
 * cleanly on a bad buffer.
 *
 * Context: any.
 */
void ProbeForRead(const VOID *Address, SIZE_T Length, ULONG Alignment)
{
	NTSTATUS status = TryProbeForRead(Address, Length, Alignment);

	if (!NT_SUCCESS(status))
		mdl_refuse("buffer %p+%zu failed with status %#x (Windows raises)",
			   Address, Length, (u32)status);
}
EXPORT_SYMBOL_GPL(ProbeForRead);

/**
 * ProbeForWrite() - check a writable user buffer (Windows form)
 * @Address: start of the buffer
 * @Length: its length in bytes
 * @Alignment: the alignment @Address must have
 *
 * As TryProbeForWrite(); a failure is logged once and the call returns.
 *
 * Context: may sleep.
 */
void ProbeForWrite(PVOID Address, SIZE_T Length, ULONG Alignment)
{
	NTSTATUS status = TryProbeForWrite(Address, Length, Alignment);

	if (!NT_SUCCESS(status))
		mdl_refuse("buffer %p+%zu failed with status %#x (Windows raises)",
			   Address, Length, (u32)status);
}
EXPORT_SYMBOL_GPL(ProbeForWrite);
