// SPDX-License-Identifier: GPL-2.0
/*
 * Memory cgroups (root): what a command allocates for its caller is charged
 * to the caller's memory cgroup. Each case makes a cgroup v2 child group
 * with memory.max = 16 MiB (mounting cgroup2 first when nothing has), moves
 * a child process into it and checks there that allocations over the limit
 * fail with ENOMEM leaving nothing behind, and that memory.current grows by
 * what a smaller allocation holds and shrinks when it is freed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define MIB		(1024ULL * 1024)
#define CG_LIMIT	(16 * MIB)
#define CG_ROOT		"/sys/fs/cgroup"

/*
 * Tolerances of memory.current: charges are taken in batches held in
 * per-CPU stocks (64 pages a CPU), so a charge may come from a stock
 * counted earlier (CG_STOCK less) and a release may stay in one; slab
 * pages of small objects add to it (CG_SLACK more).
 */
#define CG_STOCK	MIB
#define CG_SLACK	(2 * MIB)

struct cg {
	char dir[96];
	bool mounted;
};

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;
	ssize_t len = (ssize_t)strlen(text);

	if (fd < 0)
		return -errno;
	if (write(fd, text, (size_t)len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

static int cg_read(const struct cg *cg, const char *file, uint64_t *val)
{
	char path[160], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", cg->dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	*val = strtoull(buf, NULL, 10);
	return 0;
}

static int cg_write(const struct cg *cg, const char *file, const char *text)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", cg->dir, file);
	return write_file(path, text);
}

/* Is cgroup2 mounted at CG_ROOT (its cgroup.controllers exists)? */
static bool cg2_present(void)
{
	return access(CG_ROOT "/cgroup.controllers", F_OK) == 0;
}

/* A memory-limited child group of the cgroup2 root; T_PASS or T_SKIP. */
static int cg_make(struct cg *cg)
{
	char limit[32];
	int ret;

	memset(cg, 0, sizeof(*cg));
	if (!cg2_present()) {
		if (mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL))
			return t_skip("cannot mount cgroup2 at %s: %s", CG_ROOT,
				      strerror(errno));
		cg->mounted = true;
	}
	/* Enabling an enabled controller changes nothing. */
	ret = write_file(CG_ROOT "/cgroup.subtree_control", "+memory");
	if (ret)
		return t_skip("no memory controller (CONFIG_MEMCG): %s", strerror(-ret));
	snprintf(cg->dir, sizeof(cg->dir), CG_ROOT "/mdl-test-%d", (int)getpid());
	if (mkdir(cg->dir, 0755)) {
		t_fail_at(__FILE__, __LINE__, "mkdir %s: %s", cg->dir, strerror(errno));
		return T_FAIL;
	}
	snprintf(limit, sizeof(limit), "%llu", (unsigned long long)CG_LIMIT);
	CHECK_OK(cg_write(cg, "memory.max", limit));
	return T_PASS;
}

static void cg_remove(struct cg *cg)
{
	if (cg->dir[0])
		rmdir(cg->dir);
	if (cg->mounted)
		umount(CG_ROOT);
}

/* Nothing of mdl's left: objects and pages back where they were. */
static int stats_back(const struct t_stats *before)
{
	struct t_stats after;

	CHECK_OK(t_stats_read(&after));
	return t_stats_returned(before, &after);
}

/* The value of an open cgroup file, read again from its start. */
static int cg_pread(int fd, uint64_t *val)
{
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = 0;
	*val = strtoull(buf, NULL, 10);
	return 0;
}

/*
 * memory.current once the frees of a failed allocation have landed: vfree
 * may return pages from a worker (PREEMPT_RT kernels do), so the count
 * can still fall for a while. Read until two reads 100 ms apart agree
 * (3 s at most). Until then the group may be at its limit, where any
 * charged allocation of the reader (a new file, a seq_file buffer) would
 * wake the group's OOM killer: @fd was opened and read before, so these
 * reads reuse its buffer and allocate nothing.
 */
static int cg_settled(int fd, uint64_t *cur)
{
	uint64_t prev;
	int i;

	CHECK_OK(cg_pread(fd, cur));
	for (i = 0; i < 30; i++) {
		prev = *cur;
		usleep(100 * 1000);
		CHECK_OK(cg_pread(fd, cur));
		if (*cur == prev)
			break;
	}
	return T_PASS;
}

/*
 * An allocation of 64 MiB (4 times the limit) fails with ENOMEM, no fd, no
 * page or object left; then @small bytes succeed and memory.current grows
 * by at least that much, and falls back when the fd is closed.
 */
