// SPDX-License-Identifier: GPL-2.0
/*
 * mdlfuzz: the fuzzer's buffers, mappings of MDL fds and dma-bufs (mmap,
 * munmap, mprotect, mremap, madvise, touches), pread/pwrite, and the life
 * of fds (dup, SCM_RIGHTS, close, fork and exit, passing between threads),
 * and truncation of the files under locks.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef MADV_COLD
#define MADV_COLD	20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define THP_SIZE	(2UL << 20)

/*
 * An I/O-space mapping is never split: munmap, mprotect, mremap or madvise
 * of a part that would split its VMA fails with EINVAL.
 */
static void io_split_refused(struct fz_thread *t, long ret)
{
	fz_doc(t, ret, EINVAL);
	if (!ret)
		fz_fail(t, "a part of an I/O-space mapping was split off");
}

/* --- buffers -------------------------------------------------------------- */

static uint8_t *thp_area(size_t len)
{
	uint8_t *p = mmap(NULL, len + THP_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (uint8_t *)(((uintptr_t)p + THP_SIZE - 1) & ~(THP_SIZE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + len, (size_t)(p + THP_SIZE - a));
	madvise(a, len, MADV_HUGEPAGE);
	return a;
}

static void buf_release(struct fz_buf *b)
{
	munmap(b->addr, b->len);
	if (b->fd >= 0)
		close(b->fd);
	memset(b, 0, sizeof(*b));
	b->fd = -1;
}

void fz_op_buf_new(struct fz_thread *t)
{
	unsigned int slot = (unsigned int)fz_below(&t->rng, FZ_BUFS);
	struct fz_buf *b = &t->bufs[slot];
	enum fz_buf_type type = (enum fz_buf_type)fz_below(&t->rng, BUF_TYPES);
	size_t len = (1 + fz_below(&t->rng, 32)) * fz.page;
	int fill = (int)fz_below(&t->rng, 256), fd = -1;
	uint8_t *p = MAP_FAILED;
	long ret = 0;

	fz_desc(t, "buf%u type %d pages %zu", slot, type, len / fz.page);
	if (b->used)
		buf_release(b);
	switch (type) {
	case BUF_ANON:
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		break;
	case BUF_SHMEM:
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		break;
	case BUF_MEMFD:
		fd = memfd_create("mdlfuzz", MFD_CLOEXEC);
		if (fd >= 0 && !ftruncate(fd, (off_t)len))
			p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		break;
	case BUF_FILE:
		/* Page-cache pages under a private mapping: written by pwrite. */
		fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		memset(t->scratch, fill, FZ_SCRATCH);
		for (size_t o = 0; fd >= 0 && o < len; o += FZ_SCRATCH)
			if (pwrite(fd, t->scratch, len - o < FZ_SCRATCH ? len - o : FZ_SCRATCH,
				   (off_t)o) < 0)
				break;
		if (fd >= 0)
			p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		break;
	default:
		len = THP_SIZE * (1 + fz_below(&t->rng, 2));
		p = thp_area(len);
		if (!p)
			p = MAP_FAILED;
		break;
	}
	if (p == MAP_FAILED) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		fz_any(t, ret, FZ_ERRS(ENOMEM, EOPNOTSUPP, EISDIR));
		return;
	}
	if (type == BUF_FILE)
		fz_touch(t, p, len, false);
	else
		memset(p, fill, len);
	b->used = true;
	b->type = type;
	b->addr = p;
	b->len = len;
	b->fd = fd;
	fz_any(t, 0, NULL);
}

void fz_op_buf_free(struct fz_thread *t)
{
	unsigned int slot = (unsigned int)fz_below(&t->rng, FZ_BUFS);
	struct fz_buf *b = &t->bufs[slot];

	if (!b->used)
		return;
	fz_desc(t, "buf%u", slot);
	/* A file's last reference: its pages leave the page cache. */
	buf_release(b);
	fz_any(t, 0, NULL);
}

/* --- mappings ------------------------------------------------------------- */

static const char *prot_name(int prot)
{
	static const char *const n[8] = { "none", "r", "w", "rw", "x", "rx", "wx", "rwx" };

	return n[prot & 7];
}

static int pick_prot(struct fz_thread *t)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_READ | PROT_WRITE, PROT_NONE, PROT_WRITE,
				     PROT_READ | PROT_EXEC };

	return prots[fz_below(&t->rng, sizeof(prots) / sizeof(prots[0]))];
}

