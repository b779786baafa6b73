// SPDX-License-Identifier: GPL-2.0
/*
 * mdlfuzz: the ioctls of /dev/mdl and of MDL fds, and the handles of the
 * open files of /dev/mdl, with valid arguments and with one invalid field at
 * a time (where uapi/linux/mdl.h documents the errno, anything else is a
 * failure), plus wild combinations (any errno is accepted but an unusual one
 * is logged).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"

/* How the size field of a command's structure is set. */
enum sz_variant { SZ_EXACT, SZ_BIG_ZERO, SZ_BIG_TAIL, SZ_SMALL, SZ_WILD_PTR };

/*
 * Issue @cmd with the @len-byte structure @arg laid out as @v says; the
 * structure as the kernel left it is copied back. Returns 0 or -errno.
 */
static long ioctl_sized(struct fz_thread *t, int fd, unsigned long cmd,
			void *arg, size_t len, enum sz_variant v)
{
	uint8_t raw[512];
	uint32_t size = (uint32_t)len;
	long ret;

	if (v == SZ_WILD_PTR) {
		void *p = fz_chance(&t->rng, 50) ? (void *)t->guard : NULL;

		return ioctl(fd, cmd, p) < 0 ? -errno : 0;
	}
	memset(raw, 0, sizeof(raw));
	memcpy(raw, arg, len);
	if (v == SZ_BIG_ZERO || v == SZ_BIG_TAIL)
		size = (uint32_t)len + 8;
	if (v == SZ_BIG_TAIL)
		raw[len + fz_below(&t->rng, 8)] = (uint8_t)(1 + fz_below(&t->rng, 255));
	if (v == SZ_SMALL)
		size = (uint32_t)fz_below(&t->rng, len);
	memcpy(raw, &size, sizeof(size));
	ret = ioctl(fd, cmd, raw) < 0 ? -errno : 0;
	memcpy(arg, raw, len);
	*(uint32_t *)arg = (uint32_t)len;
	return ret;
}

/* A size variant: mostly exact. */
static enum sz_variant pick_size(struct fz_thread *t)
{
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);

	if (k < 88)
		return SZ_EXACT;
	if (k < 91)
		return SZ_BIG_ZERO;
	if (k < 95)
		return SZ_BIG_TAIL;
	if (k < 98)
		return SZ_SMALL;
	return SZ_WILD_PTR;
}

static const char *const sz_names[] = { "", " size+8", " size+8 tail", " size-small",
					" wild-arg" };

/*
 * The outcome of a command whose only possible fault is @v or @bad (a
 * field documented invalid: EINVAL). A short size is below the first
 * version (EINVAL in practice, not spelled out); a wild pointer EFAULT.
 */
static void sized_result(struct fz_thread *t, long ret, enum sz_variant v, bool bad,
			 const int *allowed)
{
	if (v == SZ_BIG_TAIL && !bad)
		fz_doc(t, ret, E2BIG);
	else if (v == SZ_SMALL || v == SZ_WILD_PTR || (v == SZ_BIG_TAIL && bad))
		fz_any(t, ret, FZ_ERRS(EINVAL, EFAULT, E2BIG));
	else if (bad)
		fz_doc(t, ret, EINVAL);
	else
		fz_any(t, ret, allowed);
}

/* A flag bit no command knows (bit 31 is MDL_FD_CLOEXEC). */
static uint32_t bad_flag(struct fz_thread *t, uint32_t known)
{
	uint32_t bit;

	do {
		bit = 1U << fz_below(&t->rng, 31);
	} while (bit & known);
	return bit;
}

static bool fd_cloexec(int fd)
{
	int f = fcntl(fd, F_GETFD);

	return f >= 0 && (f & FD_CLOEXEC);
}

/* FD_CLOEXEC and the access mode of a new fd as documented. */
static void check_new_fd(struct fz_thread *t, int fd, bool cloexec, bool writable)
{
	int mode = fcntl(fd, F_GETFL) & O_ACCMODE;

	if (fd_cloexec(fd) != cloexec)
		fz_fail(t, "fd %d: FD_CLOEXEC %d, MDL_FD_CLOEXEC %d", fd,
			fd_cloexec(fd), cloexec);
	if (mode != (writable ? O_RDWR : O_RDONLY))
		fz_fail(t, "fd %d: access mode %d of a %s MDL", fd, mode,
			writable ? "writable" : "read-only");
}

/* MDL_IOC_QUERY of @f equals what the fuzzer expects. */
static void check_facts(struct fz_thread *t, const struct fz_fd *f, uint64_t start_va)
{
	struct mdl_info i = { .size = sizeof(i) };
	uint32_t access = MDL_ACCESS_READ | (f->writable ? MDL_ACCESS_WRITE : 0);
	int ret = mdl_query(f->fd, &i);

	if (ret) {
		fz_fail(t, "QUERY of fd %d: errno %d", f->fd, -ret);
		return;
	}
	if (i.kind != f->kind || i.byte_count != f->byte_count ||
	    i.byte_offset != f->byte_offset || i.access != access ||
	    i.page_count != mdl_span_pages(i.byte_offset, i.byte_count, fz.page) ||
	    i.page_count != f->pages || i.cache_type != f->cache || i.reserved ||
	    (start_va && i.start_va != start_va))
		fz_fail(t, "QUERY: kind %u count %llu offset %u access %u pages %llu cache %u reserved %u; expected kind %u count %llu offset %u access %u pages %llu cache %u",
			i.kind, (unsigned long long)i.byte_count, i.byte_offset,
			i.access, (unsigned long long)i.page_count, i.cache_type,
			i.reserved, f->kind, (unsigned long long)f->byte_count,
			f->byte_offset, access, (unsigned long long)f->pages, f->cache);
}

