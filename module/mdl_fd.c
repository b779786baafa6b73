// SPDX-License-Identifier: GPL-2.0
/*
 * MDL fds: the object behind each fd (mdl_obj.h), its life, its
 * RLIMIT_MEMLOCK charge, and the file operations: MDL_IOC_QUERY,
 * MDL_IOC_GET_PFNS, MDL_IOC_PARTIAL, MDL_IOC_EXPORT_DMABUF, mmap,
 * read/write/pread/pwrite, lseek and release.
 *
 * File semantics: the file offset counts from the buffer's first byte
 * (StartVa + ByteOffset); the file size is the buffer's length. A read at
 * or past the end returns 0, a read across it stops there. A write at or
 * past the end fails with ENOSPC (the buffer never grows, like a full
 * block device); a write across it stops there. A read-only MDL's fd is
 * opened O_RDONLY, so writes fail with EBADF and writable shared mappings
 * with EACCES.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sched/user.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <linux/mdl.h>

#include "mdl_obj.h"

/* Bytes copied by read/write between two checks for signals. */
#define MDL_RW_CHUNK	SZ_1M

/*
 * Each non-cached or write-combined page splits the kernel's direct map
 * down to 4 KiB pages where it lies: callers without CAP_SYS_RAWIO share a
 * bound on how many such pages they hold.
 */
static unsigned int uncached_max_pages = 4096;
module_param(uncached_max_pages, uint, 0644);
MODULE_PARM_DESC(uncached_max_pages,
		 "Non-cached and write-combined pages that /dev/mdl callers without CAP_SYS_RAWIO hold at most, together (default 4096)");

static atomic64_t mdl_uncached_pages = ATOMIC64_INIT(0);

/* ------------------------------------------------------------------ */
/* Object life.                                                       */
/* ------------------------------------------------------------------ */

/*
 * Locks whose MDL takes up to this many bytes (buffers up to about 100
 * pages) have it in their object's allocation: one allocation and one free
 * less per lock.
 */
#define MDL_OBJ_EMBED_MAX	SZ_1K

/*
 * A new, empty object for a buffer of @length bytes from @va, holding one
 * reference and room for the MDLs of every slice.
 */
static struct mdl_obj *mdl_obj_alloc(u32 kind, u64 va, u64 length)
{
	u32 n = mdl_slice_count(va, length);
	size_t size = struct_size_t(struct mdl_obj, mdls, n), embed = 0;
	struct mdl_obj *obj;

	if (kind == MDL_KIND_USER && n == 1)
		embed = mdl_private_size((void *)(uintptr_t)va, length);
	if (embed > MDL_OBJ_EMBED_MAX)
		embed = 0;
	if (embed)
		size = ALIGN(size, __alignof__(struct mdl_ext)) + embed;
	obj = kzalloc(size, MDL_GFP_USER);
	if (!obj)
		return NULL;
	if (embed)
		obj->embed = (char *)obj + size - embed;
	refcount_set(&obj->ref, 1);
	mutex_init(&obj->map_lock);
	obj->kind = kind;
	obj->va = va;
	obj->length = length;
	obj->npages = ((va & ~PAGE_MASK) + length + PAGE_SIZE - 1) >> PAGE_SHIFT;
	return obj;
}

/**
 * mdl_obj_add() - append the MDL of the next slice to an object
 * @obj: the object being built
 * @mdl: the MDL; the object frees it from now on
 */
void mdl_obj_add(struct mdl_obj *obj, PMDL mdl)
{
	if (obj->nmdls)
		obj->mdls[obj->nmdls - 1]->Next = mdl;
	obj->mdls[obj->nmdls++] = mdl;
}

static enum mdl_stat mdl_obj_page_stat(const struct mdl_obj *obj)
{
	switch (obj->kind) {
	case MDL_KIND_USER:
		return MDL_STAT_PINNED_PAGES;
	case MDL_KIND_PAGES:
	case MDL_KIND_NONPAGED:
		return MDL_STAT_ALLOCATED_PAGES;
	case MDL_KIND_IO_SPACE:
		return MDL_STAT_IO_PAGES;
	default:
		return MDL_STAT_COUNT;
	}
}

