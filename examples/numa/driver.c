// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_numa: the node allocators of the WDK, called as a Windows driver on a
 * NUMA machine calls them, and the memory they return checked page by page.
 *
 * IOCTL_NUMA_ALLOCATE names one of MmAllocateNodePagesForMdlEx,
 * MmAllocatePartitionNodePagesForMdlEx, MmAllocateContiguousNodeMemory and
 * MmAllocateContiguousMemorySpecifyCacheNode with its node, cache type (or
 * protection), flags, size and physical range. The driver allocates, maps
 * an MDL with MmGetSystemAddressForMdlSafe (a contiguous block is used at
 * the address the allocator returned), writes and reads back every byte,
 * frees what it got and reports, for every page, its node, whether it lies
 * in the range, and the memory type of its direct-map entry and of the
 * address the driver used, before and after the free.
 *
 * The facts a Windows driver has no routine for (the node of a page frame,
 * the memory type of a page-table entry) come from the Linux glue
 * (wdk_node.h); the rest is Windows code.
 */
#include <wdm.h>
#include "wdk_io.h"
#include "wdk_ioctl.h"
#include "wdk_node.h"

#define NUMA_TAG	0x616d754e	/* 'amuN' */

static NTSTATUS NumaComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
	Irp->IoStatus.Status = Status;
	Irp->IoStatus.Information = Information;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	return Status;
}

/* Count one page frame: its node and whether it lies in the range. */
static VOID NumaCountPfn(struct numa_alloc *Req, PFN_NUMBER Pfn)
{
	ULONG64 pa = (ULONG64)Pfn << PAGE_SHIFT;
	ULONG node = WdkPfnNode(Pfn);

	if (node < NUMA_MAX_NODES)
		Req->on_node[node]++;
	else
		Req->on_other_node++;
	if (pa >= Req->low && pa + PAGE_SIZE - 1 <= Req->high)
		Req->in_range++;
}

/* Write a pattern into every byte at Va, then read it back. */
static BOOLEAN NumaTouch(PUCHAR Va, SIZE_T Length, ULONG Seed)
{
	SIZE_T i;

	for (i = 0; i < Length; i++)
		Va[i] = (UCHAR)(Seed + i * 7 + (i >> 12));
	for (i = 0; i < Length; i++)
		if (Va[i] != (UCHAR)(Seed + i * 7 + (i >> 12)))
			return FALSE;
	return TRUE;
}

/* Memory type of the direct-map entry of a page frame. */
static ULONG NumaDirectType(PFN_NUMBER Pfn)
{
	PHYSICAL_ADDRESS pa;

	pa.QuadPart = (LONGLONG)Pfn << PAGE_SHIFT;
	return WdkAddressMemoryType(MmGetVirtualForPhysical(pa));
}

