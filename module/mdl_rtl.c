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

KIRQL KeGetCurrentIrql(void)
{
	if (in_nmi() || in_hardirq() || irqs_disabled())
		return HIGH_LEVEL;
	if (preempt_count() || rcu_preempt_depth())
		return DISPATCH_LEVEL;
	return PASSIVE_LEVEL;
}
EXPORT_SYMBOL_GPL(KeGetCurrentIrql);

KPROCESSOR_MODE ExGetPreviousMode(void)
{
	if (!in_task() || (current->flags & PF_KTHREAD) || !current->mm)
		return KernelMode;
	return UserMode;
}
EXPORT_SYMBOL_GPL(ExGetPreviousMode);

SIZE_T RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
	const UCHAR *a = Source1, *b = Source2;
	SIZE_T i;

	for (i = 0; i < Length && a[i] == b[i]; i++)
		;
	return i;
}
EXPORT_SYMBOL_GPL(RtlCompareMemory);

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

NTSTATUS TryProbeForRead(const VOID *Address, SIZE_T Length,
			 ULONG Alignment)
{
	if (!Length)
		return STATUS_SUCCESS;
	return mdl_probe_range(Address, Length, Alignment);
}
EXPORT_SYMBOL_GPL(TryProbeForRead);

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

void ProbeForRead(const VOID *Address, SIZE_T Length, ULONG Alignment)
{
	NTSTATUS status = TryProbeForRead(Address, Length, Alignment);

	if (!NT_SUCCESS(status))
		mdl_refuse("buffer %p+%zu failed with status %#x (Windows raises)",
			   Address, Length, (u32)status);
}
EXPORT_SYMBOL_GPL(ProbeForRead);

void ProbeForWrite(PVOID Address, SIZE_T Length, ULONG Alignment)
{
	NTSTATUS status = TryProbeForWrite(Address, Length, Alignment);

	if (!NT_SUCCESS(status))
		mdl_refuse("buffer %p+%zu failed with status %#x (Windows raises)",
			   Address, Length, (u32)status);
}
EXPORT_SYMBOL_GPL(ProbeForWrite);
