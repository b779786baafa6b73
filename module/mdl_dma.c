// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA adapter of the WDK over the Linux DMA API.
 *
 * A ported driver turns its Linux struct device into the physical device
 * object IoGetDmaAdapter wants (MdlCreatePhysicalDeviceObject); the adapter
 * sets the device's DMA mask and segment size from DEVICE_DESCRIPTION.
 * Scatter/gather lists are sg_tables mapped with dma_map_sgtable(): their
 * elements carry device addresses (IOVAs behind an IOMMU, swiotlb bounce
 * buffers where the device cannot reach a page). Packet-based DMA
 * (AllocateAdapterChannel, MapTransfer, FlushAdapterBuffers) maps one
 * physically contiguous run at a time with dma_map_page(). Common buffers
 * come from dma_alloc_coherent().
 *
 * Every adapter, list, map-register set and common buffer is recorded:
 * a pointer mdl.ko did not hand out, or one already released, is refused
 * with a status and changes nothing. Callbacks run with bottom halves
 * disabled (DISPATCH_LEVEL: atomic context).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bottom_half.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/preempt.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "mdl_internal.h"

/* Map registers an adapter may hand out at most (a 256 MiB transfer). */
#define MDL_DMA_MAX_MAP_REGISTERS	(SZ_256M / PAGE_SIZE + 1)

/**
 * struct mdl_pdo - the physical device object of a Linux device
 * @node: entry in mdl_dma_pdos
 * @dev: the device (one reference)
 */
struct mdl_pdo {
	struct list_head node;
	struct device *dev;
};

/**
 * struct mdl_adapter - a DMA adapter
 * @adapter: what the driver sees (first member)
 * @node: entry in mdl_dma_adapters
 * @dev: the device (one reference)
 * @map_registers: the NumberOfMapRegisters IoGetDmaAdapter returned
 * @max_segment: the longest element, in bytes
 * @users: lists, map-register sets and common buffers not yet released
 * @channel: the map-register set the channel holds (KeepObject), or NULL
 * @channel_busy: AllocateAdapterChannel has the channel
 * @buffers: struct mdl_common_buffer list
 */
struct mdl_adapter {
	DMA_ADAPTER adapter;
	struct list_head node;
	struct device *dev;
	ULONG map_registers;
	ULONG max_segment;
	unsigned long users;
	struct mdl_map_regs *channel;
	bool channel_busy;
	struct list_head buffers;
};

/**
 * struct mdl_common_buffer - one AllocateCommonBuffer allocation
 * @node: entry in mdl_adapter.buffers
 * @va: its kernel address
 * @handle: its device address
 * @length: its length
 */
struct mdl_common_buffer {
	struct list_head node;
	void *va;
	dma_addr_t handle;
	ULONG length;
};

/**
 * struct mdl_sgl - the state behind a SCATTER_GATHER_LIST
 * @ad: the adapter
 * @node: entry in mdl_dma_lists
 * @sgt: the mapped table (its entries follow the list's elements)
 * @dir: the mapping's direction
 * @allocated: GetScatterGatherList allocated this (kvfree on release)
 * @list: what the driver sees; its elements, then the sg entries, follow
 */
struct mdl_sgl {
	struct mdl_adapter *ad;
	struct list_head node;
	struct sg_table sgt;
	enum dma_data_direction dir;
	bool allocated;
	SCATTER_GATHER_LIST list;
};

/**
 * struct mdl_map_reg - one MapTransfer mapping
 * @addr: device address
 * @len: bytes
 * @dir: direction
 */
struct mdl_map_reg {
	dma_addr_t addr;
	size_t len;
	enum dma_data_direction dir;
};

/**
 * struct mdl_map_regs - the map-register set of AllocateAdapterChannel
 * @ad: the adapter
 * @node: entry in mdl_dma_regs
 * @count: map registers (pages) the set holds
 * @used: map registers the live mappings take
 * @nmaps: entries of @maps in use
 * @maps: the mappings, at most @count
 */
struct mdl_map_regs {
	struct mdl_adapter *ad;
	struct list_head node;
	ULONG count;
	ULONG used;
	ULONG nmaps;
	struct mdl_map_reg maps[];
};

/* Every object handed out, so that a stale or foreign pointer is refused. */
static DEFINE_SPINLOCK(mdl_dma_lock);
static LIST_HEAD(mdl_dma_pdos);
static LIST_HEAD(mdl_dma_adapters);
static LIST_HEAD(mdl_dma_lists);
static LIST_HEAD(mdl_dma_regs);

static bool mdl_dma_listed(struct list_head *head, struct list_head *node)
{
	struct list_head *pos;

	list_for_each(pos, head)
		if (pos == node)
			return true;
	return false;
}

/* The adapter behind @a if it is live; mdl_dma_lock held. */
static struct mdl_adapter *mdl_dma_adapter_locked(PDMA_ADAPTER a)
{
	struct mdl_adapter *ad;

	list_for_each_entry(ad, &mdl_dma_adapters, node)
		if (&ad->adapter == a)
			return ad;
	return NULL;
}

static struct mdl_adapter *mdl_dma_adapter(PDMA_ADAPTER a)
{
	struct mdl_adapter *ad;
	unsigned long flags;

	spin_lock_irqsave(&mdl_dma_lock, flags);
	ad = mdl_dma_adapter_locked(a);
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	return ad;
}

static void mdl_dma_put(struct mdl_adapter *ad)
{
	unsigned long flags;

	spin_lock_irqsave(&mdl_dma_lock, flags);
	ad->users--;
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
}

static gfp_t mdl_dma_gfp(void)
{
	return KeGetCurrentIrql() == PASSIVE_LEVEL ? GFP_KERNEL : GFP_ATOMIC;
}

