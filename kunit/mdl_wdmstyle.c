// SPDX-License-Identifier: GPL-2.0
/*
 * Windows driver memory code compiled against wdm.h with W=1: SAL and
 * driver-verifier annotations, the old __in / __out family
 * (MDL_WDM_SAL_OUT), the Rtl memory routines, IRQL, IRPs, UNICODE_STRING
 * and MmGetSystemRoutineAddress, ProbeForRead and the user mapping in their
 * status forms, the Windows typedefs and macros. The suite mdl_rtl calls
 * these functions and checks what they did.
 *
 * Linux headers come first, among them those whose macros use names that
 * wdm.h defines (__in, __out), to show that they still compile.
 */
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/swait.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/wait_bit.h>

#define MDL_WDM_SAL_OUT
#include "mdl_wdmstyle.h"

C_ASSERT(sizeof(MDL) == 48);
C_ASSERT(ALIGN_UP_BY(5, 8) == 8 && ALIGN_DOWN_BY(15, 8) == 8);
C_ASSERT(sizeof(WCHAR) == 2 && sizeof(UINT_PTR) == sizeof(PVOID));
C_ASSERT((MDL_MAPPING_FLAGS & MDL_PAGES_LOCKED) != 0);

typedef struct _MDL *(*PFN_IO_ALLOCATE_MDL)(PVOID VirtualAddress, ULONG Length,
					    BOOLEAN SecondaryBuffer,
					    BOOLEAN ChargeQuota, PIRP Irp);

FORCEINLINE PFN_COUNT WsPageCount(__in PMDL Mdl)
{
	return ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(Mdl),
					      MmGetMdlByteCount(Mdl));
}

__checkReturn NTSTATUS WsCaptureUserBuffer(__in_bcount(Length) PVOID UserBuffer,
					   __in ULONG Length, __out PWS_CAPTURE Capture)
{
	NTSTATUS status;
	PMDL mdl;

	PAGED_CODE();
	RtlZeroMemory(Capture, sizeof(*Capture));
	status = TryProbeForRead(UserBuffer, Length, sizeof(UCHAR));
	if (!NT_SUCCESS(status))
		return status;
	mdl = IoAllocateMdl(UserBuffer, Length, FALSE, FALSE, NULL);
	if (!mdl)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = MmTryProbeAndLockPages(mdl, UserMode, IoModifyAccess);
	if (!NT_SUCCESS(status)) {
		IoFreeMdl(mdl);
		return status;
	}
	ASSERT(WsPageCount(mdl) >= 1);
	Capture->SystemVa = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority |
							  MdlMappingNoExecute);
	if (!Capture->SystemVa) {
		MmUnlockPages(mdl);
		IoFreeMdl(mdl);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	Capture->Mdl = mdl;
	Capture->Length = Length;
	return STATUS_SUCCESS;
}

NTSTATUS WsMapCaptureToUser(__inout PWS_CAPTURE Capture, __in KPROCESSOR_MODE Mode)
{
	PVOID va = NULL;
	NTSTATUS status;

	status = MmTryMapLockedPagesSpecifyCache(Capture->Mdl, Mode, MmCached,
						 NULL, NormalPagePriority, &va);
	if (NT_SUCCESS(status) && Mode == UserMode)
		Capture->UserVa = va;
	else if (NT_SUCCESS(status))
		MmUnmapLockedPages(va, Capture->Mdl);
	return status;
}

VOID WsReleaseCapture(__inout PWS_CAPTURE Capture)
{
	if (!Capture->Mdl)
		return;
	if (Capture->UserVa)
		MmUnmapLockedPages(Capture->UserVa, Capture->Mdl);
	MmUnlockPages(Capture->Mdl);
	IoFreeMdl(Capture->Mdl);
	RtlZeroMemory(Capture, sizeof(*Capture));
}

PVOID WsResolve(__in_z PCWSTR Name)
{
	UNICODE_STRING routineName;

	RtlInitUnicodeString(&routineName, Name);
	return MmGetSystemRoutineAddress(&routineName);
}

PIRP WsBuildIrp(__in_bcount(Length) PVOID Buffer, __in ULONG Length, __in ULONG Parts)
{
	PFN_IO_ALLOCATE_MDL allocateMdl;
	PUCHAR part = Buffer;
	ULONG partLength;
	PIRP irp;
	ULONG i;

	if (Parts == 0 || Length < Parts)
		return NULL;
	allocateMdl = (PFN_IO_ALLOCATE_MDL)WsResolve(L"IoAllocateMdl");
	if (!allocateMdl)
		return NULL;
	irp = IoAllocateIrp(1, FALSE);
	if (!irp)
		return NULL;
	partLength = Length / Parts;
	for (i = 0; i < Parts; i++) {
		if (!allocateMdl(part + (SIZE_T)i * partLength, partLength, i != 0,
				 FALSE, irp)) {
			WsFreeIrp(irp);
			return NULL;
		}
	}
	return irp;
}

ULONG WsIrpMdlCount(__in PIRP Irp)
{
	ULONG count = 0;
	PMDL mdl;

	for (mdl = Irp->MdlAddress; mdl; mdl = mdl->Next)
		count++;
	return count;
}

VOID WsFreeIrp(__in PIRP Irp)
{
	PMDL mdl, next;

	for (mdl = Irp->MdlAddress; mdl; mdl = next) {
		next = mdl->Next;
		IoFreeMdl(mdl);
	}
	Irp->MdlAddress = NULL;
	IoFreeIrp(Irp);
}

KIRQL WsCurrentIrql(VOID)
{
	KIRQL irql = KeGetCurrentIrql();
	PKIRQL where = &irql;

	ASSERT(*where <= HIGH_LEVEL);
	if (*where <= APC_LEVEL)
		ASSERT(ExGetPreviousMode() == KernelMode);
	return *where;
}

/*
 * Fill, copy, move and compare through the Rtl names; the result is the
 * number of checks that held (5 when all did), 0 for a short buffer.
 */
SIZE_T WsMemoryChecks(__out_bcount(Length) PUCHAR Scratch, __in SIZE_T Length)
{
	UCHAR pattern[8];
	SIZE_T half = Length / 2;
	SIZE_T passed = 0;
	UINT i;
	INT sum = 0;
	UINT_PTR end = (UINT_PTR)(Scratch + Length);
	PCSTR what = "rtl";
	WCHAR name[] = L"Rtl";
	PWSTR wide = name;
	PCWSTR cwide = name;

	UNREFERENCED_PARAMETER(what);
	if (Length < 2 * sizeof(pattern) || ALIGN_DOWN_POINTER_BY(end, 1) != (PVOID)end)
		return 0;
	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = (UCHAR)(0xa0 + i);
	RtlFillMemory(Scratch, Length, 0x5a);
	if (RtlCompareMemory(Scratch, Scratch + half, half) == half)
		passed++;
	RtlCopyMemory(Scratch, pattern, sizeof(pattern));
	if (RtlEqualMemory(Scratch, pattern, sizeof(pattern)))
		passed++;
	RtlMoveMemory(Scratch + 1, Scratch, sizeof(pattern));
	if (Scratch[1] == pattern[0] && Scratch[sizeof(pattern)] == pattern[7])
		passed++;
	RtlZeroMemory(Scratch, Length);
	for (i = 0; i < Length; i++)
		sum += Scratch[i];
	if (sum == 0)
		passed++;
	if (wide[0] == cwide[0] && cwide[3] == 0)
		passed++;
	return passed;
}
