// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_dma: the DMA path of a Windows bus-master driver, for QEMU's edu
 * device. The device copies between a 4 KiB buffer of its own (at device
 * offset 0x40000; QEMU 7.2 takes at most 4095 bytes a transfer) and a DMA
 * address it is given in registers 0x80 (source),
 * 0x88 (destination), 0x90 (count) and 0x98 (command: bit 0 starts, bit 1
 * sets the direction to memory); it sees only 28 address bits.
 *
 * The driver asks IoGetDmaAdapter for a 28-bit scatter/gather adapter and
 * moves every buffer memory -> device -> memory, at most one device buffer
 * at a time, with the three ways the WDK offers: GetScatterGatherList,
 * BuildScatterGatherList into its own buffer, and packet-based DMA
 * (AllocateAdapterChannel, MapTransfer, FlushAdapterBuffers), and their
 * version-3 forms with a DMA transfer context (GetScatterGatherListEx,
 * GetDmaTransferInfo + BuildScatterGatherListEx, AllocateAdapterChannelEx
 * + MapTransferEx + FlushAdapterBuffersEx + FreeAdapterObject). Lists of
 * physical addresses are described again with
 * BuildMdlFromScatterGatherList and checked. It reports the device
 * addresses it was given next to the physical ones.
 *
 * Nothing here is Linux-specific: the Linux glue is glue.c.
 */
#include <wdm.h>
#include "wdk_io.h"
#include "wdk_ioctl.h"
#include "edu.h"

#define EDU_TAG			0x41447544	/* 'DuDA' */
#define EDU_REG_IDENT		0x00
#define EDU_REG_DMA_SOURCE	0x80
#define EDU_REG_DMA_DEST	0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_COMMAND	0x98
#define EDU_DMA_RUN		0x1
#define EDU_DMA_TO_MEMORY	0x2
#define EDU_DEVICE_BUFFER	0x40000
#define EDU_BUFFER_SIZE		4096
/* QEMU 7.2's edu stops the machine on a transfer that ends at the buffer's end. */
#define EDU_CHUNK		(EDU_BUFFER_SIZE - 1)
#define EDU_ADDRESS_BITS	28
#define EDU_MASK		((1ULL << EDU_ADDRESS_BITS) - 1)
#define EDU_MAX_TRANSFER	(3 * PAGE_SIZE)
#define EDU_KERNEL_MAX		(64 * 1024)

typedef struct _EDU_EXTENSION {
	PUCHAR Registers;
	PDMA_ADAPTER Adapter;
	ULONG MapRegisters;
	PDEVICE_OBJECT Pdo;
} EDU_EXTENSION, *PEDU_EXTENSION;

typedef struct _EDU_CALLBACK {
	PSCATTER_GATHER_LIST List;
	PVOID MapRegisterBase;
	IO_ALLOCATION_ACTION Action;
	ULONG Calls;
	struct edu_stats *Stats;
} EDU_CALLBACK, *PEDU_CALLBACK;

static PDEVICE_OBJECT EduDevice;

static VOID EduNoteIrql(struct edu_stats *Stats)
{
	KIRQL irql = KeGetCurrentIrql();

	if (!Stats)
		return;
	if (irql > Stats->max_irql)
		Stats->max_irql = irql;
	if (irql < Stats->min_irql)
		Stats->min_irql = irql;
}

/* DRIVER_LIST_CONTROL: runs at DISPATCH_LEVEL; the device is programmed later. */
static VOID EduListReady(PDEVICE_OBJECT DeviceObject, PIRP Irp,
			 PSCATTER_GATHER_LIST ScatterGather, PVOID Context)
{
	PEDU_CALLBACK cb = Context;

	cb->List = ScatterGather;
	cb->Calls++;
	EduNoteIrql(cb->Stats);
}

/* DMA_COMPLETION_ROUTINE: system DMA only; an adapter that calls it is wrong. */
static VOID EduDmaDone(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject,
		       PVOID CompletionContext, DMA_COMPLETION_STATUS Status)
{
	PEDU_CALLBACK cb = CompletionContext;

	cb->Calls++;
}

/* DRIVER_CONTROL of AllocateAdapterChannel. */
static IO_ALLOCATION_ACTION EduChannelReady(PDEVICE_OBJECT DeviceObject, PIRP Irp,
					    PVOID MapRegisterBase, PVOID Context)
{
	PEDU_CALLBACK cb = Context;

	cb->MapRegisterBase = MapRegisterBase;
	cb->Calls++;
	EduNoteIrql(cb->Stats);
	return cb->Action;
}

/* One device DMA between @Address and the device buffer at @Offset. */
static NTSTATUS EduDeviceDma(PEDU_EXTENSION Ext, ULONG64 Address, ULONG Length,
			     ULONG Offset, BOOLEAN ToDevice, struct edu_stats *Stats)
{
	LARGE_INTEGER tick = { .QuadPart = -10 * 1000 * 5 };	/* 5 ms */
	PUCHAR r = Ext->Registers;
	ULONG i;

	if (!Length || Offset + Length > EDU_CHUNK)
		return STATUS_INVALID_PARAMETER;
	WRITE_REGISTER_ULONG64(r + EDU_REG_DMA_SOURCE,
			       ToDevice ? Address : EDU_DEVICE_BUFFER + Offset);
	WRITE_REGISTER_ULONG64(r + EDU_REG_DMA_DEST,
			       ToDevice ? EDU_DEVICE_BUFFER + Offset : Address);
	WRITE_REGISTER_ULONG64(r + EDU_REG_DMA_COUNT, Length);
	WRITE_REGISTER_ULONG64(r + EDU_REG_DMA_COMMAND,
			       EDU_DMA_RUN | (ToDevice ? 0 : EDU_DMA_TO_MEMORY));
	Stats->transfers++;
	for (i = 0; i < 4000; i++) {
		if (!(READ_REGISTER_ULONG64(r + EDU_REG_DMA_COMMAND) & EDU_DMA_RUN))
			return STATUS_SUCCESS;
		KeDelayExecutionThread(KernelMode, FALSE, &tick);
	}
	return STATUS_UNSUCCESSFUL;
}

/* The MDL and address @Offset bytes after @Va of @Mdl, along the chain. */
static BOOLEAN EduLocate(PMDL Mdl, PVOID Va, ULONG Offset, PMDL *OutMdl, PUCHAR *OutVa,
			 ULONG *Left)
{
	ULONG avail = MmGetMdlByteCount(Mdl) -
		      (ULONG)((PUCHAR)Va - (PUCHAR)MmGetMdlVirtualAddress(Mdl));

	while (Mdl && Offset >= avail) {
		Offset -= avail;
		Mdl = Mdl->Next;
		if (!Mdl)
			return FALSE;
		Va = MmGetMdlVirtualAddress(Mdl);
		avail = MmGetMdlByteCount(Mdl);
	}
	*OutMdl = Mdl;
	*OutVa = (PUCHAR)Va + Offset;
	*Left = avail - Offset;
	return TRUE;
}

