// SPDX-License-Identifier: GPL-2.0
/*
 * mdl_bench.ko: benchmark hook for `make bench`, in the style of
 * mm/gup_test.c. Built only by `make MDL_BENCH=1` (see Kbuild); never part
 * of mdl.ko. It times, inside the kernel, what user space cannot see: bare
 * pin_user_pages_fast + unpin of a range (the floor for any long-term pin),
 * the PFN bookkeeping mdl.ko does around it, and the MDL core calls
 * (IoAllocateMdl, MmProbeAndLockPages, MmUnlockPages, IoFreeMdl),
 * pool allocation against kmalloc, and a DMA adapter's scatter/gather
 * lists against the bare DMA API on QEMU's edu PCI device.
 * The interface is in mdl_bench.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"
#include "mdl_bench.h"

#define MDL_BENCH_FLAGS (MDL_BENCH_WRITE | MDL_BENCH_DIRTY | MDL_BENCH_CONVERT)
#define MDL_BENCH_CHUNK SZ_1G	/* bytes per MDL in MDL_BENCH_IOC_MDL */

#define MDL_BENCH_DMA_MAX SZ_256M	/* bytes per MDL_BENCH_IOC_DMA range */

static struct dentry *mdl_bench_dentry;

/**
 * struct mdl_bench_dev - the edu function the DMA pair maps for
 * @pdev: the PCI device, NULL while none is bound
 * @pdo: its device object for IoGetDmaAdapter
 * @lock: serialises the DMA pair (the adapter is reconfigured per range)
 */
static struct mdl_bench_dev {
	struct pci_dev *pdev;
	struct _DEVICE_OBJECT *pdo;
	struct mutex lock;	/* serialises the DMA pair */
} mdl_bench_edu = { .lock = __MUTEX_INITIALIZER(mdl_bench_edu.lock) };

/* A page-aligned, non-empty user range of the caller's address space. */
static bool mdl_bench_range_ok(u64 addr, u64 length)
{
	unsigned long end;

	return length && PAGE_ALIGNED(addr) && PAGE_ALIGNED(length) &&
	       !check_add_overflow((unsigned long)addr, (unsigned long)length, &end) &&
	       end <= TASK_SIZE;
}

static u64 mdl_bench_ns(ktime_t start)
{
	return ktime_to_ns(ktime_sub(ktime_get(), start));
}

/* Number of runs of consecutive pages that belong to one folio. */
static u64 mdl_bench_folios(struct page **pages, unsigned long n)
{
	unsigned long i;
	u64 runs = 0;

	for (i = 0; i < n; i++)
		if (!i || page_folio(pages[i]) != page_folio(pages[i - 1]))
			runs++;
	return runs;
}

static int mdl_bench_pin_once(struct mdl_bench_args *a, struct page **pages,
			      unsigned long n, bool last)
{
	unsigned int gup = FOLL_LONGTERM;
	unsigned long done = 0, i;
	PFN_NUMBER *pfns = (PFN_NUMBER *)pages;
	ktime_t t;
	int ret;

	if (a->flags & MDL_BENCH_WRITE)
		gup |= FOLL_WRITE;
	t = ktime_get();
	while (done < n) {
		ret = pin_user_pages_fast(a->addr + done * PAGE_SIZE,
					  min_t(unsigned long, n - done, INT_MAX),
					  gup, pages + done);
		if (ret <= 0) {
			unpin_user_pages(pages, done);
			return ret ? ret : -EFAULT;
		}
		done += ret;
	}
	a->pin_ns += mdl_bench_ns(t);
	if (last) {
		a->nr_folios = mdl_bench_folios(pages, n);
		a->pfn_sum = 0;
		for (i = 0; i < n; i++)
			a->pfn_sum += page_to_pfn(pages[i]);
	}
	if (a->flags & MDL_BENCH_CONVERT) {
		/* The page-to-PFN pass mdl_pin_user_pages() makes after each batch ... */
		t = ktime_get();
		mdl_pages_to_pfns(pages, pfns, n);
		a->conv_ns += mdl_bench_ns(t);
		/*
		 * ... and the PFN/page passes an unpin through a page array
		 * needs (mdl_unpin_user_pages() unpins by PFN runs instead).
		 */
		t = ktime_get();
		for (i = 0; i < n; i++)
			pages[i] = pfn_to_page(pfns[i]);
		a->unconv_ns += mdl_bench_ns(t);
	}
	t = ktime_get();
	if (a->flags & MDL_BENCH_DIRTY)
		unpin_user_pages_dirty_lock(pages, n, true);
	else
		unpin_user_pages(pages, n);
	a->unpin_ns += mdl_bench_ns(t);
	if (a->flags & MDL_BENCH_CONVERT) {
		t = ktime_get();
		for (i = 0; i < n; i++)
			pfns[i] = page_to_pfn(pages[i]);
		a->unconv_ns += mdl_bench_ns(t);
	}
	return 0;
}

