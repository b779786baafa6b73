// SPDX-License-Identifier: GPL-2.0
/*
 * The structure rules every command shares (uapi/linux/mdl.h): unknown
 * flags and non-zero reserved fields refused with EINVAL, a structure of
 * the first version's size accepted, sizes below it refused, longer
 * structures accepted with a zero tail and
 * refused with E2BIG otherwise (and any size above a page), an
 * unreadable argument (unmapped, NULL, a kernel address, a tail running
 * into an unmapped page) gives EFAULT, and so does a structure the result
 * cannot be written back to (then nothing is made).
 * Generated: every command x every rule. No refused call may leave an fd
 * (the runner checks that mdl's statistics return too).
 *
 * Then a table of bad input to everything else an fd takes (mmap,
 * mprotect, mremap, read/write, lseek, dma-buf sync) and of memory that
 * cannot be locked.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "cmds.h"
#include "suites.h"
#include "util.h"

#define TAIL 64

enum variant {
	V_VALID, V_UNKNOWN_FLAG, V_RESERVED, V_SIZE_ZERO, V_SIZE_SHORT,
	V_SIZE_LONG_ZERO, V_SIZE_LONG_DIRTY, V_BAD_POINTER, V_LOW_FLAG,
	V_SIZE_FOUR, V_SIZE_HUGE, V_SIZE_PAGE_PLUS, V_NULL, V_KERNEL_POINTER,
	V_TAIL_UNMAPPED, V_READ_ONLY, V_SIZE_FIRST, V_SIZE_BELOW_FIRST, V_COUNT
};

static const struct variant_spec {
	const char *what;
	int want;		/* 0: success */
} variants[V_COUNT] = {
	[V_VALID] = { "valid arguments accepted", 0 },
	[V_UNKNOWN_FLAG] = { "unknown flag bit -> EINVAL", EINVAL },
	[V_RESERVED] = { "non-zero reserved -> EINVAL", EINVAL },
	[V_SIZE_ZERO] = { "size 0 -> EINVAL", EINVAL },
	[V_SIZE_SHORT] = { "size 8 below the first version -> EINVAL", EINVAL },
	[V_SIZE_LONG_ZERO] = { "longer struct, zero tail -> accepted", 0 },
	[V_SIZE_LONG_DIRTY] = { "longer struct, non-zero tail -> E2BIG", E2BIG },
	[V_BAD_POINTER] = { "unreadable argument -> EFAULT", EFAULT },
	[V_LOW_FLAG] = { "lowest unknown flag bit -> EINVAL", EINVAL },
	[V_SIZE_FOUR] = { "size 4 (the size field alone) -> EINVAL", EINVAL },
	[V_SIZE_HUGE] = { "size 0xffffffff -> E2BIG", E2BIG },
	[V_SIZE_PAGE_PLUS] = { "size of a page + 8 -> E2BIG", E2BIG },
	[V_NULL] = { "NULL argument -> EFAULT", EFAULT },
	[V_KERNEL_POINTER] = { "kernel address as argument -> EFAULT", EFAULT },
	[V_TAIL_UNMAPPED] = { "longer struct running into an unmapped page -> EFAULT", EFAULT },
	[V_READ_ONLY] = { "struct in read-only memory (result not writable) -> EFAULT, nothing made",
			  EFAULT },
	[V_SIZE_FIRST] = { "size of the first version accepted", 0 },
	[V_SIZE_BELOW_FIRST] = { "size 1 below the first version -> EINVAL", EINVAL },
};

/* The flags each command knows (uapi/linux/mdl.h). */
static uint32_t known_flags(enum cmd_id id)
{
	switch (id) {
	case CMD_LOCK_USER:
	case CMD_LOCK_HANDLE:
		return MDL_LOCK_WRITE | MDL_LOCK_HANDLE | MDL_FD_CLOEXEC;
	case CMD_ALLOC_PAGES:
		return MDL_ALLOC_CONTIGUOUS | MDL_ALLOC_NONPAGED | MDL_FD_CLOEXEC;
	case CMD_MAP_IO_SPACE:
	case CMD_PARTIAL:
	case CMD_EXPORT_DMABUF:
	case CMD_HANDLE_FD:
		return MDL_FD_CLOEXEC;
	default:
		return 0;
	}
}

