// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/mdl: the misc device that creates MDL fds (uapi/linux/mdl.h).
 *
 * Commands: MDL_IOC_GET_VERSION, MDL_IOC_LOCK_USER (IoAllocateMdl +
 * MmTryProbeAndLockPages, UserMode), MDL_IOC_ALLOC_PAGES
 * (MmAllocatePagesForMdlEx, or vmalloc + MmTryBuildMdlForNonPagedPool),
 * MDL_IOC_MAP_IO_SPACE (MmAllocateMdlForIoSpace) and MDL_IOC_TRANSLATE
 * (MmGetPhysicalAddress).
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
 * There is no global name space: an MDL is reachable only through its fd.
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

#include <linux/mdl.h>

#include "mdl_obj.h"

/* Addresses handled per batch by MDL_IOC_TRANSLATE. */
#define MDL_TRANSLATE_BATCH	(PAGE_SIZE / sizeof(u64))

#define MDL_FEATURES	(MDL_FEATURE_LOCK_USER | MDL_FEATURE_ALLOC_PAGES | \
			 MDL_FEATURE_NONPAGED | MDL_FEATURE_IO_SPACE | \
			 MDL_FEATURE_TRANSLATE | MDL_FEATURE_PARTIAL | \
			 MDL_FEATURE_RW | MDL_FEATURE_MMAP | \
			 (MDL_HAVE_DMABUF ? MDL_FEATURE_DMABUF : 0))

/**
 * mdl_copy_args() - read a command's structure from user space
 * @karg: the kernel's structure, starting with __u32 size
 * @ksize: sizeof the kernel's structure (also the first version's size)
 * @uarg: the caller's structure
 *
 * Context: process context, may sleep.
 * Return: 0; -EFAULT; -EINVAL for a size below the first version; -E2BIG
 * for a larger size with non-zero extra bytes, or above PAGE_SIZE.
 */
int mdl_copy_args(void *karg, size_t ksize, const void __user *uarg)
{
	u32 usize;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < ksize)
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
	case STATUS_WORKING_SET_QUOTA:
	case STATUS_NO_MEMORY:
		return -ENOMEM;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* MDL_IOC_GET_VERSION                                                */
/* ------------------------------------------------------------------ */

static int mdl_ioc_get_version(void __user *uarg)
{
	struct mdl_version v;
	int ret;

	ret = mdl_copy_args(&v, sizeof(v), uarg);
	if (ret)
		return ret;
	if (v.flags)
		return -EINVAL;
	v.abi_major = MDL_ABI_MAJOR;
	v.abi_minor = MDL_ABI_MINOR;
	v.features = MDL_FEATURES;
	v.page_size = PAGE_SIZE;
	v.max_pfns_per_call = MDL_MAX_PFNS_PER_CALL;
	v.max_bytes = MDL_OBJ_MAX_BYTES;
	return mdl_copy_out(uarg, &v, sizeof(v));
}

/* ------------------------------------------------------------------ */
/* MDL_IOC_LOCK_USER                                                  */
/* ------------------------------------------------------------------ */

static int mdl_lock_slice(struct mdl_obj *obj, u32 i, bool write)
{
	u64 start, len;
	PMDL mdl;

	mdl_slice_range(obj->va, obj->length, i, &start, &len);
	mdl = mdl_alloc_owned((PVOID)(uintptr_t)start, len, MDL_GFP_USER);
	if (!mdl)
		return -ENOMEM;
	mdl_obj_add(obj, mdl);
	return mdl_status_errno(MmTryProbeAndLockPages(mdl, UserMode,
			write ? IoWriteAccess : IoReadAccess));
}

static struct mdl_obj *mdl_obj_lock_user(u64 addr, u64 length, bool write)
{
	struct mdl_obj *obj;
	int ret;
	u32 i, n;

