/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an errno means for the operation that got it, in words a user can
 * act on (which capability, which limit, which package).
 */
#ifndef MDLCTL_ERRMSG_H
#define MDLCTL_ERRMSG_H

enum mdl_op {
	OP_OPEN, OP_VERSION, OP_LOCK, OP_ALLOC, OP_IO_SPACE, OP_TRANSLATE,
	OP_QUERY, OP_PFNS, OP_PARTIAL, OP_DMABUF, OP_MMAP, OP_RW, OP_STATS,
	OP_SOCKET, OP_FD, OP_COUNT
};

/* A short name of @op ("lock", "get-pfns", ...). */
const char *mdl_op_name(enum mdl_op op);
/* The explanation of -@err (or err) for @op; never NULL. */
const char *mdl_explain(enum mdl_op op, int err);

#endif /* MDLCTL_ERRMSG_H */