static void mdl_obj_count(const struct mdl_obj *obj, s64 sign)
{
	enum mdl_stat stat = mdl_obj_page_stat(obj);

	mdl_stat_add(MDL_STAT_OBJECTS, sign);
	if (stat != MDL_STAT_COUNT)
		mdl_stat_add(stat, sign * (s64)obj->npages);
}

/* Count a completely built object in the statistics. */
static void mdl_obj_link(struct mdl_obj *obj)
{
	obj->linked = true;
	mdl_obj_count(obj, 1);
}

/**
 * mdl_obj_get() - take a reference to an object
 * @obj: the object
 */
void mdl_obj_get(struct mdl_obj *obj)
{
	refcount_inc(&obj->ref);
}

/* Release one MDL of an object the way its kind was built. */
static void mdl_obj_free_mdl(struct mdl_obj *obj, PMDL mdl)
{
	struct mdl_ext *ext;

	switch (obj->kind) {
	case MDL_KIND_USER:
		/* MmUnlockPages + IoFreeMdl of an MDL of mdl_alloc_private(). */
		ext = mdl_owned_ext(mdl);
		if (mdl->MdlFlags & MDL_PAGES_LOCKED)
			mdl_unlock(ext);
		mdl_release_all(ext);
		mdl_free_owned(ext);
		break;
	case MDL_KIND_PAGES:
		MmFreePagesFromMdl(mdl);
		ExFreePool(mdl);
		break;
	case MDL_KIND_IO_SPACE:
		if (mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA)
			MmUnmapLockedPages(mdl->MappedSystemVa, mdl);
		ExFreePool(mdl);
		break;
	default:	/* MDL_KIND_NONPAGED, MDL_KIND_PARTIAL */
		IoFreeMdl(mdl);
		break;
	}
}

/* Give back the RLIMIT_MEMLOCK charge of an object, once, at its end. */
static void mdl_obj_uncharge(struct mdl_obj *obj)
{
	if (obj->user) {
		atomic_long_sub(obj->charged, &obj->user->locked_vm);
		free_uid(obj->user);
		obj->user = NULL;
	}
	if (obj->mm) {
		atomic64_sub(obj->charged, &obj->mm->pinned_vm);
		mmdrop(obj->mm);
		obj->mm = NULL;
	}
	obj->charged = 0;
}

static void mdl_obj_destroy(struct mdl_obj *obj)
{
	u32 i;

	if (obj->linked)
		mdl_obj_count(obj, -1);
	for (i = obj->nmdls; i-- > 0;)
		mdl_obj_free_mdl(obj, obj->mdls[i]);
	vfree(obj->vbuf);
	if (obj->kind == MDL_KIND_IO_SPACE)
		mdl_io_type_drop(obj);
	atomic64_sub(obj->uncached, &mdl_uncached_pages);
	mdl_obj_uncharge(obj);
	mutex_destroy(&obj->map_lock);
	kfree(obj);
}

/**
 * mdl_obj_put() - drop a reference to an object
 * @obj: the object
 *
 * The last reference releases the pages (unlock and unpin, dirtying pages
 * locked for writing; free allocated pages), the MDLs, the RLIMIT_MEMLOCK
 * charge, and then the reference on the source of a part.
 *
 * Context: may sleep.
 */
void mdl_obj_put(struct mdl_obj *obj)
{
	struct mdl_obj *source;

	if (!refcount_dec_and_test(&obj->ref))
		return;
	/* A source is never itself a part: this recurses once at most. */
	source = obj->source;
	mdl_obj_destroy(obj);
	if (source)
		mdl_obj_put(source);
}

/* Add @npages to @user's locked_vm unless that passes @limit. */
static bool mdl_user_charge(struct user_struct *user, unsigned long npages,
			    unsigned long limit)
{
	unsigned long cur = atomic_long_read(&user->locked_vm), new;

	do {
		if (check_add_overflow(cur, npages, &new) || new > limit)
			return false;
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, new));
	return true;
}