/**
 * MdlCreatePhysicalDeviceObject() - the PDEVICE_OBJECT of a Linux device
 * @Device: the device a ported driver's Linux glue was bound to (for example
 *          &pci_dev->dev)
 *
 * A porting helper, not a WDK routine: the object stands for the bus
 * driver's physical device object, to pass to IoGetDmaAdapter. It holds a
 * reference to @Device until MdlDeletePhysicalDeviceObject.
 *
 * Context: may sleep.
 * Return: the object, or NULL for a NULL @Device or when memory is short.
 */
struct _DEVICE_OBJECT *MdlCreatePhysicalDeviceObject(struct device *Device)
{
	struct mdl_pdo *pdo;

	if (!Device)
		return NULL;
	pdo = kzalloc(sizeof(*pdo), GFP_KERNEL);
	if (!pdo)
		return NULL;
	pdo->dev = get_device(Device);
	spin_lock_irq(&mdl_dma_lock);
	list_add(&pdo->node, &mdl_dma_pdos);
	spin_unlock_irq(&mdl_dma_lock);
	return (struct _DEVICE_OBJECT *)pdo;
}
EXPORT_SYMBOL_GPL(MdlCreatePhysicalDeviceObject);

/**
 * MdlDeletePhysicalDeviceObject() - release an object of MdlCreatePhysicalDeviceObject
 * @PhysicalDeviceObject: the object
 *
 * Adapters obtained through it keep their own reference to the device.
 * A pointer MdlCreatePhysicalDeviceObject did not return is ignored.
 *
 * Context: may sleep.
 */
void MdlDeletePhysicalDeviceObject(struct _DEVICE_OBJECT *PhysicalDeviceObject)
{
	struct mdl_pdo *pdo = (struct mdl_pdo *)PhysicalDeviceObject;
	bool found;

	if (!pdo)
		return;
	spin_lock_irq(&mdl_dma_lock);
	found = mdl_dma_listed(&mdl_dma_pdos, &pdo->node);
	if (found)
		list_del(&pdo->node);
	spin_unlock_irq(&mdl_dma_lock);
	if (!found)
		return;
	put_device(pdo->dev);
	kfree(pdo);
}
EXPORT_SYMBOL_GPL(MdlDeletePhysicalDeviceObject);

static struct device *mdl_dma_pdo_device(struct _DEVICE_OBJECT *obj)
{
	struct mdl_pdo *pdo = (struct mdl_pdo *)obj;
	struct device *dev = NULL;

	spin_lock_irq(&mdl_dma_lock);
	if (pdo && mdl_dma_listed(&mdl_dma_pdos, &pdo->node))
		dev = get_device(pdo->dev);
	spin_unlock_irq(&mdl_dma_lock);
	return dev;
}

/* The address width a description asks for, 0 if it is not one Linux serves. */
static unsigned int mdl_dma_width(const DEVICE_DESCRIPTION *d)
{
	if (d->Version > DEVICE_DESCRIPTION_VERSION3 || !d->Master ||
	    !d->MaximumLength)
		return 0;
	if (d->Version == DEVICE_DESCRIPTION_VERSION3 && d->DmaAddressWidth)
		return d->DmaAddressWidth >= 12 && d->DmaAddressWidth <= 64 ?
		       d->DmaAddressWidth : 0;
	if (d->Dma64BitAddresses)
		return 64;
	return d->Dma32BitAddresses ? 32 : 24;
}

static PDMA_OPERATIONS mdl_dma_ops(void);

/**
 * IoGetDmaAdapter() - a DMA adapter for a bus-master device
 * @PhysicalDeviceObject: from MdlCreatePhysicalDeviceObject
 * @DeviceDescription: the device's DMA abilities: Version 0 to 3, Master
 *                     TRUE, MaximumLength not 0; the address width from
 *                     DmaAddressWidth (version 3, 12 to 64 bits) or else
 *                     64 (Dma64BitAddresses), 32 (Dma32BitAddresses) or 24
 * @NumberOfMapRegisters: receives the most pages one transfer may span
 *
 * Sets the device's streaming and coherent DMA masks
 * (dma_set_mask_and_coherent) and its longest segment
 * (dma_set_max_seg_size, MaximumLength, at least a page) for every later
 * mapping. The map registers are BYTES_TO_PAGES(MaximumLength) + 1, at most
 * 65537.
 * System DMA (Master FALSE: an 8237-style controller, DMA channels) has no
 * Linux counterpart and gets no adapter.
 *
 * Context: may sleep.
 * Return: the adapter (release it with its PutDmaAdapter), or NULL for a
 * bad object or description, a mask the platform cannot give the device
 * or when memory is short.
 */
PDMA_ADAPTER IoGetDmaAdapter(struct _DEVICE_OBJECT *PhysicalDeviceObject,
			     PDEVICE_DESCRIPTION DeviceDescription,
			     PULONG NumberOfMapRegisters)
{
	struct mdl_adapter *ad;
	struct device *dev;
	unsigned int width;
	ULONG seg;

	if (!DeviceDescription || !NumberOfMapRegisters)
		return NULL;
	width = mdl_dma_width(DeviceDescription);
	if (!width)
		return NULL;
	dev = mdl_dma_pdo_device(PhysicalDeviceObject);
	if (!dev)
		return NULL;
	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(width)))
		goto err_dev;
	ad = kzalloc(sizeof(*ad), GFP_KERNEL);
	if (!ad)
		goto err_dev;
	/* A piece of a page is the least a list element covers. */
	seg = max_t(ULONG, DeviceDescription->MaximumLength, PAGE_SIZE);
	if (dev->dma_parms)
		dma_set_max_seg_size(dev, seg);
	ad->dev = dev;
	ad->max_segment = min_t(u64, seg, dma_get_max_seg_size(dev));
	ad->map_registers = min_t(u64, BYTES_TO_PAGES(DeviceDescription->MaximumLength) + 1,
				  MDL_DMA_MAX_MAP_REGISTERS);
	ad->adapter.Version = 1;
	ad->adapter.Size = sizeof(DMA_ADAPTER);
	ad->adapter.DmaOperations = mdl_dma_ops();
	INIT_LIST_HEAD(&ad->buffers);
	spin_lock_irq(&mdl_dma_lock);
	list_add(&ad->node, &mdl_dma_adapters);
	spin_unlock_irq(&mdl_dma_lock);
	*NumberOfMapRegisters = ad->map_registers;
	return &ad->adapter;