/* The physical address of a byte of an MDL, from its PFN array. */
static ULONG64 EduPhysical(PMDL Mdl, PUCHAR Va)
{
	ULONG pos = MmGetMdlByteOffset(Mdl) +
		    (ULONG)(Va - (PUCHAR)MmGetMdlVirtualAddress(Mdl));

	return ((ULONG64)MmGetMdlPfnArray(Mdl)[pos >> PAGE_SHIFT] << PAGE_SHIFT) +
	       (pos & (PAGE_SIZE - 1));
}

/* Pages a range of a chain spans (map registers it needs). */
static ULONG EduSpan(PMDL Mdl, PVOID Va, ULONG Length)
{
	ULONG pages = 0, off = 0, left, n;
	PMDL m;
	PUCHAR va;

	while (off < Length && EduLocate(Mdl, Va, off, &m, &va, &left)) {
		n = min(left, Length - off);
		pages += ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, n);
		off += n;
	}
	return pages;
}

static VOID EduNoteElement(struct edu_stats *Stats, ULONG64 Device, ULONG64 Physical,
			   ULONG Length)
{
	Stats->elements++;
	if (Device == Physical)
		Stats->identity++;
	if (Physical + Length - 1 > EDU_MASK)
		Stats->high++;
	if (Device + Length - 1 > EDU_MASK)
		Stats->over_mask++;
	if (Device > Stats->max_address)
		Stats->max_address = Device;
	Stats->phys_sample = Physical;
	Stats->dev_sample = Device;
}

/* Run the elements of a list: memory <-> device buffer from offset 0. */
static NTSTATUS EduRunList(PEDU_EXTENSION Ext, PSCATTER_GATHER_LIST List, PMDL Mdl,
			   PVOID Va, BOOLEAN ToDevice, struct edu_stats *Stats)
{
	ULONG i, off = 0, left;
	NTSTATUS status;
	PUCHAR va;
	PMDL m;

	for (i = 0; i < List->NumberOfElements; i++) {
		PSCATTER_GATHER_ELEMENT e = &List->Elements[i];

		if (!EduLocate(Mdl, Va, off, &m, &va, &left))
			return STATUS_UNSUCCESSFUL;
		EduNoteElement(Stats, e->Address.QuadPart, EduPhysical(m, va), e->Length);
		status = EduDeviceDma(Ext, e->Address.QuadPart, e->Length, off, ToDevice,
				      Stats);
		if (!NT_SUCCESS(status))
			return status;
		off += e->Length;
	}
	return STATUS_SUCCESS;
}

static NTSTATUS EduChunkList(PEDU_EXTENSION Ext, PMDL Mdl, PVOID Va, ULONG Length,
			     BOOLEAN ToDevice, BOOLEAN Build, struct edu_stats *Stats)
{
	PDMA_OPERATIONS ops = Ext->Adapter->DmaOperations;
	EDU_CALLBACK cb = { .Stats = Stats };
	ULONG size = 0, registers = 0;
	PVOID buffer = NULL;
	NTSTATUS status;

	if (Build) {
		status = ops->CalculateScatterGatherList(Ext->Adapter, Mdl, Va, Length,
							 &size, &registers);
		if (!NT_SUCCESS(status))
			return status;
		buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, size, EDU_TAG);
		if (!buffer)
			return STATUS_INSUFFICIENT_RESOURCES;
		status = ops->BuildScatterGatherList(Ext->Adapter, EduDevice, Mdl, Va,
						     Length, EduListReady, &cb, ToDevice,
						     buffer, size);
	} else {
		status = ops->GetScatterGatherList(Ext->Adapter, EduDevice, Mdl, Va, Length,
						   EduListReady, &cb, ToDevice);
	}
	if (NT_SUCCESS(status) && (cb.Calls != 1 || !cb.List))
		status = STATUS_UNSUCCESSFUL;
	if (NT_SUCCESS(status)) {
		status = EduRunList(Ext, cb.List, Mdl, Va, ToDevice, Stats);
		ops->PutScatterGatherList(Ext->Adapter, cb.List, ToDevice);
	}
	if (buffer)
		ExFreePoolWithTag(buffer, EDU_TAG);
	return status;
}

/* The PFN of page @Page of the range at @Va of @Mdl. */
static PFN_NUMBER EduRangePfn(PMDL Mdl, PVOID Va, ULONG Page)
{
	ULONG pos = MmGetMdlByteOffset(Mdl) +
		    (ULONG)((PUCHAR)Va - (PUCHAR)MmGetMdlVirtualAddress(Mdl));

	return MmGetMdlPfnArray(Mdl)[(pos >> PAGE_SHIFT) + Page];
}

/*
 * BuildMdlFromScatterGatherList of a list of (@Mdl, @Va, @Length): where
 * every element is at its physical address and the range is in one MDL,
 * the new MDL must describe the range's own pages; otherwise (IOVAs,
 * bounce buffers, a chain) it must be refused with STATUS_NOT_SUPPORTED.
 */
static NTSTATUS EduCheckListMdl(PEDU_EXTENSION Ext, PSCATTER_GATHER_LIST List, PMDL Mdl,
				PVOID Va, ULONG Length, struct edu_stats *Stats)
{
	PDMA_OPERATIONS ops = Ext->Adapter->DmaOperations;
	BOOLEAN physical = Length <= MmGetMdlByteCount(Mdl) -
			   (ULONG)((PUCHAR)Va - (PUCHAR)MmGetMdlVirtualAddress(Mdl));
	ULONG i, off = 0, left, pages;
	PMDL target = NULL, m;
	NTSTATUS status;
	PUCHAR va;

	for (i = 0; physical && i < List->NumberOfElements; i++) {
		if (!EduLocate(Mdl, Va, off, &m, &va, &left) ||
		    List->Elements[i].Address.QuadPart != EduPhysical(m, va))
			physical = FALSE;
		off += List->Elements[i].Length;
	}
	status = ops->BuildMdlFromScatterGatherList(Ext->Adapter, List, Mdl, &target);
	if (!physical)
		return status == STATUS_NOT_SUPPORTED && !target ? STATUS_SUCCESS :
		       STATUS_UNSUCCESSFUL;
	if (!NT_SUCCESS(status))
		return status;
	pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Length);
	status = STATUS_SUCCESS;
	if (!target || MmGetMdlVirtualAddress(target) != Va ||
	    MmGetMdlByteCount(target) != Length)
		status = STATUS_UNSUCCESSFUL;
	for (i = 0; NT_SUCCESS(status) && i < pages; i++)
		if (MmGetMdlPfnArray(target)[i] != EduRangePfn(Mdl, Va, i))
			status = STATUS_UNSUCCESSFUL;
	if (NT_SUCCESS(status))
		Stats->mdls++;
	if (target)
		IoFreeMdl(target);
	return status;
}

/*
 * The version-3 list forms, GetScatterGatherListEx or GetDmaTransferInfo +
 * BuildScatterGatherListEx: the list goes to the routine and comes back in
 * the last argument too.
 */
