// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_pool: a small pool buffer shared with a process, written as a
 * Windows driver, with the sizes of seed 001 and the direct I/O of seed 003.
 *
 *  - Kernel to user (IOCTL_POOL_SHARE / _UNSHARE): ExAllocatePool(NonPagedPool,
 *    1024) + RtlZeroMemory + IoAllocateMdl + MmBuildMdlForNonPagedPool +
 *    MmMapLockedPagesSpecifyCache(UserMode, MmCached); the process reads what
 *    the driver writes there (IOCTL_POOL_STAMP) and the driver reads what the
 *    process writes (IOCTL_POOL_SUM).
 *  - User to kernel (IOCTL_POOL_MAP_USER): IoAllocateMdl + MmProbeAndLockPages
 *    (UserMode, IoReadAccess) + MmMapLockedPagesSpecifyCache(KernelMode) of a
 *    buffer the process names; the driver sums it through its mapping.
 *  - Direct I/O (DO_DIRECT_IO): a write copies the caller's buffer into the
 *    shared pool buffer through MmGetSystemAddressForMdlSafe, a read copies
 *    it back; IOCTL_POOL_LAST_MDL reports what MmGetMdlByteCount,
 *    MmGetMdlByteOffset and MmGetMdlVirtualAddress said.
 *
 * Windows raises an exception when MmProbeAndLockPages fails; this port has
 * no SEH, so the driver checks MDL_PAGES_LOCKED where it had __try/__except.
 * Nothing here is Linux-specific: the Linux glue is glue.c.
 */
#include <wdm.h>
#include "wdk_io.h"
#include "wdk_ioctl.h"

typedef struct _POOL_EXTENSION {
	PUCHAR pShareMm_sys;
	PMDL pShareMm_mdl;
	PVOID pShareMm_user;
	struct dio_last_mdl Last;
} POOL_EXTENSION, *PPOOL_EXTENSION;

static NTSTATUS PoolComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
	Irp->IoStatus.Status = Status;
	Irp->IoStatus.Information = Information;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	return Status;
}

/* Kernel to user: the 1024-byte pool buffer, mapped into the caller. */
static NTSTATUS PoolShare(PPOOL_EXTENSION Ext, struct pool_share *Out)
{
	if (Ext->pShareMm_sys)
		return STATUS_INVALID_DEVICE_REQUEST;
	Ext->pShareMm_sys = ExAllocatePool(NonPagedPool, POOL_SHARE_SIZE);
	if (!Ext->pShareMm_sys)
		return STATUS_INSUFFICIENT_RESOURCES;
	RtlZeroMemory(Ext->pShareMm_sys, POOL_SHARE_SIZE);
	*(PULONG)Ext->pShareMm_sys = POOL_SHARE_MAGIC;
	Ext->pShareMm_mdl = IoAllocateMdl(Ext->pShareMm_sys, POOL_SHARE_SIZE,
					  FALSE, FALSE, NULL);
	if (!Ext->pShareMm_mdl)
		goto fail;
	MmBuildMdlForNonPagedPool(Ext->pShareMm_mdl);
	Ext->pShareMm_user = MmMapLockedPagesSpecifyCache(Ext->pShareMm_mdl,
							  UserMode, MmCached,
							  NULL, FALSE,
							  NormalPagePriority);
	if (!Ext->pShareMm_user)
		goto fail;
	KdPrint(("pShareMm_sys's address is: 0x%p\n", (PUCHAR)Ext->pShareMm_sys));
	KdPrint(("pShareMm_user's address is: 0x%p\n", (PUCHAR)Ext->pShareMm_user));
	Out->user_address = (ULONG_PTR)Ext->pShareMm_user;
	Out->size = POOL_SHARE_SIZE;
	Out->byte_offset = MmGetMdlByteOffset(Ext->pShareMm_mdl);
	return STATUS_SUCCESS;

fail:
	if (Ext->pShareMm_mdl)
		IoFreeMdl(Ext->pShareMm_mdl);
	ExFreePool(Ext->pShareMm_sys);
	Ext->pShareMm_mdl = NULL;
	Ext->pShareMm_sys = NULL;
	return STATUS_INSUFFICIENT_RESOURCES;
}