	obj = mdl_obj_alloc(MDL_KIND_USER, addr, length);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->access = MDL_ACCESS_READ | (write ? MDL_ACCESS_WRITE : 0);
	obj->cache = MDL_CACHE_CACHED;
	ret = mdl_obj_charge(obj, obj->npages);
	n = mdl_slice_count(addr, length);
	for (i = 0; i < n && !ret; i++)
		ret = mdl_lock_slice(obj, i, write);
	if (ret) {
		mdl_obj_put(obj);
		return ERR_PTR(ret);
	}
	mdl_obj_link(obj);
	return obj;
}

static int mdl_ioc_lock_user(void __user *uarg)
{
	struct mdl_lock_user __user *up = uarg;
	struct mdl_lock_user a;
	struct mdl_obj *obj;
	int ret;

	ret = mdl_copy_args(&a, sizeof(a), uarg);
	if (ret)
		return ret;
	if (mdl_lock_args_check(&a))
		return -EINVAL;
	if (!access_ok(u64_to_user_ptr(a.addr), a.length))
		return -EFAULT;
	obj = mdl_obj_lock_user(a.addr, a.length, a.flags & MDL_LOCK_WRITE);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	return mdl_obj_install(obj, a.flags, &up->fd);
}

/* ------------------------------------------------------------------ */
/* MDL_IOC_ALLOC_PAGES                                                */
/* ------------------------------------------------------------------ */

static int mdl_alloc_slice(struct mdl_obj *obj, u32 i, ULONG mm_flags,
			   u64 chunk)
{
	PHYSICAL_ADDRESS low = { .QuadPart = 0 };
	PHYSICAL_ADDRESS high = { .QuadPart = S64_MAX };
	PHYSICAL_ADDRESS skip = { .QuadPart = chunk };
	u64 start, len;
	PMDL mdl;

	mdl_slice_range(obj->va, obj->length, i, &start, &len);
	mdl = mdl_allocate_pages(low, high, skip, len, obj->cache, mm_flags,
				 MDL_GFP_CHARGED);
	if (!mdl)
		return -ENOMEM;
	mdl_obj_add(obj, mdl);
	return MmGetMdlByteCount(mdl) == len ? 0 : -ENOMEM;
}

static int mdl_nonpaged_slice(struct mdl_obj *obj, u32 i)
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

/*
 * MDL_ALLOC_CONTIGUOUS: the whole buffer is one block of the page allocator
 * (MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS with one chunk), at most
 * 2^MDL_MAX_ORDER pages.
 */
static int mdl_alloc_build(struct mdl_obj *obj, u32 flags)
{
	ULONG mm_flags = MM_ALLOCATE_FULLY_REQUIRED;
	u32 i, n = mdl_slice_count(obj->va, obj->length);
	u64 chunk = 0;
	int ret = 0;

	if (flags & MDL_ALLOC_CONTIGUOUS) {
		if (order_base_2(obj->npages) > MDL_MAX_ORDER)
			return -ENOMEM;
		chunk = PAGE_SIZE << order_base_2(obj->npages);
		mm_flags |= MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS;
	}
	if (flags & MDL_ALLOC_NONPAGED) {
		obj->vbuf = __vmalloc(obj->npages << PAGE_SHIFT,
				      MDL_GFP_USER | __GFP_ZERO);
		if (!obj->vbuf)
			return -ENOMEM;
	}
	for (i = 0; i < n && !ret; i++) {
		if (flags & MDL_ALLOC_NONPAGED)
			ret = mdl_nonpaged_slice(obj, i);
		else
			ret = mdl_alloc_slice(obj, i, mm_flags, chunk);
	}
	return ret;
}

static struct mdl_obj *mdl_obj_alloc_pages(u64 length, u32 flags, u32 cache)
{
	u32 kind = (flags & MDL_ALLOC_NONPAGED) ? MDL_KIND_NONPAGED : MDL_KIND_PAGES;
	struct mdl_obj *obj;
	int ret;