static NTSTATUS EduChunkListEx(PEDU_EXTENSION Ext, PMDL Mdl, PVOID Va, ULONG Length,
			       BOOLEAN ToDevice, BOOLEAN Build, struct edu_stats *Stats)
{
	PDMA_OPERATIONS ops = Ext->Adapter->DmaOperations;
	ULONG64 context[DMA_TRANSFER_CONTEXT_SIZE_V1 / sizeof(ULONG64)];
	ULONG64 offset = (PUCHAR)Va - (PUCHAR)MmGetMdlVirtualAddress(Mdl);
	EDU_CALLBACK cb = { .Stats = Stats };
	DMA_TRANSFER_INFO info = { .Version = DMA_TRANSFER_INFO_VERSION2 };
	PSCATTER_GATHER_LIST list = NULL;
	PVOID buffer = NULL;
	NTSTATUS status;

	status = ops->InitializeDmaTransferContext(Ext->Adapter, context);
	if (!NT_SUCCESS(status))
		return status;
	if (Build) {
		status = ops->GetDmaTransferInfo(Ext->Adapter, Mdl, offset, Length, ToDevice,
						 &info);
		if (!NT_SUCCESS(status))
			return status;
		if (info.V2.LogicalPageCount != EduSpan(Mdl, Va, Length) ||
		    info.V2.MapRegisterCount != info.V2.LogicalPageCount)
			return STATUS_UNSUCCESSFUL;
		buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, info.V2.ScatterGatherListSize,
					 EDU_TAG);
		if (!buffer)
			return STATUS_INSUFFICIENT_RESOURCES;
		status = ops->BuildScatterGatherListEx(Ext->Adapter, EduDevice, context, Mdl,
						       offset, Length,
						       DMA_SYNCHRONOUS_CALLBACK, EduListReady,
						       &cb, ToDevice, buffer,
						       info.V2.ScatterGatherListSize, NULL,
						       NULL, &list);
	} else {
		status = ops->GetScatterGatherListEx(Ext->Adapter, EduDevice, context, Mdl,
						     offset, Length, 0, EduListReady, &cb,
						     ToDevice, NULL, NULL, &list);
	}
	if (NT_SUCCESS(status) && (cb.Calls != 1 || !cb.List || cb.List != list))
		status = STATUS_UNSUCCESSFUL;
	if (NT_SUCCESS(status)) {
		status = EduCheckListMdl(Ext, list, Mdl, Va, Length, Stats);
		if (NT_SUCCESS(status))
			status = EduRunList(Ext, list, Mdl, Va, ToDevice, Stats);
		ops->PutScatterGatherList(Ext->Adapter, list, ToDevice);
	}
	if (buffer)
		ExFreePoolWithTag(buffer, EDU_TAG);
	return status;
}

/* Packet-based DMA of one chunk: MapTransfer piece by piece, MDL by MDL. */
static NTSTATUS EduChunkPackets(PEDU_EXTENSION Ext, PMDL Mdl, PVOID Va, ULONG Length,
				BOOLEAN ToDevice, struct edu_stats *Stats)
{
	PDMA_OPERATIONS ops = Ext->Adapter->DmaOperations;
	EDU_CALLBACK cb = { .Stats = Stats, .Action = DeallocateObjectKeepRegisters };
	ULONG registers = EduSpan(Mdl, Va, Length), off = 0, left, piece;
	NTSTATUS status;
	PHYSICAL_ADDRESS address;
	PUCHAR va;
	PMDL m;

	status = ops->AllocateAdapterChannel(Ext->Adapter, EduDevice, registers,
					     EduChannelReady, &cb);
	if (!NT_SUCCESS(status))
		return status;
	if (cb.Calls != 1 || !cb.MapRegisterBase)
		return STATUS_UNSUCCESSFUL;
	while (NT_SUCCESS(status) && off < Length) {
		if (!EduLocate(Mdl, Va, off, &m, &va, &left)) {
			status = STATUS_UNSUCCESSFUL;
			break;
		}
		piece = min(left, Length - off);
		address = ops->MapTransfer(Ext->Adapter, m, cb.MapRegisterBase, va, &piece,
					   ToDevice);
		if (!piece) {
			status = STATUS_INSUFFICIENT_RESOURCES;
			break;
		}
		EduNoteElement(Stats, address.QuadPart, EduPhysical(m, va), piece);
		status = EduDeviceDma(Ext, address.QuadPart, piece, off, ToDevice, Stats);
		off += piece;
	}
	if (!ops->FlushAdapterBuffers(Ext->Adapter, Mdl, cb.MapRegisterBase, Va, Length,
				      ToDevice) && NT_SUCCESS(status))
		status = STATUS_UNSUCCESSFUL;
	ops->FreeMapRegisters(Ext->Adapter, cb.MapRegisterBase, registers);
	return status;
}

/*
 * The version-3 packet-based form, MDL by MDL: AllocateAdapterChannelEx
 * without a routine (DMA_SYNCHRONOUS_CALLBACK: the map registers come back
 * at once, the channel is held), MapTransferEx into a list of pieces,
 * FlushAdapterBuffersEx, FreeAdapterObject.
 */
static NTSTATUS EduChunkPacketsEx(PEDU_EXTENSION Ext, PMDL Mdl, PVOID Va, ULONG Length,
				  BOOLEAN ToDevice, struct edu_stats *Stats)
{
	PDMA_OPERATIONS ops = Ext->Adapter->DmaOperations;
	ULONG64 context[DMA_TRANSFER_CONTEXT_SIZE_V1 / sizeof(ULONG64)];
	ULONG64 list[(sizeof(SCATTER_GATHER_LIST) + 4 * sizeof(SCATTER_GATHER_ELEMENT)) /
		     sizeof(ULONG64)];
	PSCATTER_GATHER_LIST sg = (PSCATTER_GATHER_LIST)list;
	ULONG registers = EduSpan(Mdl, Va, Length), off = 0, left, piece, i, done;
	PVOID base = NULL;
	NTSTATUS status, flushed;
	ULONG64 offset;
	PUCHAR va;
	PMDL m;

	status = ops->InitializeDmaTransferContext(Ext->Adapter, context);
	if (NT_SUCCESS(status))
		status = ops->AllocateAdapterChannelEx(Ext->Adapter, EduDevice, context,
						       registers, DMA_SYNCHRONOUS_CALLBACK,
						       NULL, NULL, &base);
	if (!NT_SUCCESS(status))
		return status;
	if (!base)
		return STATUS_UNSUCCESSFUL;
	while (NT_SUCCESS(status) && off < Length) {
		if (!EduLocate(Mdl, Va, off, &m, &va, &left)) {
			status = STATUS_UNSUCCESSFUL;
			break;
		}
		piece = min(left, Length - off);
		offset = va - (PUCHAR)MmGetMdlVirtualAddress(m);
		status = ops->MapTransferEx(Ext->Adapter, m, base, offset, 0, &piece, ToDevice,
					    sg, sizeof(list), NULL, NULL);
		if (!NT_SUCCESS(status))
			break;
		for (i = 0, done = 0; NT_SUCCESS(status) && i < sg->NumberOfElements; i++) {
			PSCATTER_GATHER_ELEMENT e = &sg->Elements[i];

			EduNoteElement(Stats, e->Address.QuadPart, EduPhysical(m, va + done),
				       e->Length);
			status = EduDeviceDma(Ext, e->Address.QuadPart, e->Length, off + done,
					      ToDevice, Stats);
			done += e->Length;
		}
		if (NT_SUCCESS(status) && done != piece)
			status = STATUS_UNSUCCESSFUL;
		flushed = ops->FlushAdapterBuffersEx(Ext->Adapter, m, base, offset, piece,
						     ToDevice);
		if (NT_SUCCESS(status))
			status = flushed;
		off += piece;
	}
	ops->FreeAdapterObject(Ext->Adapter, DeallocateObject);
	return status;
}

