// SPDX-License-Identifier: GPL-2.0
/*
 * Races on shared fds: 16 threads, each doing thousands of random operations
 * (query, PFNs, partial, mmap + touch + munmap, pread, pwrite, dma-buf
 * export, dup, and replacing a slot's fd, which closes the old fd while
 * other threads may be using it) on 32 shared slots of MDL and dma-buf
 * fds: up to 10,000 per thread as root and 1,500 unprivileged within a time
 * budget of 120 s (the debug kernel: a quarter of the counts, 400 s), of
 * which at least 1,500 and 500 must run; or exactly MDL_RACE_OPS=N per
 * thread, without a budget. Under QEMU's emulation 16 x 10,000 take about
 * 2 minutes on a quiet host, twice that on a busy one: the budget keeps
 * the run inside the guest's timeout.
 *
 * Every byte of every page any of these fds describes is 0xa5 and every
 * write writes 0xa5: whatever a read or a mapping returns must be 0xa5,
 * whichever object the fd number named at that moment. An operation whose
 * slot was not replaced while it ran had a valid fd throughout and must
 * give exactly the result its object defines; one that raced with the
 * replacement may instead fail with an errno of a closed or recycled fd
 * (EBADF, ENOTTY, EINVAL, EACCES, EPERM, ESPIPE, and ENOSPC for a write
 * past the end of a smaller object). Afterwards the harness
 * checks that pins and mdl's statistics returned.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define RACE_THREADS	16
#define RACE_OPS_ROOT	10000
#define RACE_OPS_USER	1500
#define RACE_MIN_ROOT	1500	/* must run within the budget */
#define RACE_MIN_USER	500
#define RACE_BUDGET_S	120
#define RACE_BUDGET_DEBUG_S	400
#define RACE_SLOTS	32
#define RACE_BUF_PAGES	16
#define RACE_BYTE	0xa5

enum race_type {
	R_LOCK_RW, R_LOCK_RO, R_PAGES, R_PART, R_DMABUF_LOCK, R_DMABUF_PAGES,
	R_TYPES
};

static const struct race_type_spec {
	size_t pages;		/* pages an mmap of it covers */
	size_t bytes_pages;	/* byte count, in pages (parts: see below) */
	bool writable;
	bool dmabuf;
} types[R_TYPES] = {
	[R_LOCK_RW] = { RACE_BUF_PAGES, RACE_BUF_PAGES, true, false },
	[R_LOCK_RO] = { RACE_BUF_PAGES, RACE_BUF_PAGES, false, false },
	[R_PAGES] = { 8, 8, true, false },
	[R_PART] = { 6, 5, true, false },	/* 5 pages from byte 7 of page 1 */
	[R_DMABUF_LOCK] = { RACE_BUF_PAGES, RACE_BUF_PAGES, true, true },
	[R_DMABUF_PAGES] = { 8, 8, true, true },
};

#define PART_OFFSET(page) ((page) + 7)

/* A slot: generation (32 bits), type (8), fd (24); type 0xff: empty. */
static uint64_t slots[RACE_SLOTS];
static uint32_t slot_gen;
static uint8_t *race_buf;
static volatile int race_stop;
static struct timespec race_deadline;	/* tv_sec 0: none */
static pthread_mutex_t race_msg_lock = PTHREAD_MUTEX_INITIALIZER;
static char race_msg[256];

struct race_thread {
	uint64_t rng;
	unsigned int id;
	unsigned long ops, strict, raced;
	uint8_t data[RACE_BUF_PAGES * 4096];
};

static uint64_t rnext(struct race_thread *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 2685821657736338717ULL;
}

static unsigned int rpick(struct race_thread *t, size_t n)
{
	return (unsigned int)(rnext(t) % n);
}

static uint64_t slot_word(int fd, enum race_type type)
{
	uint32_t gen = __atomic_add_fetch(&slot_gen, 1, __ATOMIC_RELAXED);

	return (uint64_t)gen << 32 | (uint64_t)type << 24 | ((uint32_t)fd & 0xffffff);
}

static int word_fd(uint64_t w)
{
	return (int)(w & 0xffffff);
}

static enum race_type word_type(uint64_t w)
{
	return (enum race_type)(w >> 24 & 0xff);
}

static void race_fail(struct race_thread *t, const char *what, long got)
{
	pthread_mutex_lock(&race_msg_lock);
	if (!race_msg[0])
		snprintf(race_msg, sizeof(race_msg), "thread %u, operation %lu: %s: %s",
			 t->id, t->ops, what, got >= 0 ? "success" : strerror((int)-got));
	pthread_mutex_unlock(&race_msg_lock);
	race_stop = 1;
}