/* Record a new MDL fd; closes it when the table is full. */
static struct fz_fd *add_mdl(struct fz_thread *t, int fd, uint32_t kind, bool writable,
			     uint32_t cache, uint32_t byte_offset, uint64_t count)
{
	struct fz_fd *f = fz_fd_free(t);

	if (!f) {
		close(fd);
		return NULL;
	}
	memset(f, 0, sizeof(*f));
	f->used = true;
	f->fd = fd;
	f->type = FD_MDL;
	f->kind = kind;
	f->writable = writable;
	f->cache = cache;
	f->byte_offset = byte_offset;
	f->byte_count = count;
	f->pages = mdl_span_pages(byte_offset, count, fz.page);
	return f;
}

static uint32_t pick_cloexec(struct fz_thread *t)
{
	return fz_chance(&t->rng, 30) ? MDL_FD_CLOEXEC : 0;
}

/* --- the tables of handles ---------------------------------------------- */

/*
 * Each thread opens /dev/mdl itself (struct fz_dev) and knows every handle
 * of those tables; fz.dev never has one. So the outcome of a command on any
 * number is documented: success for a handle of the table, ENOENT for
 * another (stale, another table's, random).
 */

static bool have_handles(void)
{
	return fz.ver.features & MDL_FEATURE_HANDLES;
}

static unsigned int dev_index(const struct fz_thread *t, const struct fz_dev *d)
{
	return (unsigned int)(d - t->devs);
}

/* A random open file of the thread's (@own: one it may change), or NULL. */
static struct fz_dev *dev_pick(struct fz_thread *t, bool own)
{
	unsigned int i, n = 0, k;

	for (i = 0; i < FZ_DEVS; i++)
		n += t->devs[i].used && (!own || !t->devs[i].inherited);
	if (!n)
		return NULL;
	k = (unsigned int)fz_below(&t->rng, n);
	for (i = 0; i < FZ_DEVS; i++)
		if (t->devs[i].used && (!own || !t->devs[i].inherited) && !k--)
			return &t->devs[i];
	return NULL;
}

static struct fz_dev *dev_free(struct fz_thread *t)
{
	unsigned int i;

	for (i = 0; i < FZ_DEVS; i++)
		if (!t->devs[i].used)
			return &t->devs[i];
	return NULL;
}

static unsigned int dev_nfds(const struct fz_dev *d)
{
	unsigned int i, n = 0;

	for (i = 0; i < FZ_DEV_FDS; i++)
		n += d->fds[i] >= 0;
	return n;
}

/* A random one of @d's fds (a used record has at least one). */
static int *dev_fd_pick(struct fz_thread *t, struct fz_dev *d)
{
	unsigned int i, k = (unsigned int)fz_below(&t->rng, dev_nfds(d));

	for (i = 0; i < FZ_DEV_FDS; i++)
		if (d->fds[i] >= 0 && !k--)
			return &d->fds[i];
	return &d->fds[0];
}

static unsigned int dev_nhandles(const struct fz_dev *d)
{
	unsigned int i, n = 0;

	for (i = 0; i < FZ_HANDLES; i++)
		n += d->handles[i].used;
	return n;
}

/* Open /dev/mdl into a free record; NULL when none is free or it failed. */
static struct fz_dev *dev_open(struct fz_thread *t)
{
	struct fz_dev *d = dev_free(t);
	int fd;

	if (!d)
		return NULL;
	fd = mdl_open();
	if (fd < 0) {
		fz_any(t, fd, FZ_ERRS(EMFILE, ENFILE, ENOMEM));
		return NULL;
	}
	d->used = true;		/* a dropped record is clean */
	d->fds[0] = fd;
	return d;
}

static struct fz_handle *handle_find(struct fz_dev *d, uint32_t handle)
{
	unsigned int i;

	for (i = 0; d && i < FZ_HANDLES; i++)
		if (d->handles[i].used && d->handles[i].handle == handle)
			return &d->handles[i];
	return NULL;
}

static struct fz_handle *handle_pick(struct fz_thread *t, struct fz_dev *d)
{
	unsigned int i, k, n = dev_nhandles(d);

	if (!n)
		return NULL;
	k = (unsigned int)fz_below(&t->rng, n);
	for (i = 0; i < FZ_HANDLES; i++)
		if (d->handles[i].used && !k--)
			return &d->handles[i];
	return NULL;
}

/* The handle MDL_LOCK_HANDLE gives next: the lowest free one. */
static uint32_t handle_lowest_free(struct fz_dev *d)
{
	uint32_t h = 0;

	while (handle_find(d, h))
		h++;
	return h;
}

static void stale_push(struct fz_dev *d, uint32_t handle)
{
	d->stale[d->nstale++ % FZ_STALE] = handle;
}

static void handle_released(struct fz_dev *d, struct fz_handle *h)
{
	stale_push(d, h->handle);
	memset(h, 0, sizeof(*h));
}

/*
 * A handle number to use on @d (NULL: fz.dev): one of its table, one it
 * released, another table's, or a random one (small, past INT32_MAX, any).
 */
static uint32_t pick_handle(struct fz_thread *t, struct fz_dev *d, const char **what)
{
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);
	struct fz_dev *o;
	struct fz_handle *h;

	if (k < 55 && d && (h = handle_pick(t, d))) {
		*what = "live";
		return h->handle;
	}
	if (k < 72 && d && d->nstale) {
		*what = "released";
		return d->stale[fz_below(&t->rng, d->nstale < FZ_STALE ? d->nstale : FZ_STALE)];
	}
	if (k < 82 && (o = dev_pick(t, false)) && o != d && (h = handle_pick(t, o))) {
		*what = "another table's";
		return h->handle;
	}
	*what = "random";
	switch (fz_below(&t->rng, 4)) {
	case 0:
		return (uint32_t)fz_below(&t->rng, 2 * FZ_HANDLES);
	case 1:
		return 0x80000000U + (uint32_t)fz_below(&t->rng, 16);
	case 2:
		return 0xffffffffU - (uint32_t)fz_below(&t->rng, 4);
	default:
		return (uint32_t)fz_rnd(&t->rng);
	}
}