/* Does the command write its structure back (results, the new fd)? */
static bool writes_back(enum cmd_id id)
{
	return id != CMD_TRANSLATE && id != CMD_GET_PFNS && id != CMD_UNLOCK;
}

/* Build the argument of @c for variant @v in @arg. */
static void prepare(const struct cmd_spec *c, enum variant v, uint8_t *arg,
		    const struct fixture *fx)
{
	uint32_t size = (uint32_t)c->size, flags;

	memset(arg, 0, CMD_ARG_MAX);
	c->fill(arg, fx);
	switch (v) {
	case V_UNKNOWN_FLAG:
		memcpy(&flags, arg + 4, 4);
		flags |= 1U << 30;
		memcpy(arg + 4, &flags, 4);
		break;
	case V_RESERVED:
		arg[c->reserved_off] = 1;
		break;
	case V_SIZE_ZERO:
		size = 0;
		break;
	case V_SIZE_SHORT:
		size = (uint32_t)c->first_size - 8;
		break;
	case V_SIZE_FIRST:
		size = (uint32_t)c->first_size;
		break;
	case V_SIZE_BELOW_FIRST:
		size = (uint32_t)c->first_size - 1;
		break;
	case V_SIZE_LONG_DIRTY:
		arg[c->size + TAIL - 1] = 0x5a;
		/* fall through */
	case V_SIZE_LONG_ZERO:
	case V_TAIL_UNMAPPED:
		size += TAIL;
		break;
	case V_LOW_FLAG:
		memcpy(&flags, arg + 4, 4);
		flags |= 1U << __builtin_ctz(~known_flags((enum cmd_id)(c - cmd_specs)));
		memcpy(arg + 4, &flags, 4);
		break;
	case V_SIZE_FOUR:
		size = 4;
		break;
	case V_SIZE_HUGE:
		size = 0xffffffffU;
		break;
	case V_SIZE_PAGE_PLUS:
		size = (uint32_t)t_env.page + 8;
		break;
	default:
		break;
	}
	memcpy(arg, &size, 4);
}

/*
 * Issue @arg from where the variant puts it: ending where the unmapped page
 * after the fixture buffer starts (the tail past the structure unreadable),
 * or alone on a read-only page.
 */
static int issue_placed(const struct fixture *fx, const struct cmd_spec *c,
			const uint8_t *arg, enum variant v)
{
	uint8_t *at, *page = NULL;
	int ret;

	if (v == V_TAIL_UNMAPPED) {
		at = (uint8_t *)(uintptr_t)fx->unmapped - c->size;
		memcpy(at, arg, c->size);
		return t_ioctl(fixture_target(fx, c), c->ioc, at);
	}
	page = t_buffer(t_env.page);
	if (!page)
		return -ENOMEM;
	memcpy(page, arg, c->size);
	if (mprotect(page, t_env.page, PROT_READ))
		return -errno;
	ret = t_ioctl(fixture_target(fx, c), c->ioc, page);
	munmap(page, t_env.page);
	return ret;
}

