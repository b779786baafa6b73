// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_share: sharing memory between a driver and a process, written as a
 * Windows driver (seed 001).
 *
 *  - Kernel to user: ExAllocatePool(NonPagedPool) + IoAllocateMdl +
 *    MmBuildMdlForNonPagedPool + MmMapLockedPagesSpecifyCache(UserMode)
 *    returned to the calling process (IOCTL_SHARE_MAP / _UNMAP / _SUM).
 *  - User to kernel: IoAllocateMdl + MmProbeAndLockPages +
 *    MmMapLockedPagesSpecifyCache(KernelMode) of a buffer the process
 *    names (IOCTL_SHARE_LOCK_USER), or of another process
 *    (PsLookupProcessByProcessId + MmProbeAndLockProcessPages,
 *    IOCTL_SHARE_LOCK_PROCESS).
 *  - Device memory: MmMapIoSpace, and MmAllocateMdlForIoSpace mapped in
 *    system space and in the process (IOCTL_SHARE_IO_SPACE / _IO_UNMAP).
 *  - Fresh pages: MmAllocatePagesForMdlEx mapped into the process
 *    (IOCTL_SHARE_ALLOC_PAGES / _FREE_PAGES).
 *  - System-space checks (IOCTL_SHARE_SYSTEM_CHECKS): reserved mappings,
 *    MmProtectMdlSystemAddress, contiguous and non-cached memory.
 *
 * Windows raises an exception when MmProbeAndLockPages fails; this port has
 * no SEH, so the driver checks MDL_PAGES_LOCKED where it had __try/__except.
 * Nothing here is Linux-specific: the Linux glue is glue.c.
 */
#include <wdm.h>
#include "wdk_io.h"
#include "wdk_ioctl.h"

#define SHARE_TAG	0x72685357	/* 'rhSW' */

typedef struct _SHARE_EXTENSION {
	PUCHAR SharedSys;	/* pShareMm_sys */
	PMDL SharedMdl;		/* pShareMm_mdl */
	PMDL IoMdl;		/* MmAllocateMdlForIoSpace */
	PVOID IoUser;		/* its user mapping */
	PMDL PagesMdl;		/* MmAllocatePagesForMdlEx */
	PVOID PagesUser;	/* its user mapping */
	ULONG Generation;
} SHARE_EXTENSION, *PSHARE_EXTENSION;

static NTSTATUS ShareComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
	Irp->IoStatus.Status = Status;
	Irp->IoStatus.Information = Information;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	return Status;
}

/* Kernel to user: map the non-paged buffer into the calling process. */
static NTSTATUS ShareMap(PSHARE_EXTENSION Ext, struct share_map *Out)
{
	PVOID pShareMm_user;
	PULONG words = (PULONG)Ext->SharedSys;

	words[0] = SHARE_MAGIC;
	words[1] = ++Ext->Generation;
	pShareMm_user = MmMapLockedPagesSpecifyCache(Ext->SharedMdl, UserMode,
						     MmCached, NULL, FALSE,
						     NormalPagePriority);
	if (!pShareMm_user)
		return STATUS_INSUFFICIENT_RESOURCES;
	KdPrint(("wdm_share: pShareMm_sys %p is pShareMm_user %p in the process\n",
		 Ext->SharedSys, pShareMm_user));
	Out->user_address = (ULONG_PTR)pShareMm_user;
	Out->size = SHARE_SIZE;
	Out->magic = words[0];
	return STATUS_SUCCESS;
}

static ULONG64 ShareSum(PUCHAR Buffer, ULONG Length)
{
	ULONG64 sum = 0;
	ULONG i;

	for (i = 0; i < Length; i++)
		sum += Buffer[i];
	return sum;
}

/* Lock a locked-or-not MDL's buffer into system space and sum it. */
static NTSTATUS ShareSumMdl(PMDL Mdl, BOOLEAN Write, PULONG64 Sum)
{
	PUCHAR pMappedAddr;
	ULONG i, length = MmGetMdlByteCount(Mdl);

	pMappedAddr = MmMapLockedPagesSpecifyCache(Mdl, KernelMode, MmCached, NULL,
						   FALSE, NormalPagePriority);
	if (!pMappedAddr)
		return STATUS_INSUFFICIENT_RESOURCES;
	*Sum = ShareSum(pMappedAddr, length);
	if (Write)
		for (i = 0; i < length; i++)
			pMappedAddr[i] = (UCHAR)~pMappedAddr[i];
	MmUnmapLockedPages(pMappedAddr, Mdl);
	return STATUS_SUCCESS;
}