/* A successful MDL_LOCK_HANDLE: the lowest free handle, kept or released. */
static void handle_added(struct fz_thread *t, struct fz_dev *d, int dev,
			 const struct mdl_lock_user *a, const struct fz_buf *b)
{
	uint32_t got = (uint32_t)a->fd, want = handle_lowest_free(d);
	struct fz_handle *h;
	int ret;

	if (got != want)
		fz_fail(t, "new handle %u, documented the lowest free one: %u", got, want);
	if (handle_find(d, got))
		return;		/* a handle it holds already: failed above */
	h = &d->handles[0];
	while (h < d->handles + FZ_HANDLES && h->used)
		h++;
	if (h == d->handles + FZ_HANDLES) {
		/* No room to remember it: the table must hold only what is known. */
		ret = mdl_unlock_handle(dev, got);
		if (ret)
			fz_fail(t, "UNLOCK of the new handle %u: errno %d", got, -ret);
		stale_push(d, got);
		return;
	}
	h->used = true;
	h->handle = got;
	h->writable = a->flags & MDL_LOCK_WRITE;
	h->pagecache = b->used && (b->type == BUF_MEMFD || b->type == BUF_SHMEM ||
				   b->type == BUF_FILE);
	h->byte_offset = (uint32_t)(a->addr % fz.page);
	h->byte_count = a->length;
	h->start_va = a->addr - a->addr % fz.page;
}

/* --- MDL_IOC_LOCK_USER --------------------------------------------------- */

static const char *const buf_names[BUF_TYPES] = { "anon", "memfd", "shmem",
						  "private-file", "thp" };

/*
 * MDL_IOC_LOCK_USER through fz.dev (an MDL fd), or with @d through an fd of
 * that open file with MDL_LOCK_HANDLE (a handle in its table).
 */
static void lock_common(struct fz_thread *t, struct fz_dev *d, int dev)
{
	struct mdl_lock_user a = { .size = sizeof(a) };
	unsigned int slot = (unsigned int)fz_below(&t->rng, FZ_BUFS);
	struct fz_buf *b = &t->bufs[slot];
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);
	enum sz_variant v = pick_size(t);
	uint32_t known = MDL_LOCK_WRITE | MDL_FD_CLOEXEC |
			 (have_handles() ? MDL_LOCK_HANDLE : 0);
	bool bad = false, wild = false;
	const char *what = "";
	struct fz_fd *f;
	long ret;

	a.flags = (fz_chance(&t->rng, 60) ? MDL_LOCK_WRITE : 0) |
		  (d ? MDL_LOCK_HANDLE : pick_cloexec(t));
	if (b->used) {
		a.addr = (uintptr_t)b->addr + fz_below(&t->rng, b->len);
		a.length = 1 + fz_below(&t->rng, b->addr + b->len - (uint8_t *)(uintptr_t)a.addr);
		if (fz_chance(&t->rng, 30)) {	/* whole pages */
			a.addr = (uintptr_t)b->addr;
			a.length = b->len;
		}
	} else {
		wild = true;
		a.addr = fz_chance(&t->rng, 50) ? (uintptr_t)t->guard : 0xffff888000000000ULL;
		a.length = fz.page;
	}
	if (k < 6) {
		a.flags |= bad_flag(t, known);
		bad = true;
		what = " bad-flag";
	} else if (k < 10) {
		a.reserved = 1 + (uint32_t)fz_below(&t->rng, 0xffff);
		bad = true;
		what = " reserved";
	} else if (k < 13) {
		a.length = 0;
		wild = true;
		what = " length-0";
	} else if (k < 15) {
		a.length = fz_chance(&t->rng, 50) ? fz.ver.max_bytes + 1 : ~0ULL;
		wild = true;
		what = " length-huge";
	} else if (d && k < 20) {
		/* A handle has no fd to close on exec: EINVAL. */
		a.flags |= MDL_FD_CLOEXEC;
		bad = true;
		what = " handle+cloexec";
	}
	/* A module without handles does not know the flag. */
	if (d && !have_handles())
		bad = true;
	if (d)
		fz_desc(t, "dev%u fd %d (%u handles): %s buf%u%s +%llu len %llu flags %#x%s%s",
			 dev_index(t, d), dev, dev_nhandles(d),
			 b->used ? buf_names[b->type] : "wild", slot, wild ? "(wild)" : "",
			 b->used ? (unsigned long long)(a.addr - (uintptr_t)b->addr) : 0ULL,
			 (unsigned long long)a.length, a.flags, what, sz_names[v]);
	else
		fz_desc(t, "%s buf%u%s +%llu len %llu flags %#x%s%s",
			 b->used ? buf_names[b->type] : "wild", slot, wild ? "(wild)" : "",
			 b->used ? (unsigned long long)(a.addr - (uintptr_t)b->addr) : 0ULL,
			 (unsigned long long)a.length, a.flags, what, sz_names[v]);
	ret = ioctl_sized(t, dev, MDL_IOC_LOCK_USER, &a, sizeof(a), v);
	if (wild)
		fz_any(t, ret, FZ_ERRS(EINVAL, EFAULT, ENOMEM, E2BIG));
	else
		sized_result(t, ret, v, bad, FZ_ERRS(ENOMEM, EFAULT, EAGAIN));
	if (ret)
		return;
	if (d) {
		if (have_handles())
			handle_added(t, d, dev, &a, b);
		else
			close(a.fd);	/* refused above: it made an fd */
		return;
	}
	f = add_mdl(t, a.fd, MDL_KIND_USER, a.flags & MDL_LOCK_WRITE, MDL_CACHE_CACHED,
		    (uint32_t)(a.addr % fz.page), a.length);
	if (!f)
		return;
	f->pagecache = b->used && (b->type == BUF_MEMFD || b->type == BUF_SHMEM ||
				   b->type == BUF_FILE);
	check_new_fd(t, f->fd, a.flags & MDL_FD_CLOEXEC, f->writable);
	check_facts(t, f, a.addr - a.addr % fz.page);
}

static void op_lock(struct fz_thread *t)
{
	lock_common(t, NULL, fz.dev);
}

/* --- handles: MDL_LOCK_HANDLE, MDL_IOC_UNLOCK, MDL_IOC_HANDLE_FD -------- */