static int run_badarg(const struct t_case *tc)
{
	const struct cmd_spec *c = &cmd_specs[(uintptr_t)tc->arg / V_COUNT];
	enum variant v = (enum variant)((uintptr_t)tc->arg % V_COUNT);
	uint8_t arg[CMD_ARG_MAX];
	struct fixture fx;
	int ret, fd0;

	ret = fixture_init(&fx, c);
	if (ret == -ENOENT && c->ioc == MDL_IOC_MAP_IO_SPACE)
		return t_skip("no unclaimed page in a PCI window of /proc/iomem");
	CHECK_OK(ret);
	prepare(c, v, arg, &fx);
	fd0 = t_next_fd();
	if (v == V_BAD_POINTER)
		ret = t_ioctl(fixture_target(&fx, c), c->ioc, (void *)(uintptr_t)fx.unmapped);
	else if (v == V_NULL)
		ret = t_ioctl(fixture_target(&fx, c), c->ioc, NULL);
	else if (v == V_KERNEL_POINTER)
		ret = t_ioctl(fixture_target(&fx, c), c->ioc,
			      (void *)(uintptr_t)0xffff888000001000ULL);
	else if (v == V_TAIL_UNMAPPED || v == V_READ_ONLY)
		ret = issue_placed(&fx, c, arg, v);
	else
		ret = cmd_issue(&fx, c, arg);
	CHECK_ERR(ret, variants[v].want);
	CHECK_EQ(t_next_fd(), fd0);
	/* A refused handle lock left no handle (this open file had none). */
	if (c == &cmd_specs[CMD_LOCK_HANDLE] && variants[v].want)
		CHECK_ERR(mdl_unlock_handle(fx.dev, 0), ENOENT);
	if (v == V_SIZE_LONG_ZERO)
		CHECK(arg[c->size] == 0 && arg[c->size + TAIL - 1] == 0);
	return T_PASS;
}

static bool applies(const struct cmd_spec *c, enum variant v)
{
	if (v == V_READ_ONLY)
		return writes_back((enum cmd_id)(c - cmd_specs));
	return v != V_RESERVED || c->reserved_off >= 0;
}

/* The (command, variant) pairs that apply, in order. */
static size_t badargs_pairs(size_t want_index, size_t *pair)
{
	size_t n = 0, i;

	for (i = 0; i < CMD_COUNT * V_COUNT; i++) {
		if (!applies(&cmd_specs[i / V_COUNT], (enum variant)(i % V_COUNT)))
			continue;
		if (n++ == want_index && pair)
			*pair = i;
	}
	return n;
}

static size_t badargs_count(void)
{
	return badargs_pairs(SIZE_MAX, NULL);
}

static void badargs_get(size_t i, struct t_case *tc)
{
	size_t pair = 0;
	const struct cmd_spec *c;

	badargs_pairs(i, &pair);
	c = &cmd_specs[pair / V_COUNT];
	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "args: %s: %s", c->name,
		 variants[pair % V_COUNT].what);
	tc->run = run_badarg;
	tc->arg = (const void *)(uintptr_t)pair;
	tc->needs = c->needs;
}

const struct t_suite suite_badargs = { "badargs", badargs_count, badargs_get };

/* ------------------------------------------------------------------ */
/* Bad input to everything else an fd takes: mmap, mprotect, mremap,  */
/* read and write, lseek, dma-buf sync, and memory that cannot be     */
/* locked. One row per case, each with the errno the kernel defines.  */
/* ------------------------------------------------------------------ */

enum bad_target {
	B_MDL,		/* the fixture's writable lock (2 pages at offset 2056: 3 pages) */
	B_MDL_RO,	/* a read-only lock of the same bytes */
	B_PAGES,	/* two kernel pages */
	B_DMABUF,	/* the writable lock's dma-buf */
	B_DMABUF_RO,	/* the read-only lock's dma-buf */
	B_DEV,		/* /dev/mdl */
};

enum bad_op {
	OP_MMAP,	/* a: offset, b: length, c: prot, d: flags */
	OP_MPROTECT,	/* map all with PROT_READ, then mprotect to c */
	OP_MREMAP,	/* map all, then grow by b bytes (MREMAP_MAYMOVE) */
	OP_PREAD,	/* a: offset, b: length, c: buffer */
	OP_PWRITE,	/* a: offset, b: length, c: buffer */
	OP_READ,	/* read(2), b: length */
	OP_WRITE,	/* write(2), b: length */
	OP_LSEEK,	/* a: offset, c: whence */
	OP_SYNC,	/* DMA_BUF_IOCTL_SYNC, a: flags, c: buffer */
	OP_LOCK,	/* LOCK_USER of memory of kind c, flags a */
};