/* User to kernel: lock a buffer of this (or another) process, read it. */
static NTSTATUS ShareLock(struct share_lock *In, BOOLEAN OtherProcess,
			  PULONG64 Sum)
{
	PEPROCESS process = NULL;
	NTSTATUS status;
	PMDL pMdl;

	pMdl = IoAllocateMdl((PVOID)(ULONG_PTR)In->address, In->length, FALSE,
			     FALSE, NULL);
	if (!pMdl)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (OtherProcess) {
		status = PsLookupProcessByProcessId((HANDLE)(ULONG_PTR)In->pid,
						    &process);
		if (!NT_SUCCESS(status)) {
			IoFreeMdl(pMdl);
			return status;
		}
		MmProbeAndLockProcessPages(pMdl, process, UserMode,
					   In->write ? IoModifyAccess : IoReadAccess);
	} else {
		MmProbeAndLockPages(pMdl, UserMode,
				    In->write ? IoModifyAccess : IoReadAccess);
	}
	/* Where Windows code had __except: the MDL stays unlocked. */
	if (!(pMdl->MdlFlags & MDL_PAGES_LOCKED)) {
		status = STATUS_ACCESS_VIOLATION;
	} else {
		status = ShareSumMdl(pMdl, (BOOLEAN)!!In->write, Sum);
		MmUnlockPages(pMdl);
	}
	IoFreeMdl(pMdl);
	if (process)
		ObDereferenceObject(process);
	return status;
}

/* Device memory: three mappings of the same registers. */
static NTSTATUS ShareIoSpace(PSHARE_EXTENSION Ext, ULONG64 Pa, struct share_io *Out)
{
	MM_PHYSICAL_ADDRESS_LIST range;
	PHYSICAL_ADDRESS physicalAddress;
	PVOID regs, mdlRegs;
	NTSTATUS status;

	if (Ext->IoMdl)
		return STATUS_INVALID_DEVICE_REQUEST;
	physicalAddress.QuadPart = (LONGLONG)Pa;
	regs = MmMapIoSpace(physicalAddress, PAGE_SIZE, MmNonCached);
	if (!regs)
		return STATUS_INSUFFICIENT_RESOURCES;
	Out->map_io_space = READ_REGISTER_ULONG64(regs);
	MmUnmapIoSpace(regs, PAGE_SIZE);

	range.PhysicalAddress = physicalAddress;
	range.NumberOfBytes = PAGE_SIZE;
	status = MmAllocateMdlForIoSpace(&range, 1, &Ext->IoMdl);
	if (!NT_SUCCESS(status))
		return status;
	mdlRegs = MmMapLockedPagesSpecifyCache(Ext->IoMdl, KernelMode, MmNonCached,
					       NULL, FALSE, NormalPagePriority);
	Ext->IoUser = MmMapLockedPagesSpecifyCache(Ext->IoMdl, UserMode, MmNonCached,
						   NULL, FALSE,
						   NormalPagePriority |
						   MdlMappingNoWrite);
	if (mdlRegs) {
		Out->mdl_kernel = READ_REGISTER_ULONG64(mdlRegs);
		MmUnmapLockedPages(mdlRegs, Ext->IoMdl);
	}
	Out->user_address = (ULONG_PTR)Ext->IoUser;
	Out->ok = mdlRegs && Ext->IoUser;
	return STATUS_SUCCESS;
}

static VOID ShareIoUnmap(PSHARE_EXTENSION Ext)
{
	if (!Ext->IoMdl)
		return;
	if (Ext->IoUser)
		MmUnmapLockedPages(Ext->IoUser, Ext->IoMdl);
	ExFreePool(Ext->IoMdl);
	Ext->IoMdl = NULL;
	Ext->IoUser = NULL;
}

