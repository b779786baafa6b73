/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edu.h - what the Linux glue of wdm_dma (glue.c) and the Windows driver
 * (driver.c) say to each other: the Plug and Play calls of a bus-master
 * driver, which the glue makes when the PCI device is bound and unbound,
 * and the one kernel service the driver needs beside wdm.h.
 */
#ifndef _EDU_H
#define _EDU_H

#include <wdm.h>
#include "wdk_io.h"

/* AddDevice + IRP_MN_START_DEVICE: the bus's device object, BAR 0 mapped. */
NTSTATUS EduAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject,
		      PUCHAR Registers);
/* IRP_MN_REMOVE_DEVICE. */
VOID EduRemoveDevice(PDRIVER_OBJECT DriverObject);

/* KeDelayExecutionThread with a relative interval in 100 ns units. */
NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
				PLARGE_INTEGER Interval);

#endif /* _EDU_H */
