/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MDL object behind an MDL fd of /dev/mdl (uapi/linux/mdl.h).
 *
 * One object describes one buffer: the pages a process locked, new kernel
 * pages, a vmalloc buffer, a physical I/O range, or a part of another
 * object. Up to 4 GiB - PAGE_SIZE fit in one MDL; a larger buffer is a chain
 * of MDLs, one per 1 GiB slice. The slices are aligned on 1 GiB of the
 * object's address: the caller's address for locked buffers, an offset from
 * 0 for kernel memory and I/O space, the source's address plus the offset
 * for a part. A part therefore never straddles two MDLs of its source, and
 * page p of a buffer is found without a search.
 *
 * Lifetime: the object is reference counted. Each MDL fd (its file) holds a
 * reference, a handle in the table of a /dev/mdl open file holds one, an
 * exported dma-buf holds one, a part holds one on the object it was built
 * from; a user mapping holds the file (vm_file), so the pages stay valid
 * while any fd, handle, dma-buf or mapping exists. The last reference
 * unmaps, unlocks (dirtying written pages) or frees the pages, uncharges
 * RLIMIT_MEMLOCK and frees the MDLs.
 *
 * Locking: everything but the MDLs' system mappings is set at creation and
 * never changes. @map_lock serialises the creation of system mappings
 * (MmGetSystemAddressForMdlSafe), which mdl.ko's MDL routines leave to the
 * caller, as Windows does; once made, a mapping lives as long as the object.
 */
#ifndef _MDL_OBJ_H
#define _MDL_OBJ_H

#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/refcount.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include <linux/mdl.h>

#include "mdl_internal.h"

/* One MDL of a chain covers one 1 GiB-aligned slice of the buffer. */
#define MDL_SLICE_SHIFT		30
#define MDL_SLICE_BYTES		BIT_ULL(MDL_SLICE_SHIFT)

/* Largest buffer of one MDL fd (struct mdl_version.max_bytes). */
#define MDL_OBJ_MAX_BYTES	(64 * (u64)SZ_1G)

/*
 * Allocations a command of /dev/mdl or of an MDL fd makes for its caller
 * are charged to the caller's memory cgroup and fail with ENOMEM at its
 * limit, without an OOM kill or an allocation warning: MDL_GFP_CHARGED is
 * added to an allocator's own flags, MDL_GFP_USER is the whole set.
 */
#define MDL_GFP_CHARGED		(__GFP_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)
#define MDL_GFP_USER		(GFP_KERNEL | MDL_GFP_CHARGED)

/* Largest count of MDL_IOC_GET_PFNS and MDL_IOC_TRANSLATE. */
#define MDL_MAX_PFNS_PER_CALL	BIT(20)

/**
 * struct mdl_obj - the buffer behind an MDL fd
 * @ref: references: fds, handles, dma-bufs, parts built from this object
 * @kind: MDL_KIND_*
 * @va: address of the buffer's first byte in the object's address space
 *      (the slicing grid; see the top of this file)
 * @length: length of the buffer in bytes
 * @npages: number of pages the buffer spans
 * @source: MDL_KIND_PARTIAL: the object whose pages this part describes
 *          (never itself a part: a part of a part refers to the first
 *          object)
 * @user: user charged for @charged pages (locked_vm against RLIMIT_MEMLOCK),
 *        or NULL (nothing charged, or a caller with CAP_IPC_LOCK)
 * @mm: address space whose pinned_vm counts @charged pages, or NULL
 * @charged: pages charged by mdl_obj_charge()
 * @uncached: pages counted against uncached_max_pages (mdl_obj_charge_uncached())
 * @vbuf: MDL_KIND_NONPAGED: the vmalloc buffer the MDLs describe
 * @linked: complete and counted in the statistics (mdl_obj_link())
 * @embed: MDL_KIND_USER of one small slice: room after @mdls for its MDL
 *         (mdl_init_private()), freed with the object; else NULL
 * @map_lock: serialises system mappings of the MDLs (see above)
 * @nmdls: number of MDLs in @mdls
 * @mdls: the chain, one MDL per slice, linked by Next as well
 */
struct mdl_obj {
	refcount_t ref;
	u32 kind;
	u64 va;
	u64 length;
	u64 npages;
	struct mdl_obj *source;
	struct user_struct *user;
	struct mm_struct *mm;
	u64 charged;
	u64 uncached;
	void *vbuf;
	bool linked;
	void *embed;
	struct mutex map_lock;	/* system mappings of @mdls */
	u32 nmdls;
	PMDL mdls[];
};

