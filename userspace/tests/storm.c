// SPDX-License-Identifier: GPL-2.0
/*
 * Kill storm: children that lock, allocate, map, take parts, export
 * dma-bufs, read and write, pass fds to each other over a shared unix
 * socket (SCM_RIGHTS, the socket itself sometimes in flight in its own
 * queue) and fork grandchildren holding it all, are SIGKILLed (with their
 * grandchildren) at random points, 1000 times as root and 300 times as
 * uid 65534 under a small RLIMIT_MEMLOCK (a quarter of that in the debug
 * kernel, MDL_DEBUG_KERNEL=1, where every exit is slow). Afterwards, once the last
 * socket is closed and the kernel collected what was in flight, every
 * pin is released, mdl's debugfs gauges are back where they started, and
 * /dev/mdl still works. Seeded: the run's seed decides each child's
 * script and the kill delays (the kill points themselves depend on timing).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define STORM_PARALLEL	2
#define STORM_HOLD	12		/* fds a child keeps */
#define STORM_MAPS	4		/* mappings a child keeps */
#define STORM_BUF_PAGES	32
#define STORM_MAX_DELAY_US 2000		/* kill after 0 to 2 ms */
#define STORM_SETTLE_S	30
#define STORM_BUDGET_S	150		/* the kills must be done by then */

/* xorshift64*: each child's own sequence, from the seed and its number. */
static uint64_t storm_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

struct storm_child {
	uint64_t rng;
	int bus[2];			/* shared by every child and the parent */
	uint8_t *buf;
	int fds[STORM_HOLD];
	struct { void *p; size_t len; } maps[STORM_MAPS];
	bool forked;			/* one grandchild per child at most */
};

static unsigned int pick(struct storm_child *c, unsigned int n)
{
	return (unsigned int)(storm_next(&c->rng) % n);
}

/* Keep @fd in a free slot, closing a random one when all are taken. */
static void hold(struct storm_child *c, int fd)
{
	unsigned int i = pick(c, STORM_HOLD);

	if (fd < 0)
		return;
	if (c->fds[i] >= 0)
		close(c->fds[i]);
	c->fds[i] = fd;
}

static int held(struct storm_child *c)
{
	return c->fds[pick(c, STORM_HOLD)];
}

static void op_lock(struct storm_child *c)
{
	size_t page = t_env.page, first = pick(c, STORM_BUF_PAGES);
	size_t len = (1 + pick(c, STORM_BUF_PAGES - (unsigned int)first)) * page -
		     pick(c, (unsigned int)page);
	size_t off = pick(c, 2) ? pick(c, (unsigned int)page / 2) : 0;

	hold(c, mdl_lock_user(t_env.dev, c->buf + first * page + off, len - off,
			      pick(c, 3) ? MDL_LOCK_WRITE : 0));
}

static void op_alloc(struct storm_child *c)
{
	static const uint32_t kinds[] = { 0, MDL_ALLOC_CONTIGUOUS, MDL_ALLOC_NONPAGED };

	hold(c, mdl_alloc_pages(t_env.dev, (1 + pick(c, 16)) * t_env.page,
				kinds[pick(c, 3)], MDL_CACHE_CACHED));
}

