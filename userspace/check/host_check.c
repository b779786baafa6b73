// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests that need no module: libmdl's argument checks and fd passing,
 * mdlctl's errno table and parsers. Prints "ok N - name" / "not ok N -
 * name" lines; check/run.sh counts them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../mdlctl/mdlctl.h"

static unsigned int number, failed;

static void report(int ok, const char *name)
{
	printf("%sok %u - %s\n", ok ? "" : "not ", ++number, name);
	failed += !ok;
}

static int memfd(void)
{
	return memfd_create("host-check", MFD_CLOEXEC);
}

/* --- libmdl: arguments refused before any system call ------------------ */

struct arg_case {
	const char *name;
	int (*call)(void);
	int want;
};

static int c_version_badfd(void) { struct mdl_version v; return mdl_version(-1, &v); }
static int c_version_null(void) { return mdl_version(memfd(), NULL); }
static int c_query_badfd(void) { struct mdl_info i; return mdl_query(-1, &i); }
static int c_query_null(void) { return mdl_query(memfd(), NULL); }
static int c_pfns_null(void) { return mdl_get_pfns(memfd(), 0, 1, NULL); }
static int c_translate_null(void) { uint64_t a = 0; return mdl_translate(memfd(), &a, 1, NULL); }
static int c_lock_badfd(void) { char b[8] = ""; return mdl_lock_user(-1, b, 8, 0); }
static int c_alloc_badfd(void) { return mdl_alloc_pages(-5, 4096, 0, MDL_CACHE_CACHED); }
static int c_io_badfd(void) { return mdl_map_io_space(-1, 0, 4096, 0, 0); }
static int c_partial_badfd(void) { return mdl_partial(-1, 0, 0, 0); }
static int c_export_badfd(void) { return mdl_export_dmabuf(-1, 0); }
static int c_close_badfd(void) { return mdl_close(-1); }
static int c_query_memfd(void) { struct mdl_info i; return mdl_query(memfd(), &i); }
static int c_lock_memfd(void) { char b[8] = ""; return mdl_lock_user(memfd(), b, 8, 0); }
static int c_map_memfd(void) { struct mdl_mapping m; return mdl_map(memfd(), PROT_READ, &m); }
static int c_map_null(void) { return mdl_map(memfd(), PROT_READ, NULL); }
static int c_unmap_null(void) { return mdl_unmap(NULL); }
static int c_unmap_empty(void) { struct mdl_mapping m = { 0 }; return mdl_unmap(&m); }
static int c_send_badsock(void) { return mdl_send_fd(-1, 0); }
static int c_send_badfd(void) { return mdl_send_fd(0, -1); }
static int c_recv_badsock(void) { return mdl_recv_fd(-1); }

static const struct arg_case arg_cases[] = {
	{ "mdl_version(-1) -> EBADF", c_version_badfd, -EBADF },
	{ "mdl_version(NULL) -> EINVAL", c_version_null, -EINVAL },
	{ "mdl_query(-1) -> EBADF", c_query_badfd, -EBADF },
	{ "mdl_query(NULL) -> EINVAL", c_query_null, -EINVAL },
	{ "mdl_get_pfns(NULL array) -> EINVAL", c_pfns_null, -EINVAL },
	{ "mdl_translate(NULL result) -> EINVAL", c_translate_null, -EINVAL },
	{ "mdl_lock_user(-1) -> EBADF", c_lock_badfd, -EBADF },
	{ "mdl_alloc_pages(-5) -> EBADF", c_alloc_badfd, -EBADF },
	{ "mdl_map_io_space(-1) -> EBADF", c_io_badfd, -EBADF },
	{ "mdl_partial(-1) -> EBADF", c_partial_badfd, -EBADF },
	{ "mdl_export_dmabuf(-1) -> EBADF", c_export_badfd, -EBADF },
	{ "mdl_close(-1) -> EBADF", c_close_badfd, -EBADF },
	{ "mdl_query(memfd) -> ENOTTY from the kernel", c_query_memfd, -ENOTTY },
	{ "mdl_lock_user(memfd) -> ENOTTY from the kernel", c_lock_memfd, -ENOTTY },
	{ "mdl_map(memfd) -> ENOTTY", c_map_memfd, -ENOTTY },
	{ "mdl_map(NULL mapping) -> EINVAL", c_map_null, -EINVAL },
	{ "mdl_unmap(NULL) -> EINVAL", c_unmap_null, -EINVAL },
	{ "mdl_unmap(empty mapping) -> EINVAL", c_unmap_empty, -EINVAL },
	{ "mdl_send_fd(bad socket) -> EBADF", c_send_badsock, -EBADF },
	{ "mdl_send_fd(bad fd) -> EBADF", c_send_badfd, -EBADF },
	{ "mdl_recv_fd(bad socket) -> EBADF", c_recv_badsock, -EBADF },
};