static size_t type_bytes(enum race_type type)
{
	return types[type].bytes_pages * t_env.page;
}

/* A new object of @type, every byte RACE_BYTE; its fd or -errno. */
static int race_make(enum race_type type)
{
	size_t len = types[R_PAGES].pages * t_env.page;
	int fd, out;

	switch (type) {
	case R_LOCK_RW:
	case R_LOCK_RO:
		return mdl_lock_user(t_env.dev, race_buf, RACE_BUF_PAGES * t_env.page,
				     type == R_LOCK_RW ? MDL_LOCK_WRITE : 0);
	case R_PART:
		fd = race_make(R_LOCK_RW);
		if (fd < 0)
			return fd;
		out = mdl_partial(fd, PART_OFFSET(t_env.page), type_bytes(R_PART), 0);
		close(fd);
		return out;
	case R_DMABUF_LOCK:
	case R_DMABUF_PAGES:
		fd = race_make(type == R_DMABUF_LOCK ? R_LOCK_RW : R_PAGES);
		if (fd < 0)
			return fd;
		out = mdl_export_dmabuf(fd, 0);
		close(fd);
		return out;
	default:
		fd = mdl_alloc_pages(t_env.dev, len, 0, MDL_CACHE_CACHED);
		if (fd < 0)
			return fd;
		{
			uint8_t *fill = malloc(len);
			long n;

			if (!fill) {
				close(fd);
				return -ENOMEM;
			}
			memset(fill, RACE_BYTE, len);
			n = t_pwrite(fd, fill, len, 0);
			free(fill);
			if (n != (long)len) {
				close(fd);
				return n < 0 ? (int)n : -EIO;
			}
		}
		return fd;
	}
}

static bool all_bytes(const volatile uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != RACE_BYTE)
			return false;
	return true;
}

/* What an operation on a slot returns; @want: its exact result when strict. */
struct race_res {
	long got;
	long want;
	bool bad_data;
	int pub_fd;		/* a new fd to publish if the slot did not change */
	enum race_type pub_type;
};

static void op_query(struct race_thread *t, int fd, enum race_type type,
		     struct race_res *r)
{
	struct mdl_info info;

	r->got = mdl_query(fd, &info);
	r->want = types[type].dmabuf ? -ENOTTY : 0;
	if (!r->got && info.byte_count != type_bytes(type) && r->want == 0)
		r->want = 1;	/* strict: wrong facts */
	(void)t;
}

static void op_pfns(struct race_thread *t, int fd, enum race_type type,
		    struct race_res *r)
{
	uint64_t pfn[4];

	r->got = mdl_get_pfns(fd, rpick(t, 2), 4, pfn);
	r->want = types[type].dmabuf ? -ENOTTY : t_env.root ? 0 : -EPERM;
}

static void op_partial(struct race_thread *t, int fd, enum race_type type,
		       struct race_res *r)
{
	size_t len = type_bytes(type), off = rpick(t, len), n = 1 + rpick(t, len - off);
	int part = mdl_partial(fd, off, n, 0);
	long got;

	r->got = part < 0 ? part : 0;
	r->want = types[type].dmabuf ? -ENOTTY : 0;
	if (part < 0)
		return;
	n = n > 3000 ? 3000 : n;
	got = t_pread(part, t->data, n, 0);
	if (got > 0 && !all_bytes(t->data, (size_t)got))
		r->bad_data = true;
	close(part);
}

static void op_mmap(struct race_thread *t, int fd, enum race_type type,
		    struct race_res *r)
{
	size_t len = types[type].pages * t_env.page, i;
	int prot = PROT_READ | (types[type].writable ? PROT_WRITE : 0);
	volatile uint8_t *p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);

	r->want = 0;
	if (p == MAP_FAILED) {
		r->got = -errno;
		return;
	}
	r->got = 0;
	for (i = 0; i < 4; i++) {
		size_t at = rpick(t, len);

		if (p[at] != RACE_BYTE)
			r->bad_data = true;
		if (prot & PROT_WRITE)
			p[at] = RACE_BYTE;
	}
	munmap((void *)p, len);
}

static void op_pread(struct race_thread *t, int fd, enum race_type type,
		     struct race_res *r)
{
	size_t len = type_bytes(type), off = rpick(t, len + 16), n = 1 + rpick(t, 8192);

	if (types[type].dmabuf) {
		r->got = r->want = 0;
		return;
	}
	r->got = t_pread(fd, t->data, n, (off_t)off);
	r->want = off >= len ? 0 : (long)(n < len - off ? n : len - off);
	if (r->got > 0 && !all_bytes(t->data, (size_t)r->got))
		r->bad_data = true;
}

