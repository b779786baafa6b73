// SPDX-License-Identifier: GPL-2.0
/*
 * Every error path of every command, with /proc/thread-self/fail-nth
 * (CONFIG_FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC,
 * FAULT_INJECTION_DEBUG_FS): the n-th fault site the call passes through
 * fails, for n = 1, 2, ... until the call gets through without reaching
 * the n-th site. Each failure must be a clean errno of the acceptable set
 * (ENOMEM; EFAULT as well where the kernel injects user-copy faults,
 * CONFIG_FAULT_INJECTION_USERCOPY), must leave nothing behind (no fd, no
 * mapping, no pin, no RLIMIT_MEMLOCK charge, mdl's debugfs statistics
 * unchanged), and the same call made again without a fault must work. A
 * fault the kernel recovers from (the call succeeds anyway) is counted as
 * absorbed and the result is checked like any other.
 *
 * The case configures debugfs so that faults reach sleeping and highmem
 * allocations of any order and print nothing (verbose 0: a fault is not a
 * kernel problem), and restores the settings afterwards. Only the case's
 * own thread is armed (fail-nth is per task); probability stays 0.
 *
 * Debian's kernels have no fault injection: the cases skip there, and fail
 * when MDL_DEBUG_KERNEL=1 says the kernel was built for them.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmds.h"
#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define FI_DEBUGFS	"/sys/kernel/debug"
#define FI_MAX_POINTS	4000
#define FI_MAX_KNOBS	16

/* A debugfs knob set for the walk and its value before. */
struct fi_knob {
	char path[320];
	char old[24];
};

struct fi_env {
	int nth;			/* /proc/thread-self/fail-nth */
	bool usercopy;			/* user copies can be failed too */
	unsigned int nknobs;
	struct fi_knob knobs[FI_MAX_KNOBS];
};

/* What a walk compares before and after each call. */
struct fi_snap {
	int fds;
	int maps;
	long vm_pin_kb;
	struct t_stats stats;
	bool have_stats;
	struct t_pins pins;
};

struct fi_ctx;

/**
 * struct fi_op - one call walked through its fault sites
 * @name: what the call is
 * @needs: T_ROOT for privileged calls
 * @unpriv: also walked as the unprivileged user
 * @refusable: the module may refuse the call itself (EINVAL, a policy
 *             other than fault handling): then there is nothing to walk
 * @setup: the fixture, made once, before the walk (0 or -errno)
 * @prep: before each call, unarmed: per-call state (may be NULL)
 * @call: the call itself: a result >= 0, or -errno
 * @verify: after a successful call: check and release what it made
 * @undo: after a failed call: release what @prep made (may be NULL)
 */
struct fi_op {
	const char *name;
	unsigned int needs;
	bool unpriv;
	bool refusable;
	bool pat_einval;		/* remap_pfn_range() fails EINVAL when x86 PAT cannot record the range */
	int (*setup)(struct fi_ctx *c);
	int (*prep)(struct fi_ctx *c);
	long (*call)(struct fi_ctx *c);
	int (*verify)(struct fi_ctx *c, long res);
	void (*undo)(struct fi_ctx *c);
	uint32_t flags;			/* the command's flags */
	uint32_t cache;			/* MDL_CACHE_* for allocations */
	size_t pages;			/* size of the object, in pages */
};

/* What the bytes of the fixture's MDL are. */
enum fi_content { C_ANY, C_LOCK, C_PAGES };

struct fi_ctx {
	const struct fi_op *op;
	enum fi_content content;
	struct t_lock lock;		/* a locked buffer (fixture) */
	int mdl;			/* the MDL the call acts on */
	int dmabuf;			/* its dma-buf, for mmap of one */
	size_t mdl_len;			/* its byte count */
	uint64_t io_page;		/* a free I/O page */
	uint32_t handle;		/* a handle lock of @lock's buffer */
	uint64_t pfns[64];		/* PFNs read at setup */
	uint64_t addrs[4];		/* TRANSLATE input */
	uint64_t phys[4];		/* TRANSLATE output */
	uint8_t arg[CMD_ARG_MAX];	/* the ioctl structure */
	uint8_t *map;			/* a mapping made by @prep */
	size_t map_len;
	uint8_t rw[4 * 4096];		/* pread/pwrite buffer */
};

/* ------------------------------------------------------------------ */
/* Fault injection set-up.                                            */
/* ------------------------------------------------------------------ */

static int fi_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int fi_read(const char *path, char *val, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, val, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	val[n] = '\0';
	val[strcspn(val, "\n")] = '\0';
	return 0;
}

static bool fi_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Set one knob, remembering its old value. */
static int fi_knob(struct fi_env *e, const char *dir, const char *file,
		   const char *val)
{
	struct fi_knob *k = &e->knobs[e->nknobs];
	int ret;

	if (e->nknobs == FI_MAX_KNOBS)
		return -ENOSPC;
	snprintf(k->path, sizeof(k->path), FI_DEBUGFS "/%s/%s", dir, file);
	ret = fi_read(k->path, k->old, sizeof(k->old));
	if (!ret)
		ret = fi_write(k->path, val);
	if (ret) {
		t_diag("fault injection: %s: %s", k->path, strerror(-ret));
		return ret;
	}
	e->nknobs++;
	return 0;
}

