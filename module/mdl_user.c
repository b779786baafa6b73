// SPDX-License-Identifier: GPL-2.0
/*
 * User-space mappings of MDLs: MmTryMapLockedPagesSpecifyCache(UserMode)
 * (mdl_map_user()), the user half of MmUnmapLockedPages, and
 * mdl_populate_vma() (shared with the mmap of /dev/mdl).
 *
 * A user mapping is a MAP_SHARED vm_mmap() of an anonymous-inode file in the
 * current process. Its one VMA carries a struct mdl_umap:
 *
 *  - Pages mdl.ko allocated itself (MmAllocatePagesForMdl*) and mapped
 *    cached are inserted at map time with vm_insert_pages(); each PTE holds
 *    a page reference, so the pages outlive MmFreePagesFromMdl or IoFreeMdl
 *    while mapped.
 *  - Every other RAM page (user pages a lock pinned, page cache, vmalloc
 *    memory of a driver, pages of another memory type, the zero page) is
 *    mapped as a PFN (remap_pfn_range) and the mapping takes its own page
 *    references, dropped on close. Such a page stays in its owner's reverse
 *    map only: truncation, reclaim and migration of a file or anonymous
 *    page never meet a PTE they do not know, and get_user_pages() cannot
 *    pin a page through the mapping with another memory type.
 *  - I/O space (MDL_IO_SPACE) is mapped with remap_pfn_range().
 *  - Slab pages are never mapped: a page of kmalloc memory holds other
 *    objects.
 *
 * The VMA cannot be split, moved, copied into a child or made executable;
 * a read-only mapping (MdlMappingNoWrite) cannot be made writable. Its
 * vm_ops->close unlinks it from the MDL and drops the references, so
 * munmap, exit and exec release everything.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "mdl_internal.h"

/* Pages handed to one vm_insert_pages() call. */
#define MDL_INSERT_BATCH	32

enum mdl_page_kind {
	MDL_PAGE_INSERT,	/* vm_insert_pages() may take it */
	MDL_PAGE_PFN,		/* RAM that must be mapped as a PFN */
	MDL_PAGE_BAD,		/* never mapped to user space */
};

static enum mdl_page_kind mdl_page_kind(PFN_NUMBER pfn, bool own)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return MDL_PAGE_BAD;
	if (is_zero_pfn(pfn))
		return MDL_PAGE_PFN;
	page = pfn_to_page(pfn);
	if (PageSlab(page) || page_has_type(page) || !page_count(page))
		return MDL_PAGE_BAD;
	return own ? MDL_PAGE_INSERT : MDL_PAGE_PFN;
}

/*
 * May the pages of @mdl be inserted with vm_insert_pages()? Only pages
 * mdl.ko allocated itself, with no mapping of their own in any file or
 * anonymous reverse map, and mapped cached: vm_insert_pages() would add a
 * page cache or anonymous page to the rmap of the anonymous inode, and a
 * VM_MIXEDMAP mapping lets get_user_pages() pin pages of another memory
 * type.
 */
static bool mdl_pages_own(struct vm_area_struct *vma, PMDL mdl)
{
	struct mdl_ext *ext = mdl_ext_find(mdl);

	return ext && ext->hold == MDL_HOLD_ALLOCATED &&
	       pgprot_val(vma->vm_page_prot) ==
	       pgprot_val(vm_get_page_prot(vma->vm_flags));
}

/*
 * Must any page of the range be mapped as a PFN? -EINVAL for a page never
 * mapped, -EACCES for the zero page in a mapping that could become
 * writable.
 */
static int mdl_classify(struct vm_area_struct *vma, PMDL mdl,
			const PFN_NUMBER *pfns, ULONG npages, bool *pfnmap)
{
	bool own = mdl_pages_own(vma, mdl);
	ULONG i;

	*pfnmap = false;
	for (i = 0; i < npages; i++) {
		switch (mdl_page_kind(pfns[i], own)) {
		case MDL_PAGE_BAD:
			return -EINVAL;
		case MDL_PAGE_PFN:
			if (is_zero_pfn(pfns[i]) && (vma->vm_flags & VM_MAYWRITE))
				return -EACCES;
			*pfnmap = true;
			break;
		default:
			break;
		}
	}
	return 0;
}

