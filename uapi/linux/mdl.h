/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/mdl: Memory Descriptor Lists for user space.
 *
 * A process locks its buffers, allocates kernel pages or describes device
 * memory; each such MDL is a file descriptor, or a handle in a table of its
 * /dev/mdl open file (MDL_LOCK_HANDLE, below). Through the fd it reads the
 * MDL's facts, its physical page numbers (CAP_SYS_ADMIN), builds partial
 * MDLs, maps the pages with mmap (sharing them with every process that holds
 * the fd: fork, SCM_RIGHTS, pidfd_getfd), reads and writes them through the
 * kernel's mapping with pread/pwrite, and exports them as a dma-buf.
 *
 * Every command takes a structure that starts with @size (the structure
 * size the caller was built with) and @flags. A structure only ever grows
 * at its end, and each command has a first version: the structure up to
 * and including the last field it had when the command appeared (all of
 * today's structures are first versions). The kernel accepts any @size
 * from the first version's up: fields past a smaller @size read as zero, a
 * larger @size must have zero bytes past the kernel's structure (E2BIG
 * otherwise, and for any @size above a page). A @size below the first
 * version's fails with EINVAL. Results are written back up to the smaller
 * of the two sizes. Unknown flag bits and non-zero reserved fields are
 * refused with EINVAL. Unknown commands fail with ENOTTY. The layout is the
 * same on 32- and 64-bit.
 */
#ifndef _UAPI_LINUX_MDL_H
#define _UAPI_LINUX_MDL_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MDL_ABI_MAJOR		1
#define MDL_ABI_MINOR		1

#define MDL_IOCTL_TYPE		0xB9

/* Commands on /dev/mdl. */
#define MDL_CMD_GET_VERSION	0x00
#define MDL_CMD_LOCK_USER	0x01
#define MDL_CMD_ALLOC_PAGES	0x02
#define MDL_CMD_MAP_IO_SPACE	0x03
#define MDL_CMD_TRANSLATE	0x04
#define MDL_CMD_UNLOCK		0x05
#define MDL_CMD_HANDLE_FD	0x06
/* Commands on an MDL fd. */
#define MDL_CMD_QUERY		0x10
#define MDL_CMD_GET_PFNS	0x11
#define MDL_CMD_PARTIAL		0x12
#define MDL_CMD_EXPORT_DMABUF	0x13

/* Flag of every command that returns a new fd. */
#define MDL_FD_CLOEXEC		(1U << 31)

/* Features reported by MDL_IOC_GET_VERSION. */
#define MDL_FEATURE_LOCK_USER	(1ULL << 0)
#define MDL_FEATURE_ALLOC_PAGES	(1ULL << 1)
#define MDL_FEATURE_NONPAGED	(1ULL << 2)
#define MDL_FEATURE_IO_SPACE	(1ULL << 3)
#define MDL_FEATURE_TRANSLATE	(1ULL << 4)
#define MDL_FEATURE_PARTIAL	(1ULL << 5)
#define MDL_FEATURE_RW		(1ULL << 6)
#define MDL_FEATURE_DMABUF	(1ULL << 7)
#define MDL_FEATURE_MMAP	(1ULL << 8)
#define MDL_FEATURE_HANDLES	(1ULL << 9)

/* Cache types: the Windows MEMORY_CACHING_TYPE values. */
#define MDL_CACHE_NONCACHED	0
#define MDL_CACHE_CACHED	1
#define MDL_CACHE_WRITECOMBINED	2

/**
 * struct mdl_version - MDL_IOC_GET_VERSION
 * @size: sizeof(struct mdl_version)
 * @flags: must be 0
 * @abi_major: out: MDL_ABI_MAJOR of the running module
 * @abi_minor: out: MDL_ABI_MINOR of the running module
 * @features: out: MDL_FEATURE_* bits the running module supports
 * @page_size: out: bytes per page
 * @max_pfns_per_call: out: largest @count MDL_IOC_GET_PFNS and
 *                     MDL_IOC_TRANSLATE accept
 * @max_bytes: out: largest buffer one MDL fd describes
 */
struct mdl_version {
	__u32 size;
	__u32 flags;
	__u32 abi_major;
	__u32 abi_minor;
	__aligned_u64 features;
	__u32 page_size;
	__u32 max_pfns_per_call;
	__aligned_u64 max_bytes;
};