/**
 * mdl_obj_charge() - charge pages to the caller's RLIMIT_MEMLOCK
 * @obj: the object that will hold the pages
 * @npages: number of pages
 *
 * The pages are charged to the calling user (user_struct->locked_vm, the
 * counter io_uring and iommufd charge long-term pins to) against
 * RLIMIT_MEMLOCK: the object, and so the charge, outlives the process, and
 * every process of the user shares the one limit however the fds travel.
 * A caller with CAP_IPC_LOCK passes the limit and its user is not charged,
 * as io_uring does. The pages are also added to the current mm's pinned_vm
 * (VmPin in /proc/PID/status) for reporting. The object keeps the user
 * (get_uid) and the mm (mmgrab) and uncharges both exactly once, when the
 * last reference goes, from whichever process drops it.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL without an mm, or -ENOMEM over the limit (nothing
 * charged).
 */
int mdl_obj_charge(struct mdl_obj *obj, u64 npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	struct user_struct *user = current_user();
	struct mm_struct *mm = current->mm;

	if (!mm || obj->charged)
		return -EINVAL;
	if (npages > ULONG_MAX)
		return -ENOMEM;
	if (mdl_user_charge(user, npages, limit))
		obj->user = get_uid(user);
	else if (!capable(CAP_IPC_LOCK))
		return -ENOMEM;
	atomic64_add(npages, &mm->pinned_vm);
	mmgrab(mm);
	obj->mm = mm;
	obj->charged = npages;
	return 0;
}

/**
 * mdl_obj_charge_uncached() - count an object's non-cached pages
 * @obj: the object
 * @cache: MDL_CACHE_* its pages will have
 *
 * Cached objects and callers with CAP_SYS_RAWIO are not counted. The
 * others together hold at most uncached_max_pages (module parameter)
 * non-cached or write-combined pages; the object gives its pages back to
 * that bound when it is destroyed.
 *
 * Context: process context.
 * Return: 0, or -EPERM over the bound (nothing counted).
 */
int mdl_obj_charge_uncached(struct mdl_obj *obj, u32 cache)
{
	if (cache == MDL_CACHE_CACHED ||
	    ns_capable_noaudit(&init_user_ns, CAP_SYS_RAWIO))
		return 0;
	if (atomic64_add_return(obj->npages, &mdl_uncached_pages) >
	    READ_ONCE(uncached_max_pages)) {
		atomic64_sub(obj->npages, &mdl_uncached_pages);
		return -EPERM;
	}
	obj->uncached = obj->npages;
	return 0;
}

/**
 * mdl_obj_writable() - may the buffer be written through the object?
 * @obj: the object
 *
 * Locked user pages are writable when the lock was for writing (its
 * MDL_WRITE_OPERATION); kernel pages and device memory always are; a part
 * is as its source.
 *
 * Return: true for a writable buffer.
 */
bool mdl_obj_writable(const struct mdl_obj *obj)
{
	const struct mdl_obj *src = obj->source ? obj->source : obj;

	return src->kind != MDL_KIND_USER ||
	       (src->mdls[0]->MdlFlags & MDL_WRITE_OPERATION);
}

/**
 * mdl_obj_cache_type() - the cache type the object was made with
 * @obj: the object
 *
 * Allocated pages and device memory keep the type they were made with in
 * their MDLs' state (mdl_ext.cache); locked user pages and vmalloc memory
 * are cached; a part is as its source.
 *
 * Return: MDL_CACHE_*.
 */
u32 mdl_obj_cache_type(const struct mdl_obj *obj)
{
	const struct mdl_obj *src = obj->source ? obj->source : obj;

	if (src->kind != MDL_KIND_PAGES && src->kind != MDL_KIND_IO_SPACE)
		return MDL_CACHE_CACHED;
	return mdl_ext_find(src->mdls[0])->cache;
}

/* ------------------------------------------------------------------ */
/* System mappings and read/write.                                    */
/* ------------------------------------------------------------------ */

/*
 * System address of the first byte of an I/O-space MDL, mapped on first
 * use with the object's cache type (MmMapLockedPagesSpecifyCache); a part
 * may have inherited its source's mapping. The mapping lives as long as
 * the MDL.
 */