/*
 * User pages locked for reading may be page cache of a file the process
 * cannot write, or copy-on-write pages shared with another process: they
 * are only ever mapped read-only.
 */
static int mdl_check_write(struct vm_area_struct *vma, bool writable)
{
	if (writable)
		return 0;
	if (vma->vm_flags & VM_WRITE)
		return -EACCES;
	mdl_vm_flags_mod(vma, 0, VM_MAYWRITE);
	return 0;
}

/*
 * Map runs of consecutive PFNs with one remap call each. Device memory uses
 * remap_pfn_range() too: x86's io_remap_pfn_range() only adds the
 * memory-encryption bit through a symbol modules cannot reach (cc_mask), so
 * I/O-space MDLs are not mapped into encrypted (SEV/TDX) guests correctly.
 */
static int mdl_remap_pfns(struct vm_area_struct *vma, unsigned long addr,
			  const PFN_NUMBER *pfns, ULONG npages)
{
	ULONG i = 0, run;
	int ret;

	if (vma->vm_flags & VM_MIXEDMAP)
		return -EINVAL;
	while (i < npages) {
		for (run = 1; i + run < npages && pfns[i + run] == pfns[i] + run; run++)
			;
		ret = remap_pfn_range(vma, addr, pfns[i], run << PAGE_SHIFT,
				      vma->vm_page_prot);
		if (ret)
			return ret;
		addr += (unsigned long)run << PAGE_SHIFT;
		i += run;
	}
	return 0;
}

/* Insert pages in batches; the PTEs take page references. */
static int mdl_insert_pages(struct vm_area_struct *vma, unsigned long addr,
			    const PFN_NUMBER *pfns, ULONG npages)
{
	struct page *batch[MDL_INSERT_BATCH];
	unsigned long num;
	ULONG i = 0, n, j;
	int ret;

	if (vma->vm_flags & VM_PFNMAP)
		return -EINVAL;
	while (i < npages) {
		n = min_t(ULONG, npages - i, MDL_INSERT_BATCH);
		for (j = 0; j < n; j++)
			batch[j] = pfn_to_page(pfns[i + j]);
		num = n;
		ret = vm_insert_pages(vma, addr, batch, &num);
		if (ret)
			return ret;
		if (num)
			return -EFAULT;
		addr += (unsigned long)n << PAGE_SHIFT;
		i += n;
	}
	return 0;
}

/**
 * mdl_populate_vma() - map pages of an MDL into a user VMA
 * @vma: the VMA, from an mmap handler (mmap_lock held for writing)
 * @addr: page-aligned user address inside @vma where the first entry goes
 * @mdl: a locked, built, allocated, partial or I/O-space MDL
 * @first_page: first PFN entry of @mdl to map
 * @npages: number of entries; they must fit in @vma from @addr on
 * @writable: may the pages be written through the mapping? False for user
 *            pages locked for reading (the caller knows: the lock's access)
 *
 * Maps entries [@first_page, @first_page + @npages) at @addr with
 * vma->vm_page_prot (apply the cache type before calling). Pages mdl.ko
 * allocated (MmAllocatePagesForMdl*) in a cached mapping are inserted with
 * vm_insert_pages() in batches (VM_MIXEDMAP; each PTE holds a page
 * reference). Every other RAM page - pinned user pages, page cache, a
 * driver's kernel memory, the zero page, pages of another memory type - is
 * mapped with remap_pfn_range() (VM_PFNMAP, outside every reverse map, no
 * page reference: the caller keeps the pages held, for example by the
 * MDL's lock, for the life of the VMA). MDL_IO_SPACE entries use
 * remap_pfn_range() as well. Slab pages, PFNs without a struct page in a RAM MDL
 * and free pages are refused. Pages that are not @writable and the zero
 * page are mapped only into a VMA that is not writable, and VM_MAYWRITE is
 * cleared so that mprotect cannot change that. No memory is allocated.
 *
 * On failure entries already mapped stay until the VMA is unmapped (a
 * failing mmap handler has that done by the mmap error path).
 *
 * Context: may sleep; mmap_lock of vma->vm_mm held for writing.
 * Return: 0, -EINVAL for a bad range, an unmappable page or a VMA already
 * populated the other way, -EACCES for a writable VMA over pages that may
 * only be read, or the errno of the insert or remap call.
 */
