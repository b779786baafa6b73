// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libmdl: thin wrappers over the /dev/mdl ioctls. See include/libmdl/libmdl.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "libmdl.h"

#define LIBMDL_EXPORT __attribute__((visibility("default")))

/* The package version (dkms.conf's PACKAGE_VERSION), given by the build. */
#ifndef LIBMDL_RELEASE
#error "LIBMDL_RELEASE (the package version) is not defined"
#endif

/* The result of a system call that returned -1 on error, as -errno. */
static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

static int mdl_ioctl(int fd, unsigned long cmd, void *arg)
{
	if (fd < 0)
		return -EBADF;
	if (ioctl(fd, cmd, arg) < 0)
		return neg_errno();
	return 0;
}

static uint64_t ptr_to_u64(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

LIBMDL_EXPORT int mdl_open(void)
{
	int fd = open(LIBMDL_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? neg_errno() : fd;
}

LIBMDL_EXPORT int mdl_close(int fd)
{
	if (fd < 0)
		return -EBADF;
	return close(fd) < 0 ? neg_errno() : 0;
}

LIBMDL_EXPORT int mdl_version(int dev, struct mdl_version *v)
{
	if (!v)
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	v->size = sizeof(*v);
	return mdl_ioctl(dev, MDL_IOC_GET_VERSION, v);
}

LIBMDL_EXPORT const char *mdl_lib_version(uint32_t *abi_major,
					  uint32_t *abi_minor)
{
	if (abi_major)
		*abi_major = MDL_ABI_MAJOR;
	if (abi_minor)
		*abi_minor = MDL_ABI_MINOR;
	return LIBMDL_RELEASE;
}

/* MDL_IOC_LOCK_USER: the new fd, or the new handle with MDL_LOCK_HANDLE. */
static int mdl_lock_cmd(int dev, const void *addr, size_t length, uint32_t flags)
{
	struct mdl_lock_user arg = {
		.size = sizeof(arg),
		.flags = flags,
		.addr = ptr_to_u64(addr),
		.length = length,
		.fd = -1,
	};
	int ret = mdl_ioctl(dev, MDL_IOC_LOCK_USER, &arg);

	return ret ? ret : arg.fd;
}

LIBMDL_EXPORT int mdl_lock_user(int dev, const void *addr, size_t length,
				uint32_t flags)
{
	/* A handle is not an fd: mdl_lock_handle() returns those. */
	if (flags & MDL_LOCK_HANDLE)
		return -EINVAL;
	return mdl_lock_cmd(dev, addr, length, flags);
}

LIBMDL_EXPORT int mdl_lock_handle(int dev, const void *addr, size_t length,
				  uint32_t flags)
{
	if (flags & MDL_LOCK_HANDLE)
		return -EINVAL;
	return mdl_lock_cmd(dev, addr, length, flags | MDL_LOCK_HANDLE);
}

/* MDL_IOC_UNLOCK or MDL_IOC_HANDLE_FD of @handle; *@fd gets the new fd. */
static int mdl_handle_cmd(int dev, unsigned long cmd, uint32_t handle,
			  uint32_t flags, int *fd)
{
	struct mdl_handle arg = {
		.size = sizeof(arg),
		.flags = flags,
		.handle = handle,
		.fd = -1,
	};
	int ret = mdl_ioctl(dev, cmd, &arg);

	*fd = arg.fd;
	return ret;
}

LIBMDL_EXPORT int mdl_unlock_handle(int dev, uint32_t handle)
{
	int fd;

	return mdl_handle_cmd(dev, MDL_IOC_UNLOCK, handle, 0, &fd);
}

LIBMDL_EXPORT int mdl_handle_fd(int dev, uint32_t handle, uint32_t flags)
{
	int fd, ret = mdl_handle_cmd(dev, MDL_IOC_HANDLE_FD, handle, flags, &fd);

	return ret ? ret : fd;
}

LIBMDL_EXPORT int mdl_alloc_pages(int dev, size_t length, uint32_t flags,
				  uint32_t cache_type)
{
	struct mdl_alloc_pages arg = {
		.size = sizeof(arg),
		.flags = flags,
		.length = length,
		.cache_type = cache_type,
		.fd = -1,
	};
	int ret = mdl_ioctl(dev, MDL_IOC_ALLOC_PAGES, &arg);

	return ret ? ret : arg.fd;
}

LIBMDL_EXPORT int mdl_map_io_space(int dev, uint64_t phys_addr,
				   uint64_t length, uint32_t flags,
				   uint32_t cache_type)
{
	struct mdl_io_space arg = {
		.size = sizeof(arg),
		.flags = flags,
		.phys_addr = phys_addr,
		.length = length,
		.cache_type = cache_type,
		.fd = -1,
	};
	int ret = mdl_ioctl(dev, MDL_IOC_MAP_IO_SPACE, &arg);

	return ret ? ret : arg.fd;
}

LIBMDL_EXPORT int mdl_translate(int dev, const uint64_t *addrs,
				uint32_t count, uint64_t *phys)
{
	struct mdl_translate arg = {
		.size = sizeof(arg),
		.addrs = ptr_to_u64(addrs),
		.phys = ptr_to_u64(phys),
		.count = count,
	};

	if (!addrs || !phys)
		return -EINVAL;
	return mdl_ioctl(dev, MDL_IOC_TRANSLATE, &arg);
}

LIBMDL_EXPORT int mdl_query(int mdl, struct mdl_info *info)
{
	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return mdl_ioctl(mdl, MDL_IOC_QUERY, info);
}

LIBMDL_EXPORT int mdl_get_pfns(int mdl, uint64_t first, uint64_t count,
			       uint64_t *pfns)
{
	struct mdl_pfns arg = {
		.size = sizeof(arg),
		.first = first,
		.count = count,
		.pfns = ptr_to_u64(pfns),
	};

	if (!pfns)
		return -EINVAL;
	return mdl_ioctl(mdl, MDL_IOC_GET_PFNS, &arg);
}

LIBMDL_EXPORT int mdl_partial(int mdl, uint64_t offset, uint64_t length,
			      uint32_t flags)
{
	struct mdl_partial arg = {
		.size = sizeof(arg),
		.flags = flags,
		.offset = offset,
		.length = length,
		.fd = -1,
	};
	int ret = mdl_ioctl(mdl, MDL_IOC_PARTIAL, &arg);

	return ret ? ret : arg.fd;
}

LIBMDL_EXPORT int mdl_export_dmabuf(int mdl, uint32_t flags)
{
	struct mdl_export_dmabuf arg = {
		.size = sizeof(arg),
		.flags = flags,
		.fd = -1,
	};
	int ret = mdl_ioctl(mdl, MDL_IOC_EXPORT_DMABUF, &arg);

	return ret ? ret : arg.fd;
}

LIBMDL_EXPORT uint64_t mdl_span_pages(uint64_t byte_offset, uint64_t length,
				      uint64_t page_size)
{
	if (!page_size)
		return 0;
	return (byte_offset % page_size + length + page_size - 1) / page_size;
}

LIBMDL_EXPORT int mdl_map(int mdl, int prot, struct mdl_mapping *m)
{
	long page_size = sysconf(_SC_PAGESIZE);
	struct mdl_info info;
	void *base;
	int ret;

	if (!m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	ret = mdl_query(mdl, &info);
	if (ret)
		return ret;
	if (info.page_count > SIZE_MAX / (uint64_t)page_size)
		return -EOVERFLOW;
	base = mmap(NULL, info.page_count * page_size, prot, MAP_SHARED, mdl, 0);
	if (base == MAP_FAILED)
		return neg_errno();
	m->base = base;
	m->length = info.page_count * page_size;
	m->data = (char *)base + info.byte_offset;
	m->byte_count = info.byte_count;
	return 0;
}

LIBMDL_EXPORT int mdl_unmap(struct mdl_mapping *m)
{
	int ret = 0;

	if (!m || !m->base)
		return -EINVAL;
	if (munmap(m->base, m->length) < 0)
		ret = neg_errno();
	memset(m, 0, sizeof(*m));
	return ret;
}

LIBMDL_EXPORT int mdl_send_fd(int sock, int fd)
{
	char byte = 'M';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;

	if (sock < 0 || fd < 0)
		return -EBADF;
	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return neg_errno();
	}
	return 0;
}

/* The fd of an SCM_RIGHTS message, or -EPROTO when it carries none. */
static int fd_of_msg(struct msghdr *msg)
{
	struct cmsghdr *c;
	int fd;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len != CMSG_LEN(sizeof(int)))
			continue;
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
		return fd;
	}
	return -EPROTO;
}

LIBMDL_EXPORT int mdl_recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;
	int fd;

	if (sock < 0)
		return -EBADF;
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return neg_errno();
	if (n == 0)
		return -ECONNRESET;
	fd = fd_of_msg(&msg);
	if (msg.msg_flags & MSG_CTRUNC) {
		if (fd >= 0)
			close(fd);
		return -EMSGSIZE;
	}
	return fd;
}
