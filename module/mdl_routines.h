/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The WDK routines mdl.ko exports, by name: the table of
 * MmGetSystemRoutineAddress (mdl_rtl.c). Every EXPORT_SYMBOL_GPL of a
 * Windows name has its line here; the KUnit suite resolves each one.
 */
#ifndef _MDL_ROUTINES_H
#define _MDL_ROUTINES_H

#define MDL_ROUTINES(X)					\
	X(ExAllocatePool)				\
	X(ExAllocatePool2)				\
	X(ExAllocatePoolWithTag)			\
	X(ExFreePool)					\
	X(ExFreePoolWithTag)				\
	X(ExGetPreviousMode)				\
	X(IoAllocateIrp)				\
	X(IoAllocateMdl)				\
	X(IoBuildPartialMdl)				\
	X(IoFreeIrp)					\
	X(IoFreeMdl)					\
	X(KeGetCurrentIrql)				\
	X(MmAdvanceMdl)					\
	X(MmAllocateContiguousMemory)			\
	X(MmAllocateContiguousMemorySpecifyCache)	\
	X(MmAllocateMappingAddress)			\
	X(MmAllocateMdlForIoSpace)			\
	X(MmAllocateNonCachedMemory)			\
	X(MmAllocatePagesForMdl)			\
	X(MmAllocatePagesForMdlEx)			\
	X(MmBuildMdlForNonPagedPool)			\
	X(MmCreateMdl)					\
	X(MmFreeContiguousMemory)			\
	X(MmFreeContiguousMemorySpecifyCache)		\
	X(MmFreeMappingAddress)				\
	X(MmFreeNonCachedMemory)			\
	X(MmFreePagesFromMdl)				\
	X(MmFreePagesFromMdlEx)				\
	X(MmGetPhysicalAddress)				\
	X(MmGetSystemRoutineAddress)			\
	X(MmGetVirtualForPhysical)			\
	X(MmIsAddressValid)				\
	X(MmMapIoSpace)					\
	X(MmMapIoSpaceEx)				\
	X(MmMapLockedPages)				\
	X(MmMapLockedPagesSpecifyCache)			\
	X(MmMapLockedPagesWithReservedMapping)		\
	X(MmPrepareMdlForReuse)				\
	X(MmProbeAndLockPages)				\
	X(MmProbeAndLockProcessPages)			\
	X(MmProbeAndLockSelectedPages)			\
	X(MmProtectMdlSystemAddress)			\
	X(MmSizeOfMdl)					\
	X(MmTryBuildMdlForNonPagedPool)			\
	X(MmTryMapLockedPagesSpecifyCache)		\
	X(MmTryProbeAndLockPages)			\
	X(MmTryProbeAndLockProcessPages)		\
	X(MmTryProbeAndLockSelectedPages)		\
	X(MmUnlockPages)				\
	X(MmUnmapIoSpace)				\
	X(MmUnmapLockedPages)				\
	X(MmUnmapReservedMapping)			\
	X(ObDereferenceObject)				\
	X(ProbeForRead)					\
	X(ProbeForWrite)				\
	X(PsGetCurrentProcess)				\
	X(PsLookupProcessByProcessId)			\
	X(RtlCompareMemory)				\
	X(RtlInitUnicodeString)				\
	X(TryProbeForRead)				\
	X(TryProbeForWrite)

#endif /* _MDL_ROUTINES_H */