static void op_lock_handle(struct fz_thread *t)
{
	struct fz_dev *d = dev_pick(t, true);

	/* Sometimes another open file; the first one when it has none. */
	if ((!d || fz_chance(&t->rng, 5)) && dev_free(t)) {
		d = dev_open(t);
		if (!d)
			return;
	}
	if (!d)
		return;
	lock_common(t, d, *dev_fd_pick(t, d));
}

/*
 * The outcome of MDL_IOC_UNLOCK or MDL_IOC_HANDLE_FD: ENOTTY for a module
 * without handles, EINVAL for a bad flag, else success for a handle of the
 * table (@live; or an errno of @allowed) and ENOENT for any other.
 */
static void handle_result(struct fz_thread *t, long ret, enum sz_variant v, bool bad,
			  bool live, const int *allowed)
{
	const int *e;

	if (!have_handles()) {
		fz_doc(t, ret, ENOTTY);
		return;
	}
	if (v != SZ_EXACT && v != SZ_BIG_ZERO) {
		sized_result(t, ret, v, bad, NULL);
		return;
	}
	if (bad) {
		fz_doc(t, ret, EINVAL);
		return;
	}
	if (!live) {
		fz_doc(t, ret, ENOENT);
		return;
	}
	for (e = allowed; e && *e; e++)
		if (ret == -*e) {
			fz_any(t, ret, allowed);
			return;
		}
	fz_doc(t, ret, 0);
}

static void op_unlock(struct fz_thread *t)
{
	struct mdl_handle a = { .size = sizeof(a) };
	struct fz_dev *d = fz_chance(&t->rng, 10) ? NULL : dev_pick(t, true);
	int dev = d ? *dev_fd_pick(t, d) : fz.dev;
	enum sz_variant v = pick_size(t);
	bool bad = fz_chance(&t->rng, 6);
	struct fz_handle *h;
	const char *what;
	long ret;

	a.handle = pick_handle(t, d, &what);
	a.fd = (int32_t)fz_rnd(&t->rng);	/* not read */
	if (bad)
		a.flags = 1U << fz_below(&t->rng, 32);	/* must be 0 */
	h = handle_find(d, a.handle);
	if (d)
		fz_desc(t, "dev%u fd %d (%u fds, %u handles) handle %u (%s, %s) flags %#x%s",
			 dev_index(t, d), dev, dev_nfds(d), dev_nhandles(d), a.handle, what,
			 h ? "in the table" : "not in it", a.flags, sz_names[v]);
	else
		fz_desc(t, "shared /dev/mdl (no handles) handle %u (%s) flags %#x%s",
			 a.handle, what, a.flags, sz_names[v]);
	ret = ioctl_sized(t, dev, MDL_IOC_UNLOCK, &a, sizeof(a), v);
	handle_result(t, ret, v, bad, h != NULL, NULL);
	if (!ret && h)
		handle_released(d, h);
}

static void op_handle_fd(struct fz_thread *t)
{
	struct mdl_handle a = { .size = sizeof(a) };
	struct fz_dev *d = fz_chance(&t->rng, 10) ? NULL : dev_pick(t, false);
	int dev = d ? *dev_fd_pick(t, d) : fz.dev;
	enum sz_variant v = pick_size(t);
	bool bad = fz_chance(&t->rng, 6);
	struct fz_handle *h;
	const char *what;
	struct fz_fd *f;
	long ret;

	a.flags = pick_cloexec(t);
	if (bad)
		a.flags |= bad_flag(t, MDL_FD_CLOEXEC);
	a.handle = pick_handle(t, d, &what);
	a.fd = (int32_t)fz_rnd(&t->rng);	/* out only */
	h = handle_find(d, a.handle);
	if (d)
		fz_desc(t, "dev%u%s fd %d (%u fds, %u handles) handle %u (%s, %s) flags %#x%s",
			 dev_index(t, d), d->inherited ? " (parent's)" : "", dev, dev_nfds(d),
			 dev_nhandles(d), a.handle, what, h ? "in the table" : "not in it",
			 a.flags, sz_names[v]);
	else
		fz_desc(t, "shared /dev/mdl (no handles) handle %u (%s) flags %#x%s",
			 a.handle, what, a.flags, sz_names[v]);
	ret = ioctl_sized(t, dev, MDL_IOC_HANDLE_FD, &a, sizeof(a), v);
	handle_result(t, ret, v, bad, h != NULL, FZ_ERRS(EMFILE, ENFILE, ENOMEM));
	if (ret || !have_handles())
		return;
	if (!h) {
		close(a.fd);	/* an fd of no handle: failed above */
		return;
	}
	/* The handle's MDL: the facts of its lock, pages held while it lives. */
	f = add_mdl(t, a.fd, MDL_KIND_USER, h->writable, MDL_CACHE_CACHED, h->byte_offset,
		    h->byte_count);
	if (!f)
		return;
	f->pagecache = h->pagecache;
	check_new_fd(t, f->fd, a.flags & MDL_FD_CLOEXEC, f->writable);
	check_facts(t, f, h->start_va);
}

/* Open /dev/mdl again, or another fd of one of the open files (one table). */
static void op_dev_open(struct fz_thread *t)
{
	static const char *const how[] = { "dup", "F_DUPFD_CLOEXEC", "SCM_RIGHTS" };
	struct fz_dev *d = dev_pick(t, false);
	unsigned int k = (unsigned int)fz_below(&t->rng, 3), i;
	int fd, src, *slot = NULL;

	if (!d || (dev_free(t) && fz_chance(&t->rng, 40))) {
		if (!dev_free(t))
			return;
		fz_desc(t, "open %s", LIBMDL_DEVICE);
		d = dev_open(t);
		if (d)
			fz_any(t, d->fds[0], NULL);
		return;
	}
	for (i = 0; i < FZ_DEV_FDS && !slot; i++)
		if (d->fds[i] < 0)
			slot = &d->fds[i];
	if (!slot)
		return;
	src = *dev_fd_pick(t, d);
	fz_desc(t, "dev%u%s fd %d (%u fds, %u handles) by %s", dev_index(t, d),
		 d->inherited ? " (parent's)" : "", src, dev_nfds(d), dev_nhandles(d),
		 how[k]);
	if (k == 0) {
		fd = dup(src);
		fd = fd < 0 ? -errno : fd;
	} else if (k == 1) {
		fd = fcntl(src, F_DUPFD_CLOEXEC, 0);
		fd = fd < 0 ? -errno : fd;
	} else {
		fd = mdl_send_fd(t->sock[0], src);
		if (!fd)
			fd = mdl_recv_fd(t->sock[1]);
	}
	fz_any(t, fd, FZ_ERRS(EMFILE, ENFILE, ENOMEM, ENOBUFS));
	if (fd >= 0)
		*slot = fd;
}

