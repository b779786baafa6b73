/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdlfuzz: random sequences of every operation on /dev/mdl, MDL fds,
 * their dma-bufs and their mappings, with valid and invalid arguments.
 *
 * Each thread owns its tables (buffers, fds, mappings, open files of
 * /dev/mdl with their handles) and a random stream derived from the run's
 * seed, so that one seed with one thread replays the same sequence. Threads
 * pass fds to each other through a shared pool.
 */
#ifndef MDL_FUZZ_H
#define MDL_FUZZ_H

#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libmdl.h"

#define FZ_MAX_THREADS	16
#define FZ_BUFS		8
#define FZ_FDS		24
#define FZ_MAPS		32
#define FZ_POOL		16
#define FZ_DEVS		3	/* open files of /dev/mdl besides fz.dev */
#define FZ_DEV_FDS	3	/* fds of one of them (dups) */
#define FZ_HANDLES	8	/* live handles kept per open file */
#define FZ_STALE	8	/* handles it released lately, per open file */
#define FZ_SCRATCH	(64 * 1024)

/* MdlFlags bit of an MDL of device memory (MDL_IO_SPACE of the WDK). */
#define FZ_MDL_IO_SPACE		0x0800

/* splitmix64: small, fast, and every seed is a good one. */
struct fz_rng {
	uint64_t s;
};

uint64_t fz_rnd(struct fz_rng *r);
/* Uniform in [0, n) (0 when n is 0). */
uint64_t fz_below(struct fz_rng *r, uint64_t n);
/* True with probability @pct percent. */
bool fz_chance(struct fz_rng *r, unsigned int pct);

enum fz_buf_type { BUF_ANON, BUF_MEMFD, BUF_SHMEM, BUF_FILE, BUF_THP, BUF_TYPES };

/* A buffer of the fuzzer's own memory, the source of locks. */
struct fz_buf {
	bool used;
	enum fz_buf_type type;
	uint8_t *addr;
	size_t len;
	int fd;			/* memfd or file behind it, else -1 */
};

enum fz_fd_type { FD_MDL, FD_DMABUF };

/* An fd the fuzzer holds, with the facts it expects of it. */
struct fz_fd {
	bool used;
	int fd;
	enum fz_fd_type type;
	uint32_t kind;		/* MDL_KIND_* (of the MDL behind a dma-buf) */
	bool writable;
	uint32_t cache;
	uint32_t byte_offset;
	uint64_t byte_count;
	uint64_t pages;
	bool pagecache;		/* pages of a file (memfd, shmem, tmpfs) */
	bool io;		/* I/O space: no struct pages */
	bool adopted;		/* received from a child: its source unknown */
};

/* A handle of an open file of /dev/mdl (MDL_LOCK_HANDLE) with its facts. */
struct fz_handle {
	bool used;
	uint32_t handle;
	bool writable;
	bool pagecache;
	uint32_t byte_offset;
	uint64_t byte_count;
	uint64_t start_va;
};

/*
 * An open file of /dev/mdl a thread opened itself (not fz.dev, whose table
 * stays empty): its fds, dups of each other that share one table, and every
 * handle of that table, so that the outcome of MDL_IOC_UNLOCK and
 * MDL_IOC_HANDLE_FD of any number is known.
 */
struct fz_dev {
	bool used;
	bool inherited;		/* a forked child's copy of its parent's table: */
				/* the child never changes it */
	int fds[FZ_DEV_FDS];	/* -1 where none */
	struct fz_handle handles[FZ_HANDLES];
	uint32_t stale[FZ_STALE];	/* released lately (a ring) */
	unsigned int nstale;		/* how many ever went into the ring */
};

/* A mapping (one VMA as far as the fuzzer knows). */
struct fz_map {
	bool used;
	uint8_t *addr;
	size_t len;
	int prot;
	bool mdl;		/* of an MDL fd (else of a dma-buf) */
	bool writable;		/* its source allows PROT_WRITE */
	bool zapped;		/* madvise may have dropped its pages */
	bool pagecache;
	bool io;
	bool whole;		/* not split, moved or shrunk */
	bool dontfork;		/* MADV_DONTFORK: absent in forked children */
};

struct fz_thread {
	unsigned int id;
	struct fz_rng rng;
	bool child;		/* running in a forked child */
	uint64_t op_no;
	int op;			/* index of the running operation */
	bool reported;		/* the running operation printed its result */
	char desc[200];		/* what the running operation does */
	struct fz_buf bufs[FZ_BUFS];
	struct fz_fd fds[FZ_FDS];
	struct fz_map maps[FZ_MAPS];
	struct fz_dev devs[FZ_DEVS];
	int sock[2];		/* a socketpair for SCM_RIGHTS to itself */
	uint8_t *guard;		/* a PROT_NONE page: a wild pointer */
	uint8_t *scratch;	/* FZ_SCRATCH bytes for pread/pwrite */
	sigjmp_buf jb;
	volatile int in_touch;
};