static NTSTATUS PoolUnshare(PPOOL_EXTENSION Ext)
{
	if (!Ext->pShareMm_sys)
		return STATUS_INVALID_DEVICE_REQUEST;
	MmUnmapLockedPages(Ext->pShareMm_user, Ext->pShareMm_mdl);
	IoFreeMdl(Ext->pShareMm_mdl);
	ExFreePool(Ext->pShareMm_sys);
	Ext->pShareMm_user = NULL;
	Ext->pShareMm_mdl = NULL;
	Ext->pShareMm_sys = NULL;
	return STATUS_SUCCESS;
}

static ULONG64 PoolSum(const UCHAR *Buffer, ULONG Length)
{
	ULONG64 sum = 0;
	ULONG i;

	for (i = 0; i < Length; i++)
		sum += Buffer[i];
	return sum;
}

/* User to kernel: lock the caller's buffer, map it in system space, sum it. */
static NTSTATUS PoolMapUser(struct pool_user *In, PULONG64 Sum)
{
	PMDL pMdl;
	PUCHAR pMapedAddr;

	pMdl = IoAllocateMdl((PVOID)(ULONG_PTR)In->address, In->length, FALSE,
			     FALSE, NULL);
	if (!pMdl)
		return STATUS_INSUFFICIENT_RESOURCES;
	MmProbeAndLockPages(pMdl, UserMode, IoReadAccess);
	if (!(pMdl->MdlFlags & MDL_PAGES_LOCKED)) {
		KdPrint(("MmProbeAndLockPages exception\n"));
		IoFreeMdl(pMdl);
		return STATUS_ACCESS_VIOLATION;
	}
	pMapedAddr = MmMapLockedPagesSpecifyCache(pMdl, KernelMode, MmCached, NULL,
						  FALSE, NormalPagePriority);
	if (!pMapedAddr) {
		MmUnlockPages(pMdl);
		IoFreeMdl(pMdl);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	*Sum = PoolSum(pMapedAddr, In->length);
	MmUnmapLockedPages(pMapedAddr, pMdl);
	MmUnlockPages(pMdl);
	IoFreeMdl(pMdl);
	return STATUS_SUCCESS;
}

static VOID PoolRecordMdl(PPOOL_EXTENSION Ext, PMDL Mdl, ULONG Length)
{
	Ext->Last.virtual_address = (ULONG_PTR)MmGetMdlVirtualAddress(Mdl);
	Ext->Last.byte_count = MmGetMdlByteCount(Mdl);
	Ext->Last.byte_offset = MmGetMdlByteOffset(Mdl);
	Ext->Last.length = Length;
}

/* Read and write: the caller's buffer against the shared pool buffer. */
static NTSTATUS PoolDispatchReadWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
	PPOOL_EXTENSION ext = DeviceObject->DeviceExtension;
	ULONG mdlLength, mdlOffset, length;
	PVOID mdlAddress;
	PUCHAR kernelAddress;

	if (!Irp->MdlAddress || !ext->pShareMm_sys)
		return PoolComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
	mdlLength = MmGetMdlByteCount(Irp->MdlAddress);
	mdlOffset = MmGetMdlByteOffset(Irp->MdlAddress);
	mdlAddress = MmGetMdlVirtualAddress(Irp->MdlAddress);
	kernelAddress = MmGetSystemAddressForMdlSafe(Irp->MdlAddress,
						     NormalPagePriority);
	if (!kernelAddress)
		return PoolComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
	KdPrint(("wdm_pool: MDL %u bytes at %p (offset %u)\n", mdlLength,
		 mdlAddress, mdlOffset));
	length = mdlLength < POOL_SHARE_SIZE ? mdlLength : POOL_SHARE_SIZE;
	if (irpSp->MajorFunction == IRP_MJ_WRITE) {
		RtlCopyMemory(ext->pShareMm_sys, kernelAddress, length);
		PoolRecordMdl(ext, Irp->MdlAddress, irpSp->Parameters.Write.Length);
	} else {
		RtlCopyMemory(kernelAddress, ext->pShareMm_sys, length);
		PoolRecordMdl(ext, Irp->MdlAddress, irpSp->Parameters.Read.Length);
	}
	return PoolComplete(Irp, STATUS_SUCCESS, length);
}