/*
 * Close an fd of an open file of /dev/mdl: the last one releases every
 * handle left (a forked child's last leaves the parent's table alone).
 */
static void op_dev_close(struct fz_thread *t)
{
	struct fz_dev *d = dev_pick(t, false);
	unsigned int n;
	int *fd;

	if (!d)
		return;
	n = dev_nfds(d);
	fd = dev_fd_pick(t, d);
	fz_desc(t, "dev%u%s fd %d, %u of its fds, %u handles%s", dev_index(t, d),
		 d->inherited ? " (parent's)" : "", *fd, n, dev_nhandles(d),
		 n > 1 ? ": they stay" : d->inherited ? ": the parent keeps them" :
		 ": the last, releases them");
	fz_any(t, close(*fd) ? -errno : 0, NULL);
	*fd = -1;
	if (n == 1)
		fz_dev_drop(d);
}

/* --- MDL_IOC_ALLOC_PAGES ------------------------------------------------- */

/* PFNs of a contiguous allocation follow each other (root only). */
static void check_contiguous(struct fz_thread *t, const struct fz_fd *f)
{
	uint64_t *pfns = (uint64_t *)t->scratch, n = f->pages, i;

	if (!fz.cap_admin || n > FZ_SCRATCH / sizeof(uint64_t) ||
	    n > fz.ver.max_pfns_per_call)
		return;
	if (mdl_get_pfns(f->fd, 0, n, pfns)) {
		fz_fail(t, "GET_PFNS of a contiguous allocation failed");
		return;
	}
	for (i = 1; i < n; i++)
		if (pfns[i] != pfns[0] + i)
			fz_fail(t, "contiguous allocation: pfn %llu of page %llu after %llu",
				(unsigned long long)pfns[i], (unsigned long long)i,
				(unsigned long long)pfns[i - 1]);
}

static void op_alloc(struct fz_thread *t)
{
	static const uint32_t kinds[] = { 0, MDL_ALLOC_CONTIGUOUS, MDL_ALLOC_NONPAGED };
	struct mdl_alloc_pages a = { .size = sizeof(a) };
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);
	uint32_t kind = kinds[fz_below(&t->rng, 3)];
	uint64_t pages = 1 + fz_below(&t->rng, kind == MDL_ALLOC_CONTIGUOUS ? 8 : 48);
	enum sz_variant v = pick_size(t);
	bool bad = false, wild = false;
	const char *what = "";
	struct fz_fd *f;
	long ret;

	a.flags = kind | pick_cloexec(t);
	a.cache_type = (uint32_t)fz_below(&t->rng, 3);
	a.length = fz_chance(&t->rng, 50) ? pages * fz.page :
		   1 + fz_below(&t->rng, pages * fz.page);
	if (k < 6) {
		a.flags |= bad_flag(t, MDL_ALLOC_CONTIGUOUS | MDL_ALLOC_NONPAGED |
				    MDL_FD_CLOEXEC);
		bad = true;
		what = " bad-flag";
	} else if (k < 9) {
		a.cache_type = 3 + (uint32_t)fz_below(&t->rng, 1000);
		wild = true;
		what = " bad-cache";
	} else if (k < 11) {
		a.length = 0;
		wild = true;
		what = " length-0";
	} else if (k < 13) {
		a.length = fz_chance(&t->rng, 50) ? fz.ver.max_bytes + 1 : ~0ULL >> 1;
		wild = true;
		what = " length-huge";
	} else if (k < 15) {
		a.flags |= MDL_ALLOC_CONTIGUOUS | MDL_ALLOC_NONPAGED;
		wild = true;
		what = " contiguous+nonpaged";
	}
	fz_desc(t, "len %llu flags %#x cache %u%s%s", (unsigned long long)a.length,
		 a.flags, a.cache_type, what, sz_names[v]);
	ret = ioctl_sized(t, fz.dev, MDL_IOC_ALLOC_PAGES, &a, sizeof(a), v);
	if (wild)
		fz_any(t, ret, FZ_ERRS(EINVAL, ENOMEM, E2BIG, EFAULT));
	else if (a.cache_type != MDL_CACHE_CACHED)
		/* Uncached memory may be refused (one memory type per page). */
		sized_result(t, ret, v, bad, FZ_ERRS(ENOMEM, EINVAL, EPERM));
	else
		sized_result(t, ret, v, bad, FZ_ERRS(ENOMEM));
	if (ret)
		return;
	f = add_mdl(t, a.fd, a.flags & MDL_ALLOC_NONPAGED ? MDL_KIND_NONPAGED : MDL_KIND_PAGES,
		    true, a.cache_type, 0, a.length);
	if (!f)
		return;
	check_new_fd(t, f->fd, a.flags & MDL_FD_CLOEXEC, true);
	check_facts(t, f, 0);
	if (a.flags & MDL_ALLOC_CONTIGUOUS)
		check_contiguous(t, f);
}

/* --- MDL_IOC_MAP_IO_SPACE ------------------------------------------------ */