	obj = mdl_obj_alloc(kind, 0, length);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->access = MDL_ACCESS_READ | MDL_ACCESS_WRITE;
	obj->cache = cache;
	ret = mdl_obj_charge_uncached(obj);
	if (!ret && obj->npages > totalram_pages())
		ret = -ENOMEM;
	if (!ret)
		ret = mdl_obj_charge(obj, obj->npages);
	if (!ret)
		ret = mdl_alloc_build(obj, flags);
	if (ret) {
		mdl_obj_put(obj);
		return ERR_PTR(ret);
	}
	mdl_obj_link(obj);
	return obj;
}

static int mdl_ioc_alloc_pages(void __user *uarg)
{
	struct mdl_alloc_pages __user *up = uarg;
	struct mdl_alloc_pages a;
	struct mdl_obj *obj;
	int ret;

	ret = mdl_copy_args(&a, sizeof(a), uarg);
	if (ret)
		return ret;
	if (mdl_alloc_args_check(&a))
		return -EINVAL;
	obj = mdl_obj_alloc_pages(a.length, a.flags, a.cache_type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	return mdl_obj_install(obj, a.flags, &up->fd);
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

static int mdl_io_slice(struct mdl_obj *obj, u32 i, u64 phys)
{
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
	mdl_obj_add(obj, mdl);
	return 0;
}

static struct mdl_obj *mdl_obj_io_space(u64 phys, u64 length, u32 cache)
{
	struct mdl_obj *obj;
	int ret = 0;
	u32 i, n;

	obj = mdl_obj_alloc(MDL_KIND_IO_SPACE, 0, length);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->access = MDL_ACCESS_READ | MDL_ACCESS_WRITE;
	obj->cache = cache;
	/* One memory type a page: held for the fd, released at its end. */
	ret = mdl_io_type_hold_range(obj, phys, length, cache, MDL_GFP_USER);
	if (ret) {
		mdl_obj_put(obj);
		return ERR_PTR(ret);
	}
	n = mdl_slice_count(0, length);
	for (i = 0; i < n && !ret; i++)
		ret = mdl_io_slice(obj, i, phys);
	if (ret) {
		mdl_obj_put(obj);
		return ERR_PTR(ret);
	}
	mdl_obj_link(obj);
	return obj;
}

static int mdl_ioc_map_io_space(void __user *uarg)
{
	struct mdl_io_space __user *up = uarg;
	struct mdl_io_space a;
	struct mdl_obj *obj;
	int ret;

	ret = mdl_copy_args(&a, sizeof(a), uarg);
	if (ret)
		return ret;
	if (mdl_io_args_check(&a))
		return -EINVAL;
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	/* As /dev/mem: no access to device memory under lockdown. */
	ret = security_locked_down(LOCKDOWN_DEV_MEM);
	if (ret)
		return ret;
	if (!mdl_io_range_allowed(a.phys_addr, a.length))
		return -EPERM;
	obj = mdl_obj_io_space(a.phys_addr, a.length, a.cache_type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	return mdl_obj_install(obj, a.flags, &up->fd);
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

static int mdl_ioc_translate(void __user *uarg)
{
	struct mdl_translate a;
	int ret;

	ret = mdl_copy_args(&a, sizeof(a), uarg);
	if (ret)
		return ret;
	if (a.flags || a.reserved || !a.count ||
	    a.count > MDL_MAX_PFNS_PER_CALL)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return mdl_translate(u64_to_user_ptr(a.addrs), u64_to_user_ptr(a.phys),
			     a.count);
}

/* ------------------------------------------------------------------ */
/* The device.                                                        */
/* ------------------------------------------------------------------ */

static long mdl_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MDL_IOC_GET_VERSION:
		return mdl_ioc_get_version(uarg);
	case MDL_IOC_LOCK_USER:
		return mdl_ioc_lock_user(uarg);
	case MDL_IOC_ALLOC_PAGES:
		return mdl_ioc_alloc_pages(uarg);
	case MDL_IOC_MAP_IO_SPACE:
		return mdl_ioc_map_io_space(uarg);
	case MDL_IOC_TRANSLATE:
		return mdl_ioc_translate(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mdl_dev_fops = {
	.owner = THIS_MODULE,
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