static void check_args(void)
{
	size_t i;

	for (i = 0; i < sizeof(arg_cases) / sizeof(arg_cases[0]); i++) {
		int got = arg_cases[i].call();

		if (got != arg_cases[i].want)
			printf("# %s: got %d\n", arg_cases[i].name, got);
		report(got == arg_cases[i].want, arg_cases[i].name);
	}
}

/* --- libmdl: SCM_RIGHTS helpers ----------------------------------------- */

static void check_fd_passing(void)
{
	struct stat a, b;
	int sv[2], fd = memfd(), got;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	got = mdl_send_fd(sv[0], fd) ? -1 : mdl_recv_fd(sv[1]);
	report(got >= 0 && got != fd && !fstat(fd, &a) && !fstat(got, &b) &&
	       a.st_ino == b.st_ino, "mdl_send_fd/mdl_recv_fd pass the same file");
	report(got >= 0 && (fcntl(got, F_GETFD) & FD_CLOEXEC),
	       "mdl_recv_fd gives a close-on-exec fd");
	report(write(sv[0], "x", 1) == 1 && mdl_recv_fd(sv[1]) == -EPROTO,
	       "mdl_recv_fd of a message without an fd -> EPROTO");
	close(sv[0]);
	report(mdl_recv_fd(sv[1]) == -ECONNRESET,
	       "mdl_recv_fd after the peer closed -> ECONNRESET");
	close(sv[1]);
}

/* The library's release and ABI; the release is run.sh's to compare. */
static void check_lib_version(void)
{
	uint32_t major = ~0U, minor = ~0U;
	const char *rel = mdl_lib_version(&major, &minor);
	unsigned int a, b, c;
	char end;

	printf("# libmdl %s, ABI %u.%u\n", rel ? rel : "(null)", major, minor);
	report(rel && sscanf(rel, "%u.%u.%u%c", &a, &b, &c, &end) == 3,
	       "mdl_lib_version: a release of three numbers");
	report(major == MDL_ABI_MAJOR && minor == MDL_ABI_MINOR,
	       "mdl_lib_version: the ABI of the uapi header");
	report(mdl_lib_version(NULL, NULL) == rel,
	       "mdl_lib_version(NULL, NULL): the same string");
}

static void check_open(void)
{
	int fd;

	if (!access(LIBMDL_DEVICE, F_OK)) {
		printf("ok %u - mdl_open without /dev/mdl -> ENOENT # SKIP /dev/mdl exists\n",
		       ++number);
		return;
	}
	fd = mdl_open();
	report(fd == -ENOENT, "mdl_open without /dev/mdl -> ENOENT");
}

static void check_span(void)
{
	static const uint64_t t[][4] = {
		{ 0, 1, 4096, 1 }, { 4095, 2, 4096, 2 }, { 0, 4096, 4096, 1 },
		{ 1, 4096, 4096, 2 }, { 0, 0, 4096, 0 }, { 8192 + 5, 4096, 4096, 2 },
		{ 7, 1, 0, 0 },
	};
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok &= mdl_span_pages(t[i][0], t[i][1], t[i][2]) == t[i][3];
	report(ok, "mdl_span_pages counts the pages a range spans");
}

/* --- mdlctl: errno table and parsers ------------------------------------ */

struct explain_case {
	enum mdl_op op;
	int err;
	const char *must_say;
};

