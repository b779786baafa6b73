// SPDX-License-Identifier: GPL-2.0
/*
 * Commands sent to the wrong kind of fd, and commands that do not exist:
 * all ENOTTY, whatever the argument says.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmds.h"
#include "suites.h"
#include "util.h"

enum fd_kind { FD_DEV, FD_MDL, FD_MEMFD, FD_PIPE, FD_DMABUF };

struct foreign_row {
	const char *name;
	enum fd_kind kind;
	unsigned long ioc;
	enum cmd_id cmd;	/* the structure sent along */
};

#define IOC(nr) _IO(MDL_IOCTL_TYPE, nr)

static const struct foreign_row rows[] = {
	{ "QUERY on a memfd", FD_MEMFD, MDL_IOC_QUERY, CMD_QUERY },
	{ "QUERY on a pipe", FD_PIPE, MDL_IOC_QUERY, CMD_QUERY },
	{ "QUERY on /dev/mdl", FD_DEV, MDL_IOC_QUERY, CMD_QUERY },
	{ "QUERY on a dma-buf of an MDL", FD_DMABUF, MDL_IOC_QUERY, CMD_QUERY },
	{ "LOCK_USER on an MDL fd", FD_MDL, MDL_IOC_LOCK_USER, CMD_LOCK_USER },
	{ "GET_VERSION on an MDL fd", FD_MDL, MDL_IOC_GET_VERSION, CMD_GET_VERSION },
	{ "LOCK_USER on a memfd", FD_MEMFD, MDL_IOC_LOCK_USER, CMD_LOCK_USER },
	{ "UNLOCK on an MDL fd", FD_MDL, MDL_IOC_UNLOCK, CMD_UNLOCK },
	{ "HANDLE_FD on an MDL fd", FD_MDL, MDL_IOC_HANDLE_FD, CMD_HANDLE_FD },
	{ "UNLOCK on a memfd", FD_MEMFD, MDL_IOC_UNLOCK, CMD_UNLOCK },
	{ "unknown command 0x07 on /dev/mdl", FD_DEV, IOC(0x07), CMD_LOCK_USER },
	{ "unknown command 0x7f on /dev/mdl", FD_DEV, IOC(0x7f), CMD_LOCK_USER },
	{ "unknown command 0x14 on an MDL fd", FD_MDL, IOC(0x14), CMD_QUERY },
	{ "unknown command 0xff on an MDL fd", FD_MDL, IOC(0xff), CMD_QUERY },
	{ "LOCK_USER number with another type byte", FD_DEV,
	  _IO(MDL_IOCTL_TYPE - 1, MDL_CMD_LOCK_USER), CMD_LOCK_USER },
	{ "LOCK_USER encoded as _IOWR (size bits set)", FD_DEV,
	  _IOWR(MDL_IOCTL_TYPE, MDL_CMD_LOCK_USER, struct mdl_lock_user), CMD_LOCK_USER },
	{ "QUERY encoded as _IOR (size bits set)", FD_MDL,
	  _IOR(MDL_IOCTL_TYPE, MDL_CMD_QUERY, struct mdl_info), CMD_QUERY },
};

static int open_kind(enum fd_kind kind, const struct fixture *fx)
{
	int p[2];

	switch (kind) {
	case FD_DEV:
		return fx->dev;
	case FD_MDL:
		return fx->mdl;
	case FD_MEMFD:
		return memfd_create("mdl-foreign", MFD_CLOEXEC);
	case FD_PIPE:
		return pipe(p) ? -errno : p[0];
	case FD_DMABUF:
		return mdl_export_dmabuf(fx->mdl, MDL_FD_CLOEXEC);
	}
	return -EINVAL;
}

static int run_foreign(const struct t_case *tc)
{
	const struct foreign_row *r = tc->arg;
	const struct cmd_spec *c = &cmd_specs[r->cmd];
	uint8_t arg[CMD_ARG_MAX] = { 0 };
	struct fixture fx;
	int fd, fd0;

	CHECK_OK(fixture_init(&fx, NULL));
	fd = open_kind(r->kind, &fx);
	if (r->kind == FD_DMABUF && fd == -EOPNOTSUPP)
		return t_skip("dma-buf export not supported by this module");
	CHECK_OK(fd);
	c->fill(arg, &fx);
	*(uint32_t *)arg = (uint32_t)c->size;
	fd0 = t_next_fd();
	CHECK_ERR(t_ioctl(fd, r->ioc, arg), ENOTTY);
	CHECK_EQ(t_next_fd(), fd0);
	return T_PASS;
}

static size_t foreign_count(void)
{
	return sizeof(rows) / sizeof(rows[0]);
}

static void foreign_get(size_t i, struct t_case *tc)
{
	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "foreign: %s -> ENOTTY", rows[i].name);
	tc->run = run_foreign;
	tc->arg = &rows[i];
}

const struct t_suite suite_foreign = { "foreign", foreign_count, foreign_get };