static void op_map(struct storm_child *c)
{
	unsigned int i = pick(c, STORM_MAPS);
	struct mdl_info info;
	int fd = held(c);
	uint8_t *p;
	size_t len;

	if (c->maps[i].p) {
		munmap(c->maps[i].p, c->maps[i].len);
		c->maps[i].p = NULL;
	}
	if (fd < 0 || mdl_query(fd, &info))
		return;
	len = info.page_count * t_env.page;
	p = mmap(NULL, len, PROT_READ | ((info.access & MDL_ACCESS_WRITE) ? PROT_WRITE : 0),
		 MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return;
	if (info.access & MDL_ACCESS_WRITE)
		((volatile uint8_t *)p)[len - 1] = p[len - 1];
	c->maps[i].p = p;
	c->maps[i].len = len;
}

static void op_partial(struct storm_child *c)
{
	struct mdl_info info;
	int fd = held(c);

	if (fd < 0 || mdl_query(fd, &info))
		return;
	hold(c, mdl_partial(fd, pick(c, (unsigned int)info.byte_count), 0, 0));
}

static void op_dmabuf(struct storm_child *c)
{
	int fd = held(c), dmabuf;
	void *p;

	if (fd < 0)
		return;
	dmabuf = mdl_export_dmabuf(fd, 0);
	if (dmabuf >= 0 && pick(c, 2)) {
		p = mmap(NULL, t_env.page, PROT_READ, MAP_SHARED, dmabuf, 0);
		if (p != MAP_FAILED)
			munmap(p, t_env.page);
	}
	hold(c, dmabuf);
}

/* Send a held fd (sometimes the bus itself) on the bus; take one off it. */
static void op_share(struct storm_child *c)
{
	char b = 0;
	struct msghdr mh = { 0 };
	struct iovec iov = { &b, 1 };
	union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
	struct cmsghdr *cm;
	int fd = pick(c, 16) ? held(c) : c->bus[1];

	if (fd >= 0) {
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		sendmsg(c->bus[0], &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	if (recvmsg(c->bus[1], &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0)
		return;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS) {
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
		hold(c, fd);
	}
}

static void op_rw(struct storm_child *c)
{
	uint8_t data[512];
	int fd = held(c);
	long n;

	if (fd < 0)
		return;
	n = t_pread(fd, data, sizeof(data), pick(c, 4096));
	if (n > 0)
		t_pwrite(fd, data, (size_t)n, 0);
}

static void op_close(struct storm_child *c)
{
	unsigned int i = pick(c, STORM_HOLD);

	if (c->fds[i] >= 0)
		close(c->fds[i]);
	c->fds[i] = -1;
}

/* A grandchild: inherits every fd and mapping and goes on with them. */
static void op_fork(struct storm_child *c)
{
	pid_t pid;

	if (c->forked)
		return;
	c->forked = true;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		c->rng ^= (uint64_t)getpid() << 32;
	}
}

static void (*const storm_ops[])(struct storm_child *c) = {
	op_lock, op_lock, op_alloc, op_map, op_map, op_partial, op_dmabuf,
	op_share, op_share, op_rw, op_close, op_fork,
};

static int storm_child_main(void *arg)
{
	struct storm_child *c = arg;
	unsigned int i;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < STORM_HOLD; i++)
		c->fds[i] = -1;
	c->buf = t_buffer(STORM_BUF_PAGES * t_env.page);
	if (!c->buf)
		return T_FAIL;
	for (;;)
		storm_ops[pick(c, sizeof(storm_ops) / sizeof(storm_ops[0]))](c);
	return T_PASS;
}

/* Take whatever is queued on the bus off it and close it. */
static unsigned int storm_drain(int sock)
{
	union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
	struct iovec iov;
	struct msghdr mh;
	struct cmsghdr *cm;
	unsigned int n = 0;
	char b;
	int fd;

	for (;;) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = &b;
		iov.iov_len = 1;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		if (recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0)
			return n;
		cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_type == SCM_RIGHTS) {
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
			close(fd);
			n++;
		}
	}
}

/* The gauges back at @s0 within @secs seconds: T_PASS/T_FAIL. */
static int storm_settle(const struct t_stats *s0, int secs)
{
	struct t_stats s;
	int i;

	for (i = 0; i < secs * 10; i++) {
		CHECK_OK(t_stats_read(&s));
		if (t_stats_get(&s, "objects") == t_stats_get(s0, "objects") &&
		    t_stats_get(&s, "dmabufs") == t_stats_get(s0, "dmabufs") &&
		    t_stats_get(&s, "mapped_pages") == t_stats_get(s0, "mapped_pages"))
			break;
		usleep(100000);
	}
	return t_stats_returned(s0, &s);
}

/* Every death must be our SIGKILL: a crash (SIGSEGV, SIGBUS) is a failure. */
static bool storm_death_ok(pid_t pid, int status)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return true;
	if (WIFSIGNALED(status))
		t_diag("storm: process %d died of signal %d", (int)pid, WTERMSIG(status));
	else
		t_diag("storm: process %d exited with %d", (int)pid, WEXITSTATUS(status));
	return false;
}

struct storm_run {
	pid_t pids[STORM_PARALLEL];
	unsigned int kills, spawned, drained, bad;
	uint64_t rng;
};

/* Kill child @i with its group and reap it. */
static void storm_kill(struct storm_run *r, unsigned int i)
{
	int status;

	/* It may not have made its group yet: kill both ways. */
	kill(-r->pids[i], SIGKILL);
	kill(r->pids[i], SIGKILL);
	if (waitpid(r->pids[i], &status, 0) == r->pids[i] &&
	    !storm_death_ok(r->pids[i], status))
		r->bad++;
	r->pids[i] = 0;
	r->kills++;
}

/* Reap grandchildren handed to us (and notice a child that died alone). */
static void storm_reap(struct storm_run *r, int flags)
{
	unsigned int i;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, flags)) > 0) {
		if (!storm_death_ok(pid, status))
			r->bad++;
		for (i = 0; i < STORM_PARALLEL; i++)
			if (r->pids[i] == pid)
				r->pids[i] = 0;
	}
}

/* A storm: how many kills, and the RLIMIT_MEMLOCK it runs under (0: as is). */
struct storm_spec {
	unsigned int kills;
	size_t memlock;
};