/* Fresh pages for the process; the driver stamps every page. */
static NTSTATUS ShareAllocPages(PSHARE_EXTENSION Ext, struct share_map *Out)
{
	PHYSICAL_ADDRESS low, high, skip;
	PULONG kernelView;
	ULONG i;

	if (Ext->PagesMdl)
		return STATUS_INVALID_DEVICE_REQUEST;
	low.QuadPart = 0;
	high.QuadPart = MAXULONG;	/* below 4 GiB, as for 32-bit DMA */
	skip.QuadPart = 0;
	Ext->PagesMdl = MmAllocatePagesForMdlEx(low, high, skip, SHARE_SIZE,
						MmCached, MM_ALLOCATE_FULLY_REQUIRED);
	if (!Ext->PagesMdl)
		return STATUS_INSUFFICIENT_RESOURCES;
	kernelView = MmGetSystemAddressForMdlSafe(Ext->PagesMdl, NormalPagePriority);
	if (kernelView)
		for (i = 0; i < SHARE_PAGES; i++)
			kernelView[i * PAGE_SIZE / sizeof(ULONG)] = SHARE_MAGIC + i;
	Ext->PagesUser = MmMapLockedPagesSpecifyCache(Ext->PagesMdl, UserMode,
						      MmCached, NULL, FALSE,
						      NormalPagePriority);
	if (!kernelView || !Ext->PagesUser) {
		MmFreePagesFromMdl(Ext->PagesMdl);
		ExFreePool(Ext->PagesMdl);
		Ext->PagesMdl = NULL;
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	Out->user_address = (ULONG_PTR)Ext->PagesUser;
	Out->size = MmGetMdlByteCount(Ext->PagesMdl);
	Out->magic = kernelView[0];
	return STATUS_SUCCESS;
}

/* Check what the process wrote (each page's second word), then free. */
static NTSTATUS ShareFreePages(PSHARE_EXTENSION Ext, PULONG64 Sum)
{
	PULONG kernelView;
	ULONG i;

	if (!Ext->PagesMdl)
		return STATUS_INVALID_DEVICE_REQUEST;
	kernelView = MmGetSystemAddressForMdlSafe(Ext->PagesMdl, NormalPagePriority);
	*Sum = 0;
	if (kernelView)
		for (i = 0; i < SHARE_PAGES; i++)
			*Sum += kernelView[i * PAGE_SIZE / sizeof(ULONG) + 1];
	if (Ext->PagesUser)
		MmUnmapLockedPages(Ext->PagesUser, Ext->PagesMdl);
	MmFreePagesFromMdl(Ext->PagesMdl);
	ExFreePool(Ext->PagesMdl);
	Ext->PagesMdl = NULL;
	Ext->PagesUser = NULL;
	return STATUS_SUCCESS;
}

/*
 * MmAllocateMappingAddress and friends, on the shared pool's MDL. mdl.ko
 * maps the MDL outside the reserved range (Linux lets no module map pages
 * into an existing range): the buffer is reached through the return value.
 */
static ULONG64 ShareCheckReserved(PSHARE_EXTENSION Ext)
{
	ULONG64 passed = 0;
	PUCHAR reserved, mapped;

	reserved = MmAllocateMappingAddress(2 * SHARE_SIZE, SHARE_TAG);
	if (!reserved)
		return 0;
	if (!MmMapLockedPagesWithReservedMapping(reserved, SHARE_TAG + 1,
						 Ext->SharedMdl, MmCached))
		passed |= SHARE_CHECK_RESERVED_TAG;
	mapped = MmMapLockedPagesWithReservedMapping(reserved, SHARE_TAG,
						     Ext->SharedMdl, MmCached);
	if (mapped && (mapped + SHARE_SIZE <= reserved ||
		       mapped >= reserved + 2 * SHARE_SIZE))
		passed |= SHARE_CHECK_RESERVED_MAP;
	if (mapped && RtlCompareMemory(mapped, Ext->SharedSys, SHARE_SIZE) ==
	    SHARE_SIZE)
		passed |= SHARE_CHECK_RESERVED_DATA;
	if (mapped)
		MmUnmapReservedMapping(reserved, SHARE_TAG, Ext->SharedMdl);
	MmFreeMappingAddress(reserved, SHARE_TAG);
	return passed;
}

/*
 * MmProtectMdlSystemAddress on a system mapping of fresh pages. mdl.ko
 * keeps a mapping's protection: the one it has is granted, a change is
 * STATUS_NOT_SUPPORTED and leaves the mapping as it was.
 */
static ULONG64 ShareCheckProtect(VOID)
{
	PHYSICAL_ADDRESS low, high, skip;
	ULONG64 passed = 0;
	PUCHAR va;
	PMDL mdl;

	low.QuadPart = 0;
	high.QuadPart = -1LL;
	skip.QuadPart = 0;
	mdl = MmAllocatePagesForMdlEx(low, high, skip, 2 * PAGE_SIZE, MmCached, 0);
	if (!mdl)
		return 0;
	if (MmProtectMdlSystemAddress(mdl, PAGE_READONLY) == STATUS_NOT_MAPPED_VIEW)
		passed |= SHARE_CHECK_PROTECT_REFUSED;
	va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	if (va) {
		va[1] = 0x42;
		if (MmProtectMdlSystemAddress(mdl, PAGE_EXECUTE_READ) !=
		    STATUS_INVALID_PAGE_PROTECTION)
			passed &= ~SHARE_CHECK_PROTECT_REFUSED;
		if (MmProtectMdlSystemAddress(mdl, PAGE_READONLY) ==
		    STATUS_NOT_SUPPORTED && va[1] == 0x42) {
			va[1] = 0x44;	/* still writable */
			if (va[1] == 0x44)
				passed |= SHARE_CHECK_PROTECT_RO;
		}
		if (MmProtectMdlSystemAddress(mdl, PAGE_READWRITE) == STATUS_SUCCESS) {
			va[PAGE_SIZE] = 0x43;
			if (va[PAGE_SIZE] == 0x43 && va[1] == 0x44)
				passed |= SHARE_CHECK_PROTECT_RW;
		}
		if (MmProtectMdlSystemAddress(mdl, PAGE_NOACCESS) ==
		    STATUS_NOT_SUPPORTED && va[PAGE_SIZE] == 0x43)
			passed |= SHARE_CHECK_PROTECT_NOACCESS;
	}
	/* The mapping goes with the pages. */
	MmFreePagesFromMdl(mdl);
	ExFreePool(mdl);
	return passed;
}

static ULONG64 ShareCheckMemory(VOID)
{
	PHYSICAL_ADDRESS low, high, boundary, pa;
	ULONG64 passed = 0;
	PUCHAR contiguous, uncached;
	ULONG i;

	low.QuadPart = 0;
	high.QuadPart = MAXULONG;
	boundary.QuadPart = 0x10000;
	contiguous = MmAllocateContiguousMemorySpecifyCache(4 * PAGE_SIZE, low, high,
							    boundary, MmNonCached);
	if (contiguous) {
		pa = MmGetPhysicalAddress(contiguous);
		passed |= SHARE_CHECK_CONTIGUOUS;
		for (i = 1; i < 4; i++)
			if (MmGetPhysicalAddress(contiguous + i * PAGE_SIZE).QuadPart !=
			    pa.QuadPart + i * PAGE_SIZE)
				passed &= ~SHARE_CHECK_CONTIGUOUS;
		if (pa.QuadPart + 4 * PAGE_SIZE - 1 > MAXULONG ||
		    (pa.QuadPart >> 16) != ((pa.QuadPart + 4 * PAGE_SIZE - 1) >> 16))
			passed &= ~SHARE_CHECK_CONTIGUOUS;
		RtlFillMemory(contiguous, 4 * PAGE_SIZE, 0xa5);
		MmFreeContiguousMemorySpecifyCache(contiguous, 4 * PAGE_SIZE, MmNonCached);
	}
	uncached = MmAllocateNonCachedMemory(3 * PAGE_SIZE);
	if (uncached) {
		RtlFillMemory(uncached, 3 * PAGE_SIZE, 0x5a);
		if (uncached[3 * PAGE_SIZE - 1] == 0x5a)
			passed |= SHARE_CHECK_NONCACHED;
		MmFreeNonCachedMemory(uncached, 3 * PAGE_SIZE);
	}
	return passed;
}

static NTSTATUS ShareDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
	PSHARE_EXTENSION ext = DeviceObject->DeviceExtension;
	PVOID buffer = Irp->AssociatedIrp.SystemBuffer;
	ULONG inLength = irpSp->Parameters.DeviceIoControl.InputBufferLength;
	ULONG outLength = irpSp->Parameters.DeviceIoControl.OutputBufferLength;
	ULONG code = irpSp->Parameters.DeviceIoControl.IoControlCode;
	ULONG64 sum = 0;
	NTSTATUS status;

	switch (code) {
	case IOCTL_SHARE_MAP:
	case IOCTL_SHARE_ALLOC_PAGES:
		if (outLength < sizeof(struct share_map))
			return ShareComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		status = code == IOCTL_SHARE_MAP ? ShareMap(ext, buffer) :
						   ShareAllocPages(ext, buffer);
		return ShareComplete(Irp, status, sizeof(struct share_map));
	case IOCTL_SHARE_UNMAP:
		if (inLength < sizeof(ULONG64))
			return ShareComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		MmUnmapLockedPages((PVOID)(ULONG_PTR)*(PULONG64)buffer, ext->SharedMdl);
		return ShareComplete(Irp, STATUS_SUCCESS, 0);
	case IOCTL_SHARE_SUM:
	case IOCTL_SHARE_LOCK_USER:
	case IOCTL_SHARE_LOCK_PROCESS:
	case IOCTL_SHARE_FREE_PAGES:
		if (outLength < sizeof(ULONG64) ||
		    (code != IOCTL_SHARE_SUM && code != IOCTL_SHARE_FREE_PAGES &&
		     inLength < sizeof(struct share_lock)))
			return ShareComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		if (code == IOCTL_SHARE_SUM) {
			sum = ShareSum(ext->SharedSys, SHARE_SIZE);
			status = STATUS_SUCCESS;
		} else if (code == IOCTL_SHARE_FREE_PAGES) {
			status = ShareFreePages(ext, &sum);
		} else {
			status = ShareLock(buffer, code == IOCTL_SHARE_LOCK_PROCESS,
					   &sum);
		}
		*(PULONG64)buffer = sum;
		return ShareComplete(Irp, status, sizeof(ULONG64));
	case IOCTL_SHARE_IO_SPACE:
		if (inLength < sizeof(ULONG64) || outLength < sizeof(struct share_io))
			return ShareComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		status = ShareIoSpace(ext, *(PULONG64)buffer, buffer);
		return ShareComplete(Irp, status, sizeof(struct share_io));
	case IOCTL_SHARE_IO_UNMAP:
		ShareIoUnmap(ext);
		return ShareComplete(Irp, STATUS_SUCCESS, 0);
	case IOCTL_SHARE_SYSTEM_CHECKS:
		if (outLength < sizeof(ULONG64))
			return ShareComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		*(PULONG64)buffer = ShareCheckReserved(ext) | ShareCheckProtect() |
				    ShareCheckMemory();
		return ShareComplete(Irp, STATUS_SUCCESS, sizeof(ULONG64));
	default:
		return ShareComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
	}
}