static void fi_restore(struct fi_env *e)
{
	while (e->nknobs) {
		struct fi_knob *k = &e->knobs[--e->nknobs];

		fi_write(k->path, k->old);
	}
}

/* Every fail* attribute of debugfs: silent while the walk runs. */
static int fi_quiet(struct fi_env *e)
{
	DIR *d = opendir(FI_DEBUGFS);
	struct dirent *de;
	char path[320];
	int ret = 0;

	if (!d)
		return -errno;
	while (!ret && (de = readdir(d))) {
		if (strncmp(de->d_name, "fail", 4))
			continue;
		snprintf(path, sizeof(path), FI_DEBUGFS "/%s/verbose", de->d_name);
		if (fi_exists(path))
			ret = fi_knob(e, de->d_name, "verbose", "0");
	}
	closedir(d);
	return ret;
}

/*
 * Prepare fault injection: T_PASS, T_SKIP (not in this kernel) or T_FAIL
 * (a debug kernel without it, or the knobs cannot be set).
 */
static int fi_setup(struct fi_env *e)
{
	static const char *const need[] = {
		"/proc/thread-self/fail-nth",
		FI_DEBUGFS "/failslab/ignore-gfp-wait",
		FI_DEBUGFS "/fail_page_alloc/ignore-gfp-wait",
	};
	const char *debug = getenv("MDL_DEBUG_KERNEL");
	size_t i;

	memset(e, 0, sizeof(*e));
	e->nth = -1;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (fi_exists(need[i]))
			continue;
		if (debug && !strcmp(debug, "1")) {
			t_diag("MDL_DEBUG_KERNEL=1 but %s is missing", need[i]);
			return T_FAIL;
		}
		return t_skip("fault injection needs the debug kernel: make vmtest-debug (no %s here)",
			      need[i]);
	}
	e->usercopy = fi_exists(FI_DEBUGFS "/fail_usercopy");
	if (fi_knob(e, "failslab", "ignore-gfp-wait", "N") ||
	    fi_knob(e, "fail_page_alloc", "ignore-gfp-wait", "N") ||
	    fi_knob(e, "fail_page_alloc", "ignore-gfp-highmem", "N") ||
	    fi_knob(e, "fail_page_alloc", "min-order", "0") || fi_quiet(e)) {
		fi_restore(e);
		return T_FAIL;
	}
	return T_PASS;
}

/* Make the @n-th fault site of this thread's next calls fail. */
static int fi_arm(const struct fi_env *e, unsigned int n)
{
	char num[16];
	int len = snprintf(num, sizeof(num), "%u", n);

	return write(e->nth, num, (size_t)len) == len ? 0 : -errno;
}

/*
 * Disarm; true when the armed fault was injected. A read that itself
 * faults (a user copy counted down to its turn) means not yet injected.
 */
static bool fi_disarm(const struct fi_env *e)
{
	char num[16] = "";
	ssize_t n = pread(e->nth, num, sizeof(num) - 1, 0);
	bool injected = n > 0 && atoi(num) == 0;
	int i;

	/* With user-copy faults the write itself may use up the countdown. */
	for (i = 0; i < 8 && write(e->nth, "0", 1) != 1; i++)
		;
	return injected;
}

