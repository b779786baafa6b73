// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_direct_io: a DO_DIRECT_IO device written as a Windows driver (seed
 * 003). The buffer of every read and write arrives as Irp->MdlAddress,
 * locked by the I/O manager; the driver reaches it through
 * MmGetSystemAddressForMdlSafe and reports what the MDL says
 * (MmGetMdlByteCount, MmGetMdlByteOffset, MmGetMdlVirtualAddress).
 *
 * The device keeps the last buffer written; a read returns it with every
 * byte plus DIO_READ_DELTA, written through the system address, so the
 * process sees data that only the driver can have produced.
 *
 * Nothing here is Linux-specific: the Linux glue is glue.c.
 */
#include <wdm.h>
#include "wdk_io.h"
#include "wdk_ioctl.h"

#define DIO_TAG		0x6f694457	/* 'oiDW' */
#define DIO_CAPACITY	(256 * 1024)

typedef struct _DIO_EXTENSION {
	PUCHAR Data;
	ULONG DataLength;
	struct dio_last_mdl Last;
} DIO_EXTENSION, *PDIO_EXTENSION;

static VOID DioRecordMdl(PDIO_EXTENSION Ext, PMDL Mdl, ULONG Length)
{
	Ext->Last.virtual_address = (ULONG_PTR)MmGetMdlVirtualAddress(Mdl);
	Ext->Last.byte_count = MmGetMdlByteCount(Mdl);
	Ext->Last.byte_offset = MmGetMdlByteOffset(Mdl);
	Ext->Last.length = Length;
}

static NTSTATUS DioComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
	Irp->IoStatus.Status = Status;
	Irp->IoStatus.Information = Information;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	return Status;
}

static NTSTATUS DioDispatchWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
	PDIO_EXTENSION ext = DeviceObject->DeviceExtension;
	ULONG writeLength = irpSp->Parameters.Write.Length;
	ULONG mdlLength, mdlOffset;
	PVOID mdlAddress;
	PUCHAR kernelAddress;

	if (!Irp->MdlAddress)
		return DioComplete(Irp, STATUS_INVALID_PARAMETER, 0);
	mdlLength = MmGetMdlByteCount(Irp->MdlAddress);
	mdlOffset = MmGetMdlByteOffset(Irp->MdlAddress);
	mdlAddress = MmGetMdlVirtualAddress(Irp->MdlAddress);
	kernelAddress = MmGetSystemAddressForMdlSafe(Irp->MdlAddress,
						     NormalPagePriority |
						     MdlMappingNoExecute);
	if (!kernelAddress)
		return DioComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);

	KdPrint(("wdm_direct_io: write %u bytes, MDL %u bytes at %p (offset %u)\n",
		 writeLength, mdlLength, mdlAddress, mdlOffset));
	if (mdlLength > DIO_CAPACITY)
		mdlLength = DIO_CAPACITY;
	RtlCopyMemory(ext->Data, kernelAddress, mdlLength);
	ext->DataLength = mdlLength;
	DioRecordMdl(ext, Irp->MdlAddress, writeLength);
	return DioComplete(Irp, STATUS_SUCCESS, mdlLength);
}

/* Fill a locked buffer from the stored data, each byte plus the delta. */
static ULONG DioFill(PDIO_EXTENSION Ext, PMDL Mdl, NTSTATUS *Status)
{
	ULONG length = MmGetMdlByteCount(Mdl);
	PUCHAR kernelAddress;
	ULONG i;

	kernelAddress = MmGetSystemAddressForMdlSafe(Mdl, NormalPagePriority);
	if (!kernelAddress) {
		*Status = STATUS_INSUFFICIENT_RESOURCES;
		return 0;
	}
	if (length > Ext->DataLength)
		length = Ext->DataLength;
	for (i = 0; i < length; i++)
		kernelAddress[i] = (UCHAR)(Ext->Data[i] + DIO_READ_DELTA);
	*Status = STATUS_SUCCESS;
	return length;
}

static NTSTATUS DioDispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
	PDIO_EXTENSION ext = DeviceObject->DeviceExtension;
	NTSTATUS status;
	ULONG done;

	if (!Irp->MdlAddress)
		return DioComplete(Irp, STATUS_INVALID_PARAMETER, 0);
	done = DioFill(ext, Irp->MdlAddress, &status);
	DioRecordMdl(ext, Irp->MdlAddress, irpSp->Parameters.Read.Length);
	return DioComplete(Irp, status, done);
}

static NTSTATUS DioDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
	PDIO_EXTENSION ext = DeviceObject->DeviceExtension;
	ULONG outLength = irpSp->Parameters.DeviceIoControl.OutputBufferLength;
	NTSTATUS status;
	ULONG done;

	switch (irpSp->Parameters.DeviceIoControl.IoControlCode) {
	case IOCTL_DIO_GET_LAST_MDL:
		if (outLength < sizeof(ext->Last))
			return DioComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, &ext->Last,
			      sizeof(ext->Last));
		return DioComplete(Irp, STATUS_SUCCESS, sizeof(ext->Last));
	case IOCTL_DIO_READ_DIRECT:
		/* METHOD_OUT_DIRECT: the output buffer is Irp->MdlAddress. */
		if (!Irp->MdlAddress)
			return DioComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		done = DioFill(ext, Irp->MdlAddress, &status);
		DioRecordMdl(ext, Irp->MdlAddress, outLength);
		return DioComplete(Irp, status, done);
	default:
		return DioComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
	}
}

static VOID DioUnload(PDRIVER_OBJECT DriverObject)
{
	PDIO_EXTENSION ext = DriverObject->DeviceObject->DeviceExtension;

	ExFreePoolWithTag(ext->Data, DIO_TAG);
	IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PVOID RegistryPath)
{
	PDEVICE_OBJECT deviceObject;
	PDIO_EXTENSION ext;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(RegistryPath);
	status = IoCreateDevice(DriverObject, sizeof(DIO_EXTENSION),
				"wdm_direct_io", FILE_DEVICE_UNKNOWN, 0, FALSE,
				&deviceObject);
	if (!NT_SUCCESS(status))
		return status;
	deviceObject->Flags |= DO_DIRECT_IO;
	ext = deviceObject->DeviceExtension;
	RtlZeroMemory(ext, sizeof(*ext));
	ext->Data = ExAllocatePoolWithTag(NonPagedPoolNx, DIO_CAPACITY, DIO_TAG);
	if (!ext->Data) {
		IoDeleteDevice(deviceObject);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	DriverObject->MajorFunction[IRP_MJ_READ] = DioDispatchRead;
	DriverObject->MajorFunction[IRP_MJ_WRITE] = DioDispatchWrite;
	DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DioDispatchDeviceControl;
	DriverObject->DriverUnload = DioUnload;
	return STATUS_SUCCESS;
}