/* MDL_IOC_LOCK_USER flags. */
#define MDL_LOCK_WRITE		(1U << 0)
#define MDL_LOCK_HANDLE		(1U << 1)

/**
 * struct mdl_lock_user - MDL_IOC_LOCK_USER: lock a buffer of the caller
 * @size: sizeof(struct mdl_lock_user)
 * @flags: MDL_LOCK_WRITE (pages writable, dirtied on release; without it the
 *         MDL is read-only and can never be mapped writable), MDL_FD_CLOEXEC,
 *         MDL_LOCK_HANDLE (no fd: a handle, see below; not with
 *         MDL_FD_CLOEXEC)
 * @addr: start of the buffer (any alignment)
 * @length: length in bytes, at least 1, at most max_bytes
 * @fd: out: the new MDL fd, or with MDL_LOCK_HANDLE the new handle
 * @reserved: must be 0
 *
 * The pages are pinned (MmProbeAndLockPages, UserMode) and charged to the
 * caller's RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK. They stay valid while
 * the fd, a dup of it, or a mapping of it exists, even after the buffer is
 * unmapped or the caller exits.
 *
 * Handles. With MDL_LOCK_HANDLE the lock makes no fd: it goes into a table
 * of the open file of /dev/mdl the command came to, under a handle (an
 * integer from 0 to INT32_MAX, the lowest free one) that only this open
 * file knows, as an io_uring ring's registered buffers are in its ring. A
 * process that locks many small buffers saves the cost of a file per lock
 * and is not bounded by RLIMIT_NOFILE; the pages are charged as an fd's
 * are. MDL_IOC_UNLOCK releases a handle; MDL_IOC_HANDLE_FD makes an MDL fd
 * of it (to query, map or share the pages), which keeps the pages for as
 * long as it lives. The table belongs to the open file, which dup and fork
 * share; when its last fd is closed, every handle left is released. A
 * table holding INT32_MAX + 1 handles refuses another with ENOSPC.
 */
struct mdl_lock_user {
	__u32 size;
	__u32 flags;
	__aligned_u64 addr;
	__aligned_u64 length;
	__s32 fd;
	__u32 reserved;
};

/* MDL_IOC_ALLOC_PAGES flags. */
#define MDL_ALLOC_CONTIGUOUS	(1U << 0)
#define MDL_ALLOC_NONPAGED	(1U << 1)

/**
 * struct mdl_alloc_pages - MDL_IOC_ALLOC_PAGES: an MDL over new kernel memory
 * @size: sizeof(struct mdl_alloc_pages)
 * @flags: MDL_ALLOC_CONTIGUOUS (physically contiguous pages),
 *         MDL_ALLOC_NONPAGED (non-paged kernel memory described with
 *         MmBuildMdlForNonPagedPool instead of MmAllocatePagesForMdlEx),
 *         MDL_FD_CLOEXEC
 * @length: bytes to allocate, at least 1, at most max_bytes
 * @cache_type: MDL_CACHE_* used by mappings of the pages; the kernel maps
 *              MDL_ALLOC_NONPAGED memory cached, so it takes
 *              MDL_CACHE_CACHED only (EINVAL otherwise: a page has one
 *              memory type in every mapping)
 * @fd: out: the new MDL fd
 *
 * The pages are zeroed, writable, and freed when the last fd and mapping
 * go; they are charged to RLIMIT_MEMLOCK like locked pages. Non-cached and
 * write-combined pages of callers without CAP_SYS_RAWIO also count against
 * a bound shared by all of them (module parameter uncached_max_pages,
 * default 4096): EPERM past it.
 */
struct mdl_alloc_pages {
	__u32 size;
	__u32 flags;
	__aligned_u64 length;
	__u32 cache_type;
	__s32 fd;
};

