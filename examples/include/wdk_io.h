/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdk_io.h - the few I/O manager pieces the example drivers use beside the
 * MDL interface of wdm.h: driver and device objects, the IRP stack
 * location, IoCompleteRequest, DbgPrint. They are implemented by the thin
 * Linux glue of each example (wdk_glue.h), not by mdl.ko.
 *
 * Include after <wdm.h>.
 */
#ifndef _WDK_IO_H
#define _WDK_IO_H

#include <linux/io.h>

#include <wdm.h>

#define IRP_MJ_CREATE			0x00
#define IRP_MJ_CLOSE			0x02
#define IRP_MJ_READ			0x03
#define IRP_MJ_WRITE			0x04
#define IRP_MJ_DEVICE_CONTROL		0x0e
#define IRP_MJ_MAXIMUM_FUNCTION		0x1b

#define IO_NO_INCREMENT			0
#define DO_BUFFERED_IO			0x00000004
#define DO_DIRECT_IO			0x00000010
#define FILE_DEVICE_UNKNOWN		0x00000022

#define METHOD_BUFFERED			0
#define METHOD_IN_DIRECT		1
#define METHOD_OUT_DIRECT		2
#define METHOD_NEITHER			3
#define FILE_ANY_ACCESS			0
#define CTL_CODE(DeviceType, Function, Method, Access) \
	(((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))

struct _DRIVER_OBJECT;
struct _DEVICE_OBJECT;

/* Dispatch routines return an NTSTATUS (a 32-bit int). */
typedef int (*PDRIVER_DISPATCH)(struct _DEVICE_OBJECT *DeviceObject, PIRP Irp);
typedef void (*PDRIVER_UNLOAD)(struct _DRIVER_OBJECT *DriverObject);

/**
 * struct _DEVICE_OBJECT - a device (the glue's misc device)
 * @DriverObject: the driver
 * @DeviceExtension: driver-defined state, allocated with the device
 * @Flags: DO_* flags
 */
typedef struct _DEVICE_OBJECT {
	struct _DRIVER_OBJECT *DriverObject;
	PVOID DeviceExtension;
	ULONG Flags;
} DEVICE_OBJECT, *PDEVICE_OBJECT;

/**
 * struct _DRIVER_OBJECT - the driver
 * @DeviceObject: its device
 * @DriverUnload: called when the module is removed
 * @MajorFunction: dispatch routines by IRP_MJ_* code
 */
typedef struct _DRIVER_OBJECT {
	PDEVICE_OBJECT DeviceObject;
	PDRIVER_UNLOAD DriverUnload;
	PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT, *PDRIVER_OBJECT;

/**
 * struct _IO_STACK_LOCATION - the driver's parameters of one request
 * @MajorFunction: IRP_MJ_* code
 * @MinorFunction: unused
 * @Parameters: per-function parameters
 * @Parameters.Read: IRP_MJ_READ
 * @Parameters.Read.Length: bytes to read
 * @Parameters.Read.Key: unused
 * @Parameters.Read.ByteOffset: file position
 * @Parameters.Write: IRP_MJ_WRITE
 * @Parameters.Write.Length: bytes to write
 * @Parameters.Write.Key: unused
 * @Parameters.Write.ByteOffset: file position
 * @Parameters.DeviceIoControl: IRP_MJ_DEVICE_CONTROL
 * @Parameters.DeviceIoControl.OutputBufferLength: output bytes
 * @Parameters.DeviceIoControl.InputBufferLength: input bytes
 * @Parameters.DeviceIoControl.IoControlCode: the control code
 * @Parameters.DeviceIoControl.Type3InputBuffer: METHOD_NEITHER input
 * @DeviceObject: the target device
 */
typedef struct _IO_STACK_LOCATION {
	UCHAR MajorFunction;
	UCHAR MinorFunction;
	union {
		struct {
			ULONG Length;
			ULONG Key;
			LARGE_INTEGER ByteOffset;
		} Read;
		struct {
			ULONG Length;
			ULONG Key;
			LARGE_INTEGER ByteOffset;
		} Write;
		struct {
			ULONG OutputBufferLength;
			ULONG InputBufferLength;
			ULONG IoControlCode;
			PVOID Type3InputBuffer;
		} DeviceIoControl;
	} Parameters;
	PDEVICE_OBJECT DeviceObject;
} IO_STACK_LOCATION, *PIO_STACK_LOCATION;

/* Implemented by the glue (wdk_glue.h). */
PIO_STACK_LOCATION IoGetCurrentIrpStackLocation(PIRP Irp);
VOID IoCompleteRequest(PIRP Irp, CCHAR PriorityBoost);
NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
			PCSTR DeviceName, ULONG DeviceType, ULONG Characteristics,
			BOOLEAN Exclusive, PDEVICE_OBJECT *DeviceObject);
VOID IoDeleteDevice(PDEVICE_OBJECT DeviceObject);
ULONG DbgPrint(PCSTR Format, ...) __printf(1, 2);

/* KdPrint prints in checked (DBG) builds only, as on Windows. */
#ifndef DBG
#define DBG 0
#endif
#define KdPrint(args) \
	do { \
		if (DBG) \
			DbgPrint args; \
	} while (0)

/* Device registers, as the WDK reads them. */
#define READ_REGISTER_ULONG64(Register) \
	((ULONG64)readq((const void __iomem *)(Register)))
#define WRITE_REGISTER_ULONG64(Register, Value) \
	writeq((Value), (void __iomem *)(Register))
#define READ_REGISTER_ULONG(Register) \
	((ULONG)readl((const void __iomem *)(Register)))
/* The driver's entry point, called by the glue at module load. */
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PVOID RegistryPath);

#endif /* _WDK_IO_H */