/* Buffers for OP_PREAD / OP_PWRITE / OP_SYNC; memory kinds for OP_LOCK. */
enum bad_mem { M_OK, M_UNMAPPED, M_READ_ONLY, M_NULL, M_PROT_NONE, M_IO };

/* Offsets and lengths relative to the target's size. */
#define SZ_BYTES	(1LL << 40)	/* a + SZ_BYTES: the target's byte count + a */
#define SZ_MAP		(1LL << 41)	/* a + SZ_MAP: the target's mapped length + a */

struct bad_row {
	const char *name;
	enum bad_op op;
	enum bad_target target;
	int64_t a, b;
	int c, d;
	int want;
	unsigned int needs;
};

#define R(n, o, t, a_, b_, c_, d_, w) { n, o, t, a_, b_, c_, d_, w, 0 }
#define PG 4096		/* lengths of rows are in 4 KiB pages: checked at run time */
#define RW_ (PROT_READ | PROT_WRITE)

static const struct bad_row bad_rows[] = {
	R("mmap MDL: length 0 -> EINVAL", OP_MMAP, B_MDL, 0, 0, PROT_READ, MAP_SHARED, EINVAL),
	R("mmap MDL: offset not page-aligned -> EINVAL", OP_MMAP, B_MDL, 100, PG, PROT_READ, MAP_SHARED, EINVAL),
	R("mmap MDL: MAP_SHARED_VALIDATE | MAP_SYNC -> EOPNOTSUPP", OP_MMAP, B_MDL, 0, PG, RW_,
	  MAP_SHARED_VALIDATE | MAP_SYNC, EOPNOTSUPP),
	R("mmap MDL: neither MAP_SHARED nor MAP_PRIVATE -> EINVAL", OP_MMAP, B_MDL, 0, PG, PROT_READ, 0, EINVAL),
	R("mmap MDL: offset 2^52 -> EINVAL", OP_MMAP, B_MDL, 1LL << 52, PG, PROT_READ, MAP_SHARED, EINVAL),
	R("mmap read-only MDL: MAP_PRIVATE writable -> EINVAL", OP_MMAP, B_MDL_RO, 0, PG, RW_, MAP_PRIVATE, EINVAL),
	R("mmap read-only MDL: PROT_EXEC -> EPERM", OP_MMAP, B_MDL_RO, 0, PG, PROT_READ | PROT_EXEC, MAP_SHARED, EPERM),
	R("mmap read-only MDL: one page past the end -> EINVAL", OP_MMAP, B_MDL_RO, 0, SZ_MAP + PG, PROT_READ,
	  MAP_SHARED, EINVAL),
	R("mmap kernel pages: past the end -> EINVAL", OP_MMAP, B_PAGES, 2 * PG, PG, RW_, MAP_SHARED, EINVAL),
	R("mmap kernel pages: MAP_PRIVATE -> EINVAL", OP_MMAP, B_PAGES, 0, PG, RW_, MAP_PRIVATE, EINVAL),
	R("mmap kernel pages: PROT_EXEC -> EPERM", OP_MMAP, B_PAGES, 0, PG, PROT_READ | PROT_EXEC, MAP_SHARED, EPERM),
	R("mmap dma-buf: MAP_PRIVATE -> EINVAL", OP_MMAP, B_DMABUF, 0, PG, PROT_READ, MAP_PRIVATE, EINVAL),
	R("mmap dma-buf: PROT_EXEC -> EPERM", OP_MMAP, B_DMABUF, 0, PG, PROT_READ | PROT_EXEC, MAP_SHARED, EPERM),
	R("mmap dma-buf: one page past the end -> EINVAL", OP_MMAP, B_DMABUF, 0, SZ_MAP + PG, PROT_READ,
	  MAP_SHARED, EINVAL),
	R("mmap dma-buf: offset at the end -> EINVAL", OP_MMAP, B_DMABUF, SZ_MAP, PG, PROT_READ, MAP_SHARED, EINVAL),
	R("mmap read-only dma-buf: PROT_WRITE -> EACCES", OP_MMAP, B_DMABUF_RO, 0, PG, RW_, MAP_SHARED, EACCES),
	R("mmap /dev/mdl itself -> ENODEV", OP_MMAP, B_DEV, 0, PG, PROT_READ, MAP_SHARED, ENODEV),
	R("mprotect MDL mapping: PROT_EXEC -> EACCES", OP_MPROTECT, B_MDL, 0, 0, PROT_READ | PROT_EXEC, 0, EACCES),
	R("mprotect kernel-page mapping: PROT_EXEC -> EACCES", OP_MPROTECT, B_PAGES, 0, 0,
	  PROT_READ | PROT_EXEC, 0, EACCES),
	R("mprotect dma-buf mapping: PROT_EXEC -> EACCES", OP_MPROTECT, B_DMABUF, 0, 0,
	  PROT_READ | PROT_EXEC, 0, EACCES),
	R("mprotect read-only dma-buf mapping: PROT_WRITE -> EACCES", OP_MPROTECT, B_DMABUF_RO, 0, 0, RW_, 0, EACCES),
	R("mremap MDL mapping: grow by a page -> EFAULT", OP_MREMAP, B_MDL, 0, PG, 0, 0, EFAULT),
	R("mremap kernel-page mapping: grow by a page -> EFAULT", OP_MREMAP, B_PAGES, 0, PG, 0, 0, EFAULT),
	R("mremap dma-buf mapping: grow by a page -> EFAULT", OP_MREMAP, B_DMABUF, 0, PG, 0, 0, EFAULT),
	R("pread MDL: offset -1 -> EINVAL", OP_PREAD, B_MDL, -1, 16, M_OK, 0, EINVAL),
	R("pread MDL: offset + length past 2^63 -> EINVAL", OP_PREAD, B_MDL, INT64_MAX, 16, M_OK, 0, EINVAL),
	R("pread MDL: into unmapped memory -> EFAULT", OP_PREAD, B_MDL, 0, 16, M_UNMAPPED, 0, EFAULT),
	R("pread MDL: into read-only memory -> EFAULT", OP_PREAD, B_MDL, 0, 16, M_READ_ONLY, 0, EFAULT),
	R("pread MDL: into NULL -> EFAULT", OP_PREAD, B_MDL, 0, 16, M_NULL, 0, EFAULT),
	R("pread kernel pages: into unmapped memory -> EFAULT", OP_PREAD, B_PAGES, 0, 16, M_UNMAPPED, 0, EFAULT),
	R("pread dma-buf -> ESPIPE", OP_PREAD, B_DMABUF, 0, 16, M_OK, 0, ESPIPE),
	R("pread /dev/mdl -> EINVAL", OP_PREAD, B_DEV, 0, 16, M_OK, 0, EINVAL),
	R("pwrite MDL: offset -1 -> EINVAL", OP_PWRITE, B_MDL, -1, 16, M_OK, 0, EINVAL),
	R("pwrite MDL: offset + length past 2^63 -> EINVAL", OP_PWRITE, B_MDL, INT64_MAX, 16, M_OK, 0, EINVAL),
	R("pwrite MDL: at byte_count -> ENOSPC", OP_PWRITE, B_MDL, SZ_BYTES, 16, M_OK, 0, ENOSPC),
	R("pwrite MDL: far past the end -> ENOSPC", OP_PWRITE, B_MDL, 1LL << 50, 16, M_OK, 0, ENOSPC),
	R("pwrite MDL: from unmapped memory -> EFAULT", OP_PWRITE, B_MDL, 0, 16, M_UNMAPPED, 0, EFAULT),
	R("pwrite MDL: from NULL -> EFAULT", OP_PWRITE, B_MDL, 0, 16, M_NULL, 0, EFAULT),
	R("pwrite read-only MDL: zero bytes -> EBADF", OP_PWRITE, B_MDL_RO, 0, 0, M_OK, 0, EBADF),
	R("pwrite kernel pages: at byte_count -> ENOSPC", OP_PWRITE, B_PAGES, SZ_BYTES, 1, M_OK, 0, ENOSPC),
	R("pwrite dma-buf -> ESPIPE", OP_PWRITE, B_DMABUF, 0, 16, M_OK, 0, ESPIPE),
	R("read dma-buf -> EINVAL", OP_READ, B_DMABUF, 0, 16, M_OK, 0, EINVAL),
	R("write dma-buf -> EINVAL", OP_WRITE, B_DMABUF, 0, 16, M_OK, 0, EINVAL),
	R("read /dev/mdl -> EINVAL", OP_READ, B_DEV, 0, 16, M_OK, 0, EINVAL),
	R("write /dev/mdl -> EINVAL", OP_WRITE, B_DEV, 0, 16, M_OK, 0, EINVAL),
	R("write read-only MDL -> EBADF", OP_WRITE, B_MDL_RO, 0, 16, M_OK, 0, EBADF),
	R("lseek MDL: SEEK_SET -1 -> EINVAL", OP_LSEEK, B_MDL, -1, 0, SEEK_SET, 0, EINVAL),
	R("lseek MDL: SEEK_SET byte_count + 1 -> EINVAL", OP_LSEEK, B_MDL, SZ_BYTES + 1, 0, SEEK_SET, 0, EINVAL),
	R("lseek MDL: SEEK_END + 1 -> EINVAL", OP_LSEEK, B_MDL, 1, 0, SEEK_END, 0, EINVAL),
	R("lseek MDL: SEEK_CUR -1 at 0 -> EINVAL", OP_LSEEK, B_MDL, -1, 0, SEEK_CUR, 0, EINVAL),
	R("lseek MDL: SEEK_DATA -> EINVAL", OP_LSEEK, B_MDL, 0, 0, SEEK_DATA, 0, EINVAL),
	R("lseek MDL: SEEK_HOLE -> EINVAL", OP_LSEEK, B_MDL, 0, 0, SEEK_HOLE, 0, EINVAL),
	R("lseek MDL: whence 7 -> EINVAL", OP_LSEEK, B_MDL, 0, 0, 7, 0, EINVAL),
	R("lseek dma-buf: SEEK_SET 4096 -> EINVAL", OP_LSEEK, B_DMABUF, PG, 0, SEEK_SET, 0, EINVAL),
	R("lseek dma-buf: SEEK_CUR -> EINVAL", OP_LSEEK, B_DMABUF, 0, 0, SEEK_CUR, 0, EINVAL),
	R("DMA_BUF_IOCTL_SYNC: no direction -> EINVAL", OP_SYNC, B_DMABUF, DMA_BUF_SYNC_START, 0, M_OK, 0, EINVAL),
	R("DMA_BUF_IOCTL_SYNC: unknown flag bit -> EINVAL", OP_SYNC, B_DMABUF,
	  DMA_BUF_SYNC_RW | (1 << 8), 0, M_OK, 0, EINVAL),
	R("DMA_BUF_IOCTL_SYNC: unreadable argument -> EFAULT", OP_SYNC, B_DMABUF, DMA_BUF_SYNC_RW, 0,
	  M_UNMAPPED, 0, EFAULT),
	R("DMA_BUF_IOCTL_SYNC on an MDL fd -> ENOTTY", OP_SYNC, B_MDL, DMA_BUF_SYNC_RW | DMA_BUF_SYNC_START,
	  0, M_OK, 0, ENOTTY),
	R("LOCK_USER: a PROT_NONE mapping -> EFAULT", OP_LOCK, B_DEV, 0, 0, M_PROT_NONE, 0, EFAULT),
	R("LOCK_USER writable: a read-only mapping -> EFAULT", OP_LOCK, B_DEV, MDL_LOCK_WRITE, 0, M_READ_ONLY,
	  0, EFAULT),
	{ "LOCK_USER: a mapping of I/O space (no struct pages) -> EFAULT", OP_LOCK, B_DEV, 0, 0, M_IO, 0,
	  EFAULT, T_ROOT },
};