int mdl_populate_vma(struct vm_area_struct *vma, unsigned long addr, PMDL mdl,
		     ULONG first_page, ULONG npages, bool writable)
{
	const PFN_NUMBER *pfns;
	ULONG end;
	bool pfnmap;
	int ret;

	if (!vma || !mdl || !npages || !PAGE_ALIGNED(addr) ||
	    check_add_overflow(first_page, npages, &end) ||
	    end > mdl_page_count(mdl) || addr < vma->vm_start ||
	    addr >= vma->vm_end ||
	    npages > (vma->vm_end - addr) >> PAGE_SHIFT)
		return -EINVAL;
	pfns = MmGetMdlPfnArray(mdl) + first_page;
	if (mdl->MdlFlags & MDL_IO_SPACE)
		return mdl_remap_pfns(vma, addr, pfns, npages);
	ret = mdl_check_write(vma, writable);
	if (!ret)
		ret = mdl_classify(vma, mdl, pfns, npages, &pfnmap);
	if (ret)
		return ret;
	if (pfnmap)
		return mdl_remap_pfns(vma, addr, pfns, npages);
	return mdl_insert_pages(vma, addr, pfns, npages);
}
EXPORT_SYMBOL_IF_KUNIT(mdl_populate_vma);

/**
 * struct mdl_umap - one user mapping of an MDL
 * @node: entry in the MDL's list (ext->umaps), under mdl_user_lock
 * @ext: state of the MDL, or NULL once the MDL was freed (under the lock)
 * @mdl: the MDL (used by the mmap handler only)
 * @mm: address space of the mapping (compared, never dereferenced)
 * @start: page-aligned user address
 * @npages: size of the mapping in pages
 * @pages: references taken for PFN-mapped RAM, or NULL
 * @cache: cache type asked for
 * @readonly: MdlMappingNoWrite
 * @vmas: VMAs over the mapping: 1 once mapped, 2 while a refused mremap
 *	has its copy (torn down only when the last one closes)
 */
struct mdl_umap {
	struct list_head node;
	struct mdl_ext *ext;
	PMDL mdl;
	struct mm_struct *mm;
	unsigned long start;
	ULONG npages;
	struct page **pages;
	MEMORY_CACHING_TYPE cache;
	bool readonly;
	unsigned int vmas;
};

/* Protects every mdl_umap's @node, @ext and @vmas, and ext->umaps lists. */
static DEFINE_SPINLOCK(mdl_user_lock);

static void mdl_umap_put_pages(struct mdl_umap *um)
{
	ULONG i;

	if (!um->pages)
		return;
	for (i = 0; i < um->npages; i++)
		if (um->pages[i])
			put_page(um->pages[i]);
	kvfree(um->pages);
	um->pages = NULL;
}

/* Hold references on PFN-mapped RAM pages for the life of the mapping. */
static int mdl_umap_get_pages(struct mdl_umap *um, struct vm_area_struct *vma)
{
	const PFN_NUMBER *pfns = MmGetMdlPfnArray(um->mdl);
	ULONG i;

	if (!(vma->vm_flags & VM_PFNMAP) || (um->mdl->MdlFlags & MDL_IO_SPACE))
		return 0;
	um->pages = kvcalloc(um->npages, sizeof(*um->pages), GFP_KERNEL);
	if (!um->pages)
		return -ENOMEM;
	for (i = 0; i < um->npages; i++) {
		um->pages[i] = pfn_to_page(pfns[i]);
		get_page(um->pages[i]);
	}
	return 0;
}

/* A copy of the VMA (mremap makes one before it asks mdl_umap_mremap). */
static void mdl_umap_vm_open(struct vm_area_struct *vma)
{
	struct mdl_umap *um = vma->vm_private_data;

	spin_lock(&mdl_user_lock);
	um->vmas++;
	spin_unlock(&mdl_user_lock);
}

static void mdl_umap_vm_close(struct vm_area_struct *vma)
{
	struct mdl_umap *um = vma->vm_private_data;
	struct list_head *head = NULL;

	spin_lock(&mdl_user_lock);
	if (--um->vmas) {
		spin_unlock(&mdl_user_lock);
		return;
	}
	if (um->ext) {
		list_del_init(&um->node);
		head = um->ext->umaps;
		if (list_empty(head))
			WRITE_ONCE(um->ext->umaps, NULL);
		else
			head = NULL;
		um->ext = NULL;
	}
	spin_unlock(&mdl_user_lock);
	kfree(head);
	mdl_umap_put_pages(um);
	mdl_io_type_drop(um);
}