/* Number of 1 GiB slices of the buffer [@va, @va + @len), @len > 0. */
static inline u32 mdl_slice_count(u64 va, u64 len)
{
	return (u32)(((va + len - 1) >> MDL_SLICE_SHIFT) -
		     (va >> MDL_SLICE_SHIFT) + 1);
}

/* Start and length of slice @i of the buffer [@va, @va + @len). */
static inline void mdl_slice_range(u64 va, u64 len, u32 i, u64 *start,
				   u64 *slen)
{
	u64 base = ((va >> MDL_SLICE_SHIFT) + i) << MDL_SLICE_SHIFT;
	u64 s = max(va, base);
	u64 e = min(va + len, base + MDL_SLICE_BYTES);

	*start = s;
	*slen = e - s;
}

/* Slice holding byte @off of the buffer that starts at @va. */
static inline u32 mdl_slice_of_offset(u64 va, u64 off)
{
	return (u32)(((va + off) >> MDL_SLICE_SHIFT) - (va >> MDL_SLICE_SHIFT));
}

/*
 * Slice holding page @page of the buffer at @va (pages count from the page
 * of @va) and, in *@index, the page's entry in that slice's PFN array.
 */
static inline u32 mdl_slice_of_page(u64 va, u64 page, u64 *index)
{
	u64 first = va & PAGE_MASK;
	u64 addr = first + (page << PAGE_SHIFT);
	u32 i = (u32)((addr >> MDL_SLICE_SHIFT) - (va >> MDL_SLICE_SHIFT));
	u64 base = i ? addr & ~(MDL_SLICE_BYTES - 1) : first;

	*index = (addr - base) >> PAGE_SHIFT;
	return i;
}

/* Are the bits of @flags within @allowed? */
static inline bool mdl_flags_ok(u32 flags, u32 allowed)
{
	return !(flags & ~allowed);
}

/* Is @cache one of the MDL_CACHE_* values? */
static inline bool mdl_cache_type_ok(u32 cache)
{
	return cache <= 2;
}

/* A buffer of 1 to MDL_OBJ_MAX_BYTES bytes that does not wrap. */
static inline bool mdl_length_ok(u64 start, u64 length)
{
	u64 end;

	return length && length <= MDL_OBJ_MAX_BYTES &&
	       !check_add_overflow(start, length, &end);
}

/* Fields of MDL_IOC_LOCK_USER, once copied in: 0 or -EINVAL. */
static inline int mdl_lock_args_check(const struct mdl_lock_user *a)
{
	if (!mdl_flags_ok(a->flags, MDL_LOCK_WRITE | MDL_FD_CLOEXEC |
			  MDL_LOCK_HANDLE) ||
	    (a->flags & (MDL_LOCK_HANDLE | MDL_FD_CLOEXEC)) ==
	    (MDL_LOCK_HANDLE | MDL_FD_CLOEXEC) ||
	    a->reserved || !mdl_length_ok(a->addr, a->length))
		return -EINVAL;
	return 0;
}

/* Fields of MDL_IOC_ALLOC_PAGES, once copied in: 0 or -EINVAL. */
static inline int mdl_alloc_args_check(const struct mdl_alloc_pages *a)
{
	if (!mdl_flags_ok(a->flags, MDL_ALLOC_CONTIGUOUS | MDL_ALLOC_NONPAGED |
			  MDL_FD_CLOEXEC) ||
	    ((a->flags & MDL_ALLOC_CONTIGUOUS) && (a->flags & MDL_ALLOC_NONPAGED)) ||
	    /* vmalloc memory is mapped cached by the kernel: one type a page. */
	    ((a->flags & MDL_ALLOC_NONPAGED) && a->cache_type != MDL_CACHE_CACHED) ||
	    !mdl_cache_type_ok(a->cache_type) || !mdl_length_ok(0, a->length))
		return -EINVAL;
	return 0;
}

/* Fields of MDL_IOC_MAP_IO_SPACE, once copied in: 0 or -EINVAL. */
static inline int mdl_io_args_check(const struct mdl_io_space *a)
{
	if (!mdl_flags_ok(a->flags, MDL_FD_CLOEXEC) ||
	    !mdl_cache_type_ok(a->cache_type) ||
	    !mdl_length_ok(a->phys_addr, a->length) ||
	    !PAGE_ALIGNED(a->phys_addr) || !PAGE_ALIGNED(a->length) ||
	    a->phys_addr + a->length - 1 > mdl_phys_addr_max())
		return -EINVAL;
	return 0;
}

/*
 * The structure of any command, as the ioctl dispatch holds its copy; an
 * ioctl table refuses at build time a structure that does not fit.
 */