static void op_io(struct fz_thread *t)
{
	struct mdl_io_space a = { .size = sizeof(a) };
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);
	enum sz_variant v = pick_size(t);
	enum { IO_FREE, IO_RAM, IO_BAD_FLAG, IO_ODD } c = IO_FREE;
	uint64_t first;
	static const char *const names[] = { "free device page", "System RAM",
					     "bad-flag", "unaligned or empty" };
	struct fz_fd *f;
	long ret;

	a.flags = pick_cloexec(t);
	/* Another type than a live MDL of the page's: EINVAL. */
	a.cache_type = (uint32_t)fz_below(&t->rng, 3);
	first = fz_below(&t->rng, fz.io_pages);
	a.phys_addr = fz.io_addr + first * fz.page;
	a.length = (1 + fz_below(&t->rng, fz.io_pages - first)) * fz.page;
	if (!fz.io_addr || k < 15) {
		a.length = fz.page;
		a.phys_addr = fz.ram_addr;
		c = IO_RAM;
	} else if (k < 20) {
		a.flags |= bad_flag(t, MDL_FD_CLOEXEC);
		c = IO_BAD_FLAG;
	} else if (k < 25) {
		a.phys_addr += 1 + fz_below(&t->rng, fz.page - 1);
		c = IO_ODD;
	} else if (k < 28) {
		a.length = 0;
		c = IO_ODD;
	}
	fz_desc(t, "%s +%llu len %llu cache %u flags %#x%s", names[c],
		 c == IO_RAM ? 0ULL : (unsigned long long)first, (unsigned long long)a.length,
		 a.cache_type, a.flags, sz_names[v]);
	ret = ioctl_sized(t, fz.dev, MDL_IOC_MAP_IO_SPACE, &a, sizeof(a), v);
	switch (c) {
	case IO_RAM:
		if (v == SZ_EXACT && fz.cap_rawio)
			fz_doc(t, ret, EPERM);
		else
			sized_result(t, ret, v, false, FZ_ERRS(EPERM, EINVAL));
		break;
	case IO_BAD_FLAG:
		sized_result(t, ret, v, true, NULL);
		break;
	case IO_ODD:
		fz_any(t, ret, FZ_ERRS(EINVAL, EPERM, E2BIG, EFAULT));
		break;
	default:
		sized_result(t, ret, v, false, FZ_ERRS(EPERM, EINVAL, EBUSY, ENOMEM));
	}
	if (ret)
		return;
	f = fz_fd_free(t);
	if (c == IO_RAM)
		fz_fail(t, "System RAM described as I/O space");
	if (c == IO_RAM || !f || fz_fd_adopt(f, a.fd)) {
		close(a.fd);
		return;
	}
	if (f->kind != MDL_KIND_IO_SPACE || f->byte_count != a.length ||
	    f->cache != a.cache_type)
		fz_fail(t, "I/O-space MDL: kind %u count %llu cache %u", f->kind,
			(unsigned long long)f->byte_count, f->cache);
	f->pagecache = false;
	f->io = true;
	check_new_fd(t, f->fd, a.flags & MDL_FD_CLOEXEC, f->writable);
}

/* --- MDL_IOC_QUERY ------------------------------------------------------- */

static void op_query(struct fz_thread *t)
{
	struct mdl_info i = { .size = sizeof(i) };
	struct fz_fd *f = fz_fd_pick(t, -1);
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);
	enum sz_variant v = pick_size(t);
	bool bad = false;
	long ret;

	if (!f || k < 5) {
		fz_desc(t, "on /dev/mdl");
		fz_doc(t, ioctl_sized(t, fz.dev, MDL_IOC_QUERY, &i, sizeof(i), SZ_EXACT),
		       ENOTTY);
		return;
	}
	if (k < 12) {
		i.flags = 1U << fz_below(&t->rng, 32);
		bad = true;
	}
	fz_desc(t, "fd %d (%s)%s%s", f->fd, f->type == FD_MDL ? "mdl" : "dma-buf",
		 bad ? " bad-flag" : "", sz_names[v]);
	ret = ioctl_sized(t, f->fd, MDL_IOC_QUERY, &i, sizeof(i), v);
	if (f->type == FD_DMABUF) {
		fz_any(t, ret, FZ_ERRS(ENOTTY, EINVAL, EFAULT));
		return;
	}
	sized_result(t, ret, v, bad, NULL);
	if (!ret && v != SZ_WILD_PTR && !bad)
		check_facts(t, f, 0);
}

/* --- MDL_IOC_GET_PFNS ---------------------------------------------------- */

static void op_pfns(struct fz_thread *t)
{
	struct mdl_pfns a = { .size = sizeof(a) };
	struct fz_fd *f = fz_fd_pick(t, FD_MDL);
	uint64_t max = FZ_SCRATCH / sizeof(uint64_t);
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);
	enum sz_variant v = pick_size(t);
	bool bad = false, wild = false;
	long ret;

	if (!f)
		return;
	if (max > fz.ver.max_pfns_per_call)
		max = fz.ver.max_pfns_per_call;
	a.first = fz_below(&t->rng, f->pages);
	a.count = 1 + fz_below(&t->rng, f->pages - a.first);
	if (a.count > max)
		a.count = max;
	a.pfns = (uintptr_t)t->scratch;
	if (k < 5) {
		a.flags = 1U << fz_below(&t->rng, 32);
		bad = true;
	} else if (k < 9) {
		a.count = 0;
		wild = true;
	} else if (k < 13) {
		a.first = f->pages - fz_below(&t->rng, 2);
		a.count = 1 + fz_below(&t->rng, 4);
		wild = a.first + a.count > f->pages;
	} else if (k < 15) {
		a.count = (uint64_t)fz.ver.max_pfns_per_call + 1 + fz_below(&t->rng, 10);
		wild = true;
	} else if (k < 18) {
		a.first = ~0ULL - fz_below(&t->rng, 4);
		wild = true;
	} else if (k < 21) {
		a.pfns = fz_chance(&t->rng, 50) ? (uintptr_t)t->guard : 0xffff888000000000ULL;
		wild = fz.cap_admin;
	}
	fz_desc(t, "fd %d first %llu count %llu of %llu flags %#x%s", f->fd,
		 (unsigned long long)a.first, (unsigned long long)a.count,
		 (unsigned long long)f->pages, a.flags, sz_names[v]);
	ret = ioctl_sized(t, f->fd, MDL_IOC_GET_PFNS, &a, sizeof(a), v);
	if (wild)
		fz_any(t, ret, FZ_ERRS(EINVAL, EFAULT, EPERM, E2BIG));
	else if (!bad && v == SZ_EXACT && !fz.cap_admin)
		fz_doc(t, ret, EPERM);
	else
		sized_result(t, ret, v, bad, fz.cap_admin ? NULL : FZ_ERRS(EPERM));
}