static char *mdl_obj_io_va(struct mdl_obj *obj, PMDL mdl)
{
	void *va;

	mutex_lock(&obj->map_lock);
	if (mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA)
		va = mdl->MappedSystemVa;
	else
		va = MmMapLockedPagesSpecifyCache(mdl, KernelMode,
						  mdl_obj_cache_type(obj),
						  NULL, FALSE,
						  NormalPagePriority |
						  MdlMappingNoExecute);
	mutex_unlock(&obj->map_lock);
	return va;
}

/* Device memory is not user-copy safe: copy through a bounce page. */
static size_t mdl_copy_io(char *va, char __user *ubuf, size_t n, bool write,
			  void *bounce)
{
	void __iomem *io = (void __iomem __force *)va;

	if (write) {
		if (copy_from_user(bounce, ubuf, n))
			return n;
		memcpy_toio(io, bounce, n);
		return 0;
	}
	memcpy_fromio(bounce, io, n);
	return copy_to_user(ubuf, bounce, n) ? n : 0;
}

/*
 * RAM is copied through the kernel's direct mapping of each page: no
 * mapping of the whole buffer is made (a vmap of a 1 GiB slice fails on
 * machines with less RAM than that, and would be a cached alias of pages
 * allocated uncached).
 */
static size_t mdl_copy_ram(PFN_NUMBER pfn, size_t off, char __user *ubuf,
			   size_t n, bool write)
{
	char *va = kmap_local_page(pfn_to_page(pfn));
	size_t left;

	if (write)
		left = copy_from_user(va + off, ubuf, n);
	else
		left = copy_to_user(ubuf, va + off, n);
	kunmap_local(va);
	return left;
}

/* Copy @n bytes at @off of page @page of the buffer; bytes copied or -errno. */
static ssize_t mdl_obj_rw_page(struct mdl_obj *obj, u64 page, size_t off,
			       char __user *ubuf, size_t n, bool write,
			       void **bounce)
{
	u64 index;
	PMDL mdl = obj->mdls[mdl_slice_of_page(obj->va, page, &index)];
	char *va;

	if (!(mdl->MdlFlags & MDL_IO_SPACE))
		return n - mdl_copy_ram(MmGetMdlPfnArray(mdl)[index], off, ubuf,
					n, write);
	if (!*bounce)
		*bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	va = mdl_obj_io_va(obj, mdl);
	if (!*bounce || !va)
		return -ENOMEM;
	va += (index << PAGE_SHIFT) + off - mdl->ByteOffset;
	return n - mdl_copy_io(va, ubuf, n, write, *bounce);
}

/* Copy between the buffer at byte @pos and user memory, page by page. */
static ssize_t mdl_obj_rw(struct mdl_obj *obj, u64 pos, char __user *ubuf,
			  size_t len, bool write)
{
	u64 byte = (obj->va & ~PAGE_MASK) + pos;
	void *bounce = NULL;
	size_t done = 0, n;
	ssize_t ret = 0;

	while (done < len) {
		n = min_t(size_t, len - done, PAGE_SIZE - (byte & ~PAGE_MASK));
		ret = mdl_obj_rw_page(obj, byte >> PAGE_SHIFT, byte & ~PAGE_MASK,
				      ubuf + done, n, write, &bounce);
		if (ret > 0) {
			done += ret;
			byte += ret;
		}
		if (ret < 0 || (size_t)ret != n)
			break;
		if (!(done % MDL_RW_CHUNK)) {
			if (fatal_signal_pending(current))
				break;
			cond_resched();
		}
	}
	kfree(bounce);
	if (done)
		return done;
	return ret < 0 ? ret : -EFAULT;
}

