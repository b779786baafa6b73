// SPDX-License-Identifier: GPL-2.0
/*
 * MDL_IOC_EXPORT_DMABUF: the pages of an MDL fd as a dma-buf, so that other
 * drivers can DMA to them and user space can use DMA_BUF_IOCTL_SYNC.
 *
 * The dma-buf holds a reference to the MDL object (the pages live while the
 * dma-buf does) and a struct page array built once at export. Each
 * attachment maps its own sg_table (merged runs of the MDL's pages) with
 * dma_map_sgtable(); begin/end_cpu_access sync every mapped attachment.
 * mmap goes through the MDL fd's mmap code, vmap through vmap(). I/O-space
 * MDLs have no struct pages and are not exported (EOPNOTSUPP). A read-only
 * MDL's pages may be page cache the caller cannot write: its dma-buf is
 * mapped for devices only DMA_TO_DEVICE (EACCES otherwise) and cannot be
 * vmapped (EACCES: importers expect a writable kernel mapping).
 *
 * The dma-buf covers whole pages: its size is page_count * PAGE_SIZE and
 * its offset 0 is the MDL's first page (StartVa), as for mmap of the fd.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <linux/mdl.h>

#include "mdl_obj.h"

MDL_IMPORT_NS_DMA_BUF();

/**
 * struct mdl_dmabuf - exporter state of one dma-buf
 * @obj: the MDL object (one reference)
 * @pages: its pages, in order
 * @npages: number of entries of @pages
 * @lock: protects @attachments and each attachment's @sgt / @dir
 * @attachments: struct mdl_dmabuf_attach list
 */
struct mdl_dmabuf {
	struct mdl_obj *obj;
	struct page **pages;
	unsigned long npages;
	struct mutex lock;	/* @attachments, each attachment's @sgt */
	struct list_head attachments;
};

/**
 * struct mdl_dmabuf_attach - one attachment
 * @node: entry in mdl_dmabuf.attachments
 * @dev: the importing device
 * @sgt: the DMA-mapped table while mapped, else NULL
 * @dir: direction of the mapping
 */
struct mdl_dmabuf_attach {
	struct list_head node;
	struct device *dev;
	struct sg_table *sgt;
	enum dma_data_direction dir;
};

static int mdl_dmabuf_attach(struct dma_buf *dmabuf,
			     struct dma_buf_attachment *attach)
{
	struct mdl_dmabuf *mb = dmabuf->priv;
	struct mdl_dmabuf_attach *a;

	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		return -ENOMEM;
	a->dev = attach->dev;
	attach->priv = a;
	guard(mutex)(&mb->lock);
	list_add(&a->node, &mb->attachments);
	return 0;
}

static void mdl_dmabuf_detach(struct dma_buf *dmabuf,
			      struct dma_buf_attachment *attach)
{
	struct mdl_dmabuf *mb = dmabuf->priv;
	struct mdl_dmabuf_attach *a = attach->priv;

	scoped_guard(mutex, &mb->lock)
		list_del(&a->node);
	kfree(a);
}

static struct sg_table *mdl_dmabuf_map(struct dma_buf_attachment *attach,
				       enum dma_data_direction dir)
{
	struct mdl_dmabuf *mb = attach->dmabuf->priv;
	struct mdl_dmabuf_attach *a = attach->priv;
	struct sg_table *sgt;
	int ret;

	/* Devices only read a read-only MDL (its pages may be page cache). */
	if (!mdl_obj_writable(mb->obj) && dir != DMA_TO_DEVICE)
		return ERR_PTR(-EACCES);
	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL_ACCOUNT);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages_segment(sgt, mb->pages, mb->npages, 0,
						mb->npages << PAGE_SHIFT,
						dma_max_mapping_size(attach->dev),
						GFP_KERNEL_ACCOUNT);
	if (ret)
		goto err_alloc;
	ret = dma_map_sgtable(attach->dev, sgt, dir, 0);
	if (ret)
		goto err_table;
	guard(mutex)(&mb->lock);
	a->sgt = sgt;
	a->dir = dir;
	return sgt;

err_table:
	sg_free_table(sgt);
err_alloc:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void mdl_dmabuf_unmap(struct dma_buf_attachment *attach,
			     struct sg_table *sgt, enum dma_data_direction dir)
{
	struct mdl_dmabuf *mb = attach->dmabuf->priv;
	struct mdl_dmabuf_attach *a = attach->priv;

	scoped_guard(mutex, &mb->lock) {
		if (a->sgt == sgt)
			a->sgt = NULL;
	}
	dma_unmap_sgtable(attach->dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
}

static void mdl_dmabuf_sync(struct mdl_dmabuf *mb, bool for_cpu)
{
	struct mdl_dmabuf_attach *a;

	guard(mutex)(&mb->lock);
	list_for_each_entry(a, &mb->attachments, node) {
		if (!a->sgt)
			continue;
		if (for_cpu)
			dma_sync_sgtable_for_cpu(a->dev, a->sgt, a->dir);
		else
			dma_sync_sgtable_for_device(a->dev, a->sgt, a->dir);
	}
}

static int mdl_dmabuf_begin_cpu(struct dma_buf *dmabuf,
				enum dma_data_direction dir)
{
	mdl_dmabuf_sync(dmabuf->priv, true);
	return 0;
}

static int mdl_dmabuf_end_cpu(struct dma_buf *dmabuf,
			      enum dma_data_direction dir)
{
	mdl_dmabuf_sync(dmabuf->priv, false);
	return 0;
}

static int mdl_dmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct mdl_dmabuf *mb = dmabuf->priv;