#define N_BAD_ROWS (sizeof(bad_rows) / sizeof(bad_rows[0]))

struct bad_fx {
	struct fixture fx;
	int ro, pages, dmabuf, dmabuf_ro;
	uint8_t *ro_page;	/* a read-only page */
};

static int bad_fd(const struct bad_fx *b, enum bad_target t)
{
	switch (t) {
	case B_MDL:
		return b->fx.mdl;
	case B_MDL_RO:
		return b->ro;
	case B_PAGES:
		return b->pages;
	case B_DMABUF:
		return b->dmabuf;
	case B_DMABUF_RO:
		return b->dmabuf_ro;
	default:
		return b->fx.dev;
	}
}

/* Byte count and mapped length of a target. */
static void bad_sizes(const struct bad_fx *b, enum bad_target t, int64_t *bytes,
		      int64_t *map)
{
	if (t == B_PAGES) {
		*bytes = *map = 2 * (int64_t)t_env.page;
		return;
	}
	*bytes = (int64_t)b->fx.length;
	*map = 3 * (int64_t)t_env.page;	/* 2 pages at offset page/2 + 8 */
}

static int64_t bad_resolve(const struct bad_fx *b, enum bad_target t, int64_t v)
{
	int64_t bytes, map;

	bad_sizes(b, t, &bytes, &map);
	if (v >= SZ_MAP - (1LL << 39) && v < SZ_MAP + (1LL << 39))
		return map + (v - SZ_MAP) / PG * (int64_t)t_env.page;
	if (v >= SZ_BYTES - (1LL << 39) && v < SZ_BYTES + (1LL << 39))
		return bytes + (v - SZ_BYTES);
	return v;
}

