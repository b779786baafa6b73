// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/mdl: the misc device that creates MDL fds (uapi/linux/mdl.h).
 *
 * Commands: MDL_IOC_GET_VERSION, MDL_IOC_LOCK_USER (IoAllocateMdl +
 * MmTryProbeAndLockPages, UserMode), MDL_IOC_ALLOC_PAGES
 * (MmAllocatePagesForMdlEx, or vmalloc + MmTryBuildMdlForNonPagedPool),
 * MDL_IOC_MAP_IO_SPACE (MmAllocateMdlForIoSpace), MDL_IOC_TRANSLATE
 * (MmGetPhysicalAddress), and MDL_IOC_UNLOCK and MDL_IOC_HANDLE_FD on the
 * handles of locks that made no fd (MDL_LOCK_HANDLE).
 *
 * Handles: each open file of /dev/mdl has a table (struct mdl_handles), an
 * allocating xarray of objects, each entry holding one reference. The
 * xarray's lock orders a lookup that takes a reference (MDL_IOC_HANDLE_FD)
 * against the removal that drops the entry's (MDL_IOC_UNLOCK); the release
 * of the file drops what is left.
 *
 * Permissions. The node is created 0666, as /dev/infiniband/uverbs* and
 * /dev/udmabuf commonly are, because the kernel checks every privileged
 * command itself:
 *  - locking and allocating only touch the caller's own memory, and are
 *    charged to the calling user's RLIMIT_MEMLOCK (user->locked_vm, for
 *    as long as the MDL lives, wherever its fds go) unless the caller has
 *    CAP_IPC_LOCK, as io_uring and iommufd buffers are; every allocation
 *    a command makes (pages, MDLs and their PFN arrays, objects) is charged
 *    to the caller's memory cgroup;
 *  - physical addresses (MDL_IOC_TRANSLATE, MDL_IOC_GET_PFNS, kernel
 *    addresses in MDL_IOC_QUERY) need CAP_SYS_ADMIN, as
 *    /proc/self/pagemap's PFNs do;
 *  - I/O space needs CAP_SYS_RAWIO, is refused under kernel lockdown
 *    (LOCKDOWN_DEV_MEM) and follows /dev/mem's strict rules.
 * There is no global name space: an MDL is reachable only through its fd,
 * or its handle in the table of the open file that made it.
 * A site that wants fewer users can still narrow the node with udev, e.g.
 * /etc/udev/rules.d/60-mdl.rules:
 *
 *	KERNEL=="mdl", SUBSYSTEM=="misc", MODE="0660", GROUP="mdl"
 *
 * Arguments: each command's structure starts with its size and flags.
 * Sizes below the first version are refused (EINVAL), larger ones must have
 * zero extra bytes (E2BIG, also above PAGE_SIZE), unknown flags and
 * non-zero reserved fields are refused (EINVAL), ranges are checked for
 * overflow before any page is touched. A failed command changes nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/ioport.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include <linux/mdl.h>

#include "mdl_obj.h"

/* Addresses handled per batch by MDL_IOC_TRANSLATE. */
#define MDL_TRANSLATE_BATCH	(PAGE_SIZE / sizeof(u64))

#define MDL_FEATURES	(MDL_FEATURE_LOCK_USER | MDL_FEATURE_ALLOC_PAGES | \
			 MDL_FEATURE_NONPAGED | MDL_FEATURE_IO_SPACE | \
			 MDL_FEATURE_TRANSLATE | MDL_FEATURE_PARTIAL | \
			 MDL_FEATURE_RW | MDL_FEATURE_MMAP | MDL_FEATURE_HANDLES | \
			 (MDL_HAVE_DMABUF ? MDL_FEATURE_DMABUF : 0))

/**
 * struct mdl_handles - the state of one open file of /dev/mdl
 * @xa: its handles: the objects of MDL_LOCK_HANDLE locks, by handle
 */
struct mdl_handles {
	struct xarray xa;
};