static int cg_check_at(const struct cg *cg, int cur, uint32_t flags, size_t small)
{
	uint64_t c1, c2, c3;
	struct t_stats s0;
	int fd0 = t_next_fd(), fd;

	CHECK_OK(t_stats_read(&s0));
	CHECK_OK(cg_pread(cur, &c1));
	CHECK_ERR(mdl_alloc_pages(t_env.dev, 64 * MIB, flags, MDL_CACHE_CACHED), ENOMEM);
	CHECK_STEP(cg_settled(cur, &c1));
	CHECK_EQ(t_next_fd(), fd0);
	CHECK_STEP(stats_back(&s0));
	T_FAIL_IF(c1 > CG_LIMIT, "memory.current %" PRIu64 " above memory.max", c1);
	fd = mdl_alloc_pages(t_env.dev, small, flags, MDL_CACHE_CACHED);
	CHECK_OK(fd);
	CHECK_OK(cg_read(cg, "memory.current", &c2));
	t_diag("memory.current %" PRIu64 " -> %" PRIu64 " for %zu bytes", c1, c2, small);
	T_FAIL_IF(c2 + CG_STOCK < c1 + small, "memory.current grew by %" PRId64
		  ", not by %zu", (int64_t)(c2 - c1), small);
	T_FAIL_IF(c2 > c1 + small + CG_SLACK, "memory.current grew by %" PRIu64
		  " for %zu bytes", c2 - c1, small);
	CHECK_OK(mdl_close(fd));
	CHECK_OK(cg_read(cg, "memory.current", &c3));
	T_FAIL_IF(c3 + small > c2 + CG_SLACK, "memory.current %" PRIu64 " -> %" PRIu64
		  " after the close", c2, c3);
	return stats_back(&s0);
}

static int cg_check(const struct cg *cg, uint32_t flags, size_t small)
{
	char path[160];
	int cur, ret;

	snprintf(path, sizeof(path), "%s/memory.current", cg->dir);
	cur = open(path, O_RDONLY | O_CLOEXEC);
	if (cur < 0) {
		t_fail_at(__FILE__, __LINE__, "open %s: %s", path, strerror(errno));
		return T_FAIL;
	}
	ret = cg_check_at(cg, cur, flags, small);
	close(cur);
	return ret;
}

struct cg_job {
	const struct cg *cg;
	uint32_t flags;
	size_t small;
};

/* The child: join the group, then check. */
static int cg_child(void *arg)
{
	const struct cg_job *j = arg;
	int ret = cg_write(j->cg, "cgroup.procs", "0");

	if (ret) {
		t_fail_at(__FILE__, __LINE__, "join %s: %s", j->cg->dir, strerror(-ret));
		return T_FAIL;
	}
	return cg_check(j->cg, j->flags, j->small);
}

/* A case: the kind of allocation and the size that must fit. */
struct cg_kind {
	uint32_t flags;
	size_t small;
};

static int memcg_case(const struct t_case *tc)
{
	const struct cg_kind *k = tc->arg;
	struct cg_job j = { .flags = k->flags, .small = k->small };
	struct cg cg;
	int ret;
	pid_t pid;

	ret = cg_make(&cg);
	if (ret != T_PASS) {
		cg_remove(&cg);
		return ret;
	}
	j.cg = &cg;
	pid = t_spawn(cg_child, &j);
	ret = pid < 0 ? T_FAIL : t_reap(pid);
	cg_remove(&cg);
	return ret;
}

static const struct cg_kind kind_pages = { 0, 4 * MIB };
static const struct cg_kind kind_nonpaged = { MDL_ALLOC_NONPAGED, 4 * MIB };
static const struct cg_kind kind_contig = { MDL_ALLOC_CONTIGUOUS, 2 * MIB };

static const struct t_case cases[] = {
	{ "memcg: ALLOC_PAGES 64 MiB in a 16 MiB cgroup -> ENOMEM, nothing left; "
	  "4 MiB is charged", memcg_case, &kind_pages, T_ROOT },
	{ "memcg: ALLOC_PAGES NONPAGED 64 MiB in a 16 MiB cgroup -> ENOMEM; "
	  "4 MiB is charged", memcg_case, &kind_nonpaged, T_ROOT },
	{ "memcg: ALLOC_PAGES CONTIGUOUS 2 MiB is charged to the cgroup",
	  memcg_case, &kind_contig, T_ROOT },
};

T_SUITE_ARRAY(suite_memcg, cases);
