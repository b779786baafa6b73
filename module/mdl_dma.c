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
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "mdl_internal.h"

/*
 * Pages of one aligned block of this size are all valid or all not (the
 * subsection of SPARSEMEM is 2 MiB): mdl_dma_fill() asks pfn_valid() once
 * a block for a run of consecutive PFNs.
 */
#define MDL_DMA_VALID_BLOCK		(SZ_2M >> PAGE_SHIFT)

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
 * @width: the device's address bits
 * @v3: from a DEVICE_DESCRIPTION_VERSION3 description: the version-3
 *      routines serve it
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
	unsigned int width;
	bool v3;
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
 * @node: entry in mdl_dma_lists, hashed by this state's address
 * @sgt: the mapped table (its entries follow the list's elements)
 * @dir: the mapping's direction
 * @allocated: GetScatterGatherList allocated this (kvfree on release)
 * @cache: the lock's cached entries this list maps, the state being theirs
 *         (a reference), or NULL when the list's own entries follow its
 *         elements
 * @mdl: the first MDL of the mapped range
 * @offset: where the range starts in @mdl's buffer
 * @length: the range's bytes
 * @list: what the driver sees; its elements, then the sg entries, follow
 */
struct mdl_sgl {
	struct mdl_adapter *ad;
	struct hlist_node node;
	struct sg_table sgt;
	enum dma_data_direction dir;
	bool allocated;
	struct mdl_dma_cache *cache;
	PMDL mdl;
	ULONG offset;
	ULONG length;
	SCATTER_GATHER_LIST list;
};

/**
 * struct mdl_dma_cache - the sg entries of a whole locked MDL, built once
 * @ref: the MDL's state holds one reference while the lock lasts, each
 *       list mapping @sgt one more
 * @busy: bit 0 set while a list maps @sgt (its DMA fields are that list's)
 * @max_seg: the longest entry, the adapter's max_segment it was built for
 * @rcu: deferred free: the last reference may go in atomic context
 * @sgl: the list state of the list that maps @sgt (room for @sgt's
 *       elements), after @sg in this allocation
 * @sgt: the table over @sg
 * @sg: its entries
 *
 * The pages of a lock (MmProbeAndLockPages) do not change until
 * MmUnlockPages, so the entries that GetScatterGatherList of the whole MDL
 * would fill page by page are filled once, at its first call, and mapped
 * again by each later one, into the same list state: a call then costs
 * what dma_map_sgtable of the entries does. Released with the lock
 * (mdl_dma_cache_drop()).
 */
struct mdl_dma_cache {
	refcount_t ref;
	unsigned long busy;
	ULONG max_seg;
	struct rcu_head rcu;
	struct mdl_sgl *sgl;
	struct sg_table sgt;
	struct scatterlist sg[];
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
static LIST_HEAD(mdl_dma_regs);
/* Live lists by address: a driver with many in flight finds each at once. */
static DEFINE_HASHTABLE(mdl_dma_lists, 8);

static bool mdl_dma_listed(struct list_head *head, struct list_head *node)
{
	struct list_head *pos;

	list_for_each(pos, head)
		if (pos == node)
			return true;
	return false;
}

/* @s is a live list's state (only live states are looked at); mdl_dma_lock held. */
static bool mdl_dma_list_live(struct mdl_sgl *s)
{
	struct mdl_sgl *p;

	hash_for_each_possible(mdl_dma_lists, p, node, (unsigned long)s)
		if (p == s)
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

static PDMA_OPERATIONS mdl_dma_ops(bool v3);

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
 * 65537. A version-3 description gets an adapter of Version 3 whose table
 * has the version-3 entries too (Size sizeof(DMA_OPERATIONS)); versions 0 to
 * 2 get Version 1 and a table that ends before them (they are NULL).
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
	ad->width = width;
	ad->v3 = DeviceDescription->Version == DEVICE_DESCRIPTION_VERSION3;
	ad->map_registers = min_t(u64, BYTES_TO_PAGES(DeviceDescription->MaximumLength) + 1,
				  MDL_DMA_MAX_MAP_REGISTERS);
	ad->adapter.Version = ad->v3 ? 3 : 1;
	ad->adapter.Size = sizeof(DMA_ADAPTER);
	ad->adapter.DmaOperations = mdl_dma_ops(ad->v3);
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
 * Fill @sg (room for @room entries) with the pages of the range,
 * physically contiguous pages merged up to @max_seg bytes, or only count
 * the entries when @sg is NULL; returns the number of entries, 0 for a
 * page without a struct page.
 */
static unsigned int mdl_dma_fill(const struct mdl_dma_range *r,
				 struct scatterlist *sg, unsigned int room,
				 ULONG max_seg)
{
	struct scatterlist *cur = NULL;
	unsigned long prev_pfn = 0;
	ULONG left = r->length, off = r->offset, seg = 0;
	bool seg_ends_page = false;
	unsigned int n = 0;
	PMDL m;

	if (sg)
		sg_init_table(sg, room);
	for (m = r->mdl; m && left; m = m->Next, off = 0) {
		ULONG pos = m->ByteOffset + off;
		ULONG end = m->ByteOffset + off + min_t(ULONG, left, m->ByteCount - off);

		left -= end - pos;
		while (pos < end) {
			unsigned long pfn = MmGetMdlPfnArray(m)[pos >> PAGE_SHIFT];
			ULONG in = pos & ~PAGE_MASK;
			ULONG len = min_t(ULONG, PAGE_SIZE - in, end - pos);

			bool next = n && !in && pfn == prev_pfn + 1 && seg_ends_page;

			/* pfn_valid() holds for whole aligned 2 MiB blocks. */
			if ((!next || !(pfn & (MDL_DMA_VALID_BLOCK - 1))) && !pfn_valid(pfn))
				return 0;
			if (next && seg + len <= max_seg) {
				seg += len;
				if (cur)
					cur->length += len;
			} else {
				seg = len;
				n++;
				if (sg) {
					cur = cur ? sg_next(cur) : sg;
					sg_set_page(cur, pfn_to_page(pfn), len, in);
				}
			}
			seg_ends_page = !((in + len) & ~PAGE_MASK);
			prev_pfn = pfn;
			pos += len;
		}
	}
	if (cur)
		sg_mark_end(cur);
	return n;
}

/* Map @s->sgt (@n entries) for the range and fill the list's elements. */
static NTSTATUS mdl_dma_map_table(struct mdl_adapter *ad, const struct mdl_dma_range *r,
				  bool to_device, struct mdl_sgl *s, unsigned int n)
{
	struct scatterlist *p;
	unsigned long flags;
	unsigned int i;

	s->ad = ad;
	s->mdl = r->mdl;
	s->offset = r->offset;
	s->length = r->length;
	s->dir = to_device ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
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
	hash_add(mdl_dma_lists, &s->node, (unsigned long)s);
	ad->users++;
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	return STATUS_SUCCESS;
}

/* Map the range into @s (room for r->pages) and fill the list's elements. */
static NTSTATUS mdl_dma_map(struct mdl_adapter *ad, const struct mdl_dma_range *r,
			    bool to_device, struct mdl_sgl *s)
{
	struct scatterlist *sg = mdl_dma_sg_area(s, r->pages);
	unsigned int n;

	n = mdl_dma_fill(r, sg, r->pages, ad->max_segment);
	if (!n)
		return STATUS_NOT_SUPPORTED;
	s->sgt.sgl = sg;
	return mdl_dma_map_table(ad, r, to_device, s, n);
}

static void mdl_dma_cache_free_rcu(struct rcu_head *rcu)
{
	kvfree(container_of(rcu, struct mdl_dma_cache, rcu));
}

static void mdl_dma_cache_put(struct mdl_dma_cache *c)
{
	if (refcount_dec_and_test(&c->ref))
		call_rcu(&c->rcu, mdl_dma_cache_free_rcu);
}

/**
 * mdl_dma_cache_drop() - release a lock's cached sg entries
 * @ext: the MDL's state, its lock being released
 *
 * A list still mapping them keeps them until PutScatterGatherList.
 *
 * Context: any; atomic context allowed.
 */
void mdl_dma_cache_drop(struct mdl_ext *ext)
{
	struct mdl_dma_cache *c = xchg(&ext->dma_cache, NULL);

	if (c)
		mdl_dma_cache_put(c);
}

/*
 * The lock's cached entries for a transfer of the whole of @r's first MDL,
 * built at the first call, taken for one list (a reference, @busy set);
 * NULL where they do not serve (a piece of the MDL, a chain, an MDL that is
 * not locked, another segment size, a list mapping them already, memory
 * short): the caller fills entries of its own then.
 */
static struct mdl_dma_cache *mdl_dma_cache_take(struct mdl_adapter *ad,
						const struct mdl_dma_range *r,
						gfp_t gfp)
{
	struct mdl_ext *ext;
	struct mdl_dma_cache *c, *old;
	unsigned int n;
	size_t size;

	if (r->offset || r->length != r->mdl->ByteCount)
		return NULL;
	ext = mdl_ext_find(r->mdl);
	if (!ext || (ext->hold != MDL_HOLD_PINNED && ext->hold != MDL_HOLD_KERNEL))
		return NULL;
	rcu_read_lock();
	c = READ_ONCE(ext->dma_cache);
	if (c && !refcount_inc_not_zero(&c->ref))
		c = NULL;
	rcu_read_unlock();
	if (!c) {
		n = mdl_dma_fill(r, NULL, 0, ad->max_segment);
		if (!n)
			return NULL;
		size = size_add(struct_size(c, sg, n),
				struct_size(c->sgl, list.Elements, n));
		c = gfp == GFP_KERNEL ? kvmalloc(size, gfp) :
		    kmalloc(size, gfp | __GFP_NOWARN);
		if (!c)
			return NULL;
		/* The lock's reference and this list's. */
		refcount_set(&c->ref, 2);
		c->busy = 0;
		c->max_seg = ad->max_segment;
		c->sgl = (struct mdl_sgl *)&c->sg[n];
		c->sgt.sgl = c->sg;
		c->sgt.orig_nents = mdl_dma_fill(r, c->sg, n, c->max_seg);
		c->sgt.nents = 0;
		old = cmpxchg(&ext->dma_cache, NULL, c);
		if (old) {
			/* Another list built them first: fill entries of its own. */
			kvfree(c);
			return NULL;
		}
	}
	if (c->max_seg != ad->max_segment || test_and_set_bit(0, &c->busy)) {
		mdl_dma_cache_put(c);
		return NULL;
	}
	return c;
}

/* The list state of a list mapping the lock's cached entries @c. */
static struct mdl_sgl *mdl_dma_cached_list(struct mdl_dma_cache *c)
{
	struct mdl_sgl *s = c->sgl;

	memset(s, 0, sizeof(*s));
	s->cache = c;
	s->sgt.sgl = c->sgt.sgl;
	return s;
}

/* Give the lock's cached entries back after their list's unmap. */
static void mdl_dma_cache_give(struct mdl_dma_cache *c)
{
	clear_bit(0, &c->busy);
	mdl_dma_cache_put(c);
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
				ULONG Length, bool have_fn,
				BOOLEAN WriteToDevice, struct mdl_adapter **adp,
				struct mdl_dma_range *r)
{
	NTSTATUS st;

	*adp = mdl_dma_adapter(DmaAdapter);
	if (!*adp || !have_fn)
		return STATUS_INVALID_PARAMETER;
	st = mdl_dma_range_check(Mdl, CurrentVa, Length, !WriteToDevice, r);
	if (!NT_SUCCESS(st))
		return st;
	if (r->pages > (*adp)->map_registers)
		return STATUS_INSUFFICIENT_RESOURCES;
	return STATUS_SUCCESS;
}

/*
 * GetScatterGatherList and GetScatterGatherListEx: map into an allocated
 * list, call @fn if there is one, store the list in *@out if asked.
 */
static NTSTATUS mdl_dma_get_list(PDMA_ADAPTER DmaAdapter,
				 struct _DEVICE_OBJECT *DeviceObject, PMDL Mdl,
				 PVOID CurrentVa, ULONG Length,
				 PDRIVER_LIST_CONTROL fn, PVOID Context,
				 BOOLEAN WriteToDevice, PSCATTER_GATHER_LIST *out)
{
	struct mdl_dma_cache *c;
	struct mdl_adapter *ad;
	struct mdl_dma_range r;
	struct mdl_sgl *s;
	gfp_t gfp;
	NTSTATUS st;

	st = mdl_dma_prepare(DmaAdapter, Mdl, CurrentVa, Length, fn || out,
			     WriteToDevice, &ad, &r);
	if (!NT_SUCCESS(st))
		return st;
	gfp = mdl_dma_gfp();
	c = mdl_dma_cache_take(ad, &r, gfp);
	if (c) {
		s = mdl_dma_cached_list(c);
		st = mdl_dma_map_table(ad, &r, WriteToDevice, s, c->sgt.orig_nents);
		if (!NT_SUCCESS(st)) {
			mdl_dma_cache_give(c);
			return st;
		}
	} else {
		s = gfp == GFP_KERNEL ? kvmalloc(mdl_dma_list_size(r.pages), gfp) :
		    kmalloc(mdl_dma_list_size(r.pages), gfp | __GFP_NOWARN);
		if (!s)
			return STATUS_INSUFFICIENT_RESOURCES;
		memset(s, 0, sizeof(*s));
		s->allocated = true;
		st = mdl_dma_map(ad, &r, WriteToDevice, s);
		if (!NT_SUCCESS(st)) {
			kvfree(s);
			return st;
		}
	}
	if (out)
		*out = &s->list;
	if (fn)
		mdl_dma_call_list(fn, DeviceObject, &s->list, Context);
	return STATUS_SUCCESS;
}

/* BuildScatterGatherList and BuildScatterGatherListEx, as mdl_dma_get_list. */
static NTSTATUS mdl_dma_build_list(PDMA_ADAPTER DmaAdapter,
				   struct _DEVICE_OBJECT *DeviceObject, PMDL Mdl,
				   PVOID CurrentVa, ULONG Length,
				   PDRIVER_LIST_CONTROL fn, PVOID Context,
				   BOOLEAN WriteToDevice, PVOID buffer, ULONG size,
				   PSCATTER_GATHER_LIST *out)
{
	struct mdl_sgl *s = buffer;
	struct mdl_adapter *ad;
	struct mdl_dma_range r;
	NTSTATUS st;

	st = mdl_dma_prepare(DmaAdapter, Mdl, CurrentVa, Length, fn || out,
			     WriteToDevice, &ad, &r);
	if (!NT_SUCCESS(st))
		return st;
	if (!s || !IS_ALIGNED((unsigned long)s, sizeof(u64)))
		return STATUS_INVALID_PARAMETER;
	if (size < mdl_dma_list_size(r.pages))
		return STATUS_BUFFER_TOO_SMALL;
	memset(s, 0, sizeof(*s));
	st = mdl_dma_map(ad, &r, WriteToDevice, s);
	if (!NT_SUCCESS(st))
		return st;
	if (out)
		*out = &s->list;
	if (fn)
		mdl_dma_call_list(fn, DeviceObject, &s->list, Context);
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
 * The first list of all of a locked MDL (MmProbeAndLockPages) fills sg
 * entries that later lists of all of it map again until MmUnlockPages:
 * a driver mapping one lock again and again pays for its pages once.
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
	return mdl_dma_get_list(DmaAdapter, DeviceObject, Mdl, CurrentVa, Length,
				ExecutionRoutine, Context, WriteToDevice, NULL);
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
	return mdl_dma_build_list(DmaAdapter, DeviceObject, Mdl, CurrentVa, Length,
				  ExecutionRoutine, Context, WriteToDevice,
				  ScatterGatherBuffer, ScatterGatherLength, NULL);
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
	if (s && mdl_dma_list_live(s) &&
	    &s->ad->adapter == DmaAdapter && s->dir == dir) {
		hash_del(&s->node);
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
	else if (s->cache)
		mdl_dma_cache_give(s->cache);
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

/*
 * AllocateAdapterChannel(Ex): the channel and @count map registers; @fn
 * runs with them, or without @fn the channel is kept (KeepObject) and its
 * map registers go to *@base.
 */
static NTSTATUS mdl_dma_channel(struct mdl_adapter *ad, struct _DEVICE_OBJECT *DeviceObject,
				ULONG NumberOfMapRegisters, PDRIVER_CONTROL ExecutionRoutine,
				PVOID Context, PVOID *base)
{
	IO_ALLOCATION_ACTION action = KeepObject;
	struct mdl_map_regs *regs;
	unsigned long flags;
	gfp_t gfp = mdl_dma_gfp();
	bool busy, raised;
	size_t size;

	if (!ad || (!ExecutionRoutine && !base))
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
	if (ExecutionRoutine) {
		raised = mdl_dma_raise();
		action = ExecutionRoutine(DeviceObject, NULL, regs, Context);
		mdl_dma_lower(raised);
	}
	if (action == KeepObject) {
		if (base)
			*base = regs;
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
	else if (base)
		*base = regs;
	return STATUS_SUCCESS;
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
	if (!ExecutionRoutine)
		return STATUS_INVALID_PARAMETER;
	return mdl_dma_channel(mdl_dma_adapter(DmaAdapter), DeviceObject,
			       NumberOfMapRegisters, ExecutionRoutine, Context, NULL);
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

/* ---- BuildMdlFromScatterGatherList, the version-3 routines --------------- */

/**
 * mdl_build_mdl_from_sg_list() - BuildMdlFromScatterGatherList: an MDL of a list
 * @DmaAdapter: the adapter that made the list
 * @ScatterGather: a live list of GetScatterGatherList or BuildScatterGatherList
 *                 (or their Ex forms)
 * @OriginalMdl: the MDL the list was made from (its first MDL)
 * @TargetMdl: receives the new MDL; free it with IoFreeMdl before
 *             @OriginalMdl is unlocked
 *
 * The new MDL describes the pages at the list's element addresses, at the
 * virtual addresses of the range in @OriginalMdl, as a partial MDL of it
 * (its flags, system mapping and write access). That needs element
 * addresses the CPU can use as physical ones: a list whose elements are
 * IOVAs (an IOMMU translates) or swiotlb bounce buffers has no such view on
 * Linux and is refused, as is a list that goes on through Next (one MDL
 * cannot describe the gap between two MDLs' buffers).
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a bad adapter or
 * @TargetMdl, a list that is not live on @DmaAdapter or not made from
 * @OriginalMdl; STATUS_NOT_SUPPORTED for a list of device addresses that
 * are not physical ones or one spanning several MDLs;
 * STATUS_INSUFFICIENT_RESOURCES when memory is short. *@TargetMdl is
 * written only on success.
 */
static NTSTATUS mdl_build_mdl_from_sg_list(PDMA_ADAPTER DmaAdapter,
					   PSCATTER_GATHER_LIST ScatterGather,
					   PMDL OriginalMdl, PMDL *TargetMdl)
{
	struct mdl_sgl *s = ScatterGather ?
			    container_of(ScatterGather, struct mdl_sgl, list) : NULL;
	struct scatterlist *sg;
	unsigned long flags;
	PFN_NUMBER *pfn;
	ULONG i, page, n;
	bool ok;
	PMDL mdl;
	PVOID va;

	if (!TargetMdl || !OriginalMdl)
		return STATUS_INVALID_PARAMETER;
	spin_lock_irqsave(&mdl_dma_lock, flags);
	ok = s && mdl_dma_adapter_locked(DmaAdapter) &&
	     mdl_dma_list_live(s) &&
	     &s->ad->adapter == DmaAdapter && s->mdl == OriginalMdl;
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	if (!ok)
		return STATUS_INVALID_PARAMETER;
	if (s->length > OriginalMdl->ByteCount - s->offset ||
	    s->sgt.nents != s->sgt.orig_nents)
		return STATUS_NOT_SUPPORTED;
	for_each_sgtable_sg(&s->sgt, sg, i)
		if (ScatterGather->Elements[i].Address.QuadPart != sg_phys(sg) ||
		    ScatterGather->Elements[i].Length != sg->length)
			return STATUS_NOT_SUPPORTED;
	va = (PUCHAR)MmGetMdlVirtualAddress(OriginalMdl) + s->offset;
	mdl = mdl_alloc_owned(va, s->length, mdl_dma_gfp());
	if (!mdl)
		return STATUS_INSUFFICIENT_RESOURCES;
	IoBuildPartialMdl(OriginalMdl, mdl, va, s->length);
	if (!(mdl->MdlFlags & MDL_PARTIAL)) {
		IoFreeMdl(mdl);
		return STATUS_INVALID_PARAMETER;
	}
	/* The pages are those of the elements, in list order. */
	pfn = MmGetMdlPfnArray(mdl);
	n = ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, s->length);
	page = 0;
	for (i = 0; i < ScatterGather->NumberOfElements; i++) {
		PSCATTER_GATHER_ELEMENT e = &ScatterGather->Elements[i];
		u64 a = e->Address.QuadPart & PAGE_MASK;

		for (; a < e->Address.QuadPart + e->Length && page < n; a += PAGE_SIZE)
			pfn[page++] = PHYS_PFN(a);
	}
	if (page != n) {
		IoFreeMdl(mdl);
		return STATUS_NOT_SUPPORTED;
	}
	*TargetMdl = mdl;
	return STATUS_SUCCESS;
}

#define MDL_DMA_CONTEXT_MAGIC	0x5443444dU	/* 'MDCT' */

/**
 * struct mdl_dma_context - the opaque DMA_TRANSFER_CONTEXT
 * @magic: MDL_DMA_CONTEXT_MAGIC once InitializeDmaTransferContext ran
 * @version: DMA_TRANSFER_CONTEXT_VERSION1
 * @ad: the adapter it was initialised for
 */
struct mdl_dma_context {
	u32 magic;
	u32 version;
	struct mdl_adapter *ad;
};

static_assert(sizeof(struct mdl_dma_context) <= DMA_TRANSFER_CONTEXT_SIZE_V1);

/* The live version-3 adapter behind @a, or NULL. */
static struct mdl_adapter *mdl_dma_adapter3(PDMA_ADAPTER a)
{
	struct mdl_adapter *ad = mdl_dma_adapter(a);

	return ad && ad->v3 ? ad : NULL;
}

/* The version-3 adapter if @ctx is a context initialised for it. */
static struct mdl_adapter *mdl_dma_context_adapter(PDMA_ADAPTER a, PVOID ctx)
{
	struct mdl_adapter *ad = mdl_dma_adapter3(a);
	const struct mdl_dma_context *c = ctx;

	if (!ad || !c || !IS_ALIGNED((unsigned long)c, sizeof(u64)) ||
	    c->magic != MDL_DMA_CONTEXT_MAGIC ||
	    c->version != DMA_TRANSFER_CONTEXT_VERSION1 || c->ad != ad)
		return NULL;
	return ad;
}

/* The address @Offset bytes into @Mdl's buffer, if it is inside it. */
static PVOID mdl_dma_offset_va(PMDL Mdl, ULONGLONG Offset)
{
	if (!Mdl || Offset >= Mdl->ByteCount)
		return NULL;
	return (PUCHAR)MmGetMdlVirtualAddress(Mdl) + Offset;
}

/**
 * mdl_get_dma_adapter_info() - GetDmaAdapterInfo: what the adapter can do
 * @DmaAdapter: a version-3 adapter
 * @AdapterInfo: its Version set to DMA_ADAPTER_INFO_VERSION1; receives V1
 *
 * V1 reports no DMA counter (a bus master), a ScatterGatherLimit of the
 * adapter's map registers (a list has at most one element a page), the
 * DmaAddressWidth the adapter set the device's mask to, Flags
 * ADAPTER_INFO_SYNCHRONOUS_CALLBACK (every callback runs before its call
 * returns) and a MinimumTransferUnit of 1 byte.
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a bad adapter (also
 * one of a description below version 3) or a NULL @AdapterInfo;
 * STATUS_NOT_SUPPORTED for another Version (@AdapterInfo unchanged).
 */
static NTSTATUS mdl_get_dma_adapter_info(PDMA_ADAPTER DmaAdapter,
					 PDMA_ADAPTER_INFO AdapterInfo)
{
	struct mdl_adapter *ad = mdl_dma_adapter3(DmaAdapter);

	if (!ad || !AdapterInfo)
		return STATUS_INVALID_PARAMETER;
	if (AdapterInfo->Version != DMA_ADAPTER_INFO_VERSION1)
		return STATUS_NOT_SUPPORTED;
	AdapterInfo->V1.ReadDmaCounterAvailable = FALSE;
	AdapterInfo->V1.ScatterGatherLimit = ad->map_registers;
	AdapterInfo->V1.DmaAddressWidth = ad->width;
	AdapterInfo->V1.Flags = ADAPTER_INFO_SYNCHRONOUS_CALLBACK;
	AdapterInfo->V1.MinimumTransferUnit = 1;
	return STATUS_SUCCESS;
}

/**
 * mdl_get_dma_transfer_info() - GetDmaTransferInfo: what a transfer needs
 * @DmaAdapter: a version-3 adapter
 * @Mdl: the first MDL of the transfer's chain
 * @Offset: where the transfer starts, in bytes from the start of @Mdl's
 *          buffer (inside it)
 * @Length: bytes; the transfer goes on through Mdl->Next
 * @WriteOnly: TRUE when the device only reads the memory (not used: the
 *             needs are the same both ways)
 * @TransferInfo: its Version set to DMA_TRANSFER_INFO_VERSION1 or _VERSION2;
 *                receives the map registers (the pages spanned), the most
 *                elements of the list (as many), the buffer size
 *                BuildScatterGatherListEx needs (what
 *                CalculateScatterGatherList gives) and, for version 2, the
 *                pages spanned
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a bad adapter, range
 * or @TransferInfo; STATUS_NOT_SUPPORTED for another Version. On failure
 * @TransferInfo is unchanged.
 */
static NTSTATUS mdl_get_dma_transfer_info(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
					  ULONGLONG Offset, ULONG Length,
					  BOOLEAN WriteOnly,
					  PDMA_TRANSFER_INFO TransferInfo)
{
	struct mdl_adapter *ad = mdl_dma_adapter3(DmaAdapter);
	PVOID va = mdl_dma_offset_va(Mdl, Offset);
	struct mdl_dma_range r;
	size_t size;
	NTSTATUS st;

	if (!ad || !TransferInfo || !va)
		return STATUS_INVALID_PARAMETER;
	if (TransferInfo->Version != DMA_TRANSFER_INFO_VERSION1 &&
	    TransferInfo->Version != DMA_TRANSFER_INFO_VERSION2)
		return STATUS_NOT_SUPPORTED;
	st = mdl_dma_range_check(Mdl, va, Length, false, &r);
	if (!NT_SUCCESS(st))
		return st;
	size = mdl_dma_list_size(r.pages);
	if (size > MAXULONG)
		return STATUS_INVALID_PARAMETER;
	TransferInfo->V1.MapRegisterCount = r.pages;
	TransferInfo->V1.ScatterGatherElementCount = r.pages;
	TransferInfo->V1.ScatterGatherListSize = size;
	if (TransferInfo->Version == DMA_TRANSFER_INFO_VERSION2)
		TransferInfo->V2.LogicalPageCount = r.pages;
	return STATUS_SUCCESS;
}

/**
 * mdl_initialize_dma_transfer_context() - InitializeDmaTransferContext
 * @DmaAdapter: a version-3 adapter
 * @DmaTransferContext: DMA_TRANSFER_CONTEXT_SIZE_V1 bytes of the caller's,
 *                      8-byte aligned
 *
 * Prepares the context the Ex routines take: it stands for one transfer of
 * @DmaAdapter (a context of another adapter, or one not initialised, is
 * refused by them). It holds no resource: it may be dropped or initialised
 * again at any time.
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a bad adapter or a
 * NULL or misaligned context (left unchanged).
 */
static NTSTATUS mdl_initialize_dma_transfer_context(PDMA_ADAPTER DmaAdapter,
						    PVOID DmaTransferContext)
{
	struct mdl_adapter *ad = mdl_dma_adapter3(DmaAdapter);
	struct mdl_dma_context *c = DmaTransferContext;

	if (!ad || !c || !IS_ALIGNED((unsigned long)c, sizeof(u64)))
		return STATUS_INVALID_PARAMETER;
	memset(c, 0, DMA_TRANSFER_CONTEXT_SIZE_V1);
	c->magic = MDL_DMA_CONTEXT_MAGIC;
	c->version = DMA_TRANSFER_CONTEXT_VERSION1;
	c->ad = ad;
	return STATUS_SUCCESS;
}

/**
 * mdl_allocate_common_buffer_ex() - AllocateCommonBufferEx: a common buffer below an address
 * @DmaAdapter: a version-3 adapter
 * @MaximumAddress: the highest device address the buffer may reach, or
 *                  NULL for the adapter's mask
 * @Length: bytes, not 0
 * @LogicalAddress: receives the device address
 * @CacheEnabled: as AllocateCommonBuffer (ignored)
 * @PreferredNode: ignored: dma_alloc_coherent() takes the device's node
 *
 * AllocateCommonBuffer, then the buffer's end is checked against
 * @MaximumAddress: Linux allocates within the device's coherent mask only,
 * so a buffer beyond a narrower @MaximumAddress is released and NULL
 * returned. Release the buffer with FreeCommonBuffer.
 *
 * Context: may sleep.
 * Return: the kernel address of the zeroed buffer, or NULL (nothing
 * allocated).
 */
static PVOID mdl_allocate_common_buffer_ex(PDMA_ADAPTER DmaAdapter,
					   PPHYSICAL_ADDRESS MaximumAddress,
					   ULONG Length,
					   PPHYSICAL_ADDRESS LogicalAddress,
					   BOOLEAN CacheEnabled,
					   NODE_REQUIREMENT PreferredNode)
{
	PVOID va;

	if (!mdl_dma_adapter3(DmaAdapter) || !LogicalAddress)
		return NULL;
	va = mdl_allocate_common_buffer(DmaAdapter, Length, LogicalAddress, CacheEnabled);
	if (va && MaximumAddress &&
	    (u64)LogicalAddress->QuadPart + Length - 1 > (u64)MaximumAddress->QuadPart) {
		mdl_free_common_buffer(DmaAdapter, Length, *LogicalAddress, va,
				       CacheEnabled);
		LogicalAddress->QuadPart = 0;
		return NULL;
	}
	return va;
}

/**
 * mdl_allocate_adapter_channel_ex() - AllocateAdapterChannelEx: map registers with a context
 * @DmaAdapter: a version-3 adapter
 * @DeviceObject: passed to @ExecutionRoutine
 * @DmaTransferContext: from InitializeDmaTransferContext for @DmaAdapter
 * @NumberOfMapRegisters: as AllocateAdapterChannel
 * @Flags: 0 or DMA_SYNCHRONOUS_CALLBACK (every request is synchronous here)
 * @ExecutionRoutine: as AllocateAdapterChannel, or NULL with
 *                    DMA_SYNCHRONOUS_CALLBACK: the channel is then kept and
 *                    its map registers go to *@MapRegisterBase; release them
 *                    with FreeAdapterObject
 * @ExecutionContext: passed to @ExecutionRoutine
 * @MapRegisterBase: receives the map registers that stay allocated
 *                   (KeepObject, DeallocateObjectKeepRegisters), or NULL
 *
 * Context: any; atomic context allowed.
 * Return: as AllocateAdapterChannel; STATUS_INVALID_PARAMETER also for a
 * context not initialised for @DmaAdapter, unknown @Flags, or no
 * @ExecutionRoutine without DMA_SYNCHRONOUS_CALLBACK and @MapRegisterBase.
 * Nothing is allocated on failure.
 */
static NTSTATUS mdl_allocate_adapter_channel_ex(PDMA_ADAPTER DmaAdapter,
						struct _DEVICE_OBJECT *DeviceObject,
						PVOID DmaTransferContext,
						ULONG NumberOfMapRegisters, ULONG Flags,
						PDRIVER_CONTROL ExecutionRoutine,
						PVOID ExecutionContext,
						PVOID *MapRegisterBase)
{
	struct mdl_adapter *ad = mdl_dma_context_adapter(DmaAdapter, DmaTransferContext);

	if (!ad || (Flags & ~DMA_SYNCHRONOUS_CALLBACK))
		return STATUS_INVALID_PARAMETER;
	if (!ExecutionRoutine && (!(Flags & DMA_SYNCHRONOUS_CALLBACK) || !MapRegisterBase))
		return STATUS_INVALID_PARAMETER;
	return mdl_dma_channel(ad, DeviceObject, NumberOfMapRegisters, ExecutionRoutine,
			       ExecutionContext, MapRegisterBase);
}

/**
 * mdl_configure_adapter_channel() - ConfigureAdapterChannel: a controller function
 * @DmaAdapter: a version-3 adapter
 * @FunctionNumber: the function of the DMA controller
 * @Context: its argument
 *
 * The functions belong to system DMA controllers; a bus master's adapter
 * has nothing to configure.
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_NOT_IMPLEMENTED; STATUS_INVALID_PARAMETER for a bad adapter.
 */
static NTSTATUS mdl_configure_adapter_channel(PDMA_ADAPTER DmaAdapter,
					      ULONG FunctionNumber, PVOID Context)
{
	return mdl_dma_adapter3(DmaAdapter) ? STATUS_NOT_IMPLEMENTED :
	       STATUS_INVALID_PARAMETER;
}

/**
 * mdl_cancel_adapter_channel() - CancelAdapterChannel: cancel a pending request
 * @DmaAdapter: a version-3 adapter
 * @DeviceObject: the requester
 * @DmaTransferContext: the context of the request
 *
 * AllocateAdapterChannelEx never leaves a request pending (it runs or
 * fails before it returns), so there is never one to cancel.
 *
 * Context: any; atomic context allowed.
 * Return: FALSE.
 */
static BOOLEAN mdl_cancel_adapter_channel(PDMA_ADAPTER DmaAdapter,
					  struct _DEVICE_OBJECT *DeviceObject,
					  PVOID DmaTransferContext)
{
	return FALSE;
}

/**
 * mdl_map_transfer_ex() - MapTransferEx: map a transfer into a list
 * @DmaAdapter: a version-3 adapter
 * @Mdl: the MDL of the transfer (one MDL, as MapTransfer)
 * @MapRegisterBase: from AllocateAdapterChannelEx
 * @Offset: where the transfer starts, in bytes from the start of @Mdl's buffer
 * @DeviceOffset: system DMA only (ignored)
 * @Length: in: bytes to map; out: bytes mapped (maybe fewer: the map
 *          registers, the buffer's elements or @Mdl's end ran out)
 * @WriteToDevice: TRUE when the device reads the memory
 * @ScatterGatherBuffer: receives the list of the mapped pieces, 8-byte
 *                       aligned
 * @ScatterGatherBufferLength: its bytes: room for one element at least
 * @DmaCompletionRoutine: system DMA only: must be NULL
 * @CompletionContext: unused
 *
 * MapTransfer piece after piece (each a physically contiguous run mapped
 * with dma_map_page) into the list; FlushAdapterBuffersEx unmaps them.
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for bad arguments (a
 * completion routine, a @MapRegisterBase that is not live on @DmaAdapter
 * among them); STATUS_BUFFER_TOO_SMALL for a buffer
 * without room for an element; STATUS_INSUFFICIENT_RESOURCES when nothing
 * could be mapped. On failure *@Length is 0 and nothing is mapped.
 */
static NTSTATUS mdl_map_transfer_ex(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
				    PVOID MapRegisterBase, ULONGLONG Offset,
				    ULONG DeviceOffset, PULONG Length,
				    BOOLEAN WriteToDevice,
				    PSCATTER_GATHER_LIST ScatterGatherBuffer,
				    ULONG ScatterGatherBufferLength,
				    PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
				    PVOID CompletionContext)
{
	struct mdl_adapter *ad = mdl_dma_adapter3(DmaAdapter);
	PSCATTER_GATHER_LIST list = ScatterGatherBuffer;
	PUCHAR va = mdl_dma_offset_va(Mdl, Offset);
	ULONG room, n = 0, done = 0, piece;
	PHYSICAL_ADDRESS addr;

	if (!Length)
		return STATUS_INVALID_PARAMETER;
	if (!ad || !va || !*Length || DmaCompletionRoutine ||
	    !list || !IS_ALIGNED((unsigned long)list, sizeof(u64))) {
		*Length = 0;
		return STATUS_INVALID_PARAMETER;
	}
	if (ScatterGatherBufferLength < struct_size(list, Elements, 1)) {
		*Length = 0;
		return STATUS_BUFFER_TOO_SMALL;
	}
	if (!mdl_dma_regs_find(ad, MapRegisterBase)) {
		*Length = 0;
		return STATUS_INVALID_PARAMETER;
	}
	room = (ScatterGatherBufferLength - offsetof(SCATTER_GATHER_LIST, Elements)) /
	       sizeof(SCATTER_GATHER_ELEMENT);
	while (n < room && done < *Length && Offset + done < Mdl->ByteCount) {
		piece = *Length - done;
		addr = mdl_map_transfer(DmaAdapter, Mdl, MapRegisterBase, va + done,
					&piece, WriteToDevice);
		if (!piece)
			break;
		list->Elements[n].Address = addr;
		list->Elements[n].Length = piece;
		list->Elements[n].Reserved = 0;
		n++;
		done += piece;
	}
	if (!n) {
		*Length = 0;
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	list->NumberOfElements = n;
	list->Reserved = 0;
	*Length = done;
	return STATUS_SUCCESS;
}

/* The Ex arguments of the list routines: the context, flags, no completion. */
static NTSTATUS mdl_dma_list_ex_check(PDMA_ADAPTER DmaAdapter, PVOID DmaTransferContext,
				      ULONG Flags, PDRIVER_LIST_CONTROL fn,
				      PDMA_COMPLETION_ROUTINE done,
				      PSCATTER_GATHER_LIST *out)
{
	if (!mdl_dma_context_adapter(DmaAdapter, DmaTransferContext) ||
	    (Flags & ~DMA_SYNCHRONOUS_CALLBACK) || done)
		return STATUS_INVALID_PARAMETER;
	if (!fn && (!(Flags & DMA_SYNCHRONOUS_CALLBACK) || !out))
		return STATUS_INVALID_PARAMETER;
	return STATUS_SUCCESS;
}

/**
 * mdl_get_sg_list_ex() - GetScatterGatherListEx: GetScatterGatherList with a context
 * @DmaAdapter: a version-3 adapter
 * @DeviceObject: passed to @ExecutionRoutine
 * @DmaTransferContext: from InitializeDmaTransferContext for @DmaAdapter
 * @Mdl: as GetScatterGatherList
 * @Offset: where the transfer starts, in bytes from the start of @Mdl's
 *          buffer (inside it)
 * @Length: as GetScatterGatherList
 * @Flags: 0 or DMA_SYNCHRONOUS_CALLBACK (every request is synchronous here)
 * @ExecutionRoutine: as GetScatterGatherList, or NULL with
 *                    DMA_SYNCHRONOUS_CALLBACK and @ScatterGatherList
 * @Context: passed to @ExecutionRoutine
 * @WriteToDevice: as GetScatterGatherList
 * @DmaCompletionRoutine: system DMA only: must be NULL
 * @CompletionContext: unused
 * @ScatterGatherList: receives the list, or NULL
 *
 * GetScatterGatherList of the range; the list goes to @ExecutionRoutine
 * and/or *@ScatterGatherList and lives until PutScatterGatherList.
 *
 * Context: any; atomic context allowed.
 * Return: as GetScatterGatherList; STATUS_INVALID_PARAMETER also for a
 * context not initialised for @DmaAdapter, unknown @Flags, a completion
 * routine or neither routine nor synchronous result. Nothing is mapped on
 * failure.
 */
static NTSTATUS mdl_get_sg_list_ex(PDMA_ADAPTER DmaAdapter,
				   struct _DEVICE_OBJECT *DeviceObject,
				   PVOID DmaTransferContext, PMDL Mdl,
				   ULONGLONG Offset, ULONG Length, ULONG Flags,
				   PDRIVER_LIST_CONTROL ExecutionRoutine,
				   PVOID Context, BOOLEAN WriteToDevice,
				   PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
				   PVOID CompletionContext,
				   PSCATTER_GATHER_LIST *ScatterGatherList)
{
	PVOID va = mdl_dma_offset_va(Mdl, Offset);
	NTSTATUS st;

	st = mdl_dma_list_ex_check(DmaAdapter, DmaTransferContext, Flags,
				   ExecutionRoutine, DmaCompletionRoutine,
				   ScatterGatherList);
	if (!NT_SUCCESS(st))
		return st;
	if (!va)
		return STATUS_INVALID_PARAMETER;
	return mdl_dma_get_list(DmaAdapter, DeviceObject, Mdl, va, Length,
				ExecutionRoutine, Context, WriteToDevice,
				ScatterGatherList);
}

/**
 * mdl_build_sg_list_ex() - BuildScatterGatherListEx: BuildScatterGatherList with a context
 * @DmaAdapter: a version-3 adapter
 * @DeviceObject: passed to @ExecutionRoutine
 * @DmaTransferContext: from InitializeDmaTransferContext for @DmaAdapter
 * @Mdl: as BuildScatterGatherList
 * @Offset: where the transfer starts, in bytes from the start of @Mdl's
 *          buffer (inside it)
 * @Length: as BuildScatterGatherList
 * @Flags: 0 or DMA_SYNCHRONOUS_CALLBACK (every request is synchronous here)
 * @ExecutionRoutine: as BuildScatterGatherList, or NULL with
 *                    DMA_SYNCHRONOUS_CALLBACK and @ScatterGatherList
 * @Context: passed to @ExecutionRoutine
 * @WriteToDevice: as BuildScatterGatherList
 * @ScatterGatherBuffer: as BuildScatterGatherList
 * @ScatterGatherLength: its size: GetDmaTransferInfo's ScatterGatherListSize
 * @DmaCompletionRoutine: system DMA only: must be NULL
 * @CompletionContext: unused
 * @ScatterGatherList: receives the list (inside @ScatterGatherBuffer), or NULL
 *
 * Context: any; atomic context allowed.
 * Return: as BuildScatterGatherList; STATUS_INVALID_PARAMETER also for a
 * context not initialised for @DmaAdapter, unknown @Flags, a completion
 * routine or neither routine nor synchronous result. Nothing is mapped on
 * failure.
 */
static NTSTATUS mdl_build_sg_list_ex(PDMA_ADAPTER DmaAdapter,
				     struct _DEVICE_OBJECT *DeviceObject,
				     PVOID DmaTransferContext, PMDL Mdl,
				     ULONGLONG Offset, ULONG Length, ULONG Flags,
				     PDRIVER_LIST_CONTROL ExecutionRoutine,
				     PVOID Context, BOOLEAN WriteToDevice,
				     PVOID ScatterGatherBuffer,
				     ULONG ScatterGatherLength,
				     PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
				     PVOID CompletionContext,
				     PSCATTER_GATHER_LIST *ScatterGatherList)
{
	PVOID va = mdl_dma_offset_va(Mdl, Offset);
	NTSTATUS st;

	st = mdl_dma_list_ex_check(DmaAdapter, DmaTransferContext, Flags,
				   ExecutionRoutine, DmaCompletionRoutine,
				   ScatterGatherList);
	if (!NT_SUCCESS(st))
		return st;
	if (!va)
		return STATUS_INVALID_PARAMETER;
	return mdl_dma_build_list(DmaAdapter, DeviceObject, Mdl, va, Length,
				  ExecutionRoutine, Context, WriteToDevice,
				  ScatterGatherBuffer, ScatterGatherLength,
				  ScatterGatherList);
}

/**
 * mdl_flush_adapter_buffers_ex() - FlushAdapterBuffersEx: end a MapTransferEx transfer
 * @DmaAdapter: a version-3 adapter
 * @Mdl: the transfer's MDL
 * @MapRegisterBase: the map registers MapTransferEx used
 * @Offset: start of the transfer, in bytes from the start of @Mdl's buffer
 * @Length: bytes transferred
 * @WriteToDevice: as given to MapTransferEx
 *
 * FlushAdapterBuffers: every piece mapped on @MapRegisterBase is unmapped.
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for bad arguments
 * (nothing unmapped).
 */
static NTSTATUS mdl_flush_adapter_buffers_ex(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
					     PVOID MapRegisterBase, ULONGLONG Offset,
					     ULONG Length, BOOLEAN WriteToDevice)
{
	PVOID va = mdl_dma_offset_va(Mdl, Offset);

	if (!mdl_dma_adapter3(DmaAdapter) || !va)
		return STATUS_INVALID_PARAMETER;
	return mdl_flush_adapter_buffers(DmaAdapter, Mdl, MapRegisterBase, va, Length,
					 WriteToDevice) ? STATUS_SUCCESS :
	       STATUS_INVALID_PARAMETER;
}

/**
 * mdl_free_adapter_object() - FreeAdapterObject: release the channel
 * @DmaAdapter: a version-3 adapter whose channel is held (KeepObject, or
 *              AllocateAdapterChannelEx without a routine)
 * @AllocationAction: DeallocateObject: the channel and its map registers
 *                    (their mappings unmapped); DeallocateObjectKeepRegisters:
 *                    the channel only, the registers stay until
 *                    FreeMapRegisters
 *
 * A bad adapter, one whose channel is not held, or another action
 * (KeepObject) is ignored: nothing changes.
 *
 * Context: any; atomic context allowed.
 */
static void mdl_free_adapter_object(PDMA_ADAPTER DmaAdapter,
				    IO_ALLOCATION_ACTION AllocationAction)
{
	struct mdl_adapter *ad = mdl_dma_adapter3(DmaAdapter);
	struct mdl_map_regs *regs = NULL;
	unsigned long flags;

	if (!ad || (AllocationAction != DeallocateObject &&
		    AllocationAction != DeallocateObjectKeepRegisters))
		return;
	spin_lock_irqsave(&mdl_dma_lock, flags);
	if (ad->channel_busy && ad->channel) {
		regs = ad->channel;
		ad->channel_busy = false;
		if (AllocationAction == DeallocateObjectKeepRegisters)
			ad->channel = NULL;
	}
	spin_unlock_irqrestore(&mdl_dma_lock, flags);
	if (regs && AllocationAction == DeallocateObject)
		mdl_dma_regs_free(regs);
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

#define MDL_DMA_OPERATIONS_V2 \
	.PutDmaAdapter = mdl_put_dma_adapter, \
	.AllocateCommonBuffer = mdl_allocate_common_buffer, \
	.FreeCommonBuffer = mdl_free_common_buffer, \
	.AllocateAdapterChannel = mdl_allocate_adapter_channel, \
	.FlushAdapterBuffers = mdl_flush_adapter_buffers, \
	.FreeAdapterChannel = mdl_free_adapter_channel, \
	.FreeMapRegisters = mdl_free_map_registers, \
	.MapTransfer = mdl_map_transfer, \
	.GetDmaAlignment = mdl_get_dma_alignment, \
	.ReadDmaCounter = mdl_read_dma_counter, \
	.GetScatterGatherList = mdl_get_sg_list, \
	.PutScatterGatherList = mdl_put_sg_list, \
	.CalculateScatterGatherList = mdl_calculate_sg_list, \
	.BuildScatterGatherList = mdl_build_sg_list, \
	.BuildMdlFromScatterGatherList = mdl_build_mdl_from_sg_list

/* Descriptions of versions 0 to 2: the table ends before the version-3 entries. */
static DMA_OPERATIONS mdl_dma_operations_v2 = {
	.Size = offsetof(DMA_OPERATIONS, GetDmaAdapterInfo),
	MDL_DMA_OPERATIONS_V2,
};

static DMA_OPERATIONS mdl_dma_operations_v3 = {
	.Size = sizeof(DMA_OPERATIONS),
	MDL_DMA_OPERATIONS_V2,
	.GetDmaAdapterInfo = mdl_get_dma_adapter_info,
	.GetDmaTransferInfo = mdl_get_dma_transfer_info,
	.InitializeDmaTransferContext = mdl_initialize_dma_transfer_context,
	.AllocateCommonBufferEx = mdl_allocate_common_buffer_ex,
	.AllocateAdapterChannelEx = mdl_allocate_adapter_channel_ex,
	.ConfigureAdapterChannel = mdl_configure_adapter_channel,
	.CancelAdapterChannel = mdl_cancel_adapter_channel,
	.MapTransferEx = mdl_map_transfer_ex,
	.GetScatterGatherListEx = mdl_get_sg_list_ex,
	.BuildScatterGatherListEx = mdl_build_sg_list_ex,
	.FlushAdapterBuffersEx = mdl_flush_adapter_buffers_ex,
	.FreeAdapterObject = mdl_free_adapter_object,
};

static PDMA_OPERATIONS mdl_dma_ops(bool v3)
{
	return v3 ? &mdl_dma_operations_v3 : &mdl_dma_operations_v2;
}