static ssize_t mdl_fd_read(struct file *file, char __user *buf, size_t len,
			   loff_t *ppos)
{
	struct mdl_obj *obj = file->private_data;
	ssize_t ret;

	if (*ppos < 0)
		return -EINVAL;
	if (!len || *ppos >= obj->length)
		return 0;
	len = min_t(u64, len, obj->length - *ppos);
	ret = mdl_obj_rw(obj, *ppos, buf, len, false);
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t mdl_fd_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	struct mdl_obj *obj = file->private_data;
	ssize_t ret;

	if (!mdl_obj_writable(obj))
		return -EBADF;
	if (*ppos < 0)
		return -EINVAL;
	if (!len)
		return 0;
	if (*ppos >= obj->length)
		return -ENOSPC;
	len = min_t(u64, len, obj->length - *ppos);
	ret = mdl_obj_rw(obj, *ppos, (char __user *)buf, len, true);
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static loff_t mdl_fd_llseek(struct file *file, loff_t offset, int whence)
{
	struct mdl_obj *obj = file->private_data;

	return fixed_size_llseek(file, offset, whence, obj->length);
}

/* ------------------------------------------------------------------ */
/* mmap.                                                              */
/* ------------------------------------------------------------------ */

/**
 * struct mdl_vma - one mmap() of an MDL fd or of its dma-buf
 * @users: VMAs made from it (split halves, fork copies)
 * @npages: pages the mmap() call mapped, counted in mapped_pages
 * @whole: the VMA maps I/O space, whose memory type x86 reserved for the
 *         whole VMA at once: it cannot be split (munmap or mprotect of a
 *         part fail with EINVAL)
 */
struct mdl_vma {
	refcount_t users;
	u64 npages;
	bool whole;
};

static void mdl_vma_open(struct vm_area_struct *vma)
{
	struct mdl_vma *mv = vma->vm_private_data;

	refcount_inc(&mv->users);
}

static void mdl_vma_close(struct vm_area_struct *vma)
{
	struct mdl_vma *mv = vma->vm_private_data;

	if (!refcount_dec_and_test(&mv->users))
		return;
	mdl_stat_add(MDL_STAT_MAPPED_PAGES, -(s64)mv->npages);
	kfree(mv);
}

static int mdl_vma_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	struct mdl_vma *mv = vma->vm_private_data;

	return mv->whole ? -EINVAL : 0;
}

static const struct vm_operations_struct mdl_vma_ops = {
	.open = mdl_vma_open,
	.close = mdl_vma_close,
	.may_split = mdl_vma_may_split,
};

/*
 * Map @n entries from @index of @mdl at @addr. I/O space is mapped only
 * whole: x86 reserves the PAT memory type of a PFN mapping for the whole
 * VMA at once.
 */
static int mdl_populate_part(struct vm_area_struct *vma, PMDL mdl, u64 index,
			     u64 n, unsigned long addr, bool writable)
{
	if ((mdl->MdlFlags & MDL_IO_SPACE) &&
	    (addr != vma->vm_start || n != vma_pages(vma)))
		return -EINVAL;
	return mdl_populate_vma(vma, addr, mdl, index, n, writable);
}

static int mdl_obj_populate(struct mdl_obj *obj, struct vm_area_struct *vma)
{
	unsigned long addr = vma->vm_start;
	u64 page = vma->vm_pgoff, left = vma_pages(vma), index, n;
	PMDL mdl;
	int ret;
	u32 i;

	while (left) {
		i = mdl_slice_of_page(obj->va, page, &index);
		mdl = obj->mdls[i];
		n = min_t(u64, left, mdl_page_count(mdl) - index);
		ret = mdl_populate_part(vma, mdl, index, n, addr,
					mdl_obj_writable(obj));
		if (ret)
			return ret;
		addr += n << PAGE_SHIFT;
		page += n;
		left -= n;
	}
	return 0;
}

/**
 * mdl_obj_cache() - the cache type every mapping of an object's pages gets
 * @obj: the object
 * @cache: out: the MEMORY_CACHING_TYPE (see mdl_map_cache())
 *
 * The object's own cache type, unless its pages already have another
 * memory type: a page is mapped with one type everywhere.
 *
 * Context: may sleep.
 * Return: 0, or -EINVAL when the pages have no single type to map with.
 */
int mdl_obj_cache(struct mdl_obj *obj, MEMORY_CACHING_TYPE *cache)
{
	MEMORY_CACHING_TYPE t, type = MmMaximumCacheType;
	u32 asked = mdl_obj_cache_type(obj);
	PMDL mdl;
	u32 i;

	for (i = 0; i < obj->nmdls; i++) {
		mdl = obj->mdls[i];
		t = mdl_map_cache(mdl, mdl_ext_find(mdl),
				  (MEMORY_CACHING_TYPE)asked);
		if (t == MmNotMapped || (i && t != type))
			return -EINVAL;
		type = t;
	}
	*cache = type;
	return 0;
}