/* The page routines: an MDL, mapped, checked and freed. */
static NTSTATUS NumaPages(struct numa_alloc *Req)
{
	PHYSICAL_ADDRESS low, high, skip;
	PPFN_NUMBER pfns, saved;
	PUCHAR va;
	PMDL mdl;
	ULONG i;

	low.QuadPart = Req->low;
	high.QuadPart = Req->high;
	skip.QuadPart = 0;
	if (Req->routine == NUMA_NODE_PAGES)
		mdl = MmAllocateNodePagesForMdlEx(low, high, skip, Req->bytes,
						  Req->cache, Req->node, Req->flags);
	else
		mdl = MmAllocatePartitionNodePagesForMdlEx(low, high, skip,
							   Req->bytes, Req->cache,
							   Req->node, Req->flags,
							   Req->partition ? Req : NULL);
	if (!mdl)
		return STATUS_SUCCESS;
	Req->allocated = 1;
	Req->pages = BYTES_TO_PAGES(MmGetMdlByteCount(mdl));
	pfns = MmGetMdlPfnArray(mdl);
	saved = ExAllocatePoolWithTag(NonPagedPool, Req->pages * sizeof(PFN_NUMBER),
				      NUMA_TAG);
	if (!saved) {
		MmFreePagesFromMdl(mdl);
		ExFreePool(mdl);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	RtlCopyMemory(saved, pfns, Req->pages * sizeof(PFN_NUMBER));
	Req->first_pfn = saved[0];
	Req->contiguous = 1;
	for (i = 0; i < Req->pages; i++) {
		NumaCountPfn(Req, saved[i]);
		if (i && saved[i] != saved[i - 1] + 1)
			Req->contiguous = 0;
		Req->direct_type[NumaDirectType(saved[i])]++;
	}
	va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	if (va) {
		Req->data_ok = NumaTouch(va, MmGetMdlByteCount(mdl), Req->node);
		for (i = 0; i < Req->pages; i++)
			Req->system_type[WdkAddressMemoryType(va + i * PAGE_SIZE)]++;
		MmUnmapLockedPages(va, mdl);
	}
	MmFreePagesFromMdl(mdl);
	ExFreePool(mdl);
	for (i = 0; i < Req->pages; i++)
		Req->freed_type[NumaDirectType(saved[i])]++;
	ExFreePoolWithTag(saved, NUMA_TAG);
	return STATUS_SUCCESS;
}

/* The contiguous routines: a block, used at its address, checked, freed. */
static NTSTATUS NumaContiguous(struct numa_alloc *Req)
{
	PHYSICAL_ADDRESS low, high, boundary;
	PFN_NUMBER first;
	PUCHAR va;
	ULONG i;

	low.QuadPart = Req->low;
	high.QuadPart = Req->high;
	boundary.QuadPart = 0;
	if (Req->routine == NUMA_CONTIGUOUS_NODE)
		va = MmAllocateContiguousNodeMemory(Req->bytes, low, high, boundary,
						    Req->cache, Req->node);
	else
		va = MmAllocateContiguousMemorySpecifyCacheNode(Req->bytes, low, high,
								boundary, Req->cache,
								Req->node);
	if (!va)
		return STATUS_SUCCESS;
	Req->allocated = 1;
	Req->pages = BYTES_TO_PAGES(Req->bytes);
	first = MmGetPhysicalAddress(va).QuadPart >> PAGE_SHIFT;
	Req->first_pfn = first;
	Req->contiguous = 1;
	for (i = 0; i < Req->pages; i++) {
		PFN_NUMBER pfn = MmGetPhysicalAddress(va + i * PAGE_SIZE).QuadPart >>
				 PAGE_SHIFT;

		NumaCountPfn(Req, pfn);
		if (pfn != first + i)
			Req->contiguous = 0;
		Req->direct_type[NumaDirectType(pfn)]++;
		Req->system_type[WdkAddressMemoryType(va + i * PAGE_SIZE)]++;
	}
	Req->data_ok = NumaTouch(va, Req->bytes, Req->node);
	MmFreeContiguousMemory(va);
	for (i = 0; i < Req->pages; i++)
		Req->freed_type[NumaDirectType(first + i)]++;
	return STATUS_SUCCESS;
}

static NTSTATUS NumaAllocate(struct numa_alloc *Req)
{
	Req->allocated = 0;
	Req->pages = 0;
	Req->contiguous = 0;
	Req->in_range = 0;
	Req->data_ok = 0;
	Req->on_other_node = 0;
	Req->first_pfn = 0;
	RtlZeroMemory(Req->on_node, sizeof(Req->on_node));
	RtlZeroMemory(Req->direct_type, sizeof(Req->direct_type));
	RtlZeroMemory(Req->system_type, sizeof(Req->system_type));
	RtlZeroMemory(Req->freed_type, sizeof(Req->freed_type));
	Req->cpu_node = WdkCurrentNode();
	switch (Req->routine) {
	case NUMA_NODE_PAGES:
	case NUMA_PARTITION_NODE_PAGES:
		return NumaPages(Req);
	case NUMA_CONTIGUOUS_NODE:
	case NUMA_CONTIGUOUS_CACHE_NODE:
		return NumaContiguous(Req);
	default:
		return STATUS_INVALID_PARAMETER;
	}
}

static NTSTATUS NumaDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
	ULONG inLength = irpSp->Parameters.DeviceIoControl.InputBufferLength;
	ULONG outLength = irpSp->Parameters.DeviceIoControl.OutputBufferLength;
	struct numa_alloc *req = Irp->AssociatedIrp.SystemBuffer;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(DeviceObject);
	switch (irpSp->Parameters.DeviceIoControl.IoControlCode) {
	case IOCTL_NUMA_ALLOCATE:
		if (inLength < sizeof(*req) || outLength < sizeof(*req))
			return NumaComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		status = NumaAllocate(req);
		return NumaComplete(Irp, status, NT_SUCCESS(status) ? sizeof(*req) : 0);
	default:
		return NumaComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
	}
}

static VOID NumaUnload(PDRIVER_OBJECT DriverObject)
{
	IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PVOID RegistryPath)
{
	PDEVICE_OBJECT deviceObject;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(RegistryPath);
	status = IoCreateDevice(DriverObject, 0, "wdm_numa", FILE_DEVICE_UNKNOWN,
				0, FALSE, &deviceObject);
	if (!NT_SUCCESS(status))
		return status;
	DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = NumaDispatchDeviceControl;
	DriverObject->DriverUnload = NumaUnload;
	return STATUS_SUCCESS;
}