static NTSTATUS PoolDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
	PPOOL_EXTENSION ext = DeviceObject->DeviceExtension;
	ULONG inLength = irpSp->Parameters.DeviceIoControl.InputBufferLength;
	ULONG outLength = irpSp->Parameters.DeviceIoControl.OutputBufferLength;
	PVOID buffer = Irp->AssociatedIrp.SystemBuffer;
	NTSTATUS status;
	ULONG64 sum;
	ULONG i, stamp;

	switch (irpSp->Parameters.DeviceIoControl.IoControlCode) {
	case IOCTL_POOL_SHARE:
		if (outLength < sizeof(struct pool_share))
			return PoolComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		status = PoolShare(ext, buffer);
		return PoolComplete(Irp, status, NT_SUCCESS(status) ?
				    sizeof(struct pool_share) : 0);
	case IOCTL_POOL_UNSHARE:
		return PoolComplete(Irp, PoolUnshare(ext), 0);
	case IOCTL_POOL_SUM:
		if (!ext->pShareMm_sys || outLength < sizeof(ULONG64))
			return PoolComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		sum = PoolSum(ext->pShareMm_sys, POOL_SHARE_SIZE);
		RtlCopyMemory(buffer, &sum, sizeof(sum));
		return PoolComplete(Irp, STATUS_SUCCESS, sizeof(sum));
	case IOCTL_POOL_STAMP:
		if (!ext->pShareMm_sys || inLength < sizeof(ULONG))
			return PoolComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		RtlCopyMemory(&stamp, buffer, sizeof(stamp));
		for (i = 0; i < POOL_SHARE_SIZE / sizeof(ULONG); i++)
			((PULONG)ext->pShareMm_sys)[i] = stamp + i;
		return PoolComplete(Irp, STATUS_SUCCESS, 0);
	case IOCTL_POOL_MAP_USER:
		if (inLength < sizeof(struct pool_user) || outLength < sizeof(ULONG64))
			return PoolComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		status = PoolMapUser(buffer, &sum);
		if (NT_SUCCESS(status))
			RtlCopyMemory(buffer, &sum, sizeof(sum));
		return PoolComplete(Irp, status, NT_SUCCESS(status) ? sizeof(sum) : 0);
	case IOCTL_POOL_LAST_MDL:
		if (outLength < sizeof(ext->Last))
			return PoolComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		RtlCopyMemory(buffer, &ext->Last, sizeof(ext->Last));
		return PoolComplete(Irp, STATUS_SUCCESS, sizeof(ext->Last));
	default:
		return PoolComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
	}
}

static VOID PoolUnload(PDRIVER_OBJECT DriverObject)
{
	PPOOL_EXTENSION ext = DriverObject->DeviceObject->DeviceExtension;

	/* The user mapping, if any, went with its process; free the rest. */
	if (ext->pShareMm_sys) {
		IoFreeMdl(ext->pShareMm_mdl);
		ExFreePool(ext->pShareMm_sys);
	}
	IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PVOID RegistryPath)
{
	PDEVICE_OBJECT deviceObject;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(RegistryPath);
	status = IoCreateDevice(DriverObject, sizeof(POOL_EXTENSION), "wdm_pool",
				FILE_DEVICE_UNKNOWN, 0, FALSE, &deviceObject);
	if (!NT_SUCCESS(status))
		return status;
	deviceObject->Flags |= DO_DIRECT_IO;
	RtlZeroMemory(deviceObject->DeviceExtension, sizeof(POOL_EXTENSION));
	DriverObject->MajorFunction[IRP_MJ_READ] = PoolDispatchReadWrite;
	DriverObject->MajorFunction[IRP_MJ_WRITE] = PoolDispatchReadWrite;
	DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = PoolDispatchDeviceControl;
	DriverObject->DriverUnload = PoolUnload;
	return STATUS_SUCCESS;
}