err_dev:
	put_device(dev);
	return NULL;
}
EXPORT_SYMBOL_GPL(IoGetDmaAdapter);

/**
 * mdl_put_dma_adapter() - PutDmaAdapter: release an adapter
 * @DmaAdapter: the adapter
 *
 * An adapter that still has mapped lists, map registers, the channel or
 * common buffers is not released (logged once): release those first. A
 * pointer that is not a live adapter is ignored.
 *
 * Context: may sleep.
 */
static void mdl_put_dma_adapter(PDMA_ADAPTER DmaAdapter)
{
	struct mdl_adapter *ad;
	bool busy = false;

	spin_lock_irq(&mdl_dma_lock);
	ad = mdl_dma_adapter_locked(DmaAdapter);
	if (ad && (ad->users || ad->channel_busy))
		busy = true;
	else if (ad)
		list_del(&ad->node);
	spin_unlock_irq(&mdl_dma_lock);
	if (!ad)
		return;
	if (busy) {
		mdl_refuse("adapter %p still has mappings or buffers: kept", DmaAdapter);
		return;
	}
	put_device(ad->dev);
	kfree(ad);
}

/**
 * mdl_allocate_common_buffer() - AllocateCommonBuffer: memory for CPU and device
 * @DmaAdapter: the adapter
 * @Length: bytes, not 0
 * @LogicalAddress: receives the device address
 * @CacheEnabled: ignored: dma_alloc_coherent() gives memory that is
 *                coherent for this device (cached where the platform's DMA
 *                snoops the caches, as on x86)
 *
 * Context: may sleep.
 * Return: the kernel address of the zeroed buffer, or NULL (nothing
 * allocated) for a bad adapter or length or when memory is short.
 */
static PVOID mdl_allocate_common_buffer(PDMA_ADAPTER DmaAdapter, ULONG Length,
					PPHYSICAL_ADDRESS LogicalAddress,
					BOOLEAN CacheEnabled)
{
	struct mdl_adapter *ad = mdl_dma_adapter(DmaAdapter);
	struct mdl_common_buffer *cb;

	if (!ad || !Length || !LogicalAddress)
		return NULL;
	cb = kzalloc(sizeof(*cb), GFP_KERNEL);
	if (!cb)
		return NULL;
	cb->va = dma_alloc_coherent(ad->dev, Length, &cb->handle, GFP_KERNEL);
	if (!cb->va) {
		kfree(cb);
		return NULL;
	}
	cb->length = Length;
	spin_lock_irq(&mdl_dma_lock);
	list_add(&cb->node, &ad->buffers);
	ad->users++;
	spin_unlock_irq(&mdl_dma_lock);
	LogicalAddress->QuadPart = cb->handle;
	return cb->va;
}

/**
 * mdl_free_common_buffer() - FreeCommonBuffer: release a common buffer
 * @DmaAdapter: the adapter it came from
 * @Length: its length
 * @LogicalAddress: its device address
 * @VirtualAddress: its kernel address
 * @CacheEnabled: as given to AllocateCommonBuffer (ignored)
 *
 * A buffer that does not match one of the adapter's in all three values is
 * not released.
 *
 * Context: may sleep.
 */
static void mdl_free_common_buffer(PDMA_ADAPTER DmaAdapter, ULONG Length,
				   PHYSICAL_ADDRESS LogicalAddress,
				   PVOID VirtualAddress, BOOLEAN CacheEnabled)
{
	struct mdl_common_buffer *cb, *found = NULL;
	struct mdl_adapter *ad;

	spin_lock_irq(&mdl_dma_lock);
	ad = mdl_dma_adapter_locked(DmaAdapter);
	if (ad) {
		list_for_each_entry(cb, &ad->buffers, node) {
			if (cb->va == VirtualAddress && cb->length == Length &&
			    cb->handle == (dma_addr_t)LogicalAddress.QuadPart) {
				found = cb;
				list_del(&cb->node);
				ad->users--;
				break;
			}
		}
	}
	spin_unlock_irq(&mdl_dma_lock);
	if (!found)
		return;
	dma_free_coherent(ad->dev, found->length, found->va, found->handle);
	kfree(found);
}

/* ---- scatter/gather lists ----------------------------------------------- */

/**
 * struct mdl_dma_range - a byte range of an MDL chain, checked
 * @mdl: the first MDL
 * @offset: offset of the range's first byte in @mdl's buffer
 * @length: bytes
 * @pages: pages the range spans over all its MDLs (an upper bound of the
 *         elements)
 */
struct mdl_dma_range {
	PMDL mdl;
	ULONG offset;
	ULONG length;
	ULONG pages;
};

static bool mdl_dma_mdl_ok(PMDL mdl, bool device_writes)
{
	if (!(mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL |
			       MDL_PARTIAL)) || (mdl->MdlFlags & MDL_IO_SPACE))
		return false;
	/* The device may not write pages its locker only may read. */
	return !device_writes || mdl_pages_writable(mdl, mdl_ext_find(mdl));
}

/*
 * mdl_dma_range_check() - check CurrentVa/Length against an MDL chain.
 * The range starts at @va in @mdl and goes on through Next, each MDL from
 * its first byte. Pure: no page is touched.
 */