static void *bad_mem(const struct bad_fx *b, enum bad_mem m)
{
	switch (m) {
	case M_UNMAPPED:
		return (void *)(uintptr_t)b->fx.unmapped;
	case M_READ_ONLY:
		return b->ro_page;
	case M_NULL:
		return NULL;
	default:
		return b->fx.buf;
	}
}

static int bad_setup(struct bad_fx *b, const struct bad_row *r)
{
	/* Mapped first: a later mmap could fill the fixture's unmapped page. */
	b->ro_page = t_buffer(t_env.page);
	CHECK(b->ro_page);
	CHECK_OK(mprotect(b->ro_page, t_env.page, PROT_READ) ? -errno : 0);
	CHECK_OK(fixture_init(&b->fx, NULL));
	b->ro = mdl_lock_user(b->fx.dev, b->fx.buf + b->fx.offset, b->fx.length, 0);
	CHECK_OK(b->ro);
	b->pages = mdl_alloc_pages(b->fx.dev, 2 * t_env.page, 0, MDL_CACHE_CACHED);
	CHECK_OK(b->pages);
	b->dmabuf = b->dmabuf_ro = -1;
	if (r->target == B_DMABUF || r->target == B_DMABUF_RO) {
		b->dmabuf = mdl_export_dmabuf(b->fx.mdl, 0);
		b->dmabuf_ro = mdl_export_dmabuf(b->ro, 0);
		if (b->dmabuf == -ENOTTY || b->dmabuf == -EOPNOTSUPP)
			return t_skip("no dma-buf export in this module");
		CHECK_OK(b->dmabuf);
		CHECK_OK(b->dmabuf_ro);
	}
	return T_PASS;
}