/* --- MDL_IOC_PARTIAL ----------------------------------------------------- */

static void op_partial(struct fz_thread *t)
{
	struct mdl_partial a = { .size = sizeof(a) };
	struct fz_fd *f = fz_fd_pick(t, FD_MDL), *p;
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);
	enum sz_variant v = pick_size(t);
	bool bad = false, wild = false;
	uint64_t len;
	long ret;

	if (!f)
		return;
	a.flags = pick_cloexec(t);
	a.offset = fz_below(&t->rng, f->byte_count);
	a.length = fz_chance(&t->rng, 20) ? 0 :
		   1 + fz_below(&t->rng, f->byte_count - a.offset);
	if (k < 5) {
		a.flags |= bad_flag(t, MDL_FD_CLOEXEC);
		bad = true;
	} else if (k < 9) {
		a.reserved = 1;
		bad = true;
	} else if (k < 14) {
		a.offset = f->byte_count + fz_below(&t->rng, 2 * fz.page);
		wild = true;
	} else if (k < 18) {
		a.length = f->byte_count - a.offset + 1 + fz_below(&t->rng, fz.page);
		wild = true;
	} else if (k < 20) {
		a.offset = ~0ULL - fz_below(&t->rng, 4);
		a.length = 2;
		wild = true;
	}
	fz_desc(t, "fd %d offset %llu length %llu of %llu flags %#x%s%s", f->fd,
		 (unsigned long long)a.offset, (unsigned long long)a.length,
		 (unsigned long long)f->byte_count, a.flags, a.reserved ? " reserved" : "",
		 sz_names[v]);
	ret = ioctl_sized(t, f->fd, MDL_IOC_PARTIAL, &a, sizeof(a), v);
	if (wild)
		fz_any(t, ret, FZ_ERRS(EINVAL, EFAULT, E2BIG));
	else
		sized_result(t, ret, v, bad, FZ_ERRS(ENOMEM));
	if (ret)
		return;
	len = a.length ? a.length : f->byte_count - a.offset;
	p = add_mdl(t, a.fd, MDL_KIND_PARTIAL, f->writable, f->cache,
		    (uint32_t)((f->byte_offset + a.offset) % fz.page), len);
	if (!p)
		return;
	p->pagecache = f->pagecache;
	p->io = f->io;
	check_new_fd(t, p->fd, a.flags & MDL_FD_CLOEXEC, p->writable);
	check_facts(t, p, 0);
}

/* --- MDL_IOC_EXPORT_DMABUF and DMA_BUF_IOCTL_SYNC ------------------------ */

static void op_export(struct fz_thread *t)
{
	struct mdl_export_dmabuf a = { .size = sizeof(a) };
	struct fz_fd *f = fz_fd_pick(t, FD_MDL), *d;
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);
	enum sz_variant v = pick_size(t);
	bool bad = false;
	long ret;

	if (!f)
		return;
	a.flags = pick_cloexec(t);
	if (k < 6) {
		a.flags |= bad_flag(t, MDL_FD_CLOEXEC);
		bad = true;
	} else if (k < 10) {
		a.reserved = 1 + (uint32_t)fz_below(&t->rng, 1000);
		bad = true;
	}
	fz_desc(t, "fd %d kind %u flags %#x%s%s", f->fd, f->kind, a.flags,
		 a.reserved ? " reserved" : "", sz_names[v]);
	ret = ioctl_sized(t, f->fd, MDL_IOC_EXPORT_DMABUF, &a, sizeof(a), v);
	if (f->io && !bad && v == SZ_EXACT)
		fz_doc(t, ret, EOPNOTSUPP);
	else
		sized_result(t, ret, v, bad, FZ_ERRS(ENOMEM, EOPNOTSUPP));
	if (ret)
		return;
	d = fz_fd_free(t);
	if (!d) {
		close(a.fd);
		return;
	}
	*d = *f;
	d->fd = a.fd;
	d->type = FD_DMABUF;
	check_new_fd(t, d->fd, a.flags & MDL_FD_CLOEXEC, d->writable);
}

static void op_sync(struct fz_thread *t)
{
	static const uint64_t dirs[] = { DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE,
					 DMA_BUF_SYNC_RW };
	struct dma_buf_sync s;
	struct fz_fd *f = fz_fd_pick(t, FD_DMABUF);
	bool bad = fz_chance(&t->rng, 10);

	if (!f)
		return;
	s.flags = dirs[fz_below(&t->rng, 3)] |
		  (fz_chance(&t->rng, 50) ? DMA_BUF_SYNC_START : DMA_BUF_SYNC_END);
	if (bad)
		s.flags |= 1ULL << (3 + fz_below(&t->rng, 61));
	fz_desc(t, "dma-buf %d flags %#llx", f->fd, (unsigned long long)s.flags);
	fz_any(t, ioctl(f->fd, DMA_BUF_IOCTL_SYNC, &s) < 0 ? -errno : 0,
	       bad ? FZ_ERRS(EINVAL) : NULL);
}

/* --- GET_VERSION, TRANSLATE and unknown commands ------------------------- */