static NTSTATUS mdl_dma_range_check(PMDL mdl, PVOID va, ULONG length,
				    bool device_writes, struct mdl_dma_range *r)
{
	ULONG_PTR start, off;
	ULONG left = length, pages = 0, chunk;
	PMDL m;

	if (!mdl || !length)
		return STATUS_INVALID_PARAMETER;
	start = (ULONG_PTR)MmGetMdlVirtualAddress(mdl);
	if ((ULONG_PTR)va < start || (ULONG_PTR)va - start >= mdl->ByteCount)
		return STATUS_INVALID_PARAMETER;
	r->mdl = mdl;
	r->offset = (ULONG_PTR)va - start;
	r->length = length;
	off = r->offset;
	for (m = mdl; m && left; m = m->Next, off = 0) {
		if (!mdl_dma_mdl_ok(m, device_writes))
			return STATUS_INVALID_PARAMETER;
		if (off >= m->ByteCount)
			return STATUS_INVALID_PARAMETER;
		chunk = min_t(ULONG, left, m->ByteCount - off);
		pages += ADDRESS_AND_SIZE_TO_SPAN_PAGES(m->ByteOffset + off, chunk);
		left -= chunk;
	}
	if (left)
		return STATUS_INVALID_PARAMETER;
	r->pages = pages;
	return STATUS_SUCCESS;
}

/* Bytes of state, list elements and sg entries for @pages pages. */
static size_t mdl_dma_list_size(ULONG pages)
{
	size_t n = sizeof(struct mdl_sgl);

	n += (size_t)pages * sizeof(SCATTER_GATHER_ELEMENT);
	return n + (size_t)pages * sizeof(struct scatterlist);
}

static struct scatterlist *mdl_dma_sg_area(struct mdl_sgl *s, ULONG pages)
{
	return (struct scatterlist *)&s->list.Elements[pages];
}

/*
 * Fill @sg (room for r->pages entries) with the pages of the range,
 * physically contiguous pages merged up to @max_seg bytes; returns the
 * number of entries, 0 for a page without a struct page.
 */
static unsigned int mdl_dma_fill(const struct mdl_dma_range *r,
				 struct scatterlist *sg, ULONG max_seg)
{
	struct scatterlist *cur = NULL;
	unsigned long prev_pfn = 0;
	ULONG left = r->length, off = r->offset;
	unsigned int n = 0;
	PMDL m;

	sg_init_table(sg, r->pages);
	for (m = r->mdl; m && left; m = m->Next, off = 0) {
		ULONG pos = m->ByteOffset + off;
		ULONG end = m->ByteOffset + off + min_t(ULONG, left, m->ByteCount - off);

		left -= end - pos;
		while (pos < end) {
			unsigned long pfn = MmGetMdlPfnArray(m)[pos >> PAGE_SHIFT];
			ULONG in = pos & ~PAGE_MASK;
			ULONG len = min_t(ULONG, PAGE_SIZE - in, end - pos);

			if (!pfn_valid(pfn))
				return 0;
			if (cur && !in && pfn == prev_pfn + 1 &&
			    ((cur->offset + cur->length) & ~PAGE_MASK) == 0 &&
			    cur->length + len <= max_seg) {
				cur->length += len;
			} else {
				cur = cur ? sg_next(cur) : sg;
				sg_set_page(cur, pfn_to_page(pfn), len, in);
				n++;
			}
			prev_pfn = pfn;
			pos += len;
		}
	}
	sg_mark_end(cur);
	return n;
}

/* Map the range into @s (room for r->pages) and fill the list's elements. */
static NTSTATUS mdl_dma_map(struct mdl_adapter *ad, const struct mdl_dma_range *r,
			    bool to_device, struct mdl_sgl *s)
{
	struct scatterlist *sg = mdl_dma_sg_area(s, r->pages), *p;
	unsigned long flags;
	unsigned int n, i;

	n = mdl_dma_fill(r, sg, ad->max_segment);
	if (!n)
		return STATUS_NOT_SUPPORTED;
	s->ad = ad;
	s->dir = to_device ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	s->sgt.sgl = sg;
	s->sgt.orig_nents = n;
	s->sgt.nents = 0;
	if (dma_map_sgtable(ad->dev, &s->sgt, s->dir, 0))
		return STATUS_INSUFFICIENT_RESOURCES;
	s->list.NumberOfElements = s->sgt.nents;
	s->list.Reserved = 0;
	for_each_sgtable_dma_sg(&s->sgt, p, i) {
		s->list.Elements[i].Address.QuadPart = sg_dma_address(p);
		s->list.Elements[i].Length = sg_dma_len(p);
		s->list.Elements[i].Reserved = 0;
	}
	spin_lock_irqsave(&mdl_dma_lock, flags);
	list_add(&s->node, &mdl_dma_lists);
	ad->users++;
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	return STATUS_SUCCESS;
}

/*
 * Enter DISPATCH_LEVEL for a driver's callback: bottom halves disabled,
 * unless the caller is already above it (interrupts off), where
 * local_bh_enable() may not run.
 */
static bool mdl_dma_raise(void)
{
	if (in_hardirq() || irqs_disabled())
		return false;
	local_bh_disable();
	return true;
}

static void mdl_dma_lower(bool raised)
{
	if (raised)
		local_bh_enable();
}

/* Call a driver's list routine at DISPATCH_LEVEL. */
static void mdl_dma_call_list(PDRIVER_LIST_CONTROL fn, struct _DEVICE_OBJECT *dev,
			      PSCATTER_GATHER_LIST list, PVOID ctx)
{
	bool raised = mdl_dma_raise();

	fn(dev, NULL, list, ctx);
	mdl_dma_lower(raised);
}