static NTSTATUS EduChunk(PEDU_EXTENSION Ext, PMDL Mdl, PVOID Va, ULONG Length,
			 BOOLEAN ToDevice, ULONG Method, struct edu_stats *Stats)
{
	switch (Method) {
	case EDU_METHOD_GET_SG:
		return EduChunkList(Ext, Mdl, Va, Length, ToDevice, FALSE, Stats);
	case EDU_METHOD_BUILD_SG:
		return EduChunkList(Ext, Mdl, Va, Length, ToDevice, TRUE, Stats);
	case EDU_METHOD_MAP_TRANSFER:
		return EduChunkPackets(Ext, Mdl, Va, Length, ToDevice, Stats);
	case EDU_METHOD_GET_SG_EX:
		return EduChunkListEx(Ext, Mdl, Va, Length, ToDevice, FALSE, Stats);
	case EDU_METHOD_BUILD_SG_EX:
		return EduChunkListEx(Ext, Mdl, Va, Length, ToDevice, TRUE, Stats);
	case EDU_METHOD_MAP_TRANSFER_EX:
		return EduChunkPacketsEx(Ext, Mdl, Va, Length, ToDevice, Stats);
	default:
		return STATUS_INVALID_PARAMETER;
	}
}

/*
 * Copy @Length bytes from (@Src, @SrcVa) to (@Dst, @DstVa) through the
 * device, one device buffer (or fewer bytes, to fit the map registers) at
 * a time: memory -> device, then device -> memory.
 */
static NTSTATUS EduCopy(PEDU_EXTENSION Ext, PMDL Src, PVOID SrcVa, PMDL Dst,
			PVOID DstVa, ULONG Length, ULONG Method, struct edu_stats *Stats)
{
	ULONG done = 0, chunk, left;
	PMDL sm, dm;
	PUCHAR sva, dva;
	NTSTATUS status = STATUS_SUCCESS;

	Stats->min_irql = HIGH_LEVEL;
	while (NT_SUCCESS(status) && done < Length) {
		if (!EduLocate(Src, SrcVa, done, &sm, &sva, &left) ||
		    !EduLocate(Dst, DstVa, done, &dm, &dva, &left))
			return STATUS_INVALID_PARAMETER;
		chunk = min_t(ULONG, Length - done, EDU_CHUNK);
		while (chunk > 1 && (EduSpan(sm, sva, chunk) > Ext->MapRegisters ||
				     EduSpan(dm, dva, chunk) > Ext->MapRegisters))
			chunk /= 2;
		status = EduChunk(Ext, sm, sva, chunk, TRUE, Method, Stats);
		if (NT_SUCCESS(status))
			status = EduChunk(Ext, dm, dva, chunk, FALSE, Method, Stats);
		done += chunk;
	}
	return status;
}

/* ---- requests --------------------------------------------------------- */

static PMDL EduLockUser(PVOID Address, ULONG Length, LOCK_OPERATION Operation,
			NTSTATUS *Status)
{
	PMDL mdl = IoAllocateMdl(Address, Length, FALSE, FALSE, NULL);

	*Status = STATUS_INSUFFICIENT_RESOURCES;
	if (!mdl)
		return NULL;
	*Status = MmTryProbeAndLockPages(mdl, UserMode, Operation);
	if (!NT_SUCCESS(*Status)) {
		IoFreeMdl(mdl);
		return NULL;
	}
	return mdl;
}

static VOID EduUnlockUser(PMDL Mdl)
{
	if (!Mdl)
		return;
	MmUnlockPages(Mdl);
	IoFreeMdl(Mdl);
}

/* A partial MDL of all of @Source (IoBuildPartialMdl), or NULL. */
static PMDL EduPartOf(PMDL Source)
{
	PVOID va = MmGetMdlVirtualAddress(Source);
	ULONG length = MmGetMdlByteCount(Source);
	PMDL part = IoAllocateMdl(va, length, FALSE, FALSE, NULL);

	if (part)
		IoBuildPartialMdl(Source, part, va, length);
	return part;
}

/*
 * Copy->repeat more copies over the same locks, the destination zeroed
 * through its system mapping before each: a driver that maps one request's
 * buffers again and again. During the last, a list of all of the source
 * stays mapped besides the copy's own (two lists of one MDL at once).
 */
static NTSTATUS EduCopyAgain(PEDU_EXTENSION Ext, PMDL Src, PMDL Dst, PMDL Target,
			     struct edu_copy *Copy)
{
	PDMA_OPERATIONS ops = Ext->Adapter->DmaOperations;
	EDU_CALLBACK held = { .Stats = &Copy->stats };
	NTSTATUS status = STATUS_SUCCESS;
	PVOID va;
	ULONG i;

	for (i = 0; NT_SUCCESS(status) && i < Copy->repeat; i++) {
		va = MmGetSystemAddressForMdlSafe(Dst, NormalPagePriority | MdlMappingNoExecute);
		if (!va)
			return STATUS_INSUFFICIENT_RESOURCES;
		RtlZeroMemory(va, Copy->length);
		if (i + 1 == Copy->repeat && Copy->method == EDU_METHOD_GET_SG) {
			status = ops->GetScatterGatherList(Ext->Adapter, EduDevice, Src,
							   MmGetMdlVirtualAddress(Src),
							   MmGetMdlByteCount(Src), EduListReady,
							   &held, TRUE);
			if (!NT_SUCCESS(status))
				return status;
		}
		status = EduCopy(Ext, Src, MmGetMdlVirtualAddress(Src), Target,
				 MmGetMdlVirtualAddress(Dst), Copy->length, Copy->method,
				 &Copy->stats);
	}
	if (held.List)
		ops->PutScatterGatherList(Ext->Adapter, held.List, TRUE);
	return status;
}

/*
 * User buffers (direct I/O): the process checks what arrived. With
 * Copy->partial the device writes a partial MDL of the destination's lock,
 * as a driver that splits a request does.
 */