static void op_pwrite(struct race_thread *t, int fd, enum race_type type,
		      struct race_res *r)
{
	size_t len = type_bytes(type), off = rpick(t, len), n = 1 + rpick(t, 8192);

	if (types[type].dmabuf) {
		r->got = r->want = 0;
		return;
	}
	memset(t->data, RACE_BYTE, n);
	r->got = t_pwrite(fd, t->data, n, (off_t)off);
	r->want = !types[type].writable ? -EBADF :
		  (long)(n < len - off ? n : len - off);
}

/* Put @fd of @type into a random slot; close the fd it held. */
static void race_publish(struct race_thread *t, int fd, enum race_type type)
{
	uint64_t old = __atomic_exchange_n(&slots[rpick(t, RACE_SLOTS)],
					   slot_word(fd, type), __ATOMIC_ACQ_REL);

	if (word_type(old) != 0xff)
		close(word_fd(old));
}

static void op_export(struct race_thread *t, int fd, enum race_type type,
		      struct race_res *r)
{
	int d = mdl_export_dmabuf(fd, 0);
	volatile uint8_t *p;

	r->got = d < 0 ? d : 0;
	r->want = types[type].dmabuf ? -ENOTTY : 0;
	if (d < 0)
		return;
	if ((type == R_LOCK_RW || type == R_PAGES) && rpick(t, 2)) {
		r->pub_fd = d;
		r->pub_type = type == R_PAGES ? R_DMABUF_PAGES : R_DMABUF_LOCK;
		return;
	}
	p = mmap(NULL, t_env.page, PROT_READ, MAP_SHARED, d, 0);
	if (p != MAP_FAILED) {
		if (!all_bytes(p, t_env.page))
			r->bad_data = true;
		munmap((void *)p, t_env.page);
	}
	close(d);
}

static void op_dup(struct race_thread *t, int fd, enum race_type type,
		   struct race_res *r)
{
	int d = dup(fd);

	(void)t;
	r->got = d < 0 ? -errno : 0;
	r->want = 0;
	r->pub_fd = d;
	r->pub_type = type;
}

typedef void (*race_op)(struct race_thread *, int, enum race_type, struct race_res *);

static const race_op race_ops[] = {
	op_query, op_pfns, op_partial, op_mmap, op_mmap, op_pread, op_pwrite,
	op_export, op_dup,
};

/* Errnos of an fd closed, or recycled as another object, meanwhile. */
static bool raced_errno(long got)
{
	return got == -EBADF || got == -ENOTTY || got == -EINVAL ||
	       got == -EACCES || got == -EPERM || got == -ESPIPE ||
	       got == -ENOSPC;
}

static void race_step(struct race_thread *t)
{
	unsigned int s = rpick(t, RACE_SLOTS);
	uint64_t w0 = __atomic_load_n(&slots[s], __ATOMIC_ACQUIRE), w1;
	struct race_res r = { 0, 0, false, -1, R_TYPES };
	enum race_type type;
	int fd;

	if (!rpick(t, 6) || word_type(w0) == 0xff) {
		/* Replace: closes an fd other threads may be using. */
		type = (enum race_type)rpick(t, R_TYPES);
		fd = race_make(type);
		if (fd < 0)
			race_fail(t, "creating an object", fd);
		else
			race_publish(t, fd, type);
		return;
	}
	race_ops[rpick(t, sizeof(race_ops) / sizeof(race_ops[0]))](t, word_fd(w0),
								    word_type(w0), &r);
	w1 = __atomic_load_n(&slots[s], __ATOMIC_ACQUIRE);
	/*
	 * Every object is RACE_BYTE throughout, but a number closed meanwhile
	 * may already be a new object's that race_make() has not filled yet.
	 */
	if (r.bad_data && w1 == w0) {
		race_fail(t, "data read through an fd valid throughout was not the buffer's bytes",
			  r.got);
		return;
	}
	/*
	 * A new fd made from the slot's fd is of the slot's object only if
	 * the slot did not change meanwhile (its fd is closed only after the
	 * slot changes); else it may be of whatever reused the number.
	 */
	if (r.pub_fd >= 0 && w1 == w0)
		race_publish(t, r.pub_fd, r.pub_type);
	else if (r.pub_fd >= 0)
		close(r.pub_fd);
	if (w1 == w0) {
		t->strict++;
		if (r.got != r.want)
			race_fail(t, "an fd valid throughout gave", r.got);
		return;
	}
	t->raced++;
	if (r.got < 0 && !raced_errno(r.got))
		race_fail(t, "an fd that raced with its close gave", r.got);
}