/**
 * mdl_calculate_sg_list() - CalculateScatterGatherList: the size of a list
 * @DmaAdapter: the adapter
 * @Mdl: the first MDL of the chain, or NULL to size a buffer at @CurrentVa
 * @CurrentVa: where the transfer starts (an address inside @Mdl's buffer)
 * @Length: bytes of the transfer
 * @ScatterGatherListSize: receives the bytes BuildScatterGatherList needs
 * @NumberOfMapRegisters: receives the pages the transfer spans, or NULL
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a bad adapter, a
 * NULL @ScatterGatherListSize, a zero @Length, a @CurrentVa outside @Mdl
 * or a @Length past the chain's end.
 */
static NTSTATUS mdl_calculate_sg_list(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
				      PVOID CurrentVa, ULONG Length,
				      PULONG ScatterGatherListSize,
				      PULONG NumberOfMapRegisters)
{
	struct mdl_dma_range r;
	NTSTATUS st;
	size_t size;

	if (!mdl_dma_adapter(DmaAdapter) || !ScatterGatherListSize || !Length)
		return STATUS_INVALID_PARAMETER;
	if (Mdl) {
		st = mdl_dma_range_check(Mdl, CurrentVa, Length, false, &r);
		if (!NT_SUCCESS(st))
			return st;
	} else {
		r.pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(CurrentVa, Length);
	}
	size = mdl_dma_list_size(r.pages);
	if (size > MAXULONG)
		return STATUS_INVALID_PARAMETER;
	*ScatterGatherListSize = size;
	if (NumberOfMapRegisters)
		*NumberOfMapRegisters = r.pages;
	return STATUS_SUCCESS;
}

static NTSTATUS mdl_dma_prepare(PDMA_ADAPTER DmaAdapter, PMDL Mdl, PVOID CurrentVa,
				ULONG Length, PDRIVER_LIST_CONTROL fn,
				BOOLEAN WriteToDevice, struct mdl_adapter **adp,
				struct mdl_dma_range *r)
{
	NTSTATUS st;

	*adp = mdl_dma_adapter(DmaAdapter);
	if (!*adp || !fn)
		return STATUS_INVALID_PARAMETER;
	st = mdl_dma_range_check(Mdl, CurrentVa, Length, !WriteToDevice, r);
	if (!NT_SUCCESS(st))
		return st;
	if (r->pages > (*adp)->map_registers)
		return STATUS_INSUFFICIENT_RESOURCES;
	return STATUS_SUCCESS;
}

/**
 * mdl_get_sg_list() - GetScatterGatherList: map a transfer, call back with its list
 * @DmaAdapter: the adapter
 * @DeviceObject: passed to @ExecutionRoutine
 * @Mdl: the first MDL of the transfer's chain: locked, non-paged pool,
 *       allocated pages or partial; not I/O space
 * @CurrentVa: where the transfer starts in @Mdl's buffer
 * @Length: bytes; the transfer goes on through Mdl->Next
 * @ExecutionRoutine: called once, before this returns, with the list, in
 *                    atomic context (bottom halves disabled); Irp is NULL
 * @Context: passed to @ExecutionRoutine
 * @WriteToDevice: TRUE when the device reads the memory, FALSE when it
 *                 writes it (the MDL must then be locked for writing)
 *
 * The list's elements are device addresses (dma_map_sgtable): an IOVA
 * behind an IOMMU, a bounce buffer where swiotlb stands in. The mapping
 * syncs the CPU's writes for the device; PutScatterGatherList syncs the
 * device's writes for the CPU. The list lives until PutScatterGatherList.
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS once @ExecutionRoutine ran; STATUS_INVALID_PARAMETER
 * for a bad adapter, routine or range, an MDL of device memory or one
 * locked read-only with @WriteToDevice FALSE; STATUS_INSUFFICIENT_RESOURCES
 * for a transfer spanning more pages than the adapter's map registers or
 * when memory or mapping space is short; STATUS_NOT_SUPPORTED for a page
 * without a struct page. Nothing is mapped on failure.
 */
static NTSTATUS mdl_get_sg_list(PDMA_ADAPTER DmaAdapter,
				struct _DEVICE_OBJECT *DeviceObject, PMDL Mdl,
				PVOID CurrentVa, ULONG Length,
				PDRIVER_LIST_CONTROL ExecutionRoutine,
				PVOID Context, BOOLEAN WriteToDevice)
{
	struct mdl_adapter *ad;
	struct mdl_dma_range r;
	struct mdl_sgl *s;
	gfp_t gfp;
	NTSTATUS st;

	st = mdl_dma_prepare(DmaAdapter, Mdl, CurrentVa, Length, ExecutionRoutine,
			     WriteToDevice, &ad, &r);
	if (!NT_SUCCESS(st))
		return st;
	gfp = mdl_dma_gfp();
	s = gfp == GFP_KERNEL ? kvzalloc(mdl_dma_list_size(r.pages), gfp) :
	    kzalloc(mdl_dma_list_size(r.pages), gfp | __GFP_NOWARN);
	if (!s)
		return STATUS_INSUFFICIENT_RESOURCES;
	s->allocated = true;
	st = mdl_dma_map(ad, &r, WriteToDevice, s);
	if (!NT_SUCCESS(st)) {
		kvfree(s);
		return st;
	}
	mdl_dma_call_list(ExecutionRoutine, DeviceObject, &s->list, Context);
	return STATUS_SUCCESS;
}