/* A touch that must not fault: readable (writable), not dropped by madvise. */
static void touch_map(struct fz_thread *t, struct fz_map *m, size_t off, size_t len)
{
	bool write = (m->prot & PROT_WRITE) && fz_chance(&t->rng, 60);

	if (!(m->prot & PROT_READ) || !len)
		return;
	if (!fz_touch(t, m->addr + off, len, write) && !m->zapped) {
		__atomic_fetch_add(&fz_sh->faults, 1, __ATOMIC_RELAXED);
		fz_note(t, "fault touching %zu bytes at +%zu of a %s mapping (%s)", len, off,
			m->mdl ? "MDL" : "dma-buf", prot_name(m->prot));
	}
}

void fz_op_mmap(struct fz_thread *t)
{
	struct fz_fd *f = fz_fd_pick(t, -1);
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);
	int prot = pick_prot(t), flags = MAP_SHARED, want = 0;
	uint64_t off, pages;
	struct fz_map *m = fz_map_free(t);
	bool wild = false;
	uint8_t *p;
	long ret;

	if (!f || !m)
		return;
	off = fz_chance(&t->rng, 50) ? 0 : fz_below(&t->rng, f->pages);
	pages = 1 + fz_below(&t->rng, f->pages - off);
	if (fz_chance(&t->rng, 40)) {
		off = 0;
		pages = f->pages;
	}
	if (k < 5) {
		flags = MAP_PRIVATE;
		want = EINVAL;
	} else if (k < 10) {
		pages = f->pages - off + 1 + fz_below(&t->rng, 3);
		wild = true;
	} else if (k < 13) {
		off = f->pages + fz_below(&t->rng, 4);
		pages = 1;
		wild = true;
	}
	if (!want && (prot & PROT_EXEC))
		want = EPERM;
	else if (!want && !wild && (prot & PROT_WRITE) && !f->writable)
		want = EACCES;
	else if (want && (prot & PROT_EXEC || ((prot & PROT_WRITE) && !f->writable)))
		wild = true;
	fz_desc(t, "%s %d kind %u cache %u pages %llu+%llu of %llu %s%s",
		 f->type == FD_MDL ? "mdl" : "dma-buf", f->fd, f->kind, f->cache,
		 (unsigned long long)off, (unsigned long long)pages,
		 (unsigned long long)f->pages, prot_name(prot),
		 flags == MAP_PRIVATE ? " private" : "");
	p = mmap(NULL, pages * fz.page, prot, flags, f->fd, (off_t)(off * fz.page));
	ret = p == MAP_FAILED ? -errno : 0;
	if (wild || f->type == FD_DMABUF)
		fz_any(t, ret, FZ_ERRS(EINVAL, ENXIO, EPERM, EACCES, ENOMEM, EOVERFLOW));
	else if (want)
		fz_doc(t, ret, want);
	else if (f->cache != MDL_CACHE_CACHED)
		/* A memory type the pages cannot take is refused. */
		fz_any(t, ret, FZ_ERRS(ENOMEM, EINVAL));
	else
		fz_any(t, ret, FZ_ERRS(ENOMEM));
	if (ret)
		return;
	m->used = true;
	m->addr = p;
	m->len = pages * fz.page;
	m->prot = prot;
	m->mdl = f->type == FD_MDL;
	m->writable = f->writable;
	m->pagecache = f->pagecache;
	m->io = f->io;
	m->whole = true;
	if (off + pages > f->pages) {
		/* Mapped past the end: a fact the module must not allow. */
		fz_fail(t, "mmap past the MDL's last page succeeded");
		return;
	}
	touch_map(t, m, 0, m->len < 2 * fz.page ? m->len : 2 * fz.page);
}

/*
 * Split @m at page offsets [@a, @b): returns the record of the middle part,
 * or NULL (nothing changed) when the table has no room for the others.
 */
static struct fz_map *map_split(struct fz_thread *t, struct fz_map *m, size_t a, size_t b)
{
	struct fz_map *lo = NULL, *hi = NULL, mid = *m;

