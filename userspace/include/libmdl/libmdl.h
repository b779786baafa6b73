/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libmdl: a small C library over the /dev/mdl ioctls (uapi/linux/mdl.h).
 *
 * Every function takes the file descriptor it acts on explicitly: the
 * library keeps no global state and is safe to use from several threads.
 * Functions return 0 (or a new file descriptor) on success and a negative
 * errno value on failure; errno itself is left as the system call set it.
 *
 * An MDL is a file descriptor. Close it with mdl_close() or close(); share
 * it with fork(), mdl_send_fd()/mdl_recv_fd() (SCM_RIGHTS) or pidfd_getfd().
 * A lock may instead be a handle of the /dev/mdl fd that made it
 * (mdl_lock_handle()), released with mdl_unlock_handle().
 *
 * Arguments come in one order: the fd acted on, then the address, the
 * length (or count), flags, the cache type, and out-parameters last.
 *
 * Installed as <libmdl/libmdl.h> with the ABI header beside it
 * (<libmdl/linux/mdl.h>, apart from the kernel's own uapi headers);
 * `pkg-config --cflags libmdl` makes both <libmdl.h> and <linux/mdl.h> work.
 */
#ifndef LIBMDL_H
#define LIBMDL_H

#include <stddef.h>
#include <stdint.h>

/* The installed copy beside this file first, then the include path. */
#include "linux/mdl.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LIBMDL_DEVICE "/dev/mdl"

/* Open /dev/mdl (read-write, close-on-exec). Returns the fd or -errno. */
int mdl_open(void);
/* Close any fd of this library. Returns 0 or -errno. */
int mdl_close(int fd);

/*
 * MDL_IOC_GET_VERSION: fill @v with the running module's ABI version
 * (abi_major, abi_minor), features and limits. Returns 0 or -errno.
 */
int mdl_version(int dev, struct mdl_version *v);

/*
 * This library's release ("0.1.0") and, where not NULL, the ABI version of
 * the header it was built with (@abi_major, @abi_minor): a module whose
 * mdl_version() abi_major differs is not one this library can drive.
 */
const char *mdl_lib_version(uint32_t *abi_major, uint32_t *abi_minor);

/*
 * MDL_IOC_LOCK_USER: lock @length bytes at @addr of the caller.
 * @flags: MDL_LOCK_WRITE, MDL_FD_CLOEXEC (MDL_LOCK_HANDLE: -EINVAL, see
 * mdl_lock_handle()). Returns the MDL fd or -errno.
 */
int mdl_lock_user(int dev, const void *addr, size_t length, uint32_t flags);

/*
 * MDL_IOC_LOCK_USER with MDL_LOCK_HANDLE: lock @length bytes at @addr of
 * the caller without an fd, into the table of the open file @dev.
 * @flags: MDL_LOCK_WRITE. Returns the handle (0 or more) or -errno.
 */
int mdl_lock_handle(int dev, const void *addr, size_t length, uint32_t flags);

/* MDL_IOC_UNLOCK: release @handle of @dev. Returns 0 or -errno. */
int mdl_unlock_handle(int dev, uint32_t handle);

/*
 * MDL_IOC_HANDLE_FD: a new MDL fd of @handle of @dev, which holds the pages
 * as long as it lives. @flags: MDL_FD_CLOEXEC. Returns the fd or -errno.
 */
int mdl_handle_fd(int dev, uint32_t handle, uint32_t flags);

/*
 * MDL_IOC_ALLOC_PAGES: new zeroed kernel pages. @flags: MDL_ALLOC_*,
 * MDL_FD_CLOEXEC; @cache_type: MDL_CACHE_*. Returns the MDL fd or -errno.
 */
int mdl_alloc_pages(int dev, size_t length, uint32_t flags,
		    uint32_t cache_type);

/*
 * MDL_IOC_MAP_IO_SPACE: describe a page-aligned physical I/O range
 * (CAP_SYS_RAWIO). @flags: MDL_FD_CLOEXEC; @cache_type: MDL_CACHE_*.
 * Returns the MDL fd or -errno.
 */
int mdl_map_io_space(int dev, uint64_t phys_addr, uint64_t length,
		     uint32_t flags, uint32_t cache_type);

/*
 * MDL_IOC_TRANSLATE: into @phys, physical addresses of @count virtual
 * addresses @addrs of the caller (CAP_SYS_ADMIN); 0 where a page is not
 * resident. Batches larger than max_pfns_per_call are the caller's to
 * split. Returns 0 or -errno.
 */
int mdl_translate(int dev, const uint64_t *addrs, uint32_t count,
		  uint64_t *phys);

/* MDL_IOC_QUERY on an MDL fd. Returns 0 or -errno. */
int mdl_query(int mdl, struct mdl_info *info);

/*
 * MDL_IOC_GET_PFNS: @count PFNs starting at page @first (CAP_SYS_ADMIN).
 * Returns 0 or -errno.
 */
int mdl_get_pfns(int mdl, uint64_t first, uint64_t count, uint64_t *pfns);

/*
 * MDL_IOC_PARTIAL: a new MDL fd over @length bytes at @offset of the buffer
 * (@length 0: to the end). @flags: MDL_FD_CLOEXEC. Returns the fd or -errno.
 */
int mdl_partial(int mdl, uint64_t offset, uint64_t length, uint32_t flags);

/* MDL_IOC_EXPORT_DMABUF. @flags: MDL_FD_CLOEXEC. Returns the fd or -errno. */
int mdl_export_dmabuf(int mdl, uint32_t flags);

/**
 * struct mdl_mapping - a user mapping of a whole MDL made by mdl_map()
 * @base: start of the mapping (the MDL's first page, StartVa)
 * @length: length of the mapping (whole pages)
 * @data: the buffer's first byte (@base + byte_offset)
 * @byte_count: length of the buffer
 */
struct mdl_mapping {
	void *base;
	size_t length;
	void *data;
	size_t byte_count;
};

/*
 * Map every page of an MDL (MAP_SHARED). @prot: PROT_READ, optionally
 * PROT_WRITE. Returns 0 or -errno; on failure @m is cleared.
 */
int mdl_map(int mdl, int prot, struct mdl_mapping *m);
/* Undo mdl_map(); clears @m. Returns 0 or -errno. */
int mdl_unmap(struct mdl_mapping *m);

/* Send @fd over the connected unix socket @sock (SCM_RIGHTS). 0 or -errno. */
int mdl_send_fd(int sock, int fd);
/*
 * Receive one fd sent with mdl_send_fd() (close-on-exec). Returns the fd,
 * -ECONNRESET when the peer closed without sending, or -errno.
 */
int mdl_recv_fd(int sock);

/* Pages spanned by @length bytes starting @byte_offset into a page. */
uint64_t mdl_span_pages(uint64_t byte_offset, uint64_t length,
			uint64_t page_size);

#ifdef __cplusplus
}
#endif

#endif /* LIBMDL_H */