static int mdl_umap_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int mdl_umap_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const struct vm_operations_struct mdl_umap_vm_ops = {
	.open = mdl_umap_vm_open,
	.close = mdl_umap_vm_close,
	.may_split = mdl_umap_may_split,
	.mremap = mdl_umap_mremap,
};

static int mdl_umap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mdl_umap *um = file->private_data;
	struct mdl_ext *ext = mdl_ext_find(um->mdl);
	vm_flags_t clear = VM_MAYEXEC;
	pgprot_t prot = vma->vm_page_prot;
	int ret;

	if (um->vmas || um->mm || !ext || !ext->umaps || vma->vm_pgoff ||
	    vma_pages(vma) != um->npages || !(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (um->readonly) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		clear |= VM_MAYWRITE;
	}
	if (mdl_cache_prot(um->cache, &prot))
		return -EINVAL;
	vma->vm_page_prot = prot;
	mdl_vm_flags_mod(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP, clear);
	ret = mdl_populate_vma(vma, vma->vm_start, um->mdl, 0, um->npages,
			       mdl_pages_writable(um->mdl, ext));
	if (!ret)
		ret = mdl_umap_get_pages(um, vma);
	if (ret)
		return ret;
	um->mm = vma->vm_mm;
	um->start = vma->vm_start;
	vma->vm_private_data = um;
	vma->vm_ops = &mdl_umap_vm_ops;
	spin_lock(&mdl_user_lock);
	um->vmas = 1;
	um->ext = ext;
	list_add_tail(&um->node, ext->umaps);
	spin_unlock(&mdl_user_lock);
	return 0;
}

static int mdl_umap_release(struct inode *inode, struct file *file)
{
	mdl_io_type_drop(file->private_data);	/* never mapped */
	kfree(file->private_data);
	return 0;
}

static const struct file_operations mdl_umap_fops = {
	.owner = THIS_MODULE,
	.mmap = mdl_umap_mmap,
	.release = mdl_umap_release,
};

/* Give @ext a list of user mappings if it has none. */
static int mdl_umap_list(struct mdl_ext *ext)
{
	struct list_head *head;

	if (ext->umaps)
		return 0;
	head = kmalloc(sizeof(*head), GFP_KERNEL);
	if (!head)
		return -ENOMEM;
	INIT_LIST_HEAD(head);
	spin_lock(&mdl_user_lock);
	if (ext->umaps) {
		spin_unlock(&mdl_user_lock);
		kfree(head);
		return 0;
	}
	WRITE_ONCE(ext->umaps, head);
	spin_unlock(&mdl_user_lock);
	return 0;
}

/* Drop an empty list of user mappings again (a failed first mapping). */
static void mdl_umap_list_put(struct mdl_ext *ext)
{
	struct list_head *head = NULL;

	spin_lock(&mdl_user_lock);
	if (ext->umaps && list_empty(ext->umaps)) {
		head = ext->umaps;
		WRITE_ONCE(ext->umaps, NULL);
	}
	spin_unlock(&mdl_user_lock);
	kfree(head);
	mdl_ext_release_if_idle(ext);
}

/*
 * The memory type of device memory is held for the mapping before it is
 * made (released when its VMA closes): -EADDRINUSE when it conflicts.
 */
static unsigned long mdl_umap_create(PMDL mdl, MEMORY_CACHING_TYPE cache,
				     PVOID requested, bool readonly)
{
	struct mdl_umap *um;
	struct file *file;
	unsigned long addr;
	int ret;

	um = kzalloc(sizeof(*um), GFP_KERNEL);
	if (!um)
		return -ENOMEM;
	INIT_LIST_HEAD(&um->node);
	um->mdl = mdl;
	um->npages = mdl_page_count(mdl);
	um->cache = cache;
	um->readonly = readonly;
	if (mdl->MdlFlags & MDL_IO_SPACE) {
		ret = mdl_io_type_hold(um, MmGetMdlPfnArray(mdl), um->npages,
				       cache, GFP_KERNEL);
		if (ret) {
			kfree(um);
			return ret == -EINVAL ? -EADDRINUSE : ret;
		}
	}
	file = anon_inode_getfile("[mdl-user]", &mdl_umap_fops, um,
				  readonly ? O_RDONLY : O_RDWR);
	if (IS_ERR(file)) {
		mdl_io_type_drop(um);
		kfree(um);
		return PTR_ERR(file);
	}
	addr = vm_mmap(file, (unsigned long)PAGE_ALIGN(requested),
		       (unsigned long)um->npages << PAGE_SHIFT,
		       PROT_READ | (readonly ? 0 : PROT_WRITE), MAP_SHARED, 0);
	fput(file);
	return addr;
}