	if (a > 0 && !(lo = fz_map_free(t)))
		return NULL;
	if (lo)
		lo->used = true;	/* reserve it */
	if (b < m->len && !(hi = fz_map_free(t))) {
		if (lo)
			lo->used = false;
		return NULL;
	}
	if (lo) {
		*lo = *m;
		lo->len = a;
		lo->whole = false;
	}
	if (hi) {
		*hi = *m;
		hi->addr = m->addr + b;
		hi->len = m->len - b;
		hi->whole = false;
	}
	mid.addr = m->addr + a;
	mid.len = b - a;
	mid.whole = mid.whole && !lo && !hi;
	*m = mid;
	return m;
}

/* A page range of @m: whole (mostly) or a part. */
static void pick_range(struct fz_thread *t, const struct fz_map *m, size_t *a, size_t *b)
{
	size_t pages = m->len / fz.page;

	*a = 0;
	*b = m->len;
	if (pages < 2 || fz_chance(&t->rng, 55))
		return;
	*a = fz_below(&t->rng, pages) * fz.page;
	*b = *a + (1 + fz_below(&t->rng, pages - *a / fz.page)) * fz.page;
}

void fz_op_munmap(struct fz_thread *t)
{
	struct fz_map *m = fz_map_pick(t);
	size_t a, b;

	if (!m)
		return;
	pick_range(t, m, &a, &b);
	fz_desc(t, "%s mapping pages %zu-%zu of %zu", m->mdl ? "mdl" : "dma-buf",
		 a / fz.page, b / fz.page, m->len / fz.page);
	if ((a || b < m->len) && m->io) {
		io_split_refused(t, munmap(m->addr + a, b - a) ? -errno : 0);
		return;
	}
	/* Unmap the part (or, without room for the pieces, all of it). */
	if (a || b < m->len)
		map_split(t, m, a, b);
	fz_any(t, munmap(m->addr, m->len) ? -errno : 0, NULL);
	fz_map_drop(m);
}

void fz_op_mprotect(struct fz_thread *t)
{
	struct fz_map *m = fz_map_pick(t), *part;
	int prot = pick_prot(t);
	size_t a, b;
	long ret;

	if (!m)
		return;
	pick_range(t, m, &a, &b);
	fz_desc(t, "%s mapping pages %zu-%zu of %zu to %s", m->mdl ? "mdl" : "dma-buf",
		 a / fz.page, b / fz.page, m->len / fz.page, prot_name(prot));
	ret = mprotect(m->addr + a, b - a, prot) ? -errno : 0;
	if ((a || b < m->len) && m->io && prot != m->prot) {
		/* Refused for the split, or first for the protection asked. */
		if (ret != -EACCES && ret != -EPERM)
			io_split_refused(t, ret);
		else
			fz_any(t, ret, NULL);
		return;
	}
	if ((a || b < m->len) && m->io) {
		/* The protection it has: nothing to split, nothing changes. */
		fz_any(t, ret, FZ_ERRS(EACCES, EPERM, ENOMEM));
		return;
	}
	if (m->mdl && (prot & PROT_WRITE) && !m->writable && !(prot & PROT_EXEC))
		fz_doc(t, ret, EACCES);
	else if (prot & PROT_EXEC)
		fz_any(t, ret, FZ_ERRS(EACCES, EPERM));
	else if ((prot & PROT_WRITE) && !m->writable)
		fz_any(t, ret, FZ_ERRS(EACCES));
	else
		fz_any(t, ret, FZ_ERRS(ENOMEM));
	if (ret)
		return;
	part = map_split(t, m, a, b);
	if (!part) {
		/* No room to track the pieces: forget the mapping's prot. */
		munmap(m->addr, m->len);
		fz_map_drop(m);
		return;
	}
	part->prot = prot;
	touch_map(t, part, 0, part->len < fz.page ? part->len : fz.page);
}

