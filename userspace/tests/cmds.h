/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl commands described as data, for the table-driven bad-input
 * tests: what each structure looks like, how to fill it with valid
 * arguments, and where its flags, reserved and out-fd fields are.
 */
#ifndef MDL_TEST_CMDS_H
#define MDL_TEST_CMDS_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* What valid arguments point at; set up once per case. */
struct fixture {
	int dev;		/* /dev/mdl */
	int mdl;		/* a writable MDL over @buf + @offset */
	uint8_t *buf;		/* the user buffer (@buf_len bytes) */
	size_t buf_len;
	size_t offset;		/* the MDL's first byte in @buf */
	size_t length;		/* its byte count */
	uint64_t addrs[4];	/* MDL_IOC_TRANSLATE input */
	uint64_t out[64];	/* PFN / physical address output */
	uint64_t io_page;	/* a free I/O page (0 when none found) */
	uint64_t unmapped;	/* @buf + @buf_len: nothing mapped there */
	uint32_t handle;	/* UNLOCK, HANDLE_FD: a handle lock of @dev */
};

enum cmd_target { ON_DEV, ON_MDL };

struct cmd_spec {
	const char *name;
	unsigned long ioc;
	size_t size;		/* sizeof the structure */
	size_t first_size;	/* its first version's size: offsetofend of
				 * that version's last field */
	enum cmd_target target;
	int reserved_off;	/* -1: no reserved field */
	int fd_off;		/* -1: returns no fd */
	unsigned int needs;	/* T_ROOT for privileged commands */
	void (*fill)(void *arg, const struct fixture *fx);
};

enum cmd_id {
	CMD_GET_VERSION, CMD_LOCK_USER, CMD_ALLOC_PAGES, CMD_MAP_IO_SPACE,
	CMD_TRANSLATE, CMD_QUERY, CMD_GET_PFNS, CMD_PARTIAL,
	CMD_EXPORT_DMABUF, CMD_LOCK_HANDLE, CMD_UNLOCK, CMD_HANDLE_FD, CMD_COUNT
};

extern const struct cmd_spec cmd_specs[CMD_COUNT];

/* Largest structure plus room for a tail. */
#define CMD_ARG_MAX 128

int fixture_init(struct fixture *fx, const struct cmd_spec *c);
/* The fd the command acts on. */
int fixture_target(const struct fixture *fx, const struct cmd_spec *c);
/*
 * Issue the command with @arg; on success check the returned fd is a
 * working fd and close it, or the returned handle a live one and unlock
 * it. 0 or -errno.
 */
int cmd_issue(const struct fixture *fx, const struct cmd_spec *c, void *arg);

#endif /* MDL_TEST_CMDS_H */