static NTSTATUS EduCopyUser(PEDU_EXTENSION Ext, struct edu_copy *Copy)
{
	PMDL src, dst = NULL, part = NULL;
	NTSTATUS status;

	if (!Copy->length || Copy->method >= EDU_METHODS || Copy->repeat > 8)
		return STATUS_INVALID_PARAMETER;
	src = EduLockUser((PVOID)(ULONG_PTR)Copy->src, Copy->length, IoReadAccess, &status);
	if (src)
		dst = EduLockUser((PVOID)(ULONG_PTR)Copy->dst, Copy->length, IoWriteAccess,
				  &status);
	if (dst && Copy->partial) {
		part = EduPartOf(dst);
		if (!part)
			status = STATUS_INSUFFICIENT_RESOURCES;
	}
	if (dst && (part || !Copy->partial))
		status = EduCopy(Ext, src, MmGetMdlVirtualAddress(src), part ? part : dst,
				 MmGetMdlVirtualAddress(dst), Copy->length, Copy->method,
				 &Copy->stats);
	if (NT_SUCCESS(status) && dst && (part || !Copy->partial))
		status = EduCopyAgain(Ext, src, dst, part ? part : dst, Copy);
	if (part)
		IoFreeMdl(part);
	EduUnlockUser(dst);
	EduUnlockUser(src);
	return status;
}

static VOID EduFill(PUCHAR Buffer, ULONG Length, ULONG Seed)
{
	ULONG i;

	for (i = 0; i < Length; i++)
		Buffer[i] = (UCHAR)(Seed + i * 7 + (i >> 9));
}

static ULONG EduMismatches(const UCHAR *Buffer, ULONG Length, ULONG Seed)
{
	ULONG i, bad = 0;

	for (i = 0; i < Length; i++)
		if (Buffer[i] != (UCHAR)(Seed + i * 7 + (i >> 9)))
			bad++;
	return bad;
}

static PMDL EduPoolMdl(PVOID Buffer, ULONG Length)
{
	PMDL mdl = IoAllocateMdl(Buffer, Length, FALSE, FALSE, NULL);

	if (mdl)
		MmBuildMdlForNonPagedPool(mdl);
	return mdl;
}

/* A pool buffer and its MDL, or pages of MmAllocatePagesForMdlEx. */
typedef struct _EDU_BUFFER {
	PUCHAR Va;
	PMDL Mdl;
	BOOLEAN Pages;
} EDU_BUFFER, *PEDU_BUFFER;