static VOID ShareUnload(PDRIVER_OBJECT DriverObject)
{
	PSHARE_EXTENSION ext = DriverObject->DeviceObject->DeviceExtension;
	ULONG64 sum;

	ShareIoUnmap(ext);
	if (ext->PagesMdl)
		ShareFreePages(ext, &sum);
	IoFreeMdl(ext->SharedMdl);
	ExFreePool(ext->SharedSys);
	IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PVOID RegistryPath)
{
	PDEVICE_OBJECT deviceObject;
	PSHARE_EXTENSION ext;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(RegistryPath);
	status = IoCreateDevice(DriverObject, sizeof(SHARE_EXTENSION), "wdm_share",
				FILE_DEVICE_UNKNOWN, 0, FALSE, &deviceObject);
	if (!NT_SUCCESS(status))
		return status;
	ext = deviceObject->DeviceExtension;
	RtlZeroMemory(ext, sizeof(*ext));

	/* Seed 001: the size must be a whole number of pages. */
	ext->SharedSys = ExAllocatePoolWithTag(NonPagedPool, SHARE_SIZE, SHARE_TAG);
	if (!ext->SharedSys)
		goto fail;
	RtlZeroMemory(ext->SharedSys, SHARE_SIZE);
	ext->SharedMdl = IoAllocateMdl(ext->SharedSys, SHARE_SIZE, FALSE, FALSE, NULL);
	if (!ext->SharedMdl)
		goto fail;
	MmBuildMdlForNonPagedPool(ext->SharedMdl);
	if (!(ext->SharedMdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL))
		goto fail;

	DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = ShareDispatchDeviceControl;
	DriverObject->DriverUnload = ShareUnload;
	return STATUS_SUCCESS;

fail:
	if (ext->SharedMdl)
		IoFreeMdl(ext->SharedMdl);
	if (ext->SharedSys)
		ExFreePool(ext->SharedSys);
	IoDeleteDevice(deviceObject);
	return STATUS_INSUFFICIENT_RESOURCES;
}