/**
 * mdl_obj_mmap() - map pages of an object into a user VMA
 * @obj: the object
 * @vma: the VMA of an mmap() of the object's fd or dma-buf; vm_pgoff is the
 *       first page, counted from the page of the buffer's first byte
 *
 * MAP_SHARED only, within the buffer's pages, never executable; a read-only
 * object refuses PROT_WRITE and clears VM_MAYWRITE. The pages are mapped
 * now, in batches, with the object's cache type. The VMA holds the file,
 * which holds the object: the pages outlive every fd while mapped.
 *
 * Context: mmap handler (mmap_lock held for writing).
 * Return: 0 or a negative errno.
 */
int mdl_obj_mmap(struct mdl_obj *obj, struct vm_area_struct *vma)
{
	vm_flags_t clear = VM_MAYEXEC;
	pgprot_t prot = vma->vm_page_prot;
	MEMORY_CACHING_TYPE cache;
	struct mdl_vma *mv;
	u64 end;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE) ||
	    check_add_overflow((u64)vma->vm_pgoff, (u64)vma_pages(vma), &end) ||
	    end > obj->npages)
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (!mdl_obj_writable(obj)) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		clear |= VM_MAYWRITE;
	}
	if (mdl_obj_cache(obj, &cache) || mdl_cache_prot(cache, &prot))
		return -EINVAL;
	mv = kmalloc(sizeof(*mv), MDL_GFP_USER);
	if (!mv)
		return -ENOMEM;
	vma->vm_page_prot = prot;
	mdl_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, clear);
	ret = mdl_obj_populate(obj, vma);
	if (ret) {
		kfree(mv);
		return ret;
	}
	refcount_set(&mv->users, 1);
	mv->npages = vma_pages(vma);
	mv->whole = obj->kind == MDL_KIND_IO_SPACE ||
		    (obj->source && obj->source->kind == MDL_KIND_IO_SPACE);
	vma->vm_private_data = mv;
	vma->vm_ops = &mdl_vma_ops;
	mdl_stat_add(MDL_STAT_MAPPED_PAGES, mv->npages);
	return 0;
}

static int mdl_fd_mmap(struct file *file, struct vm_area_struct *vma)
{
	return mdl_obj_mmap(file->private_data, vma);
}

/* ------------------------------------------------------------------ */
/* Commands on an MDL fd.                                             */
/* ------------------------------------------------------------------ */

/* Does the object describe memory of a process (user addresses)? */
static bool mdl_obj_is_user(const struct mdl_obj *obj)
{
	return (obj->source ? obj->source->kind : obj->kind) == MDL_KIND_USER;
}

static int mdl_ioc_query(struct mdl_ucmd *ucmd)
{
	struct mdl_obj *obj = ucmd->obj;
	struct mdl_info *info = ucmd->cmd;
	PMDL mdl = obj->mdls[0];

	if (info->flags)
		return -EINVAL;
	/* Kernel addresses only for those who may see them (kptr_restrict). */
	info->start_va = 0;
	if (mdl_obj_is_user(obj) ||
	    ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN))
		info->start_va = (uintptr_t)mdl->StartVa;
	info->byte_offset = mdl->ByteOffset;
	info->mdl_flags = (u16)mdl->MdlFlags;
	info->byte_count = obj->length;
	info->page_count = obj->npages;
	info->access = MDL_ACCESS_READ |
		       (mdl_obj_writable(obj) ? MDL_ACCESS_WRITE : 0);
	info->cache_type = mdl_obj_cache_type(obj);
	info->kind = obj->kind;
	info->reserved = 0;
	return mdl_copy_out(ucmd->ubuffer, info, sizeof(*info));
}

