// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl commands as data (see cmds.h).
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmds.h"
#include "util.h"

#define BAD_FLAG (1U << 30)

static void fill_version(void *arg, const struct fixture *fx)
{
	(void)arg;
	(void)fx;
}

static void fill_lock(void *arg, const struct fixture *fx)
{
	struct mdl_lock_user *a = arg;

	a->flags = MDL_LOCK_WRITE;
	a->addr = (uintptr_t)(fx->buf + fx->offset);
	a->length = fx->length;
	a->fd = -1;
}

static void fill_alloc(void *arg, const struct fixture *fx)
{
	struct mdl_alloc_pages *a = arg;

	a->length = 2 * t_env.page;
	a->cache_type = MDL_CACHE_CACHED;
	a->fd = -1;
	(void)fx;
}

static void fill_io(void *arg, const struct fixture *fx)
{
	struct mdl_io_space *a = arg;

	a->phys_addr = fx->io_page;
	a->length = t_env.page;
	a->cache_type = MDL_CACHE_NONCACHED;
	a->fd = -1;
}

static void fill_translate(void *arg, const struct fixture *fx)
{
	struct mdl_translate *a = arg;

	a->addrs = (uintptr_t)fx->addrs;
	a->phys = (uintptr_t)fx->out;
	a->count = 4;
}

static void fill_query(void *arg, const struct fixture *fx)
{
	(void)arg;
	(void)fx;
}

static void fill_pfns(void *arg, const struct fixture *fx)
{
	struct mdl_pfns *a = arg;

	a->first = 0;
	a->count = 1;
	a->pfns = (uintptr_t)fx->out;
}

static void fill_partial(void *arg, const struct fixture *fx)
{
	struct mdl_partial *a = arg;

	a->offset = 1;
	a->length = fx->length - 2;
	a->fd = -1;
}

static void fill_export(void *arg, const struct fixture *fx)
{
	struct mdl_export_dmabuf *a = arg;

	a->fd = -1;
	(void)fx;
}

static void fill_lock_handle(void *arg, const struct fixture *fx)
{
	struct mdl_lock_user *a = arg;

	fill_lock(arg, fx);
	a->flags |= MDL_LOCK_HANDLE;
}

static void fill_handle(void *arg, const struct fixture *fx)
{
	struct mdl_handle *a = arg;

	a->handle = fx->handle;
	a->fd = -1;
}