static NTSTATUS EduBufferAlloc(PEDU_BUFFER B, ULONG Length, ULONG Kind)
{
	PHYSICAL_ADDRESS low = { .QuadPart = 0 }, high = { .QuadPart = -1 };
	PHYSICAL_ADDRESS skip = { .QuadPart = 0 };

	RtlZeroMemory(B, sizeof(*B));
	if (Kind == EDU_KERNEL_PAGES || Kind == EDU_KERNEL_HIGH) {
		if (Kind == EDU_KERNEL_HIGH)
			low.QuadPart = EDU_MASK + 1;
		B->Mdl = MmAllocatePagesForMdlEx(low, high, skip, Length, MmCached,
						 MM_ALLOCATE_FULLY_REQUIRED);
		if (!B->Mdl)
			return STATUS_INSUFFICIENT_RESOURCES;
		B->Pages = TRUE;
		B->Va = MmGetSystemAddressForMdlSafe(B->Mdl, NormalPagePriority);
		return B->Va ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
	}
	B->Va = ExAllocatePool2(POOL_FLAG_NON_PAGED, Length, EDU_TAG);
	if (!B->Va)
		return STATUS_INSUFFICIENT_RESOURCES;
	B->Mdl = EduPoolMdl(B->Va, Length);
	return B->Mdl ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

static VOID EduBufferFree(PEDU_BUFFER B)
{
	if (B->Pages) {
		if (B->Mdl) {
			MmFreePagesFromMdl(B->Mdl);
			ExFreePool(B->Mdl);
		}
		return;
	}
	if (B->Mdl)
		IoFreeMdl(B->Mdl);
	if (B->Va)
		ExFreePoolWithTag(B->Va, EDU_TAG);
}

/* The MDL address of byte @Offset of a buffer. */
static PVOID EduMdlVa(PEDU_BUFFER B, ULONG Offset)
{
	return (PUCHAR)MmGetMdlVirtualAddress(B->Mdl) + Offset;
}

/* Pool, allocated pages or high pages: src -> device -> dst, checked. */
static NTSTATUS EduKernelPlain(PEDU_EXTENSION Ext, struct edu_kernel *K)
{
	EDU_BUFFER src, dst;
	ULONG total = K->offset + K->length;
	NTSTATUS status;

	status = EduBufferAlloc(&src, total, K->kind);
	if (NT_SUCCESS(status))
		status = EduBufferAlloc(&dst, total, K->kind);
	else
		RtlZeroMemory(&dst, sizeof(dst));
	if (NT_SUCCESS(status)) {
		EduFill(src.Va + K->offset, K->length, K->kind + 3);
		RtlFillMemory(dst.Va, total, 0xee);
		status = EduCopy(Ext, src.Mdl, EduMdlVa(&src, K->offset), dst.Mdl,
				 EduMdlVa(&dst, K->offset), K->length, K->method, &K->stats);
		K->stats.mismatches = EduMismatches(dst.Va + K->offset, K->length,
						    K->kind + 3);
	}
	EduBufferFree(&dst);
	EduBufferFree(&src);
	return status;
}

/* A chain of three pool MDLs (Irp->MdlAddress style) into one buffer. */
static NTSTATUS EduKernelChain(PEDU_EXTENSION Ext, struct edu_kernel *K)
{
	static const ULONG parts[3] = { 1000, 2000, 1500 };
	static const ULONG offsets[3] = { 3000, 3500, 0 };
	PUCHAR va[3] = { }, whole = NULL;
	PMDL mdl[3] = { }, dst = NULL;
	ULONG i, total = 0, at = 0;
	NTSTATUS status = STATUS_INSUFFICIENT_RESOURCES;

	for (i = 0; i < 3; i++)
		total += parts[i];
	for (i = 0; i < 3; i++) {
		va[i] = ExAllocatePool2(POOL_FLAG_NON_PAGED, offsets[i] + parts[i], EDU_TAG);
		if (!va[i])
			goto out;
		mdl[i] = EduPoolMdl(va[i] + offsets[i], parts[i]);
		if (!mdl[i])
			goto out;
		if (i)
			mdl[i - 1]->Next = mdl[i];
	}
	whole = ExAllocatePool2(POOL_FLAG_NON_PAGED, total, EDU_TAG);
	if (!whole)
		goto out;
	dst = EduPoolMdl(whole, total);
	if (!dst)
		goto out;
	for (i = 0; i < 3; i++) {
		PUCHAR p = va[i] + offsets[i];
		ULONG j;

		for (j = 0; j < parts[i]; j++)
			p[j] = (UCHAR)(9 + (at + j) * 7 + ((at + j) >> 9));
		at += parts[i];
	}
	/* The whole chain in one list first: CalculateScatterGatherList walks Next. */
	status = Ext->Adapter->DmaOperations->CalculateScatterGatherList(Ext->Adapter,
		mdl[0], MmGetMdlVirtualAddress(mdl[0]), total, &i, &at);
	if (NT_SUCCESS(status) &&
	    at != EduSpan(mdl[0], MmGetMdlVirtualAddress(mdl[0]), total))
		status = STATUS_UNSUCCESSFUL;
	if (NT_SUCCESS(status))
		status = EduCopy(Ext, mdl[0], MmGetMdlVirtualAddress(mdl[0]), dst, whole,
				 total, K->method, &K->stats);
	if (NT_SUCCESS(status))
		K->stats.mismatches = EduMismatches(whole, total, 9);
out:
	if (dst)
		IoFreeMdl(dst);
	if (whole)
		ExFreePoolWithTag(whole, EDU_TAG);
	for (i = 0; i < 3; i++) {
		if (mdl[i])
			IoFreeMdl(mdl[i]);
		if (va[i])
			ExFreePoolWithTag(va[i], EDU_TAG);
	}
	return status;
}

/* A partial MDL of a pool buffer's MDL (IoBuildPartialMdl). */
static NTSTATUS EduKernelPartial(PEDU_EXTENSION Ext, struct edu_kernel *K)
{
	EDU_BUFFER src, dst;
	ULONG total = K->offset + K->length;
	PMDL partial = NULL;
	NTSTATUS status;

	status = EduBufferAlloc(&src, total, EDU_KERNEL_POOL);
	if (NT_SUCCESS(status))
		status = EduBufferAlloc(&dst, K->length, EDU_KERNEL_POOL);
	else
		RtlZeroMemory(&dst, sizeof(dst));
	if (NT_SUCCESS(status)) {
		partial = IoAllocateMdl(src.Va + K->offset, K->length, FALSE, FALSE, NULL);
		status = partial ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
	}
	if (NT_SUCCESS(status)) {
		IoBuildPartialMdl(src.Mdl, partial, src.Va + K->offset, K->length);
		EduFill(src.Va + K->offset, K->length, 21);
		status = EduCopy(Ext, partial, MmGetMdlVirtualAddress(partial), dst.Mdl,
				 dst.Va, K->length, K->method, &K->stats);
		K->stats.mismatches = EduMismatches(dst.Va, K->length, 21);
	}
	if (partial)
		IoFreeMdl(partial);
	EduBufferFree(&dst);
	EduBufferFree(&src);
	return status;
}

/*
 * A common buffer both ways: pool -> device -> common buffer (the device
 * writes it at its logical address), then common buffer -> device -> pool.
 */
static NTSTATUS EduKernelCommon(PEDU_EXTENSION Ext, struct edu_kernel *K)
{
	PDMA_OPERATIONS ops = Ext->Adapter->DmaOperations;
	ULONG length = min_t(ULONG, K->length, EDU_CHUNK);
	PHYSICAL_ADDRESS logical, highest = { .QuadPart = EDU_MASK };
	EDU_BUFFER pool;
	NTSTATUS status;
	PUCHAR common;

	K->stats.min_irql = HIGH_LEVEL;
	/* A version-3 method: AllocateCommonBufferEx below the device's mask. */
	if (K->method >= EDU_METHOD_GET_SG_EX)
		common = ops->AllocateCommonBufferEx(Ext->Adapter, &highest, length, &logical,
						     TRUE, MM_ANY_NODE_OK);
	else
		common = ops->AllocateCommonBuffer(Ext->Adapter, length, &logical, TRUE);
	if (!common)
		return STATUS_INSUFFICIENT_RESOURCES;
	status = EduBufferAlloc(&pool, length, EDU_KERNEL_POOL);
	if (NT_SUCCESS(status)) {
		EduFill(pool.Va, length, 33);
		status = EduChunk(Ext, pool.Mdl, pool.Va, length, TRUE, K->method, &K->stats);
	}
	if (NT_SUCCESS(status)) {
		EduNoteElement(&K->stats, logical.QuadPart,
			       MmGetPhysicalAddress(common).QuadPart, length);
		status = EduDeviceDma(Ext, logical.QuadPart, length, 0, FALSE, &K->stats);
	}
	if (NT_SUCCESS(status)) {
		K->stats.mismatches = EduMismatches(common, length, 33);
		EduFill(common, length, 44);
		RtlZeroMemory(pool.Va, length);
		status = EduDeviceDma(Ext, logical.QuadPart, length, 0, TRUE, &K->stats);
	}
	if (NT_SUCCESS(status))
		status = EduChunk(Ext, pool.Mdl, pool.Va, length, FALSE, K->method, &K->stats);
	if (NT_SUCCESS(status))
		K->stats.mismatches += EduMismatches(pool.Va, length, 44);
	EduBufferFree(&pool);
	ops->FreeCommonBuffer(Ext->Adapter, length, logical, common, TRUE);
	return status;
}

static NTSTATUS EduKernel(PEDU_EXTENSION Ext, struct edu_kernel *K)
{
	if (!K->length || K->length > EDU_KERNEL_MAX || K->offset >= PAGE_SIZE ||
	    K->method >= EDU_METHODS)
		return STATUS_INVALID_PARAMETER;
	switch (K->kind) {
	case EDU_KERNEL_POOL:
	case EDU_KERNEL_PAGES:
	case EDU_KERNEL_HIGH:
		return EduKernelPlain(Ext, K);
	case EDU_KERNEL_CHAIN:
		return EduKernelChain(Ext, K);
	case EDU_KERNEL_PARTIAL:
		return EduKernelPartial(Ext, K);
	case EDU_KERNEL_COMMON:
		return EduKernelCommon(Ext, K);
	default:
		return STATUS_INVALID_PARAMETER;
	}
}

static DEVICE_DESCRIPTION EduDescription(VOID)
{
	DEVICE_DESCRIPTION d;

	RtlZeroMemory(&d, sizeof(d));
	d.Version = DEVICE_DESCRIPTION_VERSION3;
	d.Master = TRUE;
	d.ScatterGather = TRUE;
	d.Dma32BitAddresses = TRUE;
	d.InterfaceType = PCIBus;
	d.MaximumLength = EDU_MAX_TRANSFER;
	d.DmaAddressWidth = EDU_ADDRESS_BITS;
	return d;
}

/* The refusals of the version-3 routines and BuildMdlFromScatterGatherList. */
static VOID EduBadArgsEx(PEDU_EXTENSION Ext, struct edu_bad_args *B, PEDU_BUFFER Pool,
			 PEDU_CALLBACK Cb)
{
	PDMA_ADAPTER a = Ext->Adapter, other;
	PDMA_OPERATIONS ops = a->DmaOperations;
	ULONG64 context[DMA_TRANSFER_CONTEXT_SIZE_V1 / sizeof(ULONG64)] = { };
	ULONG64 list[(sizeof(SCATTER_GATHER_LIST) + sizeof(SCATTER_GATHER_ELEMENT)) /
		     sizeof(ULONG64)] = { };
	DMA_ADAPTER_INFO info = { .Version = DMA_ADAPTER_INFO_VERSION1 };
	DEVICE_DESCRIPTION d = EduDescription();
	PSCATTER_GATHER_LIST sg = NULL;
	PMDL target = NULL;
	ULONG registers, length = 100, size = 0;
	PVOID buffer;
	NTSTATUS status;

	/* Zeroed, not initialised. */
	B->status[EDU_BAD_EX_CONTEXT] =
		ops->GetScatterGatherListEx(a, EduDevice, context, Pool->Mdl, 0, 100, 0,
					    EduListReady, Cb, TRUE, NULL, NULL, &sg);
	status = ops->InitializeDmaTransferContext(a, context);
	B->status[EDU_BAD_EX_FLAGS] = NT_SUCCESS(status) ?
		ops->GetScatterGatherListEx(a, EduDevice, context, Pool->Mdl, 0, 100, 0x80,
					    EduListReady, Cb, TRUE, NULL, NULL, &sg) : status;
	status = ops->CalculateScatterGatherList(a, Pool->Mdl, Pool->Va, 100, &size,
						 &registers);
	buffer = NT_SUCCESS(status) ? ExAllocatePool2(POOL_FLAG_NON_PAGED, size, EDU_TAG) :
		 NULL;
	B->status[EDU_BAD_EX_COMPLETION] = buffer ?
		ops->BuildScatterGatherListEx(a, EduDevice, context, Pool->Mdl, 0, 100, 0,
					      EduListReady, Cb, TRUE, buffer, size,
					      EduDmaDone, Cb, &sg) : STATUS_INSUFFICIENT_RESOURCES;
	if (buffer)
		ExFreePoolWithTag(buffer, EDU_TAG);
	B->status[EDU_BAD_MAP_EX_SMALL] =
		ops->MapTransferEx(a, Pool->Mdl, NULL, 0, 0, &length, TRUE,
				   (PSCATTER_GATHER_LIST)list, sizeof(SCATTER_GATHER_LIST),
				   NULL, NULL);
	if (length)
		B->status[EDU_BAD_MAP_EX_SMALL] = STATUS_UNSUCCESSFUL;
	info.Version = 2;
	B->status[EDU_BAD_INFO_VERSION] = ops->GetDmaAdapterInfo(a, &info);
	B->status[EDU_BAD_CONFIGURE] = ops->ConfigureAdapterChannel(a, 0, NULL);
	B->status[EDU_BAD_MDL_FOREIGN] =
		ops->BuildMdlFromScatterGatherList(a, (PSCATTER_GATHER_LIST)list, Pool->Mdl,
						   &target);
	if (target)
		B->status[EDU_BAD_MDL_FOREIGN] = STATUS_UNSUCCESSFUL;

	other = IoGetDmaAdapter(Ext->Pdo, &d, &registers);
	if (other) {
		other->DmaOperations->PutDmaAdapter(other);
		B->status[EDU_BAD_EX_FREED] =
			ops->InitializeDmaTransferContext(other, context);
	} else {
		B->status[EDU_BAD_EX_FREED] = STATUS_UNSUCCESSFUL;
	}

	/* A version-2 description: a table without the version-3 entries. */
	d.Version = DEVICE_DESCRIPTION_VERSION2;
	other = IoGetDmaAdapter(Ext->Pdo, &d, &registers);
	B->status[EDU_BAD_EX_V2_ADAPTER] = STATUS_UNSUCCESSFUL;
	if (other && other->Version == 1 && !other->DmaOperations->GetDmaAdapterInfo &&
	    !other->DmaOperations->FreeAdapterObject &&
	    other->DmaOperations->Size ==
	    offsetof(DMA_OPERATIONS, GetDmaAdapterInfo) &&
	    other->DmaOperations->BuildMdlFromScatterGatherList)
		B->status[EDU_BAD_EX_V2_ADAPTER] = ops->GetDmaAdapterInfo(other, &info);
	if (other)
		other->DmaOperations->PutDmaAdapter(other);
	if (sg)
		B->status[EDU_BAD_EX_CONTEXT] = STATUS_UNSUCCESSFUL;
}

/* Calls that must be refused: each status, and no callback may run. */
static NTSTATUS EduBadArgs(PEDU_EXTENSION Ext, struct edu_bad_args *B)
{
	PDMA_ADAPTER a = Ext->Adapter, freed;
	PDMA_OPERATIONS ops = a->DmaOperations;
	EDU_CALLBACK cb = { }, keep = { .Action = KeepObject };
	DEVICE_DESCRIPTION d = EduDescription();
	ULONG registers, size, long_len;
	NTSTATUS status;
	EDU_BUFFER pool;
	PUCHAR va, buffer;
	PMDL ro, part;

	long_len = (Ext->MapRegisters + 1) * PAGE_SIZE;
	status = EduBufferAlloc(&pool, long_len, EDU_KERNEL_POOL);
	if (!NT_SUCCESS(status))
		return status;
	va = MmGetMdlVirtualAddress(pool.Mdl);
	B->status[EDU_BAD_PAST_END] =
		ops->GetScatterGatherList(a, EduDevice, pool.Mdl, va + 100, long_len,
					  EduListReady, &cb, TRUE);
	B->status[EDU_BAD_VA_OUTSIDE] =
		ops->GetScatterGatherList(a, EduDevice, pool.Mdl, va - 1, 100,
					  EduListReady, &cb, TRUE);
	B->status[EDU_BAD_TOO_LONG] =
		ops->GetScatterGatherList(a, EduDevice, pool.Mdl, va, long_len,
					  EduListReady, &cb, TRUE);
	B->status[EDU_BAD_ZERO_LENGTH] =
		ops->GetScatterGatherList(a, EduDevice, pool.Mdl, va, 0,
					  EduListReady, &cb, TRUE);
	status = ops->CalculateScatterGatherList(a, pool.Mdl, va, 100, &size, &registers);
	buffer = NT_SUCCESS(status) ? ExAllocatePool2(POOL_FLAG_NON_PAGED, size, EDU_TAG) :
		 NULL;
	B->status[EDU_BAD_SMALL_BUFFER] = buffer ?
		ops->BuildScatterGatherList(a, EduDevice, pool.Mdl, va, 100, EduListReady,
					    &cb, TRUE, buffer, size - 1) : status;
	if (buffer)
		ExFreePoolWithTag(buffer, EDU_TAG);

	ro = EduLockUser((PVOID)(ULONG_PTR)B->ro, 64, IoReadAccess, &status);
	B->status[EDU_BAD_READ_ONLY] = ro ?
		ops->GetScatterGatherList(a, EduDevice, ro, MmGetMdlVirtualAddress(ro), 64,
					  EduListReady, &cb, FALSE) : status;
	part = ro ? EduPartOf(ro) : NULL;
	B->status[EDU_BAD_READ_ONLY_PART] = part ?
		ops->GetScatterGatherList(a, EduDevice, part, MmGetMdlVirtualAddress(part),
					  64, EduListReady, &cb, FALSE) :
		(ro ? STATUS_INSUFFICIENT_RESOURCES : status);
	if (part)
		IoFreeMdl(part);
	EduUnlockUser(ro);

	freed = IoGetDmaAdapter(Ext->Pdo, &d, &registers);
	if (freed) {
		ops = freed->DmaOperations;
		ops->PutDmaAdapter(freed);
		B->status[EDU_BAD_FREED_ADAPTER] =
			ops->GetScatterGatherList(freed, EduDevice, pool.Mdl, va, 100,
						  EduListReady, &cb, TRUE);
		ops = a->DmaOperations;
	} else {
		B->status[EDU_BAD_FREED_ADAPTER] = STATUS_UNSUCCESSFUL;
	}

	d.Master = FALSE;
	freed = IoGetDmaAdapter(Ext->Pdo, &d, &registers);
	B->status[EDU_BAD_SYSTEM_DMA] = freed ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED;
	if (freed)
		freed->DmaOperations->PutDmaAdapter(freed);

	EduBadArgsEx(Ext, B, &pool, &cb);

	status = ops->AllocateAdapterChannel(a, EduDevice, 1, EduChannelReady, &keep);
	B->status[EDU_BAD_CHANNEL_BUSY] = NT_SUCCESS(status) ?
		ops->AllocateAdapterChannel(a, EduDevice, 1, EduChannelReady, &cb) : status;
	if (NT_SUCCESS(status))
		ops->FreeAdapterChannel(a);
	if (keep.Calls != 1)
		cb.Calls += 100;
	B->callbacks = cb.Calls;
	EduBufferFree(&pool);
	return STATUS_SUCCESS;
}

/* What the version-3 adapter reports of itself and of a transfer. */
static VOID EduInfoV3(PEDU_EXTENSION Ext, struct edu_info *Info)
{
	PDMA_ADAPTER a = Ext->Adapter;
	PDMA_OPERATIONS ops = a->DmaOperations;
	DMA_ADAPTER_INFO ai = { .Version = DMA_ADAPTER_INFO_VERSION1 };
	DMA_TRANSFER_INFO ti = { .Version = DMA_TRANSFER_INFO_VERSION2 };
	ULONG size = 0, registers = 0;
	EDU_BUFFER pool;

	Info->adapter_version = a->Version;
	Info->operations_size = ops->Size;
	Info->info_status = ops->GetDmaAdapterInfo(a, &ai);
	Info->info_limit = ai.V1.ScatterGatherLimit;
	Info->info_width = ai.V1.DmaAddressWidth;
	Info->info_flags = ai.V1.Flags;
	Info->transfer_status = EduBufferAlloc(&pool, 100 + 5000, EDU_KERNEL_POOL);
	if (NT_SUCCESS(Info->transfer_status))
		Info->transfer_status = ops->GetDmaTransferInfo(a, pool.Mdl, 100, 5000, TRUE,
								&ti);
	if (NT_SUCCESS(Info->transfer_status) &&
	    NT_SUCCESS(ops->CalculateScatterGatherList(a, pool.Mdl,
						       EduMdlVa(&pool, 100), 5000,
						       &size, &registers)))
		Info->transfer_size_ok = size == ti.V2.ScatterGatherListSize &&
					 registers == ti.V2.MapRegisterCount;
	Info->transfer_registers = ti.V2.MapRegisterCount;
	Info->transfer_pages = ti.V2.LogicalPageCount;
	EduBufferFree(&pool);
}

static NTSTATUS EduComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
	Irp->IoStatus.Status = Status;
	Irp->IoStatus.Information = Information;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	return Status;
}