static const struct explain_case explain_cases[] = {
	{ OP_OPEN, ENOENT, "not loaded" }, { OP_OPEN, ENOENT, "dkms" },
	{ OP_OPEN, EACCES, "udev" }, { OP_OPEN, ENXIO, "modprobe" },
	{ OP_PFNS, EPERM, "CAP_SYS_ADMIN" }, { OP_TRANSLATE, EPERM, "CAP_SYS_ADMIN" },
	{ OP_IO_SPACE, EPERM, "CAP_SYS_RAWIO" }, { OP_IO_SPACE, EPERM, "System RAM" },
	{ OP_LOCK, ENOMEM, "RLIMIT_MEMLOCK" }, { OP_ALLOC, ENOMEM, "RLIMIT_MEMLOCK" },
	{ OP_LOCK, ENOMEM, "CAP_IPC_LOCK" }, { OP_LOCK, ENOTTY, "ABI" },
	{ OP_VERSION, ENOTTY, "ABI" }, { OP_QUERY, ENOTTY, "not an MDL" },
	{ OP_LOCK, E2BIG, "older" }, { OP_MMAP, EACCES, "read-only" },
	{ OP_RW, EBADF, "read-only" }, { OP_STATS, EACCES, "root" },
	{ OP_STATS, ENOENT, "debugfs" }, { OP_SOCKET, ECONNREFUSED, "--serve" },
	{ OP_FD, EBADF, "inherited" }, { OP_LOCK, EFAULT, "mapped" },
	{ OP_PARTIAL, EINVAL, "inside" }, { OP_DMABUF, EOPNOTSUPP, "feature" },
};

static void check_explain(void)
{
	size_t i;
	int op, e, ok = 1;
	char name[160];

	for (i = 0; i < sizeof(explain_cases) / sizeof(explain_cases[0]); i++) {
		const struct explain_case *c = &explain_cases[i];

		snprintf(name, sizeof(name), "%s %s explained with \"%s\"",
			 mdl_op_name(c->op), strerrorname_np(c->err), c->must_say);
		report(strstr(mdl_explain(c->op, c->err), c->must_say) != NULL, name);
	}
	for (op = 0; op < OP_COUNT; op++)
		for (e = 1; e < 134; e++)
			ok &= mdl_explain((enum mdl_op)op, e) && mdl_explain((enum mdl_op)op, -e)[0];
	report(ok, "every operation x errno has a message (also for -errno)");
}

static void check_parsers(void)
{
	uint64_t v = 0;
	uint32_t c = 99;

	report(!parse_size("16K", &v) && v == 16384, "parse_size 16K");
	report(!parse_size("0x1000", &v) && v == 4096, "parse_size 0x1000");
	report(!parse_size("2M", &v) && v == 2 << 20, "parse_size 2M");
	report(!parse_size("1G", &v) && v == 1 << 30, "parse_size 1G");
	report(parse_size("12x", &v) == -EINVAL && parse_size("", &v) == -EINVAL &&
	       parse_size("K", &v) == -EINVAL, "parse_size refuses junk");
	report(!parse_size("3t", &v) && v == 3ULL << 40 && !parse_size("2P", &v) &&
	       v == 2ULL << 50 && !parse_size("15E", &v) && v == 15ULL << 60,
	       "parse_size T, P, E");
	report(!parse_size("18446744073709551615", &v) && v == ~0ULL &&
	       !parse_size("0xffffffffffffffff", &v) && v == ~0ULL &&
	       !parse_size("16777215T", &v) && v == 16777215ULL << 40,
	       "parse_size: the largest sizes");
	v = 7;
	report(parse_size("18446744073709551616", &v) == -ERANGE &&
	       parse_size("99999999999999999999", &v) == -ERANGE &&
	       parse_size("16E", &v) == -ERANGE &&
	       parse_size("17179869184G", &v) == -ERANGE &&
	       parse_size("16777216T", &v) == -ERANGE &&
	       parse_size("0x10000000000000000", &v) == -ERANGE && v == 7,
	       "parse_size: overflow (suffix included) is ERANGE, the value untouched");
	report(parse_size("-1", &v) == -EINVAL && parse_size("+1", &v) == -EINVAL &&
	       parse_size(" 1", &v) == -EINVAL && parse_size("0x", &v) == -EINVAL &&
	       parse_size("1k1", &v) == -EINVAL && parse_size("1KB", &v) == -EINVAL &&
	       parse_size("1 ", &v) == -EINVAL && parse_size("1 K", &v) == -EINVAL &&
	       v == 7, "parse_size refuses signs, spaces, a bare 0x, junk after the suffix");
	report(!parse_cache("writecombined", &c) && c == MDL_CACHE_WRITECOMBINED &&
	       !strcmp(cache_name(c), "writecombined") && parse_cache("wb", &c),
	       "cache type names");
	report(!strcmp(kind_name(MDL_KIND_IO_SPACE), "io-space") &&
	       !strcmp(kind_name(77), "unknown"), "MDL kind names");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_args();
	check_fd_passing();
	check_lib_version();
	check_open();
	check_span();
	check_explain();
	check_parsers();
	printf("# host_check: %u run, %u failed\n", number, failed);
	return failed != 0;
}