/* The status of a failed vm_mmap() of a user mapping. */
static NTSTATUS mdl_umap_status(long err)
{
	switch (err) {
	case -EINVAL:
		return STATUS_NOT_SUPPORTED;	/* pages never mapped to user space */
	case -EAGAIN:
		return STATUS_INSUFFICIENT_RESOURCES;
	case -EADDRINUSE:
		return STATUS_CONFLICTING_ADDRESSES;	/* another memory type */
	default:
		return mdl_errno_to_status(err);
	}
}

NTSTATUS mdl_map_user(PMDL mdl, MEMORY_CACHING_TYPE cache, PVOID requested,
		      ULONG priority, PVOID *mapped)
{
	struct mdl_ext *ext = mdl_ext_find(mdl);
	pgprot_t prot = PAGE_SHARED;
	unsigned long addr;
	NTSTATUS status;

	if (!mdl_is_mappable(mdl, ext))
		return STATUS_INVALID_PARAMETER_1;
	if (!current->mm)
		return STATUS_INVALID_PARAMETER_2;
	status = mdl_map_type(mdl, ext, &cache, &prot);
	if (!NT_SUCCESS(status))
		return status;
	ext = mdl_ext_get(mdl);
	if (!ext)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (mdl_umap_list(ext)) {
		mdl_ext_release_if_idle(ext);
		return STATUS_INSUFFICIENT_RESOURCES;
	}
	addr = mdl_umap_create(mdl, cache, requested,
			       priority & MdlMappingNoWrite);
	if (IS_ERR_VALUE(addr)) {
		mdl_umap_list_put(ext);
		return mdl_umap_status((long)addr);
	}
	*mapped = (PVOID)(addr + mdl->ByteOffset);
	return STATUS_SUCCESS;
}

void mdl_unmap_user(struct mdl_ext *ext, PVOID base)
{
	struct mdl_umap *um, *found = NULL;
	unsigned long start = 0, len = 0;

	spin_lock(&mdl_user_lock);
	if (ext->umaps) {
		list_for_each_entry(um, ext->umaps, node) {
			if (um->start + ext->mdl->ByteOffset == (unsigned long)base) {
				found = um;
				break;
			}
		}
	}
	if (found && found->mm == current->mm) {
		start = found->start;
		len = (unsigned long)found->npages << PAGE_SHIFT;
	}
	spin_unlock(&mdl_user_lock);
	if (!found) {
		mdl_refuse("MDL %p has no mapping at %p", ext->mdl, base);
		return;
	}
	if (!start) {
		mdl_refuse("user mapping %p of MDL %p belongs to another process: not unmapped",
			   base, ext->mdl);
		return;
	}
	vm_munmap(start, len);
	mdl_ext_release_if_idle(ext);
}

/*
 * The MDL is being freed: detach its user mappings. They stay valid (they
 * hold their own page references) until the processes unmap them or exit.
 * The list is made by the MDL's first user mapping, which its caller does
 * not run beside the free: an MDL that never had one takes no lock.
 */
void mdl_user_release_all(struct mdl_ext *ext)
{
	struct mdl_umap *um, *tmp;
	struct list_head *head;

	if (!READ_ONCE(ext->umaps))
		return;
	spin_lock(&mdl_user_lock);
	head = ext->umaps;
	WRITE_ONCE(ext->umaps, NULL);
	if (head) {
		list_for_each_entry_safe(um, tmp, head, node) {
			list_del_init(&um->node);
			um->ext = NULL;
		}
	}
	spin_unlock(&mdl_user_lock);
	kfree(head);
}