static int mdl_bench_pin(struct mdl_bench_args *a)
{
	unsigned long n = a->length >> PAGE_SHIFT;
	struct page **pages;
	u32 it;
	int ret = 0;

	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (it = 0; it < a->iterations && !ret; it++) {
		ret = mdl_bench_pin_once(a, pages, n, it + 1 == a->iterations);
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	kvfree(pages);
	return ret;
}

static int mdl_bench_mdl_once(struct mdl_bench_args *a, PMDL *mdls,
			      unsigned long nmdl, bool last)
{
	LOCK_OPERATION op = (a->flags & MDL_BENCH_WRITE) ? IoWriteAccess :
							    IoReadAccess;
	unsigned long i, j;
	u64 base, start, len;
	NTSTATUS status;
	u32 npages;
	int ret = 0;
	ktime_t t;

	t = ktime_get();
	for (i = 0; i < nmdl; i++) {
		/* Slices on 1 GiB boundaries of the address, as /dev/mdl does. */
		base = ALIGN_DOWN(a->addr, MDL_BENCH_CHUNK) + i * MDL_BENCH_CHUNK;
		start = max_t(u64, a->addr, base);
		len = min_t(u64, a->addr + a->length, base + MDL_BENCH_CHUNK) - start;
		mdls[i] = IoAllocateMdl((void *)start, len, FALSE, FALSE, NULL);
		if (!mdls[i]) {
			ret = -ENOMEM;
			nmdl = i;
			goto free;
		}
	}
	a->alloc_ns += mdl_bench_ns(t);
	t = ktime_get();
	for (i = 0; i < nmdl; i++) {
		status = MmTryProbeAndLockPages(mdls[i], UserMode, op);
		if (!NT_SUCCESS(status)) {
			ret = -EFAULT;
			while (i--)
				MmUnlockPages(mdls[i]);
			goto free;
		}
	}
	a->pin_ns += mdl_bench_ns(t);
	if (last) {
		a->pfn_sum = 0;
		for (i = 0; i < nmdl; i++) {
			npages = mdl_page_count(mdls[i]);
			for (j = 0; j < npages; j++)
				a->pfn_sum += MmGetMdlPfnArray(mdls[i])[j];
		}
	}
	t = ktime_get();
	for (i = 0; i < nmdl; i++)
		MmUnlockPages(mdls[i]);
	a->unpin_ns += mdl_bench_ns(t);
free:
	t = ktime_get();
	for (i = 0; i < nmdl; i++)
		IoFreeMdl(mdls[i]);
	a->free_ns += mdl_bench_ns(t);
	return ret;
}

static int mdl_bench_mdl(struct mdl_bench_args *a)
{
	unsigned long nmdl = (a->addr + a->length - 1) / MDL_BENCH_CHUNK -
			     a->addr / MDL_BENCH_CHUNK + 1;
	PMDL *mdls;
	u32 it;
	int ret = 0;

	mdls = kcalloc(nmdl, sizeof(*mdls), GFP_KERNEL);
	if (!mdls)
		return -ENOMEM;
	for (it = 0; it < a->iterations && !ret; it++) {
		ret = mdl_bench_mdl_once(a, mdls, nmdl, it + 1 == a->iterations);
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	kfree(mdls);
	return ret;
}

static void *mdl_bench_pool_alloc(const struct mdl_bench_pool *a)
{
	if (a->flags & MDL_BENCH_POOL_KMALLOC)
		return kmalloc(a->size, GFP_KERNEL);
	return ExAllocatePoolWithTag(NonPagedPool, a->size, 0x6c6f6f50);
}

static void mdl_bench_pool_free(const struct mdl_bench_pool *a, void *p)
{
	if (a->flags & MDL_BENCH_POOL_KMALLOC)
		kfree(p);
	else
		ExFreePool(p);
}

static int mdl_bench_pool(struct mdl_bench_pool *a)
{
	u32 n = max(a->batch, a->live), it, i;
	int ret = 0;
	void **p;
	long before;
	ktime_t t;

	p = kvcalloc(n, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	for (it = 0; it < a->iterations && !ret; it++) {
		t = ktime_get();
		for (i = 0; i < a->batch; i++)
			p[i] = mdl_bench_pool_alloc(a);
		a->alloc_ns += mdl_bench_ns(t);
		for (i = 0; i < a->batch; i++)
			if (!p[i])
				ret = -ENOMEM;
		t = ktime_get();
		for (i = 0; i < a->batch; i++)
			mdl_bench_pool_free(a, p[i]);
		a->free_ns += mdl_bench_ns(t);
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	if (!ret && a->live) {
		/* kmalloc: the objects' real sizes; pool: the arena's growth. */
		before = mdl_pool_bytes();
		for (i = 0; i < a->live; i++)
			p[i] = mdl_bench_pool_alloc(a);
		if (!(a->flags & MDL_BENCH_POOL_KMALLOC))
			a->live_bytes = max(mdl_pool_bytes() - before, 0L);
		for (i = 0; i < a->live; i++) {
			if (!p[i])
				ret = -ENOMEM;
			else if (a->flags & MDL_BENCH_POOL_KMALLOC)
				a->live_bytes += ksize(p[i]);
			mdl_bench_pool_free(a, p[i]);
		}
	}
	kvfree(p);
	return ret;
}

static long mdl_bench_pool_ioctl(unsigned long arg)
{
	struct mdl_bench_pool a;
	int ret;

	if (copy_from_user(&a, (void __user *)arg, sizeof(a)))
		return -EFAULT;
	if ((a.flags & ~MDL_BENCH_POOL_KMALLOC) || !a.size || a.size > SZ_1M ||
	    !a.batch || a.batch > 4096 || !a.iterations || a.live > (1U << 20) ||
	    memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	a.alloc_ns = 0;
	a.free_ns = 0;
	a.live_bytes = 0;
	ret = mdl_bench_pool(&a);
	if (ret)
		return ret;
	if (copy_to_user((void __user *)arg, &a, sizeof(a)))
		return -EFAULT;
	return 0;
}

/* The device address @addr of @page is not its physical address. */
static u32 mdl_bench_translated(dma_addr_t addr, struct page *page)
{
	return addr != (dma_addr_t)page_to_phys(page);
}

/* Add the time since @t to the first round's or the later rounds' @later. */
static void mdl_bench_dma_time(struct mdl_bench_dma *a, u32 it, ktime_t t, u64 *later)
{
	if (it)
		*later += mdl_bench_ns(t);
	else
		a->first_ns += mdl_bench_ns(t);
}

static int mdl_bench_dma_bare(struct device *dev, struct mdl_bench_dma *a)
{
	unsigned long n = a->length >> PAGE_SHIFT;
	struct sg_table sgt = { };
	struct page **pages;
	long done = 0, ret;
	ktime_t t;
	u32 it;

	/* What IoGetDmaAdapter sets for the adapter of the other half. */
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	dma_set_max_seg_size(dev, a->length);
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	while (done < n) {
		ret = pin_user_pages_fast(a->addr + done * PAGE_SIZE, n - done,
					  FOLL_LONGTERM, pages + done);
		if (ret <= 0) {
			ret = ret ? ret : -EFAULT;
			goto unpin;
		}
		done += ret;
	}
	ret = 0;
	for (it = 0; it <= a->iterations && !ret; it++) {
		t = ktime_get();
		if (!it)
			ret = sg_alloc_table_from_pages_segment(&sgt, pages, n, 0, a->length,
								dma_get_max_seg_size(dev),
								GFP_KERNEL);
		if (!ret)
			ret = dma_map_sgtable(dev, &sgt, DMA_TO_DEVICE, 0);
		mdl_bench_dma_time(a, it, t, &a->map_ns);
		if (ret)
			break;
		a->nr_segments = sgt.nents;
		a->translated = mdl_bench_translated(sg_dma_address(sgt.sgl),
						     sg_page(sgt.sgl));
		t = ktime_get();
		dma_unmap_sgtable(dev, &sgt, DMA_TO_DEVICE, 0);
		mdl_bench_dma_time(a, it, t, &a->unmap_ns);
		if (fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	sg_free_table(&sgt);
unpin:
	unpin_user_pages(pages, done);
	kvfree(pages);
	return ret;
}

/* DRIVER_LIST_CONTROL of the DMA pair: hand the list to the caller. */
static void mdl_bench_dma_list(struct _DEVICE_OBJECT *DeviceObject, PIRP Irp,
			       PSCATTER_GATHER_LIST ScatterGather, PVOID Context)
{
	*(PSCATTER_GATHER_LIST *)Context = ScatterGather;
}

static int mdl_bench_dma_mdl(struct mdl_bench_dev *d, struct mdl_bench_dma *a)
{
	DEVICE_DESCRIPTION desc = {
		.Version = DEVICE_DESCRIPTION_VERSION,
		.Master = TRUE,
		.ScatterGather = TRUE,
		.Dma64BitAddresses = TRUE,
		.InterfaceType = PCIBus,
		.MaximumLength = (ULONG)a->length,
	};
	PSCATTER_GATHER_LIST list;
	PDMA_OPERATIONS ops;
	PDMA_ADAPTER adapter;
	ULONG nregs;
	NTSTATUS st;
	int ret = 0;
	ktime_t t;
	PMDL mdl;
	u32 it;

	adapter = IoGetDmaAdapter(d->pdo, &desc, &nregs);
	if (!adapter)
		return -ENODEV;
	ops = adapter->DmaOperations;
	mdl = IoAllocateMdl((PVOID)(uintptr_t)a->addr, (ULONG)a->length, FALSE,
			    FALSE, NULL);
	if (!mdl) {
		ret = -ENOMEM;
		goto put;
	}
	if (!NT_SUCCESS(MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess))) {
		ret = -EFAULT;
		goto free;
	}
	for (it = 0; it <= a->iterations && !ret; it++) {
		t = ktime_get();
		st = ops->GetScatterGatherList(adapter, d->pdo, mdl,
					       MmGetMdlVirtualAddress(mdl),
					       (ULONG)a->length, mdl_bench_dma_list,
					       &list, TRUE);
		mdl_bench_dma_time(a, it, t, &a->map_ns);
		if (!NT_SUCCESS(st)) {
			ret = -ENOMEM;
			break;
		}
		a->nr_segments = list->NumberOfElements;
		a->translated = mdl_bench_translated(list->Elements[0].Address.QuadPart,
						     pfn_to_page(MmGetMdlPfnArray(mdl)[0]));
		t = ktime_get();
		ops->PutScatterGatherList(adapter, list, TRUE);
		mdl_bench_dma_time(a, it, t, &a->unmap_ns);
		if (fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	MmUnlockPages(mdl);
free:
	IoFreeMdl(mdl);
put:
	ops = adapter->DmaOperations;
	ops->PutDmaAdapter(adapter);
	return ret;
}

static long mdl_bench_dma_ioctl(unsigned long arg)
{
	struct mdl_bench_dev *d = &mdl_bench_edu;
	struct mdl_bench_dma a;
	int ret;

	if (copy_from_user(&a, (void __user *)arg, sizeof(a)))
		return -EFAULT;
	if ((a.flags & ~MDL_BENCH_DMA_BARE) || !a.iterations ||
	    a.length > MDL_BENCH_DMA_MAX || !mdl_bench_range_ok(a.addr, a.length) ||
	    memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	a.first_ns = 0;
	a.map_ns = 0;
	a.unmap_ns = 0;
	a.nr_segments = 0;
	a.translated = 0;
	mutex_lock(&d->lock);
	if (!d->pdev)
		ret = -ENODEV;
	else if (a.flags & MDL_BENCH_DMA_BARE)
		ret = mdl_bench_dma_bare(&d->pdev->dev, &a);
	else
		ret = mdl_bench_dma_mdl(d, &a);
	mutex_unlock(&d->lock);
	if (ret)
		return ret;
	if (copy_to_user((void __user *)arg, &a, sizeof(a)))
		return -EFAULT;
	return 0;
}

static long mdl_bench_array_ioctl(unsigned long arg)
{
	struct mdl_bench_array a;
	bool vm;
	void *p;
	ktime_t t;
	u32 it;

	if (copy_from_user(&a, (void __user *)arg, sizeof(a)))
		return -EFAULT;
	if ((a.flags & ~MDL_BENCH_ARRAY_VMALLOC) || a.size < SZ_16K || a.size > SZ_4M ||
	    !a.iterations || memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	vm = a.flags & MDL_BENCH_ARRAY_VMALLOC;
	a.alloc_ns = 0;
	a.free_ns = 0;
	for (it = 0; it < a.iterations; it++) {
		t = ktime_get();
		p = vm ? __vmalloc(a.size, GFP_KERNEL_ACCOUNT) :
		    alloc_pages_exact(a.size, (GFP_KERNEL_ACCOUNT & ~__GFP_DIRECT_RECLAIM) |
					      __GFP_NORETRY | __GFP_NOWARN);
		a.alloc_ns += mdl_bench_ns(t);
		if (!p)
			return -ENOMEM;
		memset(p, 0x5a, a.size);
		t = ktime_get();
		if (vm)
			vfree(p);
		else
			free_pages_exact(p, a.size);
		a.free_ns += mdl_bench_ns(t);
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	if (copy_to_user((void __user *)arg, &a, sizeof(a)))
		return -EFAULT;
	return 0;
}

static long mdl_bench_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct mdl_bench_args a;
	int ret;

	if (cmd == MDL_BENCH_IOC_POOL)
		return mdl_bench_pool_ioctl(arg);
	if (cmd == MDL_BENCH_IOC_DMA)
		return mdl_bench_dma_ioctl(arg);
	if (cmd == MDL_BENCH_IOC_ARRAY)
		return mdl_bench_array_ioctl(arg);

	if (copy_from_user(&a, (void __user *)arg, sizeof(a)))
		return -EFAULT;
	if ((a.flags & ~MDL_BENCH_FLAGS) || !a.iterations ||
	    !mdl_bench_range_ok(a.addr, a.length) ||
	    memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	a.alloc_ns = 0;
	a.pin_ns = 0;
	a.conv_ns = 0;
	a.unconv_ns = 0;
	a.unpin_ns = 0;
	a.free_ns = 0;
	a.nr_folios = 0;
	a.pfn_sum = 0;
	a.nr_pages = a.length >> PAGE_SHIFT;
	switch (cmd) {
	case MDL_BENCH_IOC_PIN:
		ret = mdl_bench_pin(&a);
		break;
	case MDL_BENCH_IOC_MDL:
		ret = mdl_bench_mdl(&a);
		break;
	default:
		return -ENOTTY;
	}
	if (ret)
		return ret;
	if (copy_to_user((void __user *)arg, &a, sizeof(a)))
		return -EFAULT;
	return 0;
}

static const struct file_operations mdl_bench_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = mdl_bench_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static int mdl_bench_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct mdl_bench_dev *d = &mdl_bench_edu;
	struct _DEVICE_OBJECT *pdo;

	pdo = MdlCreatePhysicalDeviceObject(&pdev->dev);
	if (!pdo)
		return -ENOMEM;
	mutex_lock(&d->lock);
	d->pdo = pdo;
	d->pdev = pdev;
	mutex_unlock(&d->lock);
	return 0;
}

static void mdl_bench_remove(struct pci_dev *pdev)
{
	struct mdl_bench_dev *d = &mdl_bench_edu;

	mutex_lock(&d->lock);
	MdlDeletePhysicalDeviceObject(d->pdo);
	d->pdo = NULL;
	d->pdev = NULL;
	mutex_unlock(&d->lock);
}

static const struct pci_device_id mdl_bench_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },		/* QEMU's edu */
	{ }
};

static struct pci_driver mdl_bench_pci = {
	.name = "mdl_bench",
	.id_table = mdl_bench_ids,
	.probe = mdl_bench_probe,
	.remove = mdl_bench_remove,
};

static int __init mdl_bench_init(void)
{
	int ret = pci_register_driver(&mdl_bench_pci);

	if (ret)
		return ret;
	mdl_bench_dentry = debugfs_create_file("mdl_bench", 0600, NULL, NULL,
					       &mdl_bench_fops);
	return 0;
}

static void __exit mdl_bench_exit(void)
{
	debugfs_remove(mdl_bench_dentry);
	pci_unregister_driver(&mdl_bench_pci);
}

module_init(mdl_bench_init);
module_exit(mdl_bench_exit);

MODULE_DESCRIPTION("mdl benchmark hook (debugfs, make MDL_BENCH=1 only)");
MODULE_LICENSE("GPL");