/**
 * mdl_copy_args() - read a command's structure from user space
 * @karg: the kernel's structure, starting with __u32 size
 * @ksize: sizeof the kernel's structure
 * @min_size: size of the structure's first version
 * @uarg: the caller's structure
 *
 * Any size from @min_size up is taken: the kernel's fields past a shorter
 * structure read as zero, a longer structure's bytes past @ksize must be
 * zero (copy_struct_from_user()).
 *
 * Context: process context, may sleep.
 * Return: 0; -EFAULT; -EINVAL for a size below the first version; -E2BIG
 * for a larger size with non-zero extra bytes, or above PAGE_SIZE.
 */
int mdl_copy_args(void *karg, size_t ksize, size_t min_size,
		  const void __user *uarg)
{
	u32 usize;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(karg, ksize, uarg, usize);
}

/**
 * mdl_copy_out() - write a command's structure back to user space
 * @uarg: the caller's structure
 * @karg: the kernel's structure; its size field holds the caller's size
 * @ksize: sizeof the kernel's structure
 *
 * Context: process context, may sleep.
 * Return: 0 or -EFAULT.
 */
int mdl_copy_out(void __user *uarg, const void *karg, size_t ksize)
{
	size_t n = min_t(size_t, *(const u32 *)karg, ksize);

	return copy_to_user(uarg, karg, n) ? -EFAULT : 0;
}

/**
 * mdl_ioctl() - run a command through a device's ioctl table
 * @ops: the table
 * @nops: its number of entries
 * @file: the open file the command came to
 * @obj: the object of the MDL fd the command came to, or NULL
 * @cmd: the ioctl number
 * @arg: the caller's structure
 *
 * The command's structure is copied in (mdl_copy_args()) before its
 * handler runs.
 *
 * Context: process context, may sleep.
 * Return: the handler's result, an error of mdl_copy_args(), or -ENOTTY
 * for a command not in the table.
 */
long mdl_ioctl(const struct mdl_ioctl_op *ops, size_t nops, struct file *file,
	       struct mdl_obj *obj, unsigned int cmd, unsigned long arg)
{
	union mdl_ucmd_buffer buf;
	struct mdl_ucmd ucmd = {
		.file = file,
		.obj = obj,
		.ubuffer = (void __user *)arg,
		.cmd = &buf,
	};
	const struct mdl_ioctl_op *op;
	int ret;

	for (op = ops; op < ops + nops; op++) {
		if (op->ioc != cmd)
			continue;
		ret = mdl_copy_args(&buf, op->size, op->min_size, ucmd.ubuffer);
		return ret ? ret : op->execute(&ucmd);
	}
	return -ENOTTY;
}