static void op_version(struct fz_thread *t)
{
	struct mdl_version ver = { .size = sizeof(ver) };
	enum sz_variant v = pick_size(t);
	bool bad = fz_chance(&t->rng, 15);
	long ret;

	if (bad)
		ver.flags = 1U << fz_below(&t->rng, 32);
	fz_desc(t, "flags %#x%s", ver.flags, sz_names[v]);
	ret = ioctl_sized(t, fz.dev, MDL_IOC_GET_VERSION, &ver, sizeof(ver), v);
	sized_result(t, ret, v, bad, NULL);
	if (!ret && !bad && v != SZ_WILD_PTR &&
	    (ver.abi_major != MDL_ABI_MAJOR || ver.page_size != fz.page ||
	     ver.features != fz.ver.features))
		fz_fail(t, "GET_VERSION: abi %u page %u features %#llx", ver.abi_major,
			ver.page_size, (unsigned long long)ver.features);
}

static void op_translate(struct fz_thread *t)
{
	struct mdl_translate a = { .size = sizeof(a) };
	uint64_t *addrs = (uint64_t *)t->scratch, *phys = addrs + 64;
	unsigned int k = (unsigned int)fz_below(&t->rng, 100), i;
	bool bad = false;
	long ret;

	a.count = 1 + (uint32_t)fz_below(&t->rng, 64);
	for (i = 0; i < a.count; i++) {
		struct fz_buf *b = &t->bufs[fz_below(&t->rng, FZ_BUFS)];

		addrs[i] = b->used ? (uintptr_t)b->addr + fz_below(&t->rng, b->len) :
			   (uintptr_t)t->guard;
	}
	a.addrs = (uintptr_t)addrs;
	a.phys = (uintptr_t)phys;
	if (k < 10) {
		a.flags = 1U << fz_below(&t->rng, 32);
		bad = true;
	} else if (k < 15) {
		a.reserved = 1;
		bad = true;
	} else if (k < 20) {
		a.count = fz_chance(&t->rng, 50) ? 0 : fz.ver.max_pfns_per_call + 1;
	} else if (k < 25) {
		a.phys = (uintptr_t)t->guard;
	}
	fz_desc(t, "count %u flags %#x%s%s", a.count, a.flags, a.reserved ? " reserved" : "",
		 k >= 20 && k < 25 ? " wild-out" : "");
	ret = ioctl(fz.dev, MDL_IOC_TRANSLATE, &a) < 0 ? -errno : 0;
	if (bad)
		fz_doc(t, ret, EINVAL);
	else
		fz_any(t, ret, FZ_ERRS(EPERM, EINVAL, EFAULT));
}

static void op_bad_ioctl(struct fz_thread *t)
{
	struct fz_fd *f = fz_fd_pick(t, -1);
	bool on_dev = !f || fz_chance(&t->rng, 40);
	unsigned int nr = (unsigned int)fz_below(&t->rng, 256);
	unsigned long cmd;
	int fd = on_dev ? fz.dev : f->fd;
	long ret;

	memset(t->scratch, 0, 256);
	if (fz_chance(&t->rng, 40)) {
		/* A command of the other kind of fd. */
		nr = on_dev ? MDL_CMD_QUERY + (unsigned int)fz_below(&t->rng, 4) :
		     MDL_CMD_GET_VERSION + (unsigned int)fz_below(&t->rng, 7);
		cmd = _IO(MDL_IOCTL_TYPE, nr);
	} else if (fz_chance(&t->rng, 50)) {
		/* A known number with direction and size bits: another command. */
		cmd = _IOC(1 + fz_below(&t->rng, 3), MDL_IOCTL_TYPE, nr & 0x13,
			   8 + fz_below(&t->rng, 120));
	} else {
		while (nr <= MDL_CMD_HANDLE_FD ||
		       (nr >= MDL_CMD_QUERY && nr <= MDL_CMD_EXPORT_DMABUF))
			nr = (unsigned int)fz_below(&t->rng, 256);
		cmd = _IO(MDL_IOCTL_TYPE, nr);
	}
	*(uint32_t *)t->scratch = 64;
	fz_desc(t, "cmd %#lx on %s", cmd, on_dev ? "/dev/mdl" :
		 f->type == FD_MDL ? "an MDL fd" : "a dma-buf");
	ret = ioctl(fd, cmd, t->scratch) < 0 ? -errno : 0;
	if (!on_dev && f->type == FD_DMABUF)
		fz_any(t, ret, FZ_ERRS(ENOTTY, EINVAL));
	else
		fz_doc(t, ret, ENOTTY);
}

/* The operations (weights: how often each is chosen). */
const struct fz_op fz_ops[] = {
	{ "buffer", fz_op_buf_new, 6 },
	{ "unbuffer", fz_op_buf_free, 2 },
	{ "lock", op_lock, 12 },
	{ "lock-hdl", op_lock_handle, 8 },
	{ "unlock", op_unlock, 4 },
	{ "handle-fd", op_handle_fd, 5 },
	{ "dev-open", op_dev_open, 2 },
	{ "dev-close", op_dev_close, 2 },
	{ "alloc", op_alloc, 8 },
	{ "io-space", op_io, 2 },
	{ "query", op_query, 5 },
	{ "pfns", op_pfns, 4 },
	{ "partial", op_partial, 6 },
	{ "export", op_export, 5 },
	{ "sync", op_sync, 4 },
	{ "version", op_version, 1 },
	{ "translate", op_translate, 1 },
	{ "bad-ioctl", op_bad_ioctl, 2 },
	{ "mmap", fz_op_mmap, 10 },
	{ "munmap", fz_op_munmap, 5 },
	{ "mprotect", fz_op_mprotect, 4 },
	{ "mremap", fz_op_mremap, 3 },
	{ "madvise", fz_op_madvise, 4 },
	{ "touch", fz_op_touch, 8 },
	{ "pread", fz_op_pread, 5 },
	{ "pwrite", fz_op_pwrite, 5 },
	{ "dup", fz_op_dup, 3 },
	{ "scm-rights", fz_op_scm, 3 },
	{ "close", fz_op_close, 10 },
	{ "fork", fz_op_fork, 1 },
	{ "exchange", fz_op_exchange, 2 },
	{ "truncate", fz_op_truncate, 3 },
};

const unsigned int fz_nops = sizeof(fz_ops) / sizeof(fz_ops[0]);