static NTSTATUS EduDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
	PEDU_EXTENSION ext = DeviceObject->DeviceExtension;
	ULONG code = irpSp->Parameters.DeviceIoControl.IoControlCode;
	ULONG inLen = irpSp->Parameters.DeviceIoControl.InputBufferLength;
	ULONG outLen = irpSp->Parameters.DeviceIoControl.OutputBufferLength;
	PVOID buffer = Irp->AssociatedIrp.SystemBuffer;
	struct edu_info *info = buffer;
	struct edu_copy *copy = buffer;
	struct edu_kernel *kernel = buffer;

	switch (code) {
	case IOCTL_EDU_INFO:
		if (outLen < sizeof(*info))
			return EduComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		info->map_registers = ext->MapRegisters;
		info->address_bits = EDU_ADDRESS_BITS;
		info->alignment = ext->Adapter->DmaOperations->GetDmaAlignment(ext->Adapter);
		info->ident = READ_REGISTER_ULONG(ext->Registers + EDU_REG_IDENT);
		EduInfoV3(ext, info);
		return EduComplete(Irp, STATUS_SUCCESS, sizeof(*info));
	case IOCTL_EDU_COPY:
		if (inLen < sizeof(*copy) || outLen < sizeof(*copy))
			return EduComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		RtlZeroMemory(&copy->stats, sizeof(copy->stats));
		copy->stats.status = EduCopyUser(ext, copy);
		return EduComplete(Irp, STATUS_SUCCESS, sizeof(*copy));
	case IOCTL_EDU_KERNEL:
		if (inLen < sizeof(*kernel) || outLen < sizeof(*kernel))
			return EduComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		RtlZeroMemory(&kernel->stats, sizeof(kernel->stats));
		kernel->stats.status = EduKernel(ext, kernel);
		return EduComplete(Irp, STATUS_SUCCESS, sizeof(*kernel));
	case IOCTL_EDU_BAD_ARGS:
		if (inLen < sizeof(struct edu_bad_args) ||
		    outLen < sizeof(struct edu_bad_args))
			return EduComplete(Irp, STATUS_INVALID_PARAMETER, 0);
		return EduComplete(Irp, EduBadArgs(ext, buffer),
				   sizeof(struct edu_bad_args));
	default:
		return EduComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
	}
}