/**
 * struct mdl_io_space - MDL_IOC_MAP_IO_SPACE: an MDL over device memory
 * @size: sizeof(struct mdl_io_space)
 * @flags: MDL_FD_CLOEXEC
 * @phys_addr: page-aligned physical address
 * @length: page-aligned length in bytes
 * @cache_type: MDL_CACHE_* of mappings (non-cached is the usual choice)
 * @fd: out: the new MDL fd
 *
 * Needs CAP_SYS_RAWIO. Follows /dev/mem's strict rules: System RAM and
 * ranges a driver claimed exclusively are refused (EPERM). A page has one
 * memory type: while another MDL fd of this command (or a mapping of it)
 * or a mapping mdl.ko made for a driver gives a page of the range another
 * cache type, the command fails with EINVAL and makes no fd.
 */
struct mdl_io_space {
	__u32 size;
	__u32 flags;
	__aligned_u64 phys_addr;
	__aligned_u64 length;
	__u32 cache_type;
	__s32 fd;
};

/**
 * struct mdl_translate - MDL_IOC_TRANSLATE: physical addresses of the caller
 * @size: sizeof(struct mdl_translate)
 * @flags: must be 0
 * @addrs: user pointer to @count __u64 virtual addresses of the caller
 * @phys: user pointer to @count __u64 results: the physical address, or 0
 *        where the page is not resident (MmGetPhysicalAddress)
 * @count: number of addresses, 1 to max_pfns_per_call
 * @reserved: must be 0
 *
 * Needs CAP_SYS_ADMIN, as the PFNs of /proc/self/pagemap do.
 */
struct mdl_translate {
	__u32 size;
	__u32 flags;
	__aligned_u64 addrs;
	__aligned_u64 phys;
	__u32 count;
	__u32 reserved;
};

/**
 * struct mdl_handle - MDL_IOC_UNLOCK and MDL_IOC_HANDLE_FD: use a handle
 * @size: sizeof(struct mdl_handle)
 * @flags: MDL_IOC_UNLOCK: must be 0; MDL_IOC_HANDLE_FD: MDL_FD_CLOEXEC
 * @handle: a handle of this open file of /dev/mdl (MDL_LOCK_HANDLE)
 * @fd: MDL_IOC_HANDLE_FD: out: a new MDL fd of the handle's MDL;
 *      MDL_IOC_UNLOCK: not read
 *
 * MDL_IOC_UNLOCK removes the handle from the table and drops its hold on
 * the pages: they are unlocked now unless an fd of MDL_IOC_HANDLE_FD, or a
 * mapping, part or dma-buf made from one, still holds them. A handle the table does not hold fails
 * with ENOENT, in both commands.
 */
struct mdl_handle {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__s32 fd;
};

/* Kinds of MDL fd (struct mdl_info.kind). */
#define MDL_KIND_USER		1
#define MDL_KIND_PAGES		2
#define MDL_KIND_NONPAGED	3
#define MDL_KIND_IO_SPACE	4
#define MDL_KIND_PARTIAL	5

/* Access of an MDL fd (struct mdl_info.access). */
#define MDL_ACCESS_READ		(1U << 0)
#define MDL_ACCESS_WRITE	(1U << 1)

/**
 * struct mdl_info - MDL_IOC_QUERY: the facts of an MDL fd
 * @size: sizeof(struct mdl_info)
 * @flags: must be 0
 * @start_va: out: StartVa (page-aligned; the locking process's address for
 *            MDL_KIND_USER and parts of it, a kernel address otherwise,
 *            which reads as 0 without CAP_SYS_ADMIN)
 * @byte_offset: out: ByteOffset of the buffer in its first page
 * @mdl_flags: out: MdlFlags of the (first) MDL
 * @byte_count: out: length of the buffer in bytes
 * @page_count: out: number of pages the buffer spans
 * @access: out: MDL_ACCESS_* bits
 * @cache_type: out: MDL_CACHE_* of mappings
 * @kind: out: MDL_KIND_*
 * @reserved: out: 0
 */
struct mdl_info {
	__u32 size;
	__u32 flags;
	__aligned_u64 start_va;
	__u32 byte_offset;
	__u32 mdl_flags;
	__aligned_u64 byte_count;
	__aligned_u64 page_count;
	__u32 access;
	__u32 cache_type;
	__u32 kind;
	__u32 reserved;
};