void fz_op_mremap(struct fz_thread *t)
{
	struct fz_map *m = fz_map_pick(t);
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);
	size_t pages;
	uint8_t *p, *dst;
	long ret;

	if (!m)
		return;
	pages = m->len / fz.page;
	if (k < 50) {
		/* Move the whole mapping to another place. */
		dst = mmap(NULL, m->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (dst == MAP_FAILED)
			return;
		fz_desc(t, "move %zu pages", pages);
		p = mremap(m->addr, m->len, m->len, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
		ret = p == MAP_FAILED ? -errno : 0;
		fz_any(t, ret, FZ_ERRS(EINVAL, EFAULT, ENOMEM));
		/*
		 * A failed move may have unmapped the target already, and another
		 * thread may have mapped something there since: leave it alone
		 * (at worst an inaccessible reservation stays).
		 */
		if (ret)
			return;
		m->addr = p;
		m->whole = false;
		touch_map(t, m, 0, m->len < fz.page ? m->len : fz.page);
	} else if (k < 75) {
		/* Grow: VM_DONTEXPAND mappings refuse. */
		fz_desc(t, "grow %zu pages by %u", pages, 1 + k % 3);
		p = mremap(m->addr, m->len, m->len + (1 + k % 3) * fz.page,
			   k % 2 ? MREMAP_MAYMOVE : 0);
		ret = p == MAP_FAILED ? -errno : 0;
		fz_any(t, ret, FZ_ERRS(EFAULT, ENOMEM, EINVAL));
		if (!ret) {
			fz_note(t, "an MDL mapping grew");
			m->addr = p;
			m->len += (1 + k % 3) * fz.page;
			m->zapped = true;
			m->whole = false;
		}
	} else {
		if (pages < 2)
			return;
		fz_desc(t, "shrink %zu pages to %u", pages, 1 + (unsigned int)(k % (pages - 1)));
		p = mremap(m->addr, m->len, (1 + k % (pages - 1)) * fz.page, 0);
		ret = p == MAP_FAILED ? -errno : 0;
		if (m->io) {
			io_split_refused(t, ret);
			return;
		}
		fz_any(t, ret, NULL);
		if (!ret) {
			m->len = (1 + k % (pages - 1)) * fz.page;
			m->whole = false;
		}
	}
}

void fz_op_madvise(struct fz_thread *t)
{
	static const struct { int advice; const char *name; bool zaps; } advs[] = {
		{ MADV_DONTNEED, "dontneed", true }, { MADV_WILLNEED, "willneed", false },
		{ MADV_FREE, "free", true }, { MADV_REMOVE, "remove", true },
		{ MADV_COLD, "cold", false }, { MADV_PAGEOUT, "pageout", true },
		{ MADV_DONTFORK, "dontfork", false }, { MADV_DOFORK, "dofork", false },
		{ MADV_RANDOM, "random", false }, { MADV_SEQUENTIAL, "sequential", false },
		{ MADV_HUGEPAGE, "hugepage", false }, { MADV_NOHUGEPAGE, "nohugepage", false },
		{ MADV_DONTDUMP, "dontdump", false }, { MADV_WIPEONFORK, "wipeonfork", false },
		{ MADV_KEEPONFORK, "keeponfork", false }, { MADV_COLLAPSE, "collapse", false },
		{ 12345, "invalid", false },
	};
	unsigned int i = (unsigned int)fz_below(&t->rng, sizeof(advs) / sizeof(advs[0]));
	unsigned int slot = (unsigned int)fz_below(&t->rng, FZ_BUFS);
	struct fz_buf *b = &t->bufs[slot];
	struct fz_map *m = fz_map_pick(t);
	size_t a, e;
	long ret;

	if (fz_chance(&t->rng, 35) || !m) {
		if (!b->used)
			return;
		/* On a buffer: REMOVE punches a hole in a locked file. */
		fz_desc(t, "buf%u %s", slot, advs[i].name);
		ret = madvise(b->addr, b->len, advs[i].advice) ? -errno : 0;
		fz_any(t, ret, FZ_ERRS(EINVAL, EOPNOTSUPP, EAGAIN, ENOMEM, EPERM, EACCES, ENODEV));
		return;
	}
	/* Advice that changes the VMA's flags splits it (EINVAL for I/O space). */
	pick_range(t, m, &a, &e);
	fz_desc(t, "%s mapping pages %zu-%zu of %zu %s", m->mdl ? "mdl" : "dma-buf",
		 a / fz.page, e / fz.page, m->len / fz.page, advs[i].name);
	ret = madvise(m->addr + a, e - a, advs[i].advice) ? -errno : 0;
	fz_any(t, ret, FZ_ERRS(EINVAL, EOPNOTSUPP, EAGAIN, ENOMEM, EPERM, ENODEV, EACCES));
	if (!ret && advs[i].zaps)
		m->zapped = true;
	if (!ret && advs[i].advice == MADV_DONTFORK)
		m->dontfork = true;
}

void fz_op_touch(struct fz_thread *t)
{
	struct fz_map *m = fz_map_pick(t);
	unsigned int slot = (unsigned int)fz_below(&t->rng, FZ_BUFS);
	struct fz_buf *b = &t->bufs[slot];
	size_t off, len;

	if (fz_chance(&t->rng, 30) || !m) {
		if (!b->used)
			return;
		off = fz_below(&t->rng, b->len);
		len = 1 + fz_below(&t->rng, b->len - off);
		fz_desc(t, "buf%u +%zu len %zu", slot, off, len);
		/* A truncated file's pages are gone: faults are allowed. */
		fz_touch(t, b->addr + off, len, b->type != BUF_FILE || fz_chance(&t->rng, 20));
		fz_any(t, 0, NULL);
		return;
	}
	off = fz_below(&t->rng, m->len);
	len = 1 + fz_below(&t->rng, m->len - off);
	fz_desc(t, "%s mapping +%zu len %zu (%s)", m->mdl ? "mdl" : "dma-buf", off, len,
		 prot_name(m->prot));
	touch_map(t, m, off, len);
	fz_any(t, 0, NULL);
}

/* --- pread / pwrite ------------------------------------------------------- */

/* A file offset: mostly inside the buffer, sometimes at or past its end. */
static uint64_t pick_pos(struct fz_thread *t, const struct fz_fd *f, int *where)
{
	unsigned int k = (unsigned int)fz_below(&t->rng, 100);

	*where = k < 80 ? 0 : k < 88 ? 1 : k < 96 ? 2 : 3;
	switch (*where) {
	case 0:
		return fz_below(&t->rng, f->byte_count);
	case 1:
		return f->byte_count;
	case 2:
		return f->byte_count + 1 + fz_below(&t->rng, 3 * fz.page);
	default:
		return (1ULL << 62) + fz_below(&t->rng, 1000);
	}
}

static size_t pick_len(struct fz_thread *t)
{
	return fz_chance(&t->rng, 70) ? 1 + fz_below(&t->rng, 2 * fz.page) :
	       1 + fz_below(&t->rng, FZ_SCRATCH);
}

void fz_op_pread(struct fz_thread *t)
{
	struct fz_fd *f = fz_fd_pick(t, -1);
	size_t len = pick_len(t);
	bool wild = fz_chance(&t->rng, 5);
	uint64_t pos, want;
	int where;
	long ret;

	if (!f)
		return;
	pos = pick_pos(t, f, &where);
	want = pos >= f->byte_count ? 0 :
	       (f->byte_count - pos < len ? f->byte_count - pos : len);
	fz_desc(t, "%s %d at %llu len %zu of %llu%s", f->type == FD_MDL ? "mdl" : "dma-buf",
		 f->fd, (unsigned long long)pos, len, (unsigned long long)f->byte_count,
		 wild ? " wild-buffer" : "");
	ret = pread(f->fd, wild ? (void *)t->guard : t->scratch, len, (off_t)pos);
	ret = ret < 0 ? -errno : ret;
	if (f->type == FD_DMABUF || (wild && want))
		fz_any(t, ret, FZ_ERRS(EINVAL, EFAULT, ESPIPE));
	else if (ret != (long)want && !(ret == -ENOMEM && want))
		fz_fail(t, "pread returned %ld, documented %llu", ret, (unsigned long long)want);
	else
		fz_any(t, ret, FZ_ERRS(ENOMEM));
}

void fz_op_pwrite(struct fz_thread *t)
{
	struct fz_fd *f = fz_fd_pick(t, FD_MDL);
	size_t len = pick_len(t), i;
	bool wild = fz_chance(&t->rng, 5);
	uint8_t *src = t->scratch, *back = t->scratch + FZ_SCRATCH / 2;
	uint64_t pos, want, seed;
	int where;
	long ret;

	if (!f)
		return;
	pos = pick_pos(t, f, &where);
	if (len > FZ_SCRATCH / 2)
		len = FZ_SCRATCH / 2;
	want = pos >= f->byte_count ? 0 :
	       (f->byte_count - pos < len ? f->byte_count - pos : len);
	seed = fz_rnd(&t->rng);
	for (i = 0; i < len; i++)
		src[i] = (uint8_t)(seed >> (i % 8 * 8)) ^ (uint8_t)i;
	fz_desc(t, "mdl %d at %llu len %zu of %llu%s%s", f->fd, (unsigned long long)pos, len,
		 (unsigned long long)f->byte_count, f->writable ? "" : " read-only",
		 wild ? " wild-buffer" : "");
	ret = pwrite(f->fd, wild ? (void *)t->guard : src, len, (off_t)pos);
	ret = ret < 0 ? -errno : ret;
	if (!f->writable) {
		fz_doc(t, ret, EBADF);
		return;
	}
	if (!want) {
		fz_doc(t, ret, ENOSPC);
		return;
	}
	if (wild) {
		fz_any(t, ret, FZ_ERRS(EFAULT, ENOSPC, EINVAL, EFBIG));
		return;
	}
	if (ret != (long)want && ret != -ENOMEM) {
		fz_fail(t, "pwrite returned %ld, documented %llu", ret, (unsigned long long)want);
		return;
	}
	fz_any(t, ret, FZ_ERRS(ENOMEM));
	/* Alone, the bytes read back are the bytes written (not device memory). */
	if (ret <= 0 || fz.threads != 1 || f->io || f->adopted)
		return;
	if (pread(f->fd, back, (size_t)ret, (off_t)pos) != ret || memcmp(back, src, (size_t)ret))
		fz_fail(t, "pread after pwrite of %ld bytes at %llu differs", ret,
			(unsigned long long)pos);
}

/* --- fds: dup, SCM_RIGHTS, close ------------------------------------------ */

void fz_op_dup(struct fz_thread *t)
{
	struct fz_fd *f = fz_fd_pick(t, -1), *d = fz_fd_free(t);
	bool cloexec = fz_chance(&t->rng, 50);
	int fd;

	if (!f || !d)
		return;
	fz_desc(t, "fd %d%s", f->fd, cloexec ? " cloexec" : "");
	fd = cloexec ? fcntl(f->fd, F_DUPFD_CLOEXEC, 0) : dup(f->fd);
	fz_any(t, fd < 0 ? -errno : fd, FZ_ERRS(EMFILE));
	if (fd < 0)
		return;
	*d = *f;
	d->fd = fd;
}

void fz_op_scm(struct fz_thread *t)
{
	struct fz_fd *f = fz_fd_pick(t, -1), *d = fz_fd_free(t), copy;
	bool close_first = fz_chance(&t->rng, 40);
	int fd;
	long ret;

	if (!f || !d)
		return;
	copy = *f;
	fz_desc(t, "fd %d%s", f->fd, close_first ? " closed in flight" : "");
	ret = mdl_send_fd(t->sock[0], f->fd);
	if (ret) {
		fz_any(t, ret, FZ_ERRS(ENOMEM, ENOBUFS));
		return;
	}
	if (close_first)
		fz_fd_drop(t, f);	/* the message holds the file now */
	fd = mdl_recv_fd(t->sock[1]);
	fz_any(t, fd, NULL);
	if (fd < 0)
		return;
	*d = copy;
	d->fd = fd;
}

void fz_op_close(struct fz_thread *t)
{
	struct fz_fd *f = fz_fd_pick(t, -1);

	if (!f)
		return;
	fz_desc(t, "%s %d", f->type == FD_MDL ? "mdl" : "dma-buf", f->fd);
	fz_fd_drop(t, f);
	fz_any(t, 0, NULL);
}

/* --- fork and exit ---------------------------------------------------------- */

/* In the child: run a few operations, maybe send an MDL fd back, and exit
 * holding everything (the exit releases it). */
static void child_main(struct fz_thread *t, int sock, uint64_t seed, unsigned int ops,
		       bool send)
{
	struct fz_fd *f;

	unsigned int i;

	t->child = true;
	t->rng.s = seed;
	t->op_no = 0;
	/* MADV_DONTFORK mappings are not in the child. */
	for (i = 0; i < FZ_MAPS; i++)
		if (t->maps[i].used && t->maps[i].dontfork)
			memset(&t->maps[i], 0, sizeof(t->maps[i]));
	/*
	 * The open files of /dev/mdl are the parent's too (one table): the
	 * child makes fds of their handles and closes its fds of them, never
	 * changes them, so that the parent knows their handles still.
	 */
	for (i = 0; i < FZ_DEVS; i++)
		if (t->devs[i].used)
			t->devs[i].inherited = true;
	fz_run_thread(t, ops);
	if (send && (f = fz_fd_pick(t, FD_MDL)))
		mdl_send_fd(sock, f->fd);
	_exit(0);
}

void fz_op_fork(struct fz_thread *t)
{
	uint64_t seed = fz_rnd(&t->rng);
	unsigned int ops = 4 + (unsigned int)fz_below(&t->rng, 28);
	bool send = fz_chance(&t->rng, 60);
	struct pollfd pfd;
	int sv[2], status, fd;
	struct fz_fd *d;
	pid_t pid;

	if (t->child)
		return;
	fz_desc(t, "child of %u operations%s", ops, send ? ", sends an MDL back" : "");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		fz_any(t, -errno, FZ_ERRS(EMFILE, ENFILE));
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		child_main(t, sv[1], seed, ops, send);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		fz_any(t, -errno, FZ_ERRS(EAGAIN, ENOMEM));
		return;
	}
	pfd.fd = sv[0];
	pfd.events = POLLIN;
	fd = -1;
	if (send && poll(&pfd, 1, 120000) == 1)
		fd = mdl_recv_fd(sv[0]);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	__atomic_fetch_add(&fz_sh->children, 1, __ATOMIC_RELAXED);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		__atomic_fetch_add(&fz_sh->children_bad, 1, __ATOMIC_RELAXED);
		fz_fail(t, "child %d: %s %d", (int)pid,
			WIFSIGNALED(status) ? "killed by signal" : "exit status",
			WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	fz_any(t, 0, NULL);
	if (fd < 0)
		return;
	/* An MDL fd whose sender has exited: keep using it. */
	d = fz_fd_free(t);
	if (!d || fz_fd_adopt(d, fd)) {
		if (d)
			fz_fail(t, "QUERY of an MDL fd passed by an exited child failed");
		close(fd);
	}
}

/* --- threads pass fds through a pool ---------------------------------------- */

static struct {
	pthread_mutex_t lock;
	struct fz_fd fds[FZ_POOL];
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

void fz_op_exchange(struct fz_thread *t)
{
	bool put = fz_chance(&t->rng, 50);
	unsigned int i = (unsigned int)fz_below(&t->rng, FZ_POOL);
	struct fz_fd *f = put ? fz_fd_pick(t, -1) : fz_fd_free(t);
	int fd;

	if (t->child || fz.threads < 2 || !f)
		return;
	pthread_mutex_lock(&pool.lock);
	if (put && !pool.fds[i].used) {
		fd = dup(f->fd);
		if (fd >= 0) {
			pool.fds[i] = *f;
			pool.fds[i].fd = fd;
		}
		fz_desc(t, "put fd %d into slot %u", f->fd, i);
		fz_any(t, fd < 0 ? -errno : 0, FZ_ERRS(EMFILE));
	} else if (!put && pool.fds[i].used) {
		*f = pool.fds[i];
		pool.fds[i].used = false;
		fz_desc(t, "took fd %d from slot %u", f->fd, i);
		fz_any(t, 0, NULL);
	}
	pthread_mutex_unlock(&pool.lock);
}

void fz_pool_close(void)
{
	unsigned int i;

	for (i = 0; i < FZ_POOL; i++) {
		if (pool.fds[i].used)
			close(pool.fds[i].fd);
		pool.fds[i].used = false;
	}
}

/* --- truncation of files under locks ---------------------------------------- */

void fz_op_truncate(struct fz_thread *t)
{
	unsigned int slot = (unsigned int)fz_below(&t->rng, FZ_BUFS);
	struct fz_buf *b = &t->bufs[slot];
	unsigned int k = (unsigned int)fz_below(&t->rng, 4);
	size_t pages = b->len / fz.page;
	off_t off = (off_t)(fz_below(&t->rng, pages ? pages : 1) * fz.page);
	off_t len = (off_t)((1 + fz_below(&t->rng, pages ? pages : 1)) * fz.page);
	long ret;

	if (!b->used || b->fd < 0)
		return;
	switch (k) {
	case 0:
		fz_desc(t, "buf%u ftruncate to %lld", slot, (long long)off);
		ret = ftruncate(b->fd, off);
		break;
	case 1:
		fz_desc(t, "buf%u ftruncate back to %zu", slot, b->len);
		ret = ftruncate(b->fd, (off_t)b->len);
		break;
	case 2:
		fz_desc(t, "buf%u punch hole %lld+%lld", slot, (long long)off, (long long)len);
		ret = fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
		break;
	default:
		fz_desc(t, "buf%u fallocate %lld+%lld", slot, (long long)off, (long long)len);
		ret = fallocate(b->fd, 0, off, len);
		break;
	}
	fz_any(t, ret ? -errno : 0, FZ_ERRS(EPERM, ENOSPC, EOPNOTSUPP));
}
