// SPDX-License-Identifier: GPL-2.0
/*
 * Many threads creating, mapping and closing MDLs at once; afterwards the
 * pins balance.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define THREADS 8
#define ITERATIONS 200

struct worker {
	int (*step)(struct worker *w, int i);
	unsigned int id;
	int shared;		/* an MDL all threads use */
	uint8_t *buf;		/* this thread's buffer (3 pages) */
	int result;
};

static bool map_and_check(int fd, const void *want, size_t len)
{
	size_t map_len;
	uint8_t *data = t_map_data(fd, PROT_READ, &map_len);
	bool ok = data && !memcmp(data, want, len);

	if (data)
		munmap(data - (uintptr_t)data % t_env.page, map_len);
	return ok;
}

/* Lock a slice of the thread's buffer, map it, check, take a part, close. */
static int step_lock(struct worker *w, int i)
{
	size_t off = (size_t)(i * 37) % t_env.page, len = t_env.page + (size_t)i;
	int fd, part;
	bool ok;

	t_fill(w->buf + off, len, w->id * 1000 + (uint32_t)i);
	fd = mdl_lock_user(t_env.dev, w->buf + off, len, MDL_LOCK_WRITE);
	if (fd < 0)
		return fd;
	part = mdl_partial(fd, 1, len - 1, 0);
	ok = map_and_check(fd, w->buf + off, len) && part >= 0 &&
	     map_and_check(part, w->buf + off + 1, len - 1);
	close(part);
	close(fd);
	return ok ? 0 : -EIO;
}

/* New kernel pages: map, write, read back with pread, close. */
static int step_alloc(struct worker *w, int i)
{
	size_t map_len, len = (size_t)(1 + i % 3) * t_env.page;
	uint8_t *data, byte = 0;
	int fd = mdl_alloc_pages(t_env.dev, len, 0, MDL_CACHE_CACHED);
	bool ok;

	if (fd < 0)
		return fd;
	data = t_map_data(fd, PROT_READ | PROT_WRITE, &map_len);
	if (data)
		data[len - 1] = (uint8_t)(w->id + (unsigned int)i);
	ok = data && t_pread(fd, &byte, 1, (off_t)len - 1) == 1 &&
	     byte == (uint8_t)(w->id + (unsigned int)i);
	if (data)
		munmap(data, map_len);
	close(fd);
	return ok ? 0 : -EIO;
}

/* One shared MDL: dup, map, check, part, close, all at once. */
static int step_shared(struct worker *w, int i)
{
	int fd = dup(w->shared), part = mdl_partial(w->shared, (uint64_t)i, 0, 0);
	bool ok = fd >= 0 && part >= 0 && map_and_check(fd, w->buf, 2 * t_env.page);

	close(part);
	close(fd);
	return ok ? 0 : -EIO;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < ITERATIONS && !w->result; i++)
		w->result = w->step(w, i);
	return NULL;
}

/* Run the threads; then the pins taken since @p0 must all be released. */
static int run_workers(int (*step)(struct worker *, int), int shared,
		       uint8_t *shared_buf, const struct t_pins *p0)
{
	struct worker w[THREADS];
	pthread_t th[THREADS];
	struct t_pins p1;
	unsigned int i;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ step, i, shared,
					shared_buf ? shared_buf : t_buffer(3 * t_env.page), 0 };
		CHECK(w[i].buf);
		CHECK(!pthread_create(&th[i], NULL, worker_main, &w[i]));
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		T_FAIL_IF(w[i].result, "thread %u: %s", i, strerror(-w[i].result));
	}
	if (shared >= 0)
		close(shared);
	T_FAIL_IF(!t_pins_settle(p0, &p1), "pins: %" PRIu64 " acquired, %" PRIu64
		  " released", p1.acquired - p0->acquired, p1.released - p0->released);
	return T_PASS;
}

static int threads_lock(const struct t_case *tc)
{
	struct t_pins p0;

	(void)tc;
	CHECK_OK(t_pins_read(&p0));
	return run_workers(step_lock, -1, NULL, &p0);
}

static int threads_alloc(const struct t_case *tc)
{
	struct t_pins p0;

	(void)tc;
	CHECK_OK(t_pins_read(&p0));
	return run_workers(step_alloc, -1, NULL, &p0);
}

static int threads_shared(const struct t_case *tc)
{
	struct t_pins p0;
	struct t_lock l;

	(void)tc;
	CHECK_OK(t_pins_read(&p0));
	CHECK_OK(t_lock_new(&l, 0, 2 * t_env.page, MDL_LOCK_WRITE, 81));
	return run_workers(step_shared, l.fd, l.buf, &p0);
}

static const struct t_case cases[] = {
	{ "threads: 8 x 200 lock, map, part, close at once; pins balance",
	  threads_lock, NULL, 0 },
	{ "threads: 8 x 200 kernel page allocations mapped and closed at once",
	  threads_alloc, NULL, 0 },
	{ "threads: 8 x 200 dup, map, part, close of one shared MDL", threads_shared,
	  NULL, 0 },
};

T_SUITE_ARRAY(suite_threads, cases);