/**
 * mdl_build_sg_list() - BuildScatterGatherList: GetScatterGatherList into a buffer
 * @DmaAdapter: the adapter
 * @DeviceObject: passed to @ExecutionRoutine
 * @Mdl: as GetScatterGatherList
 * @CurrentVa: as GetScatterGatherList
 * @Length: as GetScatterGatherList
 * @ExecutionRoutine: as GetScatterGatherList
 * @Context: passed to @ExecutionRoutine
 * @WriteToDevice: as GetScatterGatherList
 * @ScatterGatherBuffer: the caller's buffer for the list and its state,
 *                       8-byte aligned
 * @ScatterGatherLength: its size: what CalculateScatterGatherList said
 *
 * Nothing is allocated: the list and the mapping's state live in
 * @ScatterGatherBuffer until PutScatterGatherList.
 *
 * Context: any; atomic context allowed.
 * Return: as GetScatterGatherList; STATUS_BUFFER_TOO_SMALL for a buffer
 * below the size CalculateScatterGatherList gives, STATUS_INVALID_PARAMETER
 * for a NULL or misaligned one.
 */
static NTSTATUS mdl_build_sg_list(PDMA_ADAPTER DmaAdapter,
				  struct _DEVICE_OBJECT *DeviceObject, PMDL Mdl,
				  PVOID CurrentVa, ULONG Length,
				  PDRIVER_LIST_CONTROL ExecutionRoutine,
				  PVOID Context, BOOLEAN WriteToDevice,
				  PVOID ScatterGatherBuffer,
				  ULONG ScatterGatherLength)
{
	struct mdl_sgl *s = ScatterGatherBuffer;
	struct mdl_adapter *ad;
	struct mdl_dma_range r;
	NTSTATUS st;

	st = mdl_dma_prepare(DmaAdapter, Mdl, CurrentVa, Length, ExecutionRoutine,
			     WriteToDevice, &ad, &r);
	if (!NT_SUCCESS(st))
		return st;
	if (!s || !IS_ALIGNED((unsigned long)s, sizeof(u64)))
		return STATUS_INVALID_PARAMETER;
	if (ScatterGatherLength < mdl_dma_list_size(r.pages))
		return STATUS_BUFFER_TOO_SMALL;
	memset(s, 0, sizeof(*s));
	st = mdl_dma_map(ad, &r, WriteToDevice, s);
	if (!NT_SUCCESS(st))
		return st;
	mdl_dma_call_list(ExecutionRoutine, DeviceObject, &s->list, Context);
	return STATUS_SUCCESS;
}

/**
 * mdl_put_sg_list() - PutScatterGatherList: unmap a list
 * @DmaAdapter: the adapter that made it
 * @ScatterGather: the list
 * @WriteToDevice: as given when the list was made
 *
 * dma_unmap_sgtable() syncs what the device wrote for the CPU (copying
 * bounce buffers back). A list that is not live on @DmaAdapter, or a
 * @WriteToDevice that does not match, is refused (logged once): nothing is
 * unmapped.
 *
 * Context: any; atomic context allowed.
 */
static void mdl_put_sg_list(PDMA_ADAPTER DmaAdapter, PSCATTER_GATHER_LIST ScatterGather,
			    BOOLEAN WriteToDevice)
{
	struct mdl_sgl *s = ScatterGather ?
			    container_of(ScatterGather, struct mdl_sgl, list) : NULL;
	enum dma_data_direction dir = WriteToDevice ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&mdl_dma_lock, flags);
	if (s && mdl_dma_listed(&mdl_dma_lists, &s->node) &&
	    &s->ad->adapter == DmaAdapter && s->dir == dir) {
		list_del(&s->node);
		ok = true;
	}
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	if (!ok) {
		mdl_refuse("%p is not a list of adapter %p mapped that way",
			   ScatterGather, DmaAdapter);
		return;
	}
	dma_unmap_sgtable(s->ad->dev, &s->sgt, s->dir, 0);
	mdl_dma_put(s->ad);
	if (s->allocated)
		kvfree(s);
}

/* ---- packet-based DMA: adapter channel, map registers --------------------- */

static struct mdl_map_regs *mdl_dma_regs_find(struct mdl_adapter *ad, PVOID base)
{
	struct mdl_map_regs *regs;
	unsigned long flags;

	spin_lock_irqsave(&mdl_dma_lock, flags);
	list_for_each_entry(regs, &mdl_dma_regs, node) {
		if (regs == base && regs->ad == ad) {
			spin_unlock_irqrestore(&mdl_dma_lock, flags);
			return regs;
		}
	}
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	return NULL;
}

static void mdl_dma_regs_unmap(struct mdl_map_regs *regs)
{
	ULONG i;

	for (i = 0; i < regs->nmaps; i++)
		dma_unmap_page(regs->ad->dev, regs->maps[i].addr, regs->maps[i].len,
			       regs->maps[i].dir);
	regs->nmaps = 0;
	regs->used = 0;
}

static void mdl_dma_regs_free(struct mdl_map_regs *regs)
{
	struct mdl_adapter *ad = regs->ad;
	unsigned long flags;

	spin_lock_irqsave(&mdl_dma_lock, flags);
	list_del(&regs->node);
	if (ad->channel == regs)
		ad->channel = NULL;
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	mdl_dma_regs_unmap(regs);
	mdl_dma_put(ad);
	kvfree(regs);
}

/**
 * mdl_allocate_adapter_channel() - AllocateAdapterChannel: map registers for a transfer
 * @DmaAdapter: the adapter
 * @DeviceObject: passed to @ExecutionRoutine
 * @NumberOfMapRegisters: map registers (pages) wanted, 1 to the adapter's
 * @ExecutionRoutine: called once, before this returns, in atomic context,
 *                    with the MapRegisterBase for MapTransfer; Irp is NULL.
 *                    Its result: KeepObject (the channel and the map
 *                    registers stay until FreeAdapterChannel),
 *                    DeallocateObjectKeepRegisters (the channel is free,
 *                    the registers stay until FreeMapRegisters) or
 *                    DeallocateObject (both are released on return)
 * @Context: passed to @ExecutionRoutine
 *
 * The channel is one per adapter; a second request while it is held fails
 * (STATUS_DEVICE_BUSY) where Windows would queue it.
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS once @ExecutionRoutine ran; STATUS_INVALID_PARAMETER
 * for a bad adapter or routine; STATUS_INSUFFICIENT_RESOURCES for 0 or more
 * registers than the adapter has, or when memory is short;
 * STATUS_DEVICE_BUSY while the channel is held.
 */