/**
 * struct mdl_pfns - MDL_IOC_GET_PFNS: read part of the PFN array
 * @size: sizeof(struct mdl_pfns)
 * @flags: must be 0
 * @first: index of the first page to read
 * @count: in: entries to read (1 to max_pfns_per_call, within page_count)
 * @pfns: user pointer to @count __u64 page frame numbers
 *
 * Needs CAP_SYS_ADMIN (EPERM otherwise).
 */
struct mdl_pfns {
	__u32 size;
	__u32 flags;
	__aligned_u64 first;
	__aligned_u64 count;
	__aligned_u64 pfns;
};

/**
 * struct mdl_partial - MDL_IOC_PARTIAL: a new MDL fd over part of this one
 * @size: sizeof(struct mdl_partial)
 * @flags: MDL_FD_CLOEXEC
 * @offset: byte offset of the part from the buffer's first byte
 * @length: length of the part; 0 means to the end of the buffer
 * @fd: out: the new MDL fd (IoBuildPartialMdl; it keeps the source alive)
 * @reserved: must be 0
 */
struct mdl_partial {
	__u32 size;
	__u32 flags;
	__aligned_u64 offset;
	__aligned_u64 length;
	__s32 fd;
	__u32 reserved;
};

/**
 * struct mdl_export_dmabuf - MDL_IOC_EXPORT_DMABUF: the pages as a dma-buf
 * @size: sizeof(struct mdl_export_dmabuf)
 * @flags: MDL_FD_CLOEXEC
 * @fd: out: the dma-buf fd (O_RDWR for a writable MDL, else O_RDONLY)
 * @reserved: must be 0
 *
 * The dma-buf covers the MDL's whole pages and keeps them alive. Devices
 * may only read a read-only MDL (DMA_TO_DEVICE). I/O-space MDLs have no
 * struct pages and are refused (EOPNOTSUPP).
 */
struct mdl_export_dmabuf {
	__u32 size;
	__u32 flags;
	__s32 fd;
	__u32 reserved;
};

#define MDL_IOC_GET_VERSION	_IO(MDL_IOCTL_TYPE, MDL_CMD_GET_VERSION)
#define MDL_IOC_LOCK_USER	_IO(MDL_IOCTL_TYPE, MDL_CMD_LOCK_USER)
#define MDL_IOC_ALLOC_PAGES	_IO(MDL_IOCTL_TYPE, MDL_CMD_ALLOC_PAGES)
#define MDL_IOC_MAP_IO_SPACE	_IO(MDL_IOCTL_TYPE, MDL_CMD_MAP_IO_SPACE)
#define MDL_IOC_TRANSLATE	_IO(MDL_IOCTL_TYPE, MDL_CMD_TRANSLATE)
#define MDL_IOC_UNLOCK		_IO(MDL_IOCTL_TYPE, MDL_CMD_UNLOCK)
#define MDL_IOC_HANDLE_FD	_IO(MDL_IOCTL_TYPE, MDL_CMD_HANDLE_FD)
#define MDL_IOC_QUERY		_IO(MDL_IOCTL_TYPE, MDL_CMD_QUERY)
#define MDL_IOC_GET_PFNS	_IO(MDL_IOCTL_TYPE, MDL_CMD_GET_PFNS)
#define MDL_IOC_PARTIAL		_IO(MDL_IOCTL_TYPE, MDL_CMD_PARTIAL)
#define MDL_IOC_EXPORT_DMABUF	_IO(MDL_IOCTL_TYPE, MDL_CMD_EXPORT_DMABUF)

/*
 * mmap of an MDL fd: the offset is a page-aligned byte offset from the MDL's
 * first page (StartVa); the mapping covers whole pages of the MDL, so the
 * buffer's first byte is at the mapping + byte_offset when the offset is 0.
 * MAP_SHARED only (EINVAL otherwise), never PROT_EXEC (EPERM). A read-only
 * MDL refuses PROT_WRITE and mprotect to it (EACCES).
 *
 * pread/pwrite of an MDL fd: the file offset counts from the buffer's first
 * byte (StartVa + ByteOffset); the file size is byte_count. Reads stop at
 * byte_count (0 at or past it); writes stop there too, and a write starting
 * at or past it fails with ENOSPC. A read-only MDL's fd is O_RDONLY: writes
 * fail with EBADF.
 */

#endif /* _UAPI_LINUX_MDL_H */