static int mdl_copy_pfns(struct mdl_obj *obj, u64 first, u64 count,
			 u64 __user *upfns)
{
	u64 done = 0, index, n;
	PMDL mdl;

	static_assert(sizeof(PFN_NUMBER) == sizeof(u64));
	while (done < count) {
		mdl = obj->mdls[mdl_slice_of_page(obj->va, first + done, &index)];
		n = min_t(u64, count - done, mdl_page_count(mdl) - index);
		if (copy_to_user(upfns + done, MmGetMdlPfnArray(mdl) + index,
				 n * sizeof(u64)))
			return -EFAULT;
		done += n;
	}
	return 0;
}

static int mdl_ioc_get_pfns(struct mdl_ucmd *ucmd)
{
	struct mdl_pfns *a = ucmd->cmd;
	u64 end;

	if (a->flags || !a->count || a->count > MDL_MAX_PFNS_PER_CALL ||
	    check_add_overflow(a->first, a->count, &end) ||
	    end > ucmd->obj->npages)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return mdl_copy_pfns(ucmd->obj, a->first, a->count,
			     u64_to_user_ptr(a->pfns));
}

/*
 * Build the MDL of slice @i of part @obj from its source's MDL, under the
 * source's map_lock: the part inherits a system mapping the source has.
 */
static int mdl_partial_slice(struct mdl_obj *obj, u32 i, void *arg)
{
	struct mdl_obj *src = obj->source;
	u64 start, len, sstart, slen;
	PMDL smdl, mdl;
	char *va;
	u32 j;

	mdl_slice_range(obj->va, obj->length, i, &start, &len);
	j = mdl_slice_of_offset(src->va, start - src->va);
	mdl_slice_range(src->va, src->length, j, &sstart, &slen);
	smdl = src->mdls[j];
	va = (char *)MmGetMdlVirtualAddress(smdl) + (start - sstart);
	mdl = mdl_alloc_owned(va, len, MDL_GFP_USER);
	if (!mdl)
		return -ENOMEM;
	mutex_lock(&src->map_lock);
	IoBuildPartialMdl(smdl, mdl, va, (ULONG)len);
	mutex_unlock(&src->map_lock);
	if (!(mdl->MdlFlags & MDL_PARTIAL)) {
		IoFreeMdl(mdl);
		return -EINVAL;
	}
	mdl_obj_add(obj, mdl);
	return 0;
}

/* The part keeps the first object (never itself a part) @arg describes. */
static int mdl_partial_prepare(struct mdl_obj *obj, void *arg)
{
	struct mdl_obj *from = arg;
	struct mdl_obj *src = from->source ? from->source : from;

	mdl_obj_get(src);
	obj->source = src;
	return 0;
}

static const struct mdl_obj_type mdl_partial_type = {
	MDL_KIND_PARTIAL, mdl_partial_prepare, mdl_partial_slice
};

/* A part of the fd's object: @offset bytes in, @length bytes (0: the rest). */
static int mdl_ioc_partial(struct mdl_ucmd *ucmd)
{
	struct mdl_partial *a = ucmd->cmd;
	struct mdl_obj *from = ucmd->obj;
	u64 length = a->length;

	if (!mdl_flags_ok(a->flags, MDL_FD_CLOEXEC) || a->reserved)
		return -EINVAL;
	if (a->offset >= from->length || length > from->length - a->offset)
		return -EINVAL;
	if (!length)
		length = from->length - a->offset;
	return mdl_obj_create(&mdl_partial_type, from->va + a->offset, length,
			      from, a->flags, mdl_ucmd_fd(ucmd, struct mdl_partial));
}

static int mdl_ioc_export_dmabuf(struct mdl_ucmd *ucmd)
{
	struct mdl_export_dmabuf *a = ucmd->cmd;

	if (!mdl_flags_ok(a->flags, MDL_FD_CLOEXEC) || a->reserved)
		return -EINVAL;
	return mdl_dmabuf_export(ucmd->obj, a->flags,
				 mdl_ucmd_fd(ucmd, struct mdl_export_dmabuf));
}

static const struct mdl_ioctl_op mdl_fd_ops[] = {
	MDL_IOCTL_OP(MDL_IOC_QUERY, mdl_ioc_query, struct mdl_info, reserved),
	MDL_IOCTL_OP(MDL_IOC_GET_PFNS, mdl_ioc_get_pfns, struct mdl_pfns, pfns),
	MDL_IOCTL_OP(MDL_IOC_PARTIAL, mdl_ioc_partial, struct mdl_partial,
		     reserved),
	MDL_IOCTL_OP(MDL_IOC_EXPORT_DMABUF, mdl_ioc_export_dmabuf,
		     struct mdl_export_dmabuf, reserved),
};