static NTSTATUS mdl_allocate_adapter_channel(PDMA_ADAPTER DmaAdapter,
					     struct _DEVICE_OBJECT *DeviceObject,
					     ULONG NumberOfMapRegisters,
					     PDRIVER_CONTROL ExecutionRoutine,
					     PVOID Context)
{
	struct mdl_adapter *ad = mdl_dma_adapter(DmaAdapter);
	IO_ALLOCATION_ACTION action;
	struct mdl_map_regs *regs;
	unsigned long flags;
	gfp_t gfp = mdl_dma_gfp();
	bool busy, raised;
	size_t size;

	if (!ad || !ExecutionRoutine)
		return STATUS_INVALID_PARAMETER;
	if (!NumberOfMapRegisters || NumberOfMapRegisters > ad->map_registers)
		return STATUS_INSUFFICIENT_RESOURCES;
	size = struct_size(regs, maps, NumberOfMapRegisters);
	regs = gfp == GFP_KERNEL ? kvzalloc(size, gfp) :
	       kzalloc(size, gfp | __GFP_NOWARN);
	if (!regs)
		return STATUS_INSUFFICIENT_RESOURCES;
	regs->ad = ad;
	regs->count = NumberOfMapRegisters;
	spin_lock_irqsave(&mdl_dma_lock, flags);
	busy = ad->channel_busy;
	if (!busy) {
		ad->channel_busy = true;
		ad->users++;
		list_add(&regs->node, &mdl_dma_regs);
	}
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	if (busy) {
		kvfree(regs);
		return STATUS_DEVICE_BUSY;
	}
	raised = mdl_dma_raise();
	action = ExecutionRoutine(DeviceObject, NULL, regs, Context);
	mdl_dma_lower(raised);
	if (action == KeepObject) {
		spin_lock_irqsave(&mdl_dma_lock, flags);
		ad->channel = regs;
		spin_unlock_irqrestore(&mdl_dma_lock, flags);
		return STATUS_SUCCESS;
	}
	spin_lock_irqsave(&mdl_dma_lock, flags);
	ad->channel_busy = false;
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	if (action != DeallocateObjectKeepRegisters)
		mdl_dma_regs_free(regs);
	return STATUS_SUCCESS;
}

/**
 * mdl_free_adapter_channel() - FreeAdapterChannel: release a kept channel
 * @DmaAdapter: the adapter whose ExecutionRoutine returned KeepObject
 *
 * Its map registers go with it (their mappings unmapped).
 *
 * Context: any; atomic context allowed.
 */
static void mdl_free_adapter_channel(PDMA_ADAPTER DmaAdapter)
{
	struct mdl_adapter *ad = mdl_dma_adapter(DmaAdapter);
	struct mdl_map_regs *regs = NULL;
	unsigned long flags;

	if (!ad)
		return;
	spin_lock_irqsave(&mdl_dma_lock, flags);
	if (ad->channel_busy && ad->channel) {
		regs = ad->channel;
		ad->channel_busy = false;
	}
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	if (regs)
		mdl_dma_regs_free(regs);
}

/**
 * mdl_free_map_registers() - FreeMapRegisters: release kept map registers
 * @DmaAdapter: the adapter
 * @MapRegisterBase: from the ExecutionRoutine that returned
 *                   DeallocateObjectKeepRegisters
 * @NumberOfMapRegisters: as requested
 *
 * Mappings not yet flushed are unmapped. A base that is not live on
 * @DmaAdapter, or the channel's own (released by FreeAdapterChannel), is
 * ignored.
 *
 * Context: any; atomic context allowed.
 */
static void mdl_free_map_registers(PDMA_ADAPTER DmaAdapter, PVOID MapRegisterBase,
				   ULONG NumberOfMapRegisters)
{
	struct mdl_adapter *ad = mdl_dma_adapter(DmaAdapter);
	struct mdl_map_regs *regs;

	if (!ad)
		return;
	regs = mdl_dma_regs_find(ad, MapRegisterBase);
	if (!regs || ad->channel == regs || regs->count != NumberOfMapRegisters)
		return;
	mdl_dma_regs_free(regs);
}

/**
 * mdl_map_transfer() - MapTransfer: map the next piece of a packet-based transfer
 * @DmaAdapter: the adapter
 * @Mdl: the MDL of the transfer (one MDL: a chain is mapped MDL by MDL)
 * @MapRegisterBase: from AllocateAdapterChannel's ExecutionRoutine
 * @CurrentVa: where the piece starts in @Mdl's buffer
 * @Length: in: bytes left to transfer; out: bytes this piece covers
 * @WriteToDevice: TRUE when the device reads the memory
 *
 * Maps the physically contiguous run at @CurrentVa (dma_map_page), as far as
 * @Length, the adapter's longest segment and the free map registers allow.
 *
 * Context: any; atomic context allowed.
 * Return: the piece's device address; 0 with *@Length 0 for bad arguments,
 * no free map register or a failed mapping.
 */
