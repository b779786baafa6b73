// SPDX-License-Identifier: GPL-2.0
/*
 * The errno table of mdlctl: one row per (operations, errno) pair, the
 * first matching row wins; rows for any operation come last.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "errmsg.h"

#define BIT(op) (1U << (op))
#define ANY (~0U)
#define DEV_CMDS (BIT(OP_VERSION) | BIT(OP_LOCK) | BIT(OP_ALLOC) |	\
		  BIT(OP_IO_SPACE) | BIT(OP_TRANSLATE))
#define FD_CMDS (BIT(OP_QUERY) | BIT(OP_PFNS) | BIT(OP_PARTIAL) |	\
		 BIT(OP_DMABUF) | BIT(OP_MMAP) | BIT(OP_RW))

struct explanation {
	unsigned int ops;
	int err;
	const char *text;
};

static const struct explanation table[] = {
	{ BIT(OP_OPEN), ENOENT,
	  "/dev/mdl does not exist: the mdl module is not loaded. Load it with "
	  "`modprobe mdl` (install it with `make install` or `dkms install mdl/<version>`; "
	  "check with `lsmod | grep mdl` and `dmesg | grep mdl`)" },
	{ BIT(OP_OPEN), ENXIO,
	  "/dev/mdl exists but no driver answers: the mdl module was unloaded; "
	  "`modprobe mdl` loads it again" },
	{ BIT(OP_OPEN), ENODEV,
	  "/dev/mdl exists but no driver answers: the mdl module was unloaded; "
	  "`modprobe mdl` loads it again" },
	{ BIT(OP_OPEN), EACCES,
	  "no permission to open /dev/mdl: its mode or group is set by udev "
	  "(e.g. /etc/udev/rules.d/60-mdl.rules: KERNEL==\"mdl\", MODE=\"0660\", "
	  "GROUP=\"mdl\"); ask to be added to that group" },
	{ BIT(OP_PFNS), EPERM,
	  "reading physical page numbers needs CAP_SYS_ADMIN (run as root), "
	  "as /proc/self/pagemap's PFNs do" },
	{ BIT(OP_TRANSLATE), EPERM,
	  "translating addresses needs CAP_SYS_ADMIN (run as root), "
	  "as /proc/self/pagemap's PFNs do" },
	{ BIT(OP_IO_SPACE), EPERM,
	  "describing I/O space needs CAP_SYS_RAWIO (run as root); as root this "
	  "means the range is System RAM or claimed by a driver, which /dev/mem's "
	  "strict rules refuse (see /proc/iomem)" },
	{ BIT(OP_LOCK) | BIT(OP_ALLOC), ENOMEM,
	  "over RLIMIT_MEMLOCK: pinned pages count against the locked-memory "
	  "limit unless the process has CAP_IPC_LOCK; see `ulimit -l`, raise it "
	  "(limits.conf memlock, systemd LimitMEMLOCK=) or lock less" },
	{ BIT(OP_LOCK), EFAULT,
	  "the buffer is not (entirely) mapped in this process, or not writable "
	  "for a writable lock" },
	{ BIT(OP_LOCK) | BIT(OP_ALLOC) | BIT(OP_IO_SPACE) | BIT(OP_PARTIAL), EINVAL,
	  "a length or offset is out of range (1 to max_bytes of `mdlctl info`; "
	  "I/O ranges page-aligned; parts inside their MDL) or a flag is unknown" },
	{ BIT(OP_PFNS) | BIT(OP_TRANSLATE), EINVAL,
	  "the count is 0, above max_pfns_per_call of `mdlctl info`, or runs past "
	  "the MDL's pages" },
	{ BIT(OP_MMAP), EACCES,
	  "the MDL is read-only: it can never be mapped writable" },
	{ BIT(OP_MMAP), EINVAL,
	  "the mapping must be MAP_SHARED and lie within the MDL's pages" },
	{ BIT(OP_RW), EBADF, "the MDL is read-only: it cannot be written" },
	{ BIT(OP_STATS), ENOENT,
	  "no /sys/kernel/debug/mdl/stats: load the mdl module and mount debugfs "
	  "(`mount -t debugfs none /sys/kernel/debug`)" },
	{ BIT(OP_STATS), EACCES,
	  "debugfs is readable by root only: run `mdlctl stats` as root" },
	{ BIT(OP_STATS), EPERM,
	  "debugfs is readable by root only: run `mdlctl stats` as root" },
	{ BIT(OP_SOCKET), ECONNRESET,
	  "the other process closed the connection before sending its MDL fd" },
	{ BIT(OP_SOCKET), ECONNREFUSED,
	  "nobody listens on that socket: start `mdlctl share --serve PATH` first" },
	{ BIT(OP_FD), EBADF,
	  "no such open file descriptor: pass an MDL fd this process inherited" },
	{ DEV_CMDS, ENOTTY,
	  "the module does not know this command: mdl.ko and mdlctl were built from "
	  "different ABI versions (see `mdlctl info`); update one of them" },
	{ FD_CMDS, ENOTTY,
	  "not an MDL file descriptor, or mdl.ko and mdlctl were built from "
	  "different ABI versions (see `mdlctl info`)" },
	{ ANY, E2BIG,
	  "the running mdl.ko is older than mdlctl and refuses its larger "
	  "structure: update the module (dkms)" },
	{ ANY, EOPNOTSUPP,
	  "the running mdl.ko lacks this feature (see the features of `mdlctl info`)" },
	{ ANY, EMFILE, "too many open files: raise `ulimit -n`" },
	{ ANY, ENOMEM, "the kernel is out of memory for this request" },
	{ ANY, EINTR, "interrupted by a signal" },
	{ ANY, EPERM, "operation not permitted for this user" },
	{ ANY, EACCES, "permission denied" },
	{ ANY, EFAULT, "a buffer address is not mapped in this process" },
	{ ANY, EINVAL, "an argument is invalid" },
};

static const char *const op_names[OP_COUNT] = {
	[OP_OPEN] = "open /dev/mdl", [OP_VERSION] = "get-version",
	[OP_LOCK] = "lock", [OP_ALLOC] = "alloc-pages",
	[OP_IO_SPACE] = "map-io-space", [OP_TRANSLATE] = "translate",
	[OP_QUERY] = "query", [OP_PFNS] = "get-pfns", [OP_PARTIAL] = "partial",
	[OP_DMABUF] = "export-dmabuf", [OP_MMAP] = "mmap", [OP_RW] = "read/write",
	[OP_STATS] = "stats", [OP_SOCKET] = "socket", [OP_FD] = "fd",
};

const char *mdl_op_name(enum mdl_op op)
{
	return (unsigned int)op < OP_COUNT ? op_names[op] : "?";
}

const char *mdl_explain(enum mdl_op op, int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((table[i].ops & BIT(op)) && table[i].err == err)
			return table[i].text;
	return strerror(err);
}