/* ------------------------------------------------------------------ */
/* Snapshots.                                                         */
/* ------------------------------------------------------------------ */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* VmPin of /proc/self/status: what this mm has charged to RLIMIT_MEMLOCK. */
static long vm_pin_kb(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void fi_snap(struct fi_snap *s)
{
	s->fds = count_fds();
	s->maps = count_maps();
	s->vm_pin_kb = vm_pin_kb();
	s->have_stats = !t_stats_read(&s->stats);
	t_pins_read(&s->pins);
}

/* Nothing left behind since @s0 (T_PASS/T_FAIL); @when names the call. */
static int fi_same(const struct fi_snap *s0, const char *when)
{
	struct t_stats st;
	struct t_pins p;
	int fds = count_fds(), maps = count_maps();
	long pin = vm_pin_kb();

	T_FAIL_IF(fds != s0->fds, "%s: %d fds open, %d before", when, fds, s0->fds);
	T_FAIL_IF(maps != s0->maps, "%s: %d mappings, %d before", when, maps, s0->maps);
	T_FAIL_IF(pin != s0->vm_pin_kb, "%s: VmPin %ld kB, %ld kB before", when,
		  pin, s0->vm_pin_kb);
	T_FAIL_IF(!t_pins_settle(&s0->pins, &p), "%s: %" PRIu64 " pins taken, %"
		  PRIu64 " released", when, p.acquired - s0->pins.acquired,
		  p.released - s0->pins.released);
	if (s0->have_stats) {
		CHECK_OK(t_stats_read(&st));
		T_FAIL_IF(t_stats_returned(&s0->stats, &st) != T_PASS,
			  "%s: mdl statistics changed", when);
	}
	return T_PASS;
}

/* ------------------------------------------------------------------ */
/* Fixtures.                                                          */
/* ------------------------------------------------------------------ */

#define FI_SEED 0x5eed

/* A writable lock of 3 pages + 100 bytes at offset 200 (4 pages). */
static int setup_lock(struct fi_ctx *c)
{
	int ret = t_lock_new(&c->lock, 200, 3 * t_env.page + 100,
			     MDL_LOCK_WRITE, FI_SEED);
	size_t i;

	if (ret)
		return ret;
	c->mdl = c->lock.fd;
	c->mdl_len = c->lock.len;
	c->content = C_LOCK;
	for (i = 0; i < 4; i++)
		c->addrs[i] = (uintptr_t)(c->lock.area + i * t_env.page);
	return 0;
}

static int setup_lock_pfns(struct fi_ctx *c)
{
	int ret = setup_lock(c);

	return ret ? ret : t_pfns(c->mdl, 0, 4, c->pfns) == T_PASS ? 0 : -EIO;
}

/* Four kernel pages, the first byte of each set. */
static int setup_pages(struct fi_ctx *c)
{
	uint8_t b;
	size_t i;

	c->mdl = mdl_alloc_pages(t_env.dev, 4 * t_env.page, 0, MDL_CACHE_CACHED);
	if (c->mdl < 0)
		return c->mdl;
	c->mdl_len = 4 * t_env.page;
	c->content = C_PAGES;
	for (i = 0; i < 4; i++) {
		b = (uint8_t)(0xa0 + i);
		if (t_pwrite(c->mdl, &b, 1, (off_t)(i * t_env.page)) != 1)
			return -EIO;
	}
	return 0;
}

static int setup_dmabuf(struct fi_ctx *c)
{
	int ret = setup_lock(c);

	if (ret)
		return ret;
	c->dmabuf = mdl_export_dmabuf(c->mdl, 0);
	return c->dmabuf < 0 ? c->dmabuf : 0;
}

static int setup_io(struct fi_ctx *c)
{
	int ret = t_iomem_free_page(t_env.page, &c->io_page);

	if (ret)
		return ret;
	c->mdl = mdl_map_io_space(t_env.dev, c->io_page, t_env.page,
				  0, MDL_CACHE_NONCACHED);
	c->mdl_len = t_env.page;
	return c->mdl < 0 ? c->mdl : 0;
}

static int setup_none(struct fi_ctx *c)
{
	(void)c;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Checks shared by the calls.                                        */
/* ------------------------------------------------------------------ */

/* A new MDL fd from a call: its facts, then closed. */
static int verify_new_mdl(int fd, uint64_t byte_count, uint32_t kind)
{
	struct mdl_info info;

	T_FAIL_IF(fd < 0 || fcntl(fd, F_GETFD) < 0, "returned fd %d is not open", fd);
	CHECK_OK(mdl_query(fd, &info));
	CHECK_EQ(info.byte_count, byte_count);
	CHECK_EQ(info.kind, kind);
	close(fd);
	return T_PASS;
}

/* The locked buffer's byte at offset @off of the MDL. */
static uint8_t lock_byte(const struct fi_ctx *c, size_t off)
{
	return t_pattern_byte((size_t)(c->lock.buf - c->lock.area) + off, FI_SEED);
}

/* ------------------------------------------------------------------ */
/* /dev/mdl commands.                                                 */
/* ------------------------------------------------------------------ */

static long call_version(struct fi_ctx *c)
{
	struct mdl_version *v = (struct mdl_version *)c->arg;

	memset(v, 0, sizeof(*v));
	v->size = sizeof(*v);
	return t_ioctl(t_env.dev, MDL_IOC_GET_VERSION, v);
}

static int verify_version(struct fi_ctx *c, long res)
{
	struct mdl_version *v = (struct mdl_version *)c->arg;

	(void)res;
	CHECK_EQ(v->abi_major, MDL_ABI_MAJOR);
	CHECK_EQ(v->page_size, t_env.page);
	return T_PASS;
}

static int prep_lock(struct fi_ctx *c)
{
	struct mdl_lock_user *a = (struct mdl_lock_user *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	a->size = sizeof(*a);
	a->flags = c->op->flags;
	a->addr = (uintptr_t)c->lock.buf;
	a->length = c->lock.len;
	a->fd = -1;
	return 0;
}

static long call_ioctl_dev(struct fi_ctx *c, unsigned long cmd)
{
	return t_ioctl(t_env.dev, cmd, c->arg);
}

static long call_lock(struct fi_ctx *c)
{
	return call_ioctl_dev(c, MDL_IOC_LOCK_USER);
}

static int verify_lock(struct fi_ctx *c, long res)
{
	struct mdl_lock_user *a = (struct mdl_lock_user *)c->arg;
	uint8_t b = 0;
	int fd = a->fd;

	(void)res;
	CHECK_EQ(t_pread(fd, &b, 1, 5), 1);
	CHECK_EQ(b, lock_byte(c, 5));
	return verify_new_mdl(fd, c->lock.len, MDL_KIND_USER);
}

static int prep_alloc(struct fi_ctx *c)
{
	struct mdl_alloc_pages *a = (struct mdl_alloc_pages *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	a->size = sizeof(*a);
	a->flags = c->op->flags;
	a->length = c->op->pages * t_env.page;
	a->cache_type = c->op->cache;
	a->fd = -1;
	return 0;
}

static long call_alloc(struct fi_ctx *c)
{
	return call_ioctl_dev(c, MDL_IOC_ALLOC_PAGES);
}

static int verify_alloc(struct fi_ctx *c, long res)
{
	struct mdl_alloc_pages *a = (struct mdl_alloc_pages *)c->arg;
	uint8_t b = 1;

	(void)res;
	CHECK_EQ(t_pread(a->fd, &b, 1, (off_t)a->length - 1), 1);
	CHECK_EQ(b, 0);		/* zeroed */
	return verify_new_mdl(a->fd, a->length, (c->op->flags & MDL_ALLOC_NONPAGED) ?
			      MDL_KIND_NONPAGED : MDL_KIND_PAGES);
}

static int prep_io(struct fi_ctx *c)
{
	struct mdl_io_space *a = (struct mdl_io_space *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	a->size = sizeof(*a);
	a->phys_addr = c->io_page;
	a->length = t_env.page;
	a->cache_type = MDL_CACHE_NONCACHED;
	a->fd = -1;
	return 0;
}

static int setup_io_page(struct fi_ctx *c)
{
	return t_iomem_free_page(t_env.page, &c->io_page);
}

static long call_io(struct fi_ctx *c)
{
	return call_ioctl_dev(c, MDL_IOC_MAP_IO_SPACE);
}

static int verify_io(struct fi_ctx *c, long res)
{
	struct mdl_io_space *a = (struct mdl_io_space *)c->arg;

	(void)res;
	return verify_new_mdl(a->fd, t_env.page, MDL_KIND_IO_SPACE);
}

static int prep_translate(struct fi_ctx *c)
{
	struct mdl_translate *a = (struct mdl_translate *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	memset(c->phys, 0, sizeof(c->phys));
	a->size = sizeof(*a);
	a->addrs = (uintptr_t)c->addrs;
	a->phys = (uintptr_t)c->phys;
	a->count = 4;
	return 0;
}

static long call_translate(struct fi_ctx *c)
{
	return call_ioctl_dev(c, MDL_IOC_TRANSLATE);
}

static int verify_translate(struct fi_ctx *c, long res)
{
	uint64_t pfn;
	size_t i;

	(void)res;
	for (i = 0; i < 4; i++) {
		CHECK_OK(t_pagemap_pfn((void *)(uintptr_t)c->addrs[i], &pfn));
		CHECK_EQ(c->phys[i], pfn * t_env.page);
	}
	return T_PASS;
}

/* The handle of a successful LOCK_USER with MDL_LOCK_HANDLE: its fd, then unlocked. */
static int verify_lock_handle(struct fi_ctx *c, long res)
{
	struct mdl_lock_user *a = (struct mdl_lock_user *)c->arg;
	uint8_t b = 0;
	int fd;

	(void)res;
	fd = mdl_handle_fd(t_env.dev, (uint32_t)a->fd, 0);
	CHECK_OK(fd);
	CHECK_OK(mdl_unlock_handle(t_env.dev, (uint32_t)a->fd));
	CHECK_EQ(t_pread(fd, &b, 1, 5), 1);
	CHECK_EQ(b, lock_byte(c, 5));
	return verify_new_mdl(fd, c->lock.len, MDL_KIND_USER);
}

/* A handle lock of the fixture's buffer (left to the open file's close). */
static int setup_handle(struct fi_ctx *c)
{
	int ret = setup_lock(c), h;

	if (ret)
		return ret;
	h = mdl_lock_handle(t_env.dev, c->lock.buf, c->lock.len, MDL_LOCK_WRITE);
	if (h < 0)
		return h;
	c->handle = (uint32_t)h;
	return 0;
}

static long call_handle_fd(struct fi_ctx *c)
{
	struct mdl_handle *h = (struct mdl_handle *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	h->size = sizeof(*h);
	h->handle = c->handle;
	h->fd = -1;
	return call_ioctl_dev(c, MDL_IOC_HANDLE_FD);
}

static int verify_handle_fd(struct fi_ctx *c, long res)
{
	struct mdl_handle *h = (struct mdl_handle *)c->arg;
	uint8_t b = 0;

	(void)res;
	T_FAIL_IF(h->fd < 0, "HANDLE_FD returned fd %d", h->fd);
	CHECK_EQ(t_pread(h->fd, &b, 1, 5), 1);
	CHECK_EQ(b, lock_byte(c, 5));
	return verify_new_mdl(h->fd, c->lock.len, MDL_KIND_USER);
}

/* ------------------------------------------------------------------ */
/* MDL-fd commands.                                                   */
/* ------------------------------------------------------------------ */

static long call_query(struct fi_ctx *c)
{
	struct mdl_info *i = (struct mdl_info *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	i->size = sizeof(*i);
	return t_ioctl(c->mdl, MDL_IOC_QUERY, i);
}

static int verify_query(struct fi_ctx *c, long res)
{
	struct mdl_info *i = (struct mdl_info *)c->arg;

	(void)res;
	CHECK_EQ(i->byte_count, c->mdl_len);
	CHECK_EQ(i->kind, MDL_KIND_USER);
	return T_PASS;
}

static long call_pfns(struct fi_ctx *c)
{
	struct mdl_pfns *p = (struct mdl_pfns *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	memset(c->phys, 0, sizeof(c->phys));
	p->size = sizeof(*p);
	p->count = 4;
	p->pfns = (uintptr_t)c->phys;
	return t_ioctl(c->mdl, MDL_IOC_GET_PFNS, p);
}

static int verify_pfns(struct fi_ctx *c, long res)
{
	(void)res;
	CHECK(!memcmp(c->phys, c->pfns, 4 * sizeof(uint64_t)));
	return T_PASS;
}

static long call_partial(struct fi_ctx *c)
{
	struct mdl_partial *p = (struct mdl_partial *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	p->size = sizeof(*p);
	p->offset = 10;
	p->length = 2 * t_env.page;
	p->fd = -1;
	return t_ioctl(c->mdl, MDL_IOC_PARTIAL, p);
}

static int verify_partial(struct fi_ctx *c, long res)
{
	struct mdl_partial *p = (struct mdl_partial *)c->arg;
	uint8_t b = 0;

	(void)res;
	CHECK_EQ(t_pread(p->fd, &b, 1, 0), 1);
	CHECK_EQ(b, lock_byte(c, 10));
	return verify_new_mdl(p->fd, 2 * t_env.page, MDL_KIND_PARTIAL);
}

static long call_export(struct fi_ctx *c)
{
	struct mdl_export_dmabuf *x = (struct mdl_export_dmabuf *)c->arg;

	memset(c->arg, 0, sizeof(c->arg));
	x->size = sizeof(*x);
	x->fd = -1;
	return t_ioctl(c->mdl, MDL_IOC_EXPORT_DMABUF, x);
}

static int verify_export(struct fi_ctx *c, long res)
{
	struct mdl_export_dmabuf *x = (struct mdl_export_dmabuf *)c->arg;
	uint8_t *p;

	(void)res;
	T_FAIL_IF(x->fd < 0 || fcntl(x->fd, F_GETFD) < 0, "dma-buf fd %d", x->fd);
	p = mmap(NULL, t_env.page, PROT_READ, MAP_SHARED, x->fd, 0);
	T_FAIL_IF(p == MAP_FAILED, "mmap of the dma-buf: %s", strerror(errno));
	CHECK_EQ(p[c->lock.buf - c->lock.area], lock_byte(c, 0));
	munmap(p, t_env.page);
	close(x->fd);
	return T_PASS;
}

/* ------------------------------------------------------------------ */
/* mmap, munmap, pread, pwrite.                                       */
/* ------------------------------------------------------------------ */

static long call_mmap_fd(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? -errno : (long)(uintptr_t)p;
}

static long call_mmap(struct fi_ctx *c)
{
	return call_mmap_fd(c->mdl, c->op->pages * t_env.page);
}

static long call_mmap_dmabuf(struct fi_ctx *c)
{
	return call_mmap_fd(c->dmabuf, c->op->pages * t_env.page);
}

static int verify_mmap(struct fi_ctx *c, long res)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)res;
	size_t len = c->op->pages * t_env.page, off, i;

	for (i = 0; i < c->op->pages; i++) {
		off = i * t_env.page;
		if (c->content == C_LOCK)
			CHECK_EQ(p[off + 300], t_pattern_byte(off + 300, FI_SEED));
		else if (c->content == C_PAGES)
			CHECK_EQ(p[off], 0xa0 + i);
	}
	if (c->content != C_ANY)
		p[len - 1] = p[len - 1];	/* writable */
	CHECK_OK(munmap((void *)(uintptr_t)res, len) ? -errno : 0);
	return T_PASS;
}

/* A 3-page mapping whose middle page the call unmaps (a VMA split). */
static int prep_split(struct fi_ctx *c)
{
	c->map_len = 3 * t_env.page;
	c->map = t_mmap(c->mdl, c->map_len, PROT_READ | PROT_WRITE, 0);
	return c->map ? 0 : -errno;
}

static long call_split(struct fi_ctx *c)
{
	return munmap(c->map + t_env.page, t_env.page) ? -errno : 0;
}

static void undo_split(struct fi_ctx *c)
{
	munmap(c->map, c->map_len);
}

static int verify_split(struct fi_ctx *c, long res)
{
	size_t last = 2 * t_env.page + 300;

	(void)res;
	CHECK_EQ(c->map[300], t_pattern_byte(300, FI_SEED));
	CHECK_EQ(c->map[last], t_pattern_byte(last, FI_SEED));
	CHECK(mincore(c->map + t_env.page, t_env.page, c->rw) && errno == ENOMEM);
	undo_split(c);
	return T_PASS;
}

/* After a failed split the whole mapping is intact. */
static void undo_split_checked(struct fi_ctx *c)
{
	if (c->map[t_env.page + 300] != t_pattern_byte(t_env.page + 300, FI_SEED))
		t_diag("the mapping's middle page changed after a failed munmap");
	undo_split(c);
}

static long call_pread(struct fi_ctx *c)
{
	memset(c->rw, 0, sizeof(c->rw));
	return t_pread(c->mdl, c->rw, c->mdl_len, 0);
}

static int verify_pread(struct fi_ctx *c, long res)
{
	long i;

	for (i = 0; i < res && c->content == C_LOCK; i++)
		CHECK_EQ(c->rw[i], lock_byte(c, (size_t)i));
	return T_PASS;
}

static int prep_pwrite(struct fi_ctx *c)
{
	size_t i;

	if (c->content != C_LOCK) {
		memset(c->rw, 0x3c, sizeof(c->rw));
		return 0;
	}
	for (i = 0; i < c->mdl_len; i++)
		c->rw[i] = lock_byte(c, i);	/* the bytes already there */
	return 0;
}

static long call_pwrite(struct fi_ctx *c)
{
	return t_pwrite(c->mdl, c->rw, c->mdl_len, 0);
}

static int verify_pwrite(struct fi_ctx *c, long res)
{
	uint8_t b = 0;

	CHECK(res > 0);
	CHECK_EQ(t_pread(c->mdl, &b, 1, 0), 1);
	if (c->content == C_LOCK)	/* device memory need not keep it */
		CHECK_EQ(b, c->rw[0]);
	return T_PASS;
}

/* ------------------------------------------------------------------ */
/* The calls.                                                         */
/* ------------------------------------------------------------------ */

#define OP(n, nd, up, s, p, cl, v) { .name = n, .needs = nd, .unpriv = up, \
	.setup = s, .prep = p, .call = cl, .verify = v }
#define ALLOC_OP(n, fl, ct, pg, rf) { .name = n, .unpriv = true, .refusable = rf, \
	.setup = setup_none, .prep = prep_alloc, .call = call_alloc, \
	.verify = verify_alloc, .flags = fl, .cache = ct, .pages = pg }

static const struct fi_op ops[] = {
	OP("GET_VERSION", 0, false, setup_none, NULL, call_version, verify_version),
	{ .name = "LOCK_USER read-only, 4 pages", .unpriv = true, .setup = setup_lock,
	  .prep = prep_lock, .call = call_lock, .verify = verify_lock },
	{ .name = "LOCK_USER writable, 4 pages", .unpriv = true, .setup = setup_lock,
	  .prep = prep_lock, .call = call_lock, .verify = verify_lock,
	  .flags = MDL_LOCK_WRITE },
	{ .name = "LOCK_USER with MDL_LOCK_HANDLE, writable, 4 pages", .unpriv = true,
	  .setup = setup_lock, .prep = prep_lock, .call = call_lock,
	  .verify = verify_lock_handle, .flags = MDL_LOCK_WRITE | MDL_LOCK_HANDLE },
	OP("HANDLE_FD", 0, true, setup_handle, NULL, call_handle_fd, verify_handle_fd),
	ALLOC_OP("ALLOC_PAGES pages cached", 0, MDL_CACHE_CACHED, 4, false),
	ALLOC_OP("ALLOC_PAGES pages write-combined", 0, MDL_CACHE_WRITECOMBINED, 4, true),
	ALLOC_OP("ALLOC_PAGES pages non-cached", 0, MDL_CACHE_NONCACHED, 4, true),
	ALLOC_OP("ALLOC_PAGES contiguous cached", MDL_ALLOC_CONTIGUOUS, MDL_CACHE_CACHED, 4, false),
	ALLOC_OP("ALLOC_PAGES contiguous write-combined", MDL_ALLOC_CONTIGUOUS,
		 MDL_CACHE_WRITECOMBINED, 4, true),
	ALLOC_OP("ALLOC_PAGES contiguous non-cached", MDL_ALLOC_CONTIGUOUS,
		 MDL_CACHE_NONCACHED, 4, true),
	ALLOC_OP("ALLOC_PAGES non-paged cached", MDL_ALLOC_NONPAGED, MDL_CACHE_CACHED, 4, false),
	ALLOC_OP("ALLOC_PAGES non-paged write-combined", MDL_ALLOC_NONPAGED,
		 MDL_CACHE_WRITECOMBINED, 4, true),
	ALLOC_OP("ALLOC_PAGES non-paged non-cached", MDL_ALLOC_NONPAGED,
		 MDL_CACHE_NONCACHED, 4, true),
	OP("MAP_IO_SPACE one page", T_ROOT, false, setup_io_page, prep_io, call_io, verify_io),
	OP("TRANSLATE 4 addresses", T_ROOT, false, setup_lock, prep_translate,
	   call_translate, verify_translate),
	OP("QUERY", 0, true, setup_lock, NULL, call_query, verify_query),
	OP("GET_PFNS", T_ROOT, false, setup_lock_pfns, NULL, call_pfns, verify_pfns),
	OP("PARTIAL", 0, true, setup_lock, NULL, call_partial, verify_partial),
	OP("EXPORT_DMABUF", 0, true, setup_lock, NULL, call_export, verify_export),
	{ .name = "mmap of a locked buffer's MDL", .unpriv = true, .setup = setup_lock,
	  .call = call_mmap, .verify = verify_mmap, .pages = 4 },
	{ .name = "mmap of kernel pages", .unpriv = true, .setup = setup_pages,
	  .call = call_mmap, .verify = verify_mmap, .pages = 4 },
	{ .name = "mmap of a dma-buf", .unpriv = true, .setup = setup_dmabuf,
	  .call = call_mmap_dmabuf, .verify = verify_mmap, .pages = 4 },
	{ .name = "mmap of I/O space", .needs = T_ROOT, .pat_einval = true,
	  .setup = setup_io, .call = call_mmap, .verify = verify_mmap, .pages = 1 },
	{ .name = "munmap of the middle page of a mapping (VMA split)", .unpriv = true,
	  .refusable = true, .setup = setup_lock, .prep = prep_split, .call = call_split,
	  .verify = verify_split, .undo = undo_split_checked },
	OP("pread of a locked buffer", 0, true, setup_lock, NULL, call_pread, verify_pread),
	OP("pwrite of a locked buffer", 0, true, setup_lock, prep_pwrite, call_pwrite,
	   verify_pwrite),
	OP("pread of I/O space", T_ROOT, false, setup_io, NULL, call_pread, verify_pread),
	OP("pwrite of I/O space", T_ROOT, false, setup_io, prep_pwrite, call_pwrite,
	   verify_pwrite),
};

#define N_OPS (sizeof(ops) / sizeof(ops[0]))

/* ------------------------------------------------------------------ */
/* The walk.                                                          */
/* ------------------------------------------------------------------ */

struct fi_tally {
	unsigned int points;	/* fault sites reached */
	unsigned int failed;	/* calls that failed (clean errno) */
	unsigned int absorbed;	/* faults the call survived */
	unsigned int enomem, efault;
};

static bool fi_acceptable(const struct fi_ctx *c, const struct fi_env *e, long res)
{
	return res == -ENOMEM || (e->usercopy && res == -EFAULT) ||
	       (c->op->pat_einval && res == -EINVAL);
}

/* One call, unarmed or armed at @n; its result, @injected set. */
static long fi_call(struct fi_ctx *c, const struct fi_env *e, unsigned int n,
		    bool *injected, int *prep_ret)
{
	long res;

	*injected = false;
	*prep_ret = c->op->prep ? c->op->prep(c) : 0;
	if (*prep_ret)
		return *prep_ret;
	if (n && fi_arm(e, n))
		return -EIO;
	res = c->op->call(c);
	if (n)
		*injected = fi_disarm(e);
	return res;
}

/* A call without a fault, which must work; its results released. */
static int fi_plain(struct fi_ctx *c, const struct fi_env *e, const char *when)
{
	int prep_ret;
	bool inj;
	long res = fi_call(c, e, 0, &inj, &prep_ret);

	T_FAIL_IF(prep_ret, "%s: preparing the call: %s", when, strerror(-prep_ret));
	T_FAIL_IF(res < 0, "%s: the call without a fault: %s", when, strerror((int)-res));
	return c->op->verify(c, res);
}

static int fi_walk(struct fi_ctx *c, const struct fi_env *e, struct fi_tally *t)
{
	char when[64];
	struct fi_snap s0;
	unsigned int n;
	int prep_ret;
	bool injected;
	long res;

	for (n = 1; n <= FI_MAX_POINTS; n++) {
		snprintf(when, sizeof(when), "fault %u", n);
		fi_snap(&s0);
		res = fi_call(c, e, n, &injected, &prep_ret);
		T_FAIL_IF(prep_ret, "%s: preparing the call: %s", when, strerror(-prep_ret));
		if (res >= 0) {
			CHECK_STEP(c->op->verify(c, res));
			CHECK_STEP(fi_same(&s0, when));
			if (!injected) {
				t->points = n - 1;
				return T_PASS;
			}
			t->absorbed++;
			continue;
		}
		T_FAIL_IF(!injected, "%s: failed with %s but no fault was injected",
			  when, strerror((int)-res));
		T_FAIL_IF(!fi_acceptable(c, e, res), "%s: failed with %s (want ENOMEM%s%s)",
			  when, strerror((int)-res), e->usercopy ? " or EFAULT" : "",
			  c->op->pat_einval ? " or EINVAL" : "");
		t->failed++;
		t->enomem += res == -ENOMEM;
		t->efault += res == -EFAULT;
		if (c->op->undo)
			c->op->undo(c);
		CHECK_STEP(fi_same(&s0, when));
		CHECK_STEP(fi_plain(c, e, when));
		CHECK_STEP(fi_same(&s0, when));
	}
	t_diag("more than %u fault sites: the call never got through", FI_MAX_POINTS);
	return T_FAIL;
}

/* Set up, check the call works unarmed, walk it; in the walking process. */
static int fi_walk_op(const struct fi_op *op, struct fi_env *e, bool drop)
{
	struct fi_ctx *c = calloc(1, sizeof(*c));
	struct fi_tally t = { 0 };
	int ret, prep_ret;
	bool inj;
	long res;

	CHECK(c);
	c->op = op;
	c->mdl = c->dmabuf = c->lock.fd = -1;
	if (drop) {
		ret = t_drop_privileges(t_env.unpriv_uid);
		T_FAIL_IF(ret, "dropping to uid %u: %s", t_env.unpriv_uid, strerror(-ret));
		t_env.root = false;
	}
	e->nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	T_FAIL_IF(e->nth < 0, "open fail-nth: %s", strerror(errno));
	ret = op->setup(c);
	if (ret == -ENOENT && (op->setup == setup_io_page || op->setup == setup_io))
		return t_skip("no unclaimed page in a PCI window of /proc/iomem");
	T_FAIL_IF(ret, "setting up: %s", strerror(-ret));
	/* The call must work unarmed first (this also warms up the checks). */
	res = fi_call(c, e, 0, &inj, &prep_ret);
	T_FAIL_IF(prep_ret, "preparing the call: %s", strerror(-prep_ret));
	if (res == -EINVAL && op->refusable) {
		t_diag("fail-nth: %s: refused (EINVAL) by this module: no fault sites to walk",
		       op->name);
		return T_PASS;
	}
	T_FAIL_IF(res < 0, "%s without a fault: %s", op->name, strerror((int)-res));
	CHECK_STEP(op->verify(c, res));
	ret = fi_walk(c, e, &t);
	t_diag("fail-nth: %s%s: %u fault sites reached: %u failed cleanly (ENOMEM %u, EFAULT %u), %u absorbed",
	       op->name, drop ? " (unprivileged)" : "", t.points, t.failed,
	       t.enomem, t.efault, t.absorbed);
	close(e->nth);
	return ret;
}

struct fi_child {
	const struct fi_op *op;
	struct fi_env *e;
};

static int fi_child_main(void *arg)
{
	struct fi_child *ch = arg;

	return fi_walk_op(ch->op, ch->e, true);
}

/*
 * Configure fault injection as root, walk the call (in a child that drops
 * privileges for the unprivileged variant), restore the configuration.
 */
static int fi_run_op(const struct fi_op *op, bool drop)
{
	struct fi_child ch;
	struct fi_env e;
	int ret;

	ret = fi_setup(&e);
	if (ret != T_PASS)
		return ret;
	ch.op = op;
	ch.e = &e;
	if (drop)
		ret = t_reap(t_spawn(fi_child_main, &ch));
	else
		ret = fi_walk_op(op, &e, false);
	fi_restore(&e);
	return ret;
}

/* Case i: ops in order as root, then those that apply unprivileged. */
static size_t fi_case_op(size_t i, bool *drop)
{
	size_t k;

	*drop = false;
	if (i < N_OPS)
		return i;
	i -= N_OPS;
	for (k = 0; k < N_OPS; k++) {
		if (!ops[k].unpriv)
			continue;
		if (!i--) {
			*drop = true;
			return k;
		}
	}
	return N_OPS;
}

static int run_failnth(const struct t_case *tc)
{
	bool drop;
	size_t k = fi_case_op((uintptr_t)tc->arg, &drop);

	return fi_run_op(&ops[k], drop);
}

static size_t failnth_count(void)
{
	size_t n = N_OPS, k;

	for (k = 0; k < N_OPS; k++)
		n += ops[k].unpriv;
	return n;
}

static void failnth_get(size_t i, struct t_case *tc)
{
	bool drop;
	size_t k = fi_case_op(i, &drop);

	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "fail-nth: %s%s", ops[k].name,
		 drop ? ", as uid 65534" : "");
	tc->run = run_failnth;
	tc->arg = (const void *)(uintptr_t)i;
	/* Configuring debugfs needs root; the case drops privileges itself. */
	tc->needs = T_ROOT;
}

const struct t_suite suite_failnth = { "failnth", failnth_count, failnth_get };