static PHYSICAL_ADDRESS mdl_map_transfer(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
					 PVOID MapRegisterBase, PVOID CurrentVa,
					 PULONG Length, BOOLEAN WriteToDevice)
{
	PHYSICAL_ADDRESS none = { .QuadPart = 0 };
	struct mdl_adapter *ad = mdl_dma_adapter(DmaAdapter);
	enum dma_data_direction dir = WriteToDevice ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	struct mdl_map_regs *regs;
	struct mdl_dma_range r;
	ULONG pos, end, len, pages;
	unsigned long pfn;
	dma_addr_t addr;

	if (!Length)
		return none;
	regs = ad ? mdl_dma_regs_find(ad, MapRegisterBase) : NULL;
	if (!regs || !*Length || regs->nmaps == regs->count ||
	    !NT_SUCCESS(mdl_dma_range_check(Mdl, CurrentVa, 1, !WriteToDevice, &r)))
		goto fail;
	pos = Mdl->ByteOffset + r.offset;
	end = pos + min3(*Length, Mdl->ByteCount - r.offset, ad->max_segment);
	pfn = MmGetMdlPfnArray(Mdl)[pos >> PAGE_SHIFT];
	if (!pfn_valid(pfn))
		goto fail;
	len = min_t(ULONG, PAGE_SIZE - (pos & ~PAGE_MASK), end - pos);
	pages = 1;
	while (pos + len < end && pages < regs->count - regs->used &&
	       MmGetMdlPfnArray(Mdl)[(pos + len) >> PAGE_SHIFT] == pfn + pages) {
		len += min_t(ULONG, PAGE_SIZE, end - pos - len);
		pages++;
	}
	if (regs->used + pages > regs->count)
		goto fail;
	addr = dma_map_page(ad->dev, pfn_to_page(pfn), pos & ~PAGE_MASK, len, dir);
	if (dma_mapping_error(ad->dev, addr))
		goto fail;
	regs->maps[regs->nmaps++] = (struct mdl_map_reg){ addr, len, dir };
	regs->used += pages;
	*Length = len;
	return (PHYSICAL_ADDRESS){ .QuadPart = addr };

fail:
	*Length = 0;
	return none;
}

/**
 * mdl_flush_adapter_buffers() - FlushAdapterBuffers: end a packet-based transfer
 * @DmaAdapter: the adapter
 * @Mdl: the transfer's MDL
 * @MapRegisterBase: the map registers MapTransfer used
 * @CurrentVa: start of the transfer (checked against @Mdl)
 * @Length: bytes transferred
 * @WriteToDevice: as given to MapTransfer
 *
 * Unmaps every MapTransfer piece of @MapRegisterBase (syncing what the
 * device wrote for the CPU, copying bounce buffers back); the map
 * registers are free for the next transfer.
 *
 * Context: any; atomic context allowed.
 * Return: TRUE, or FALSE for bad arguments (nothing unmapped).
 */
static BOOLEAN mdl_flush_adapter_buffers(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
					 PVOID MapRegisterBase, PVOID CurrentVa,
					 ULONG Length, BOOLEAN WriteToDevice)
{
	struct mdl_adapter *ad = mdl_dma_adapter(DmaAdapter);
	struct mdl_map_regs *regs;
	struct mdl_dma_range r;

	regs = ad ? mdl_dma_regs_find(ad, MapRegisterBase) : NULL;
	if (!regs || !Mdl ||
	    !NT_SUCCESS(mdl_dma_range_check(Mdl, CurrentVa, Length ? Length : 1,
					    !WriteToDevice, &r)))
		return FALSE;
	mdl_dma_regs_unmap(regs);
	return TRUE;
}

/**
 * mdl_get_dma_alignment() - GetDmaAlignment: the alignment DMA buffers need
 * @DmaAdapter: the adapter
 *
 * Context: any; atomic context allowed.
 * Return: dma_get_cache_alignment() (1 on cache-coherent x86), 0 for a bad
 * adapter.
 */
static ULONG mdl_get_dma_alignment(PDMA_ADAPTER DmaAdapter)
{
	return mdl_dma_adapter(DmaAdapter) ? dma_get_cache_alignment() : 0;
}

/**
 * mdl_read_dma_counter() - ReadDmaCounter: bytes left of a system DMA transfer
 * @DmaAdapter: the adapter
 *
 * Only system DMA controllers count; a bus master's adapter has none.
 *
 * Context: any; atomic context allowed.
 * Return: 0.
 */
static ULONG mdl_read_dma_counter(PDMA_ADAPTER DmaAdapter)
{
	return 0;
}

/**
 * KeFlushIoBuffers() - make an MDL's memory coherent before or after DMA
 * @Mdl: the MDL
 * @ReadOperation: TRUE when the device writes the memory
 * @DmaOperation: TRUE for DMA
 *
 * On the cache-coherent platforms Debian's x86 kernels run on, as on
 * Windows x64, there is nothing to do: DMA snoops the caches; the
 * adapter's mappings sync bounce buffers themselves.
 *
 * Context: any; atomic context allowed.
 */
void KeFlushIoBuffers(PMDL Mdl, BOOLEAN ReadOperation, BOOLEAN DmaOperation)
{
}
EXPORT_SYMBOL_GPL(KeFlushIoBuffers);

static DMA_OPERATIONS mdl_dma_operations = {
	.Size = sizeof(DMA_OPERATIONS),
	.PutDmaAdapter = mdl_put_dma_adapter,
	.AllocateCommonBuffer = mdl_allocate_common_buffer,
	.FreeCommonBuffer = mdl_free_common_buffer,
	.AllocateAdapterChannel = mdl_allocate_adapter_channel,
	.FlushAdapterBuffers = mdl_flush_adapter_buffers,
	.FreeAdapterChannel = mdl_free_adapter_channel,
	.FreeMapRegisters = mdl_free_map_registers,
	.MapTransfer = mdl_map_transfer,
	.GetDmaAlignment = mdl_get_dma_alignment,
	.ReadDmaCounter = mdl_read_dma_counter,
	.GetScatterGatherList = mdl_get_sg_list,
	.PutScatterGatherList = mdl_put_sg_list,
	.CalculateScatterGatherList = mdl_calculate_sg_list,
	.BuildScatterGatherList = mdl_build_sg_list,
};

static PDMA_OPERATIONS mdl_dma_ops(void)
{
	return &mdl_dma_operations;
}