/* @last: the last field of the structure's first version (uapi/linux/mdl.h). */
#define SPEC(id, st, last, ioc_, tgt, res, fdf, needs_, fn)		\
	SPEC_NAMED(id, #ioc_ + 8, st, last, ioc_, tgt, res, fdf, needs_, fn)
#define SPEC_NAMED(id, name_, st, last, ioc_, tgt, res, fdf, needs_, fn) \
	[id] = { .name = name_, .ioc = ioc_, .size = sizeof(st),	\
		 .first_size = offsetof(st, last) + sizeof(((st *)0)->last), \
		 .target = tgt, .reserved_off = res, .fd_off = fdf,	\
		 .needs = needs_, .fill = fn }
#define OFF(st, f) ((int)offsetof(st, f))

const struct cmd_spec cmd_specs[CMD_COUNT] = {
	SPEC(CMD_GET_VERSION, struct mdl_version, max_bytes,
	     MDL_IOC_GET_VERSION, ON_DEV, -1, -1, 0, fill_version),
	SPEC(CMD_LOCK_USER, struct mdl_lock_user, reserved, MDL_IOC_LOCK_USER,
	     ON_DEV, OFF(struct mdl_lock_user, reserved),
	     OFF(struct mdl_lock_user, fd), 0, fill_lock),
	SPEC(CMD_ALLOC_PAGES, struct mdl_alloc_pages, fd, MDL_IOC_ALLOC_PAGES,
	     ON_DEV, -1, OFF(struct mdl_alloc_pages, fd), 0, fill_alloc),
	SPEC(CMD_MAP_IO_SPACE, struct mdl_io_space, fd, MDL_IOC_MAP_IO_SPACE,
	     ON_DEV, -1, OFF(struct mdl_io_space, fd), T_ROOT, fill_io),
	SPEC(CMD_TRANSLATE, struct mdl_translate, reserved, MDL_IOC_TRANSLATE,
	     ON_DEV, OFF(struct mdl_translate, reserved), -1, T_ROOT,
	     fill_translate),
	SPEC(CMD_QUERY, struct mdl_info, reserved, MDL_IOC_QUERY, ON_MDL, -1,
	     -1, 0, fill_query),
	SPEC(CMD_GET_PFNS, struct mdl_pfns, pfns, MDL_IOC_GET_PFNS, ON_MDL, -1,
	     -1, T_ROOT, fill_pfns),
	SPEC(CMD_PARTIAL, struct mdl_partial, reserved, MDL_IOC_PARTIAL, ON_MDL,
	     OFF(struct mdl_partial, reserved), OFF(struct mdl_partial, fd),
	     0, fill_partial),
	SPEC(CMD_EXPORT_DMABUF, struct mdl_export_dmabuf, reserved,
	     MDL_IOC_EXPORT_DMABUF, ON_MDL,
	     OFF(struct mdl_export_dmabuf, reserved),
	     OFF(struct mdl_export_dmabuf, fd), 0, fill_export),
	/* LOCK_USER again, making a handle: its fd field holds no fd. */
	SPEC_NAMED(CMD_LOCK_HANDLE, "LOCK_USER with MDL_LOCK_HANDLE",
		   struct mdl_lock_user, reserved, MDL_IOC_LOCK_USER, ON_DEV,
		   OFF(struct mdl_lock_user, reserved), -1, 0, fill_lock_handle),
	SPEC(CMD_UNLOCK, struct mdl_handle, fd, MDL_IOC_UNLOCK, ON_DEV, -1, -1,
	     0, fill_handle),
	SPEC(CMD_HANDLE_FD, struct mdl_handle, fd, MDL_IOC_HANDLE_FD, ON_DEV, -1,
	     OFF(struct mdl_handle, fd), 0, fill_handle),
};

int fixture_init(struct fixture *fx, const struct cmd_spec *c)
{
	size_t i;
	int ret;

	memset(fx, 0, sizeof(*fx));
	fx->dev = t_env.dev;
	fx->buf_len = 4 * t_env.page;
	/* Five pages, the fifth unmapped again: a hole right after @buf. */
	fx->buf = t_buffer(fx->buf_len + t_env.page);
	if (!fx->buf || munmap(fx->buf + fx->buf_len, t_env.page))
		return -ENOMEM;
	fx->unmapped = (uintptr_t)(fx->buf + fx->buf_len);
	fx->offset = t_env.page / 2 + 8;
	fx->length = 2 * t_env.page;
	t_fill(fx->buf, fx->buf_len, 7);
	for (i = 0; i < 4; i++)
		fx->addrs[i] = (uintptr_t)(fx->buf + i * t_env.page);
	fx->mdl = mdl_lock_user(fx->dev, fx->buf + fx->offset, fx->length,
				MDL_LOCK_WRITE);
	if (fx->mdl < 0)
		return fx->mdl;
	if (c && (c == &cmd_specs[CMD_UNLOCK] || c == &cmd_specs[CMD_HANDLE_FD])) {
		ret = mdl_lock_handle(fx->dev, fx->buf, t_env.page, MDL_LOCK_WRITE);
		if (ret < 0)
			return ret;
		fx->handle = (uint32_t)ret;
	}
	if (c && c->ioc == MDL_IOC_MAP_IO_SPACE)
		return t_iomem_free_page(t_env.page, &fx->io_page);
	return 0;
}

int fixture_target(const struct fixture *fx, const struct cmd_spec *c)
{
	return c->target == ON_DEV ? fx->dev : fx->mdl;
}

int cmd_issue(const struct fixture *fx, const struct cmd_spec *c, void *arg)
{
	int32_t fd;
	int ret = t_ioctl(fixture_target(fx, c), c->ioc, arg);

	if (!ret && c == &cmd_specs[CMD_LOCK_HANDLE]) {
		memcpy(&fd, (char *)arg + offsetof(struct mdl_lock_user, fd), sizeof(fd));
		ret = mdl_unlock_handle(fx->dev, (uint32_t)fd);
		if (ret)
			t_diag("%s succeeded but handle %d does not unlock: %s",
			       c->name, fd, strerror(-ret));
		return ret;
	}
	if (ret || c->fd_off < 0)
		return ret;
	memcpy(&fd, (char *)arg + c->fd_off, sizeof(fd));
	if (fd < 0 || fcntl(fd, F_GETFD) < 0) {
		t_diag("%s succeeded but returned fd %d", c->name, fd);
		return -EBADF;
	}
	close(fd);
	return 0;
}