/* The whole RLIMIT_MEMLOCK can be locked again: nothing stayed charged. */
static int storm_memlock_back(size_t limit)
{
	uint8_t *buf = t_buffer(limit);
	int fd;

	CHECK(buf);
	fd = mdl_lock_user(t_env.dev, buf, limit, MDL_LOCK_WRITE);
	T_FAIL_IF(fd < 0, "locking the whole RLIMIT_MEMLOCK (%zu bytes) after the storm: %s",
		  limit, strerror(-fd));
	close(fd);
	munmap(buf, limit);
	return T_PASS;
}

static int storm_run(const struct t_case *tc)
{
	const struct storm_spec *spec = tc->arg;
	const char *debug = getenv("MDL_DEBUG_KERNEL");
	unsigned int kills = spec->kills;
	struct storm_run r = { .rng = t_env.seed * 0x9e3779b97f4a7c15ULL + 1 };
	struct timespec t0, t1, d = { 0, 0 };
	struct storm_child c;
	struct t_stats s0;
	struct t_pins p0, p1;
	bool stats = !t_stats_read(&s0);
	unsigned int i;
	int fd;

	/*
	 * Emulated CPUs on a busy host: more than the runner's usual limit,
	 * for the kills (a last one may wait for a slow exit), and again for
	 * what follows them, so that a loop that used its whole budget does
	 * not eat the time of the settling.
	 */
	alarm(STORM_BUDGET_S + 60);
	if (debug && !strcmp(debug, "1"))
		kills /= 4;	/* KASAN and lockdep: every exit is slow */
	if (spec->memlock) {
		struct rlimit rl = { spec->memlock, spec->memlock };

		CHECK_OK(setrlimit(RLIMIT_MEMLOCK, &rl) ? -errno : 0);
	}
	CHECK_OK(t_pins_read(&p0));
	/* Grandchildren come back to this process when their parent dies. */
	CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) ? -errno : 0);
	memset(&c, 0, sizeof(c));
	CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, c.bus) ? -errno : 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (r.kills < kills) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > STORM_BUDGET_S)
			break;
		i = (unsigned int)(storm_next(&r.rng) % STORM_PARALLEL);
		if (!r.pids[i]) {
			c.rng = t_env.seed ^ (uint64_t)(r.spawned + 1) * 0xda942042e4dd58b5ULL;
			r.pids[i] = t_spawn(storm_child_main, &c);
			CHECK(r.pids[i] > 0);
			r.spawned++;
		}
		d.tv_nsec = (long)(storm_next(&r.rng) % STORM_MAX_DELAY_US) * 1000;
		nanosleep(&d, NULL);
		i = (unsigned int)(storm_next(&r.rng) % STORM_PARALLEL);
		if (r.pids[i])
			storm_kill(&r, i);
		if (!(storm_next(&r.rng) % 8)) {
			r.drained += storm_drain(c.bus[1]);
			storm_reap(&r, WNOHANG);
		}
	}
	for (i = 0; i < STORM_PARALLEL; i++)
		if (r.pids[i])
			storm_kill(&r, i);
	alarm(STORM_SETTLE_S + 90);
	storm_reap(&r, 0);	/* every grandchild was killed with its group */
	r.drained += storm_drain(c.bus[1]);
	close(c.bus[0]);
	close(c.bus[1]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	t_diag("storm: seed %u, uid %u: %u SIGKILLs of %u children (%d at a time, with their grandchildren), %u fds drained off the socket, %.1f s",
	       t_env.seed, (unsigned int)getuid(), r.kills, r.spawned, STORM_PARALLEL, r.drained,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	T_FAIL_IF(r.bad, "%u processes died otherwise than by SIGKILL", r.bad);
	T_FAIL_IF(r.kills < kills, "only %u kills in %d s", r.kills, STORM_BUDGET_S);
	if (stats)
		CHECK_STEP(storm_settle(&s0, STORM_SETTLE_S));
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins: %" PRIu64 " acquired, %" PRIu64
		  " released", p1.acquired - p0.acquired, p1.released - p0.released);
	t_diag("storm: %" PRIu64 " pins taken and released", p1.acquired - p0.acquired);
	T_FAIL_IF(p1.acquired == p0.acquired, "no child got to pin anything");
	/* /dev/mdl still works. */
	fd = mdl_alloc_pages(t_env.dev, t_env.page, 0, MDL_CACHE_CACHED);
	CHECK_OK(fd);
	close(fd);
	return spec->memlock ? storm_memlock_back(spec->memlock) : T_PASS;
}

static const struct storm_spec storm_root = { 1000, 0 };
static const struct storm_spec storm_user = { 300, 2 << 20 };

static const struct t_case cases[] = {
	{ "storm: 1000 SIGKILLs of children locking, mapping, sharing, exporting, forking; all released",
	  storm_run, &storm_root, T_ROOT },
	{ "storm: 300 SIGKILLs as uid 65534 under a 2 MiB RLIMIT_MEMLOCK; all released, the limit lockable again",
	  storm_run, &storm_user, T_ROOT | T_DROP },
};

T_SUITE_ARRAY(suite_storm, cases);
