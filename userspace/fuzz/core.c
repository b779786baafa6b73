// SPDX-License-Identifier: GPL-2.0
/*
 * mdlfuzz: random numbers, results, the fault guard, the tables of what a
 * thread holds, and the loop that runs one thread's operations.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

/* How many lines of each kind a run prints before it only counts them. */
#define FZ_LOG_LIMIT	200

uint64_t fz_rnd(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t fz_below(struct fz_rng *r, uint64_t n)
{
	return n ? fz_rnd(r) % n : 0;
}

bool fz_chance(struct fz_rng *r, unsigned int pct)
{
	return fz_below(r, 100) < pct;
}

double fz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void vout(const char *prefix, const char *fmt, va_list ap)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "%s", prefix);

	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line: lines of several threads never interleave. */
	(void)!write(STDOUT_FILENO, line, (size_t)n);
}

void fz_out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vout("", fmt, ap);
	va_end(ap);
}

void fz_desc(struct fz_thread *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->desc, sizeof(t->desc), fmt, ap);
	va_end(ap);
}

static const char *errname(long ret)
{
	static const struct { int e; const char *n; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" },
		{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" },
		{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
		{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
		{ EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" }, { ESPIPE, "ESPIPE" },
		{ ERANGE, "ERANGE" }, { EOVERFLOW, "EOVERFLOW" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ENODATA, "ENODATA" },
		{ ECONNRESET, "ECONNRESET" }, { EPIPE, "EPIPE" },
	};
	static __thread char buf[32];
	size_t i;

	if (ret >= 0) {
		snprintf(buf, sizeof(buf), "%ld", ret);
		return buf;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == -ret)
			return names[i].n;
	snprintf(buf, sizeof(buf), "errno %ld", -ret);
	return buf;
}

static void verbose_result(struct fz_thread *t, long ret)
{
	t->reported = true;
	if (fz.verbose)
		fz_out("# op T%u.%s%llu %s: %s -> %s", t->id, t->child ? "c" : "",
		       (unsigned long long)t->op_no, fz_ops[t->op].name, t->desc,
		       errname(ret));
}

static void count_ok(struct fz_thread *t, long ret)
{
	if (ret >= 0)
		__atomic_fetch_add(&fz_sh->count[t->id][t->op].ok, 1, __ATOMIC_RELAXED);
}

static bool log_more(uint64_t *counter)
{
	return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED) < FZ_LOG_LIMIT;
}

static void vreport(struct fz_thread *t, uint64_t *counter, const char *what,
		    const char *fmt, va_list ap)
{
	char msg[320];

	if (!log_more(counter))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fz_out("# %s: seed %llu thread %u%s op #%llu %s (%s): %s", what,
	       (unsigned long long)fz.seed, t->id, t->child ? " child" : "",
	       (unsigned long long)t->op_no, fz_ops[t->op].name, t->desc, msg);
}

void fz_fail(struct fz_thread *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(t, &fz_sh->failures, "FAIL", fmt, ap);
	va_end(ap);
}

void fz_note(struct fz_thread *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(t, &fz_sh->unexpected, "unexpected", fmt, ap);
	va_end(ap);
}

void fz_doc(struct fz_thread *t, long ret, int want_errno)
{
	char want[32];

	verbose_result(t, ret);
	count_ok(t, ret);
	if (want_errno ? ret == -want_errno : ret >= 0)
		return;
	snprintf(want, sizeof(want), "%s", want_errno ? errname(-want_errno) : "success");
	fz_fail(t, "got %s, documented: %s", errname(ret), want);
}

void fz_any(struct fz_thread *t, long ret, const int *allowed)
{
	verbose_result(t, ret);
	count_ok(t, ret);
	if (ret >= 0)
		return;
	for (; allowed && *allowed; allowed++)
		if (*allowed == -ret)
			return;
	fz_note(t, "errno %s", errname(ret));
}

/* --- the fault guard ------------------------------------------------------ */

static __thread struct fz_thread *guarded;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	struct fz_thread *t = guarded;

	(void)uc;
	if (t && t->in_touch)
		siglongjmp(t->jb, 1);
	/* Not a guarded touch: say where, then die of the signal. */
	if (t)
		fz_out("# CRASH: signal %d at %p: seed %llu thread %u%s op #%llu %s (%s)", sig,
		       si->si_addr, (unsigned long long)fz.seed, t->id, t->child ? " child" : "",
		       (unsigned long long)t->op_no, fz_ops[t->op].name, t->desc);
	else
		fz_out("# CRASH: signal %d at %p outside the operations", sig, si->si_addr);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_guard(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

bool fz_touch(struct fz_thread *t, uint8_t *p, size_t len, bool write)
{
	volatile uint8_t *v = p;
	size_t i;

	guarded = t;
	if (sigsetjmp(t->jb, 1)) {
		t->in_touch = 0;
		return false;
	}
	t->in_touch = 1;
	for (i = 0; i < len; i += fz.page / 4) {
		uint8_t b = v[i];

		if (write)
			v[i] = (uint8_t)(b + 1);
	}
	if (len) {
		uint8_t b = v[len - 1];

		if (write)
			v[len - 1] = (uint8_t)(b ^ 0x5a);
	}
	t->in_touch = 0;
	return true;
}

/* --- tables --------------------------------------------------------------- */

struct fz_fd *fz_fd_free(struct fz_thread *t)
{
	unsigned int i;

	for (i = 0; i < FZ_FDS; i++)
		if (!t->fds[i].used)
			return &t->fds[i];
	return NULL;
}

struct fz_fd *fz_fd_pick(struct fz_thread *t, int type)
{
	unsigned int i, n = 0, k;

	for (i = 0; i < FZ_FDS; i++)
		n += t->fds[i].used && (type < 0 || t->fds[i].type == (unsigned int)type);
	if (!n)
		return NULL;
	k = (unsigned int)fz_below(&t->rng, n);
	for (i = 0; i < FZ_FDS; i++)
		if (t->fds[i].used && (type < 0 || t->fds[i].type == (unsigned int)type) &&
		    !k--)
			return &t->fds[i];
	return NULL;
}

void fz_fd_drop(struct fz_thread *t, struct fz_fd *f)
{
	(void)t;
	close(f->fd);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

struct fz_map *fz_map_free(struct fz_thread *t)
{
	unsigned int i;

	for (i = 0; i < FZ_MAPS; i++)
		if (!t->maps[i].used)
			return &t->maps[i];
	return NULL;
}

struct fz_map *fz_map_pick(struct fz_thread *t)
{
	unsigned int i, n = 0, k;

	for (i = 0; i < FZ_MAPS; i++)
		n += t->maps[i].used;
	if (!n)
		return NULL;
	k = (unsigned int)fz_below(&t->rng, n);
	for (i = 0; i < FZ_MAPS; i++)
		if (t->maps[i].used && !k--)
			return &t->maps[i];
	return NULL;
}

void fz_dev_drop(struct fz_dev *d)
{
	unsigned int i;

	for (i = 0; i < FZ_DEV_FDS; i++)
		if (d->fds[i] >= 0)
			close(d->fds[i]);
	memset(d, 0, sizeof(*d));
	for (i = 0; i < FZ_DEV_FDS; i++)
		d->fds[i] = -1;
}

/* Forget a mapping record (the caller unmapped it or moved it away). */
void fz_map_drop(struct fz_map *m)
{
	memset(m, 0, sizeof(*m));
}

int fz_fd_adopt(struct fz_fd *f, int fd)
{
	struct mdl_info info = { .size = sizeof(info) };
	int ret = mdl_query(fd, &info);

	if (ret)
		return ret;
	memset(f, 0, sizeof(*f));
	f->used = true;
	f->fd = fd;
	f->type = FD_MDL;
	f->kind = info.kind;
	f->writable = info.access & MDL_ACCESS_WRITE;
	f->cache = info.cache_type;
	f->byte_offset = info.byte_offset;
	f->byte_count = info.byte_count;
	f->pages = info.page_count;
	/* Not known: it may describe a file's pages. */
	f->pagecache = info.kind == MDL_KIND_USER || info.kind == MDL_KIND_PARTIAL;
	/* A part of an I/O-space MDL keeps the flag. */
	f->io = info.kind == MDL_KIND_IO_SPACE || (info.mdl_flags & FZ_MDL_IO_SPACE);
	f->adopted = true;
	return 0;
}

/* --- kernel log ----------------------------------------------------------- */

static pthread_mutex_t kmsg_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const bad_log[] = {
	"WARNING:", "BUG:", "Bad page", "Oops", "general protection",
	"KASAN", "KFENCE", "UBSAN", "kmemleak", "possible circular locking",
	"possible recursive locking", "inconsistent lock state", "Call Trace",
	"kernel BUG", "sleeping function called from invalid context",
	"x86/PAT:", "conflicting memory types", "ioremap error", "lockdep", "page dumped",
};

static bool bad_line(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(bad_log) / sizeof(bad_log[0]); i++)
		if (strstr(s, bad_log[i]))
			return true;
	return false;
}

void fz_kmsg_poll(struct fz_thread *t)
{
	static int context;	/* records after a report still to show */
	char rec[1024];
	ssize_t n;

	if (fz.kmsg < 0 || (t && t->child))
		return;
	pthread_mutex_lock(&kmsg_lock);
	for (;;) {
		n = read(fz.kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten: read on */
		if (n <= 0)
			break;
		rec[n] = 0;
		if (rec[n - 1] == '\n')
			rec[n - 1] = 0;
		if (!bad_line(rec)) {
			/* The lines after a report: its call trace. */
			if (context > 0 && context--)
				fz_out("# KERNEL-CONTEXT: %s", rec);
			continue;
		}
		context = 40;
		if (log_more(&fz_sh->kernel_reports)) {
			if (t)
				fz_out("# KERNEL: seed %llu thread %u after op #%llu %s (%s): %s",
				       (unsigned long long)fz.seed, t->id,
				       (unsigned long long)t->op_no,
				       fz_ops[t->op].name, t->desc, rec);
			else
				fz_out("# KERNEL: seed %llu: %s",
				       (unsigned long long)fz.seed, rec);
		}
	}
	pthread_mutex_unlock(&kmsg_lock);
}

/* --- threads -------------------------------------------------------------- */

int fz_thread_init(struct fz_thread *t, unsigned int id, uint64_t seed)
{
	struct fz_rng r = { seed };
	unsigned int i, j;

	memset(t, 0, sizeof(*t));
	t->id = id;
	/* Streams of different threads: the seed's splitmix sequence, id-th. */
	for (i = 0; i <= id; i++)
		t->rng.s = fz_rnd(&r);
	for (i = 0; i < FZ_BUFS; i++)
		t->bufs[i].fd = -1;
	for (i = 0; i < FZ_FDS; i++)
		t->fds[i].fd = -1;
	for (i = 0; i < FZ_DEVS; i++)
		for (j = 0; j < FZ_DEV_FDS; j++)
			t->devs[i].fds[j] = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, t->sock))
		return -errno;
	t->guard = mmap(NULL, fz.page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	t->scratch = mmap(NULL, FZ_SCRATCH, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->guard == MAP_FAILED || t->scratch == MAP_FAILED)
		return -ENOMEM;
	return 0;
}

static void buf_release(struct fz_buf *b)
{
	if (b->addr)
		munmap(b->addr, b->len);
	if (b->fd >= 0)
		close(b->fd);
	memset(b, 0, sizeof(*b));
	b->fd = -1;
}

void fz_thread_unmap(struct fz_thread *t)
{
	unsigned int i;

	for (i = 0; i < FZ_MAPS; i++) {
		if (!t->maps[i].used)
			continue;
		munmap(t->maps[i].addr, t->maps[i].len);
		fz_map_drop(&t->maps[i]);
	}
}

void fz_thread_fini(struct fz_thread *t)
{
	unsigned int i;

	fz_thread_unmap(t);
	for (i = 0; i < FZ_FDS; i++)
		if (t->fds[i].used)
			fz_fd_drop(t, &t->fds[i]);
	/* The last close of each open file of /dev/mdl releases its handles. */
	for (i = 0; i < FZ_DEVS; i++)
		if (t->devs[i].used)
			fz_dev_drop(&t->devs[i]);
	for (i = 0; i < FZ_BUFS; i++)
		if (t->bufs[i].used)
			buf_release(&t->bufs[i]);
	close(t->sock[0]);
	close(t->sock[1]);
	munmap(t->guard, fz.page);
	munmap(t->scratch, FZ_SCRATCH);
}

static unsigned int pick_op(struct fz_thread *t)
{
	unsigned int i, k, total = 0;

	for (i = 0; i < fz_nops; i++)
		total += fz_ops[i].weight;
	k = (unsigned int)fz_below(&t->rng, total);
	for (i = 0; i < fz_nops; i++) {
		if (k < fz_ops[i].weight)
			return i;
		k -= fz_ops[i].weight;
	}
	return 0;
}

void fz_run_thread(struct fz_thread *t, uint64_t ops)
{
	guarded = t;
	install_guard();
	while (!ops || t->op_no < ops) {
		if (!t->child && fz_now() >= fz.deadline)
			break;
		t->op = (int)pick_op(t);
		t->desc[0] = 0;
		t->reported = false;
		__atomic_fetch_add(&fz_sh->count[t->id][t->op].runs, 1, __ATOMIC_RELAXED);
		fz_ops[t->op].run(t);
		if (!t->reported && fz.verbose)
			fz_out("# op T%u.%s%llu %s: %s -> skipped", t->id, t->child ? "c" : "",
			       (unsigned long long)t->op_no, fz_ops[t->op].name,
			       t->desc[0] ? t->desc : "nothing to act on");
		fz_kmsg_poll(t);
		t->op_no++;
	}
}