static NTSTATUS EduDispatchCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	return EduComplete(Irp, STATUS_SUCCESS, 0);
}

NTSTATUS EduAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT PhysicalDeviceObject,
		      PUCHAR Registers)
{
	DEVICE_DESCRIPTION d = EduDescription();
	PEDU_EXTENSION ext;
	NTSTATUS status;

	status = IoCreateDevice(DriverObject, sizeof(EDU_EXTENSION), "wdm_dma",
				FILE_DEVICE_UNKNOWN, 0, FALSE, &EduDevice);
	if (!NT_SUCCESS(status))
		return status;
	ext = EduDevice->DeviceExtension;
	ext->Registers = Registers;
	ext->Pdo = PhysicalDeviceObject;
	ext->Adapter = IoGetDmaAdapter(PhysicalDeviceObject, &d, &ext->MapRegisters);
	if (!ext->Adapter) {
		IoDeleteDevice(EduDevice);
		EduDevice = NULL;
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	DbgPrint("wdm_dma: edu %#x, %u map registers, %u-bit addresses\n",
		 READ_REGISTER_ULONG(Registers + EDU_REG_IDENT), ext->MapRegisters,
		 EDU_ADDRESS_BITS);
	return STATUS_SUCCESS;
}

VOID EduRemoveDevice(PDRIVER_OBJECT DriverObject)
{
	PEDU_EXTENSION ext;

	if (!EduDevice)
		return;
	ext = EduDevice->DeviceExtension;
	ext->Adapter->DmaOperations->PutDmaAdapter(ext->Adapter);
	IoDeleteDevice(EduDevice);
	EduDevice = NULL;
}

static VOID EduUnload(PDRIVER_OBJECT DriverObject)
{
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PVOID RegistryPath)
{
	DriverObject->MajorFunction[IRP_MJ_CREATE] = EduDispatchCreateClose;
	DriverObject->MajorFunction[IRP_MJ_CLOSE] = EduDispatchCreateClose;
	DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = EduDispatchDeviceControl;
	DriverObject->DriverUnload = EduUnload;
	return STATUS_SUCCESS;
}