static long mdl_fd_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	return mdl_ioctl(mdl_fd_ops, ARRAY_SIZE(mdl_fd_ops), file,
			 file->private_data, cmd, arg);
}

static int mdl_fd_release(struct inode *inode, struct file *file)
{
	mdl_obj_put(file->private_data);
	return 0;
}

static const struct file_operations mdl_fd_fops = {
	.owner = THIS_MODULE,
	.release = mdl_fd_release,
	.unlocked_ioctl = mdl_fd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = mdl_fd_mmap,
	.read = mdl_fd_read,
	.write = mdl_fd_write,
	.llseek = mdl_fd_llseek,
};

/**
 * mdl_obj_install() - give an object to the caller as a new MDL fd
 * @obj: the object; its reference passes to the fd, or is dropped on error
 * @flags: MDL_FD_CLOEXEC or 0
 * @ufd: where the command's structure holds the new fd
 *
 * The gpiolib-cdev order: reserve the fd, create the file, tell the
 * caller, and only then install it; a failed copy undoes everything.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int mdl_obj_install(struct mdl_obj *obj, u32 flags, __s32 __user *ufd)
{
	int mode = mdl_obj_writable(obj) ? O_RDWR : O_RDONLY;
	struct file *file;
	int fd;

	fd = get_unused_fd_flags((flags & MDL_FD_CLOEXEC) ? O_CLOEXEC : 0);
	if (fd < 0) {
		mdl_obj_put(obj);
		return fd;
	}
	file = anon_inode_getfile("[mdl]", &mdl_fd_fops, obj, mode);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		mdl_obj_put(obj);
		return PTR_ERR(file);
	}
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	if (put_user(fd, ufd)) {
		fput(file);
		put_unused_fd(fd);
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;
}

/**
 * mdl_obj_new() - build an object
 * @type: how the object is built
 * @va: address of the buffer's first byte in the object's address space
 * @length: length of the buffer, 1 to MDL_OBJ_MAX_BYTES
 * @arg: the command's structure, for @type's functions
 *
 * The one construction path of every object: allocate, prepare (charges),
 * make the MDL of each slice, and count the object in the statistics. A
 * failure at any step destroys what was built.
 *
 * Context: process context, may sleep.
 * Return: the object, holding one reference for the caller, or an ERR_PTR.
 */
struct mdl_obj *mdl_obj_new(const struct mdl_obj_type *type, u64 va,
			    u64 length, void *arg)
{
	struct mdl_obj *obj = mdl_obj_alloc(type->kind, va, length);
	u32 i, n = mdl_slice_count(va, length);
	int ret;

	if (!obj)
		return ERR_PTR(-ENOMEM);
	ret = type->prepare ? type->prepare(obj, arg) : 0;
	for (i = 0; i < n && !ret; i++)
		ret = type->slice(obj, i, arg);
	if (ret) {
		/* Never counted nor given out. */
		mdl_obj_put(obj);
		return ERR_PTR(ret);
	}
	mdl_obj_link(obj);
	return obj;
}

/**
 * mdl_obj_create() - build an object and give it to the caller as an fd
 * @type: how the object is built
 * @va: address of the buffer's first byte in the object's address space
 * @length: length of the buffer, 1 to MDL_OBJ_MAX_BYTES
 * @arg: the command's structure, for @type's functions
 * @flags: the command's flags (MDL_FD_CLOEXEC)
 * @ufd: where the command's structure holds the new fd
 *
 * mdl_obj_new(), then mdl_obj_install(): the fd comes last.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int mdl_obj_create(const struct mdl_obj_type *type, u64 va, u64 length,
		   void *arg, u32 flags, __s32 __user *ufd)
{
	struct mdl_obj *obj = mdl_obj_new(type, va, length, arg);

	if (IS_ERR(obj))
		return PTR_ERR(obj);
	return mdl_obj_install(obj, flags, ufd);
}