static int mdl_status_errno(NTSTATUS status)
{
	switch (status) {
	case STATUS_SUCCESS:
		return 0;
	case STATUS_ACCESS_VIOLATION:
		return -EFAULT;
	case STATUS_ACCESS_DENIED:
		return -EPERM;
	case STATUS_INSUFFICIENT_RESOURCES:
	case STATUS_NO_MEMORY:
		return -ENOMEM;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* MDL_IOC_GET_VERSION                                                */
/* ------------------------------------------------------------------ */

static int mdl_ioc_get_version(struct mdl_ucmd *ucmd)
{
	struct mdl_version *v = ucmd->cmd;

	if (v->flags)
		return -EINVAL;
	v->abi_major = MDL_ABI_MAJOR;
	v->abi_minor = MDL_ABI_MINOR;
	v->features = MDL_FEATURES;
	v->page_size = PAGE_SIZE;
	v->max_pfns_per_call = MDL_MAX_PFNS_PER_CALL;
	v->max_bytes = MDL_OBJ_MAX_BYTES;
	return mdl_copy_out(ucmd->ubuffer, v, sizeof(*v));
}

/* ------------------------------------------------------------------ */
/* MDL_IOC_LOCK_USER                                                  */
/* ------------------------------------------------------------------ */

static int mdl_lock_slice(struct mdl_obj *obj, u32 i, void *arg)
{
	struct mdl_lock_user *a = arg;
	bool write = a->flags & MDL_LOCK_WRITE;
	u64 start, len;
	PMDL mdl;

	mdl_slice_range(obj->va, obj->length, i, &start, &len);
	if (obj->embed)
		mdl = mdl_init_private(obj->embed, (void *)(uintptr_t)start, len);
	else
		mdl = mdl_alloc_private((void *)(uintptr_t)start, len,
					MDL_GFP_USER);
	if (!mdl)
		return -ENOMEM;
	mdl_obj_add(obj, mdl);
	return mdl_status_errno(mdl_lock_owned(mdl, UserMode,
			write ? IoWriteAccess : IoReadAccess));
}

/* The pages of every slice are charged before the first is locked. */
static int mdl_lock_prepare(struct mdl_obj *obj, void *arg)
{
	return mdl_obj_charge(obj, obj->npages);
}

/* ------------------------------------------------------------------ */
/* MDL_IOC_ALLOC_PAGES                                                */
/* ------------------------------------------------------------------ */

/*
 * MDL_ALLOC_CONTIGUOUS: the whole buffer is one block of the page allocator
 * (MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS with one chunk), at most
 * 2^MDL_MAX_ORDER pages.
 */
static int mdl_alloc_slice(struct mdl_obj *obj, u32 i, void *arg)
{
	struct mdl_alloc_pages *a = arg;
	bool contig = a->flags & MDL_ALLOC_CONTIGUOUS;
	ULONG mm_flags = MM_ALLOCATE_FULLY_REQUIRED |
			 (contig ? MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS : 0);
	PHYSICAL_ADDRESS low = { .QuadPart = 0 };
	PHYSICAL_ADDRESS high = { .QuadPart = S64_MAX };
	PHYSICAL_ADDRESS skip = { .QuadPart = 0 };
	u64 start, len;
	PMDL mdl;

	if (contig)
		skip.QuadPart = PAGE_SIZE << order_base_2(obj->npages);
	mdl_slice_range(obj->va, obj->length, i, &start, &len);
	mdl = mdl_allocate_pages(low, high, skip, len, a->cache_type, mm_flags,
				 MDL_GFP_CHARGED);
	if (!mdl)
		return -ENOMEM;
	mdl_obj_add(obj, mdl);
	return MmGetMdlByteCount(mdl) == len ? 0 : -ENOMEM;
}

static int mdl_nonpaged_slice(struct mdl_obj *obj, u32 i, void *arg)
{
	u64 start, len;
	PMDL mdl;

	mdl_slice_range(obj->va, obj->length, i, &start, &len);
	mdl = mdl_alloc_owned((char *)obj->vbuf + start, len, MDL_GFP_USER);
	if (!mdl)
		return -ENOMEM;
	mdl_obj_add(obj, mdl);
	return mdl_status_errno(MmTryBuildMdlForNonPagedPool(mdl));
}

/* Charges, then the block limit of one contiguous allocation. */
static int mdl_alloc_prepare(struct mdl_obj *obj, void *arg)
{
	struct mdl_alloc_pages *a = arg;
	int ret;

	ret = mdl_obj_charge_uncached(obj, a->cache_type);
	if (!ret && obj->npages > totalram_pages())
		ret = -ENOMEM;
	if (!ret)
		ret = mdl_obj_charge(obj, obj->npages);
	if (!ret && (a->flags & MDL_ALLOC_CONTIGUOUS) &&
	    order_base_2(obj->npages) > MDL_MAX_ORDER)
		ret = -ENOMEM;
	return ret;
}

/* Non-paged memory: the vmalloc buffer the slices' MDLs then describe. */
static int mdl_nonpaged_prepare(struct mdl_obj *obj, void *arg)
{
	int ret = mdl_alloc_prepare(obj, arg);

	if (ret)
		return ret;
	obj->vbuf = __vmalloc(obj->npages << PAGE_SHIFT,
			      MDL_GFP_USER | __GFP_ZERO);
	return obj->vbuf ? 0 : -ENOMEM;
}

/* ------------------------------------------------------------------ */
/* MDL_IOC_MAP_IO_SPACE                                               */
/* ------------------------------------------------------------------ */

static int mdl_res_claimed(struct resource *res, void *arg)
{
	return IS_ENABLED(CONFIG_IO_STRICT_DEVMEM) ||
	       (res->flags & IORESOURCE_EXCLUSIVE);
}

/*
 * /dev/mem's strict rules (CONFIG_STRICT_DEVMEM, iomem_is_exclusive()):
 * no System RAM, nothing a driver claimed (busy) when
 * CONFIG_IO_STRICT_DEVMEM is set, nothing claimed exclusively otherwise.
 */
static bool mdl_io_range_allowed(u64 phys, u64 length)
{
	if (region_intersects(phys, length, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT)
		return false;
	return walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM | IORESOURCE_BUSY,
				   phys, phys + length - 1, NULL,
				   mdl_res_claimed) <= 0;
}

/*
 * The MDL of each slice keeps the cache type of the command (mdl_ext.cache)
 * for the object's mappings.
 */
static int mdl_io_slice(struct mdl_obj *obj, u32 i, void *arg)
{
	struct mdl_io_space *a = arg;
	u64 phys = a->phys_addr;
	MM_PHYSICAL_ADDRESS_LIST range;
	u64 start, len;
	NTSTATUS status;
	PMDL mdl = NULL;

	mdl_slice_range(obj->va, obj->length, i, &start, &len);
	range.PhysicalAddress.QuadPart = phys + start;
	range.NumberOfBytes = len;
	status = mdl_alloc_mdl_for_io(&range, 1, &mdl, MDL_GFP_USER);
	if (!NT_SUCCESS(status))
		return mdl_status_errno(status);
	mdl_ext_find(mdl)->cache = a->cache_type;
	mdl_obj_add(obj, mdl);
	return 0;
}

/* One memory type a page: held for the fd, released at its end. */
static int mdl_io_prepare(struct mdl_obj *obj, void *arg)
{
	struct mdl_io_space *a = arg;

	return mdl_io_type_hold_range(obj, a->phys_addr, a->length,
				      a->cache_type, MDL_GFP_USER);
}

/* ------------------------------------------------------------------ */
/* The commands that make an object                                   */
/* ------------------------------------------------------------------ */

/*
 * The objects /dev/mdl builds, by kind: what each needs before its MDLs,
 * and how the MDL of one slice is made.
 */
static const struct mdl_obj_type mdl_dev_types[] = {
	[MDL_KIND_USER] = { MDL_KIND_USER, mdl_lock_prepare, mdl_lock_slice },
	[MDL_KIND_PAGES] = { MDL_KIND_PAGES, mdl_alloc_prepare, mdl_alloc_slice },
	[MDL_KIND_NONPAGED] = { MDL_KIND_NONPAGED, mdl_nonpaged_prepare,
				mdl_nonpaged_slice },
	[MDL_KIND_IO_SPACE] = { MDL_KIND_IO_SPACE, mdl_io_prepare, mdl_io_slice },
};

/*
 * Put a new object into the table of @ucmd's open file and tell the caller
 * its handle; the object's reference passes to the table, or is dropped on
 * error.
 */
static int mdl_handle_add(struct mdl_ucmd *ucmd, struct mdl_obj *obj,
			  __s32 __user *uhandle)
{
	struct mdl_handles *h = ucmd->file->private_data;
	u32 id;
	int ret;

	ret = xa_alloc(&h->xa, &id, obj, xa_limit_31b, MDL_GFP_USER);
	if (ret) {
		mdl_obj_put(obj);
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	if (put_user(id, uhandle)) {
		/* Unless another thread of the file's holders unlocked it. */
		if (xa_cmpxchg(&h->xa, id, obj, NULL, 0) == obj)
			mdl_obj_put(obj);
		return -EFAULT;
	}
	return 0;
}

static int mdl_ioc_lock_user(struct mdl_ucmd *ucmd)
{
	struct mdl_lock_user *a = ucmd->cmd;
	__s32 __user *ufd = mdl_ucmd_fd(ucmd, struct mdl_lock_user);
	struct mdl_obj *obj;

	if (mdl_lock_args_check(a))
		return -EINVAL;
	if (!access_ok(u64_to_user_ptr(a->addr), a->length))
		return -EFAULT;
	if (!(a->flags & MDL_LOCK_HANDLE))
		return mdl_obj_create(&mdl_dev_types[MDL_KIND_USER], a->addr,
				      a->length, a, a->flags, ufd);
	obj = mdl_obj_new(&mdl_dev_types[MDL_KIND_USER], a->addr, a->length, a);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	return mdl_handle_add(ucmd, obj, ufd);
}

static int mdl_ioc_alloc_pages(struct mdl_ucmd *ucmd)
{
	struct mdl_alloc_pages *a = ucmd->cmd;
	u32 kind = (a->flags & MDL_ALLOC_NONPAGED) ? MDL_KIND_NONPAGED :
						     MDL_KIND_PAGES;

	if (mdl_alloc_args_check(a))
		return -EINVAL;
	return mdl_obj_create(&mdl_dev_types[kind], 0, a->length, a, a->flags,
			      mdl_ucmd_fd(ucmd, struct mdl_alloc_pages));
}

static int mdl_ioc_map_io_space(struct mdl_ucmd *ucmd)
{
	struct mdl_io_space *a = ucmd->cmd;
	int ret;

	if (mdl_io_args_check(a))
		return -EINVAL;
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	/* As /dev/mem: no access to device memory under lockdown. */
	ret = security_locked_down(LOCKDOWN_DEV_MEM);
	if (ret)
		return ret;
	if (!mdl_io_range_allowed(a->phys_addr, a->length))
		return -EPERM;
	return mdl_obj_create(&mdl_dev_types[MDL_KIND_IO_SPACE], 0, a->length, a,
			      a->flags, mdl_ucmd_fd(ucmd, struct mdl_io_space));
}

/* ------------------------------------------------------------------ */
/* MDL_IOC_TRANSLATE                                                  */
/* ------------------------------------------------------------------ */

/* Physical address of a resident address of the caller, else 0. */
static u64 mdl_translate_one(u64 va)
{
	if (!va || !access_ok(u64_to_user_ptr(va), 1))
		return 0;
	return MmGetPhysicalAddress((PVOID)(uintptr_t)va).QuadPart;
}

static int mdl_translate_batch(u64 *buf, u64 __user *addrs, u64 __user *phys,
			       u32 n)
{
	u32 i;

	if (copy_from_user(buf, addrs, n * sizeof(u64)))
		return -EFAULT;
	for (i = 0; i < n; i++)
		buf[i] = mdl_translate_one(buf[i]);
	if (copy_to_user(phys, buf, n * sizeof(u64)))
		return -EFAULT;
	return 0;
}

static int mdl_translate(u64 __user *addrs, u64 __user *phys, u32 count)
{
	u32 done = 0, n;
	int ret = 0;
	u64 *buf;

	buf = kmalloc_array(MDL_TRANSLATE_BATCH, sizeof(u64), MDL_GFP_USER);
	if (!buf)
		return -ENOMEM;
	while (done < count && !ret) {
		n = min_t(u32, count - done, MDL_TRANSLATE_BATCH);
		ret = mdl_translate_batch(buf, addrs + done, phys + done, n);
		done += n;
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	kfree(buf);
	return ret;
}

static int mdl_ioc_translate(struct mdl_ucmd *ucmd)
{
	struct mdl_translate *a = ucmd->cmd;

	if (a->flags || a->reserved || !a->count ||
	    a->count > MDL_MAX_PFNS_PER_CALL)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return mdl_translate(u64_to_user_ptr(a->addrs), u64_to_user_ptr(a->phys),
			     a->count);
}

/* ------------------------------------------------------------------ */
/* MDL_IOC_UNLOCK, MDL_IOC_HANDLE_FD                                  */
/* ------------------------------------------------------------------ */

static int mdl_ioc_unlock(struct mdl_ucmd *ucmd)
{
	struct mdl_handles *h = ucmd->file->private_data;
	struct mdl_handle *a = ucmd->cmd;
	struct mdl_obj *obj;

	if (a->flags)
		return -EINVAL;
	obj = xa_erase(&h->xa, a->handle);
	if (!obj)
		return -ENOENT;
	mdl_obj_put(obj);
	return 0;
}

static int mdl_ioc_handle_fd(struct mdl_ucmd *ucmd)
{
	struct mdl_handles *h = ucmd->file->private_data;
	struct mdl_handle *a = ucmd->cmd;
	struct mdl_obj *obj;

	if (!mdl_flags_ok(a->flags, MDL_FD_CLOEXEC))
		return -EINVAL;
	xa_lock(&h->xa);
	obj = xa_load(&h->xa, a->handle);
	if (obj)
		mdl_obj_get(obj);
	xa_unlock(&h->xa);
	if (!obj)
		return -ENOENT;
	return mdl_obj_install(obj, a->flags, mdl_ucmd_fd(ucmd, struct mdl_handle));
}

/* ------------------------------------------------------------------ */
/* The device.                                                        */
/* ------------------------------------------------------------------ */

static const struct mdl_ioctl_op mdl_dev_ops[] = {
	MDL_IOCTL_OP(MDL_IOC_GET_VERSION, mdl_ioc_get_version,
		     struct mdl_version, max_bytes),
	MDL_IOCTL_OP(MDL_IOC_LOCK_USER, mdl_ioc_lock_user,
		     struct mdl_lock_user, reserved),
	MDL_IOCTL_OP(MDL_IOC_ALLOC_PAGES, mdl_ioc_alloc_pages,
		     struct mdl_alloc_pages, fd),
	MDL_IOCTL_OP(MDL_IOC_MAP_IO_SPACE, mdl_ioc_map_io_space,
		     struct mdl_io_space, fd),
	MDL_IOCTL_OP(MDL_IOC_TRANSLATE, mdl_ioc_translate,
		     struct mdl_translate, reserved),
	MDL_IOCTL_OP(MDL_IOC_UNLOCK, mdl_ioc_unlock, struct mdl_handle, fd),
	MDL_IOCTL_OP(MDL_IOC_HANDLE_FD, mdl_ioc_handle_fd, struct mdl_handle, fd),
};

static long mdl_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	return mdl_ioctl(mdl_dev_ops, ARRAY_SIZE(mdl_dev_ops), file, NULL, cmd,
			 arg);
}

static int mdl_dev_open(struct inode *inode, struct file *file)
{
	struct mdl_handles *h = kzalloc(sizeof(*h), MDL_GFP_USER);

	if (!h)
		return -ENOMEM;
	xa_init_flags(&h->xa, XA_FLAGS_ALLOC | XA_FLAGS_ACCOUNT);
	file->private_data = h;
	return 0;
}

/* The last fd of the open file is gone: release the handles left. */
static int mdl_dev_release(struct inode *inode, struct file *file)
{
	struct mdl_handles *h = file->private_data;
	struct mdl_obj *obj;
	unsigned long id;

	xa_for_each(&h->xa, id, obj) {
		xa_erase(&h->xa, id);
		mdl_obj_put(obj);
		cond_resched();
	}
	xa_destroy(&h->xa);
	kfree(h);
	return 0;
}

static const struct file_operations mdl_dev_fops = {
	.owner = THIS_MODULE,
	.open = mdl_dev_open,
	.release = mdl_dev_release,
	.unlocked_ioctl = mdl_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice mdl_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mdl",
	.fops = &mdl_dev_fops,
	.mode = 0666,
};

/**
 * mdl_dev_init() - create /dev/mdl
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int mdl_dev_init(void)
{
	return misc_register(&mdl_misc);
}

/**
 * mdl_dev_exit() - remove /dev/mdl
 *
 * Context: module exit.
 */
void mdl_dev_exit(void)
{
	misc_deregister(&mdl_misc);
}