static bool race_debug_kernel(void)
{
	const char *debug = getenv("MDL_DEBUG_KERNEL");

	return debug && !strcmp(debug, "1");
}

/* MDL_RACE_OPS=N: exactly N per thread, no time budget; else 0. */
static unsigned long race_ops_asked(void)
{
	const char *v = getenv("MDL_RACE_OPS");

	return v ? strtoul(v, NULL, 0) : 0;
}

static unsigned long race_ops_per_thread(void)
{
	unsigned long n = race_ops_asked();

	if (n)
		return n;
	n = t_env.root ? RACE_OPS_ROOT : RACE_OPS_USER;
	return race_debug_kernel() ? n / 4 : n;
}

/* Operations each thread must run before the budget may stop it. */
static unsigned long race_ops_min(void)
{
	unsigned long n = race_ops_asked();

	if (n)
		return n;
	n = t_env.root ? RACE_MIN_ROOT : RACE_MIN_USER;
	return race_debug_kernel() ? n / 4 : n;
}

static bool race_out_of_time(void)
{
	struct timespec now;

	if (!race_deadline.tv_sec)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > race_deadline.tv_sec ||
	       (now.tv_sec == race_deadline.tv_sec && now.tv_nsec >= race_deadline.tv_nsec);
}

static void *race_thread_main(void *arg)
{
	struct race_thread *t = arg;
	unsigned long n = race_ops_per_thread(), min = race_ops_min();

	for (t->ops = 0; t->ops < n && !race_stop; t->ops++) {
		if (t->ops >= min && race_out_of_time())
			break;
		race_step(t);
	}
	return NULL;
}

static int race_run(const struct t_case *tc)
{
	struct race_thread *th = calloc(RACE_THREADS, sizeof(*th));
	pthread_t tid[RACE_THREADS];
	unsigned long ops = 0, strict = 0, raced = 0, least = ~0UL, most = 0;
	unsigned int budget = race_debug_kernel() ? RACE_BUDGET_DEBUG_S : RACE_BUDGET_S;
	struct timespec t0, t1;
	unsigned int i;
	int fd;

	(void)tc;
	/* Emulated CPUs on a busy host: more than the runner's usual limit. */
	alarm(race_ops_asked() ? 120 + race_ops_asked() / 4 : 2 * budget + 120);
	CHECK(th);
	race_buf = t_buffer(RACE_BUF_PAGES * t_env.page);
	CHECK(race_buf);
	memset(race_buf, RACE_BYTE, RACE_BUF_PAGES * t_env.page);
	for (i = 0; i < RACE_SLOTS; i++) {
		enum race_type type = (enum race_type)(i % R_TYPES);

		fd = race_make(type);
		T_FAIL_IF(fd < 0, "creating slot %u: %s", i, strerror(-fd));
		slots[i] = slot_word(fd, type);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	race_deadline.tv_sec = 0;
	if (!race_ops_asked()) {
		race_deadline = t0;
		race_deadline.tv_sec += budget;
	}
	for (i = 0; i < RACE_THREADS; i++) {
		th[i].id = i;
		th[i].rng = (t_env.seed + 1ULL) * 0x9e3779b97f4a7c15ULL ^ (i + 1ULL) << 40;
		CHECK(!pthread_create(&tid[i], NULL, race_thread_main, &th[i]));
	}
	for (i = 0; i < RACE_THREADS; i++) {
		pthread_join(tid[i], NULL);
		ops += th[i].ops;
		least = th[i].ops < least ? th[i].ops : least;
		most = th[i].ops > most ? th[i].ops : most;
		strict += th[i].strict;
		raced += th[i].raced;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < RACE_SLOTS; i++)
		close(word_fd(slots[i]));
	t_diag("race: seed %u: %d threads x %lu operations = %lu run (%lu checked exactly, %lu raced with a close), %.1f s",
	       t_env.seed, RACE_THREADS, race_ops_per_thread(), ops, strict, raced,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (ops < RACE_THREADS * race_ops_per_thread())
		t_diag("race: the %u s budget stopped the threads after %lu to %lu operations each (at least %lu must run)",
		       budget, least, most, race_ops_min());
	T_FAIL_IF(race_msg[0], "%s", race_msg);
	CHECK(least >= race_ops_min());
	CHECK(raced > 0);
	return T_PASS;
}

static const struct t_case cases[] = {
	{ "race: 16 threads of random operations on shared fds, closes racing uses",
	  race_run, NULL, 0 },
};

T_SUITE_ARRAY(suite_race, cases);