union mdl_ucmd_buffer {
	struct mdl_version version;
	struct mdl_lock_user lock_user;
	struct mdl_alloc_pages alloc_pages;
	struct mdl_io_space io_space;
	struct mdl_translate translate;
	struct mdl_handle handle;
	struct mdl_info info;
	struct mdl_pfns pfns;
	struct mdl_partial partial;
	struct mdl_export_dmabuf export_dmabuf;
};

/**
 * struct mdl_ucmd - one command being run
 * @file: the open file the command came to
 * @obj: the object of the MDL fd the command came to; NULL on /dev/mdl
 * @ubuffer: the caller's structure
 * @cmd: the kernel's copy of it; its size field holds the caller's size
 */
struct mdl_ucmd {
	struct file *file;
	struct mdl_obj *obj;
	void __user *ubuffer;
	void *cmd;
};

/**
 * struct mdl_ioctl_op - one entry of a device's ioctl table
 * @ioc: the MDL_IOC_* number
 * @size: sizeof the kernel's structure
 * @min_size: size of the structure's first version, the smallest accepted
 * @execute: the handler, given the structure copied in
 */
struct mdl_ioctl_op {
	unsigned int ioc;
	u32 size;
	u32 min_size;
	int (*execute)(struct mdl_ucmd *ucmd);
};

/* The fd field of a command's structure @type, in the caller's copy. */
#define mdl_ucmd_fd(ucmd, type)	(&((type __user *)(ucmd)->ubuffer)->fd)

/*
 * An ioctl table entry: @last is the last field of the structure's first
 * version, which never changes once released.
 */
#define MDL_IOCTL_OP(_ioc, _fn, _struct, _last)				\
	{								\
		.ioc = _ioc,						\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(_struct) >			\
					  sizeof(union mdl_ucmd_buffer)),	\
		.min_size = offsetofend(_struct, _last),		\
		.execute = _fn,						\
	}

/* mdl_dev.c: /dev/mdl and the ioctl dispatch of both devices. */
int mdl_copy_args(void *karg, size_t ksize, size_t min_size,
		  const void __user *uarg);
int mdl_copy_out(void __user *uarg, const void *karg, size_t ksize);
long mdl_ioctl(const struct mdl_ioctl_op *ops, size_t nops, struct file *file,
	       struct mdl_obj *obj, unsigned int cmd, unsigned long arg);

/**
 * struct mdl_obj_type - how one kind of object is built
 * @kind: MDL_KIND_*
 * @prepare: optional: what the object needs before its MDLs (charges,
 *           a buffer, a reservation); 0 or a negative errno
 * @slice: make the MDL of slice @i and add it (mdl_obj_add()); 0 or a
 *         negative errno
 *
 * Both take the command's structure (or the object a part is made of) as
 * @arg. What they leave behind on failure is undone by the object's
 * destruction.
 */
struct mdl_obj_type {
	u32 kind;
	int (*prepare)(struct mdl_obj *obj, void *arg);
	int (*slice)(struct mdl_obj *obj, u32 i, void *arg);
};

/* mdl_fd.c: MDL objects and their fds. */
struct mdl_obj *mdl_obj_new(const struct mdl_obj_type *type, u64 va,
			    u64 length, void *arg);
int mdl_obj_install(struct mdl_obj *obj, u32 flags, __s32 __user *ufd);
int mdl_obj_create(const struct mdl_obj_type *type, u64 va, u64 length,
		   void *arg, u32 flags, __s32 __user *ufd);
void mdl_obj_get(struct mdl_obj *obj);
void mdl_obj_put(struct mdl_obj *obj);
void mdl_obj_add(struct mdl_obj *obj, PMDL mdl);
int mdl_obj_charge(struct mdl_obj *obj, u64 npages);
int mdl_obj_charge_uncached(struct mdl_obj *obj, u32 cache);
bool mdl_obj_writable(const struct mdl_obj *obj);
u32 mdl_obj_cache_type(const struct mdl_obj *obj);
int mdl_obj_cache(struct mdl_obj *obj, MEMORY_CACHING_TYPE *cache);
int mdl_obj_mmap(struct mdl_obj *obj, struct vm_area_struct *vma);

/* mdl_dmabuf.c: the dma-buf exporter, where the kernel has dma-buf. */
#ifdef CONFIG_DMA_SHARED_BUFFER
#define MDL_HAVE_DMABUF		1
int mdl_dmabuf_export(struct mdl_obj *obj, u32 flags, __s32 __user *ufd);
#else
#define MDL_HAVE_DMABUF		0
static inline int mdl_dmabuf_export(struct mdl_obj *obj, u32 flags,
				    __s32 __user *ufd)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _MDL_OBJ_H */