/* Memory of kind @m for OP_LOCK: its address, or NULL (then *ret says why). */
static void *bad_lock_mem(enum bad_mem m, int *ret)
{
	uint64_t io;
	void *p;
	int fd;

	*ret = 0;
	if (m == M_IO) {
		*ret = t_iomem_free_page(t_env.page, &io);
		if (*ret)
			return NULL;
		fd = mdl_map_io_space(t_env.dev, io, t_env.page, 0, MDL_CACHE_NONCACHED);
		if (fd < 0) {
			*ret = fd;
			return NULL;
		}
		p = t_mmap(fd, t_env.page, PROT_READ | PROT_WRITE, 0);
		close(fd);
		if (!p)
			*ret = -errno;
		return p;
	}
	p = mmap(NULL, t_env.page, m == M_PROT_NONE ? PROT_NONE : PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED) {
		*ret = -errno;
		return NULL;
	}
	return p;
}

static long bad_issue(const struct bad_fx *b, const struct bad_row *r)
{
	int fd = bad_fd(b, r->target);
	int64_t a = bad_resolve(b, r->target, r->a), len = bad_resolve(b, r->target, r->b);
	int64_t bytes, map;
	struct dma_buf_sync sync = { (uint64_t)r->a };
	void *p, *q;
	long ret;

	bad_sizes(b, r->target, &bytes, &map);
	switch (r->op) {
	case OP_MMAP:
		p = mmap(NULL, (size_t)len, r->c, r->d, fd, (off_t)a);
		if (p == MAP_FAILED)
			return -errno;
		munmap(p, (size_t)len);
		return 0;
	case OP_MPROTECT:
	case OP_MREMAP:
		p = mmap(NULL, (size_t)map, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return -errno - 1000;	/* not the call under test */
		if (r->op == OP_MPROTECT) {
			ret = mprotect(p, (size_t)map, r->c) ? -errno : 0;
			munmap(p, (size_t)map);
			return ret;
		}
		q = mremap(p, (size_t)map, (size_t)(map + len), MREMAP_MAYMOVE);
		ret = q == MAP_FAILED ? -errno : 0;
		munmap(q == MAP_FAILED ? p : q, (size_t)(q == MAP_FAILED ? map : map + len));
		return ret;
	case OP_PREAD:
		return t_pread(fd, bad_mem(b, (enum bad_mem)r->c), (size_t)len, (off_t)a);
	case OP_PWRITE:
		return t_pwrite(fd, bad_mem(b, (enum bad_mem)r->c), (size_t)len, (off_t)a);
	case OP_READ:
		ret = read(fd, b->fx.buf, (size_t)len);
		return ret < 0 ? -errno : ret;
	case OP_WRITE:
		ret = write(fd, b->fx.buf, (size_t)len);
		return ret < 0 ? -errno : ret;
	case OP_LSEEK:
		ret = (long)lseek(fd, (off_t)a, r->c);
		return ret < 0 ? -errno : 0;
	case OP_SYNC:
		return t_ioctl(fd, DMA_BUF_IOCTL_SYNC, r->c == M_OK ? (void *)&sync :
			       bad_mem(b, (enum bad_mem)r->c));
	case OP_LOCK:
		p = bad_lock_mem((enum bad_mem)r->c, &fd);
		if (!p)
			return fd - 1000;
		ret = mdl_lock_user(b->fx.dev, p, t_env.page, (uint32_t)r->a);
		if (ret >= 0)
			close((int)ret);
		munmap(p, t_env.page);
		return ret < 0 ? ret : 0;
	}
	return -ENOSYS;
}

static int run_badop(const struct t_case *tc)
{
	const struct bad_row *r = &bad_rows[(uintptr_t)tc->arg];
	struct bad_fx b;
	long ret;
	int fd0;

	CHECK_EQ(t_env.page, PG);	/* the rows' lengths are in 4 KiB pages */
	CHECK_STEP(bad_setup(&b, r));
	fd0 = t_next_fd();
	ret = bad_issue(&b, r);
	if (r->op == OP_LOCK && ret == -ENOENT - 1000)
		return t_skip("no unclaimed page in a PCI window of /proc/iomem");
	T_FAIL_IF(ret <= -1000, "setting up the call: %s", strerror((int)(-ret - 1000)));
	CHECK_ERR(ret, r->want);
	CHECK_EQ(t_next_fd(), fd0);
	return T_PASS;
}

static size_t badops_count(void)
{
	return N_BAD_ROWS;
}

static void badops_get(size_t i, struct t_case *tc)
{
	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "bad input: %s", bad_rows[i].name);
	tc->run = run_badop;
	tc->arg = (const void *)(uintptr_t)i;
	tc->needs = bad_rows[i].needs;
}

const struct t_suite suite_badops = { "badops", badops_count, badops_get };