/* Counters shared by every thread and forked child (a MAP_SHARED page). */
struct fz_op_count {
	uint64_t runs;
	uint64_t ok;
};

struct fz_shared {
	struct fz_op_count count[FZ_MAX_THREADS][64];
	uint64_t failures;		/* not as uapi/linux/mdl.h documents */
	uint64_t unexpected;		/* an errno class nobody documents */
	uint64_t faults;		/* unexpected SIGSEGV/SIGBUS in a touch */
	uint64_t kernel_reports;	/* bad lines in the kernel log */
	uint64_t children_bad;		/* forked children that did not exit 0 */
	uint64_t children;
	uint64_t thread_ops[FZ_MAX_THREADS];
	int fds_left;			/* fds still open after the cleanup */
	int result;			/* exit status of the fuzzing process */
};

struct fz_conf {
	uint64_t seed;
	unsigned int threads;
	double seconds;
	uint64_t ops;			/* per thread; 0: until @seconds */
	bool verbose;
	int dev;
	struct mdl_version ver;
	size_t page;
	bool cap_admin;			/* GET_PFNS, TRANSLATE */
	bool cap_rawio;			/* MAP_IO_SPACE */
	uint64_t io_addr;		/* free device pages, 0 when none */
	unsigned int io_pages;		/* how many from io_addr */
	uint64_t ram_addr;		/* a System RAM page, 0 when unknown */
	int kmsg;			/* /dev/kmsg, -1 when not readable */
	double deadline;		/* monotonic seconds */
};

extern struct fz_conf fz;
extern struct fz_shared *fz_sh;

struct fz_op {
	const char *name;
	void (*run)(struct fz_thread *t);
	unsigned int weight;
};

extern const struct fz_op fz_ops[];
extern const unsigned int fz_nops;

/* One thread's stream of operations; returns when done. */
void fz_run_thread(struct fz_thread *t, uint64_t ops);
/* Set up / tear down a thread's tables: unmap first, then close. */
int fz_thread_init(struct fz_thread *t, unsigned int id, uint64_t seed);
void fz_thread_unmap(struct fz_thread *t);
void fz_thread_fini(struct fz_thread *t);
/* Close the fds threads left in the exchange pool. */
void fz_pool_close(void);

/* The operations of ops_mem.c (ops_mdl.c has the table). */
void fz_op_buf_new(struct fz_thread *t);
void fz_op_buf_free(struct fz_thread *t);
void fz_op_mmap(struct fz_thread *t);
void fz_op_munmap(struct fz_thread *t);
void fz_op_mprotect(struct fz_thread *t);
void fz_op_mremap(struct fz_thread *t);
void fz_op_madvise(struct fz_thread *t);
void fz_op_touch(struct fz_thread *t);
void fz_op_pread(struct fz_thread *t);
void fz_op_pwrite(struct fz_thread *t);
void fz_op_dup(struct fz_thread *t);
void fz_op_scm(struct fz_thread *t);
void fz_op_close(struct fz_thread *t);
void fz_op_fork(struct fz_thread *t);
void fz_op_exchange(struct fz_thread *t);
void fz_op_truncate(struct fz_thread *t);

/* Results. */
/* A documented outcome: @want_errno 0 means success, else -@want_errno. */
void fz_doc(struct fz_thread *t, long ret, int want_errno);
/* An undocumented outcome: a failure not in @allowed (0-ended) is logged. */
void fz_any(struct fz_thread *t, long ret, const int *allowed);
/* A documented fact that does not hold. */
void fz_fail(struct fz_thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An undocumented surprise: logged, not a failure. */
void fz_note(struct fz_thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Describe the running operation (shown with --verbose and with failures). */
void fz_desc(struct fz_thread *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A line on stdout, written at once (safe in forked children). */
void fz_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Read new kernel log records; count and print the bad ones. */
void fz_kmsg_poll(struct fz_thread *t);
double fz_now(void);

/* Fault guard around touches of mappings: returns false on a fault. */
bool fz_touch(struct fz_thread *t, uint8_t *p, size_t len, bool write);

/* Tables. */
struct fz_fd *fz_fd_free(struct fz_thread *t);
struct fz_fd *fz_fd_pick(struct fz_thread *t, int type);	/* -1: any */
void fz_fd_drop(struct fz_thread *t, struct fz_fd *f);
struct fz_map *fz_map_free(struct fz_thread *t);
struct fz_map *fz_map_pick(struct fz_thread *t);
void fz_map_drop(struct fz_map *m);
/* Close every fd of an open file of /dev/mdl (its handles go with the last). */
void fz_dev_drop(struct fz_dev *d);
/* Fill @f from MDL_IOC_QUERY of @fd (an fd received from elsewhere). */
int fz_fd_adopt(struct fz_fd *f, int fd);

#define FZ_ERRS(...) ((const int[]){ __VA_ARGS__, 0 })

#endif /* MDL_FUZZ_H */