	return mdl_obj_mmap(mb->obj, vma);
}

static int mdl_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct mdl_dmabuf *mb = dmabuf->priv;
	pgprot_t prot = PAGE_KERNEL;
	MEMORY_CACHING_TYPE cache;
	void *va;

	/*
	 * dma_buf_vmap() promises importers a writable mapping: a read-only
	 * MDL (possibly page cache its locker cannot write) has none to give.
	 */
	if (!mdl_obj_writable(mb->obj))
		return -EACCES;
	/* The cache type of the pages' other mappings: no attribute alias. */
	if (mdl_obj_cache(mb->obj, &cache) || mdl_cache_prot(cache, &prot))
		return -EINVAL;
	va = vmap(mb->pages, mb->npages, VM_MAP, prot);
	if (!va)
		return -ENOMEM;
	iosys_map_set_vaddr(map, va);
	return 0;
}

static void mdl_dmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	vunmap(map->vaddr);
}

static void mdl_dmabuf_free(struct mdl_dmabuf *mb)
{
	mutex_destroy(&mb->lock);
	kvfree(mb->pages);
	kfree(mb);
}

static void mdl_dmabuf_release(struct dma_buf *dmabuf)
{
	struct mdl_dmabuf *mb = dmabuf->priv;

	mdl_obj_put(mb->obj);
	mdl_dmabuf_free(mb);
	mdl_stat_add(MDL_STAT_DMABUFS, -1);
}

static const struct dma_buf_ops mdl_dmabuf_ops = {
	.attach = mdl_dmabuf_attach,
	.detach = mdl_dmabuf_detach,
	.map_dma_buf = mdl_dmabuf_map,
	.unmap_dma_buf = mdl_dmabuf_unmap,
	.begin_cpu_access = mdl_dmabuf_begin_cpu,
	.end_cpu_access = mdl_dmabuf_end_cpu,
	.mmap = mdl_dmabuf_mmap,
	.vmap = mdl_dmabuf_vmap,
	.vunmap = mdl_dmabuf_vunmap,
	.release = mdl_dmabuf_release,
};

/* The object's pages, in order; -EOPNOTSUPP where one has no struct page. */
static int mdl_dmabuf_pages(struct mdl_dmabuf *mb, struct mdl_obj *obj)
{
	const PFN_NUMBER *pfns;
	unsigned long p = 0;
	u32 i, j, n;

	mb->pages = kvmalloc_array(obj->npages, sizeof(*mb->pages), MDL_GFP_USER);
	if (!mb->pages)
		return -ENOMEM;
	for (i = 0; i < obj->nmdls; i++) {
		if (obj->mdls[i]->MdlFlags & MDL_IO_SPACE)
			return -EOPNOTSUPP;
		pfns = MmGetMdlPfnArray(obj->mdls[i]);
		n = mdl_page_count(obj->mdls[i]);
		for (j = 0; j < n; j++) {
			if (!pfn_valid(pfns[j]))
				return -EOPNOTSUPP;
			mb->pages[p++] = pfn_to_page(pfns[j]);
		}
	}
	mb->npages = p;
	return 0;
}

static struct dma_buf *mdl_dmabuf_create(struct mdl_obj *obj, u32 flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct mdl_dmabuf *mb;
	struct dma_buf *dmabuf;
	int ret;

	mb = kzalloc(sizeof(*mb), MDL_GFP_USER);
	if (!mb)
		return ERR_PTR(-ENOMEM);
	mutex_init(&mb->lock);
	INIT_LIST_HEAD(&mb->attachments);
	ret = mdl_dmabuf_pages(mb, obj);
	if (ret)
		goto err_pages;
	exp.ops = &mdl_dmabuf_ops;
	exp.size = mb->npages << PAGE_SHIFT;
	exp.flags = mdl_obj_writable(obj) ? O_RDWR : O_RDONLY;
	if (flags & MDL_FD_CLOEXEC)
		exp.flags |= O_CLOEXEC;
	exp.priv = mb;
	mdl_obj_get(obj);
	mb->obj = obj;
	dmabuf = dma_buf_export(&exp);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto err_export;
	}
	mdl_stat_add(MDL_STAT_DMABUFS, 1);
	return dmabuf;

err_export:
	mdl_obj_put(obj);
err_pages:
	mdl_dmabuf_free(mb);
	return ERR_PTR(ret);
}

/**
 * mdl_dmabuf_export() - export an object as a new dma-buf fd
 * @obj: the object (the dma-buf takes its own reference)
 * @flags: MDL_FD_CLOEXEC or 0
 * @ufd: where the caller's structure receives the fd
 *
 * The fd is handed out in the gpiolib-cdev order: reserved, written to
 * the caller, and installed only once that succeeded.
 *
 * Context: process context, may sleep.
 * Return: 0, -EOPNOTSUPP for I/O space, or another negative errno.
 */
int mdl_dmabuf_export(struct mdl_obj *obj, u32 flags, __s32 __user *ufd)
{
	struct dma_buf *dmabuf;
	int fd;

	fd = get_unused_fd_flags((flags & MDL_FD_CLOEXEC) ? O_CLOEXEC : 0);
	if (fd < 0)
		return fd;
	dmabuf = mdl_dmabuf_create(obj, flags);
	if (IS_ERR(dmabuf)) {
		put_unused_fd(fd);
		return PTR_ERR(dmabuf);
	}
	if (put_user(fd, ufd)) {
		dma_buf_put(dmabuf);
		put_unused_fd(fd);
		return -EFAULT;
	}
	fd_install(fd, dmabuf->file);
	return 0;
}
