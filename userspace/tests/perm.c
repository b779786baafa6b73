// SPDX-License-Identifier: GPL-2.0
/*
 * What an unprivileged user may and may not do. T_DROP cases run as the
 * unprivileged user in both runs (the root run drops privileges in the
 * case's process), so the EPERM and RLIMIT_MEMLOCK paths are always tested.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

static int perm_get_pfns(const struct t_case *tc)
{
	uint64_t pfn = 0;
	struct t_lock l;

	(void)tc;
	CHECK_OK(t_lock_new(&l, 0, t_env.page, MDL_LOCK_WRITE, 61));
	CHECK_ERR(mdl_get_pfns(l.fd, 0, 1, &pfn), EPERM);
	CHECK_EQ(pfn, 0);
	return T_PASS;
}

static int perm_translate(const struct t_case *tc)
{
	uint8_t *buf = t_buffer(t_env.page);
	uint64_t addr = (uintptr_t)buf, phys = 0;

	(void)tc;
	CHECK(buf);
	CHECK_ERR(mdl_translate(t_env.dev, &addr, 1, &phys), EPERM);
	CHECK_EQ(phys, 0);
	return T_PASS;
}

static int perm_io_space(const struct t_case *tc)
{
	int fd0 = t_next_fd();

	(void)tc;
	CHECK_ERR(mdl_map_io_space(t_env.dev, 1ULL << 30, t_env.page,
				   0, MDL_CACHE_NONCACHED), EPERM);
	CHECK_EQ(t_next_fd(), fd0);
	return T_PASS;
}

/* Everything that needs no privilege works unprivileged. */
static int perm_allowed(const struct t_case *tc)
{
	struct t_facts f;
	struct t_lock l;
	int part, kfd;

	(void)tc;
	CHECK(getuid() != 0);
	CHECK_OK(t_lock_new(&l, 5, 3 * t_env.page, MDL_LOCK_WRITE, 62));
	t_lock_facts(&l, MDL_LOCK_WRITE, &f);
	CHECK_STEP(t_check_facts(l.fd, &f));
	CHECK_STEP(t_check_view(l.fd, l.buf, l.len));
	part = mdl_partial(l.fd, 10, 100, 0);
	CHECK_OK(part);
	CHECK_STEP(t_check_view(part, l.buf + 10, 100));
	kfd = mdl_alloc_pages(t_env.dev, t_env.page, 0, MDL_CACHE_CACHED);
	CHECK_OK(kfd);
	return T_PASS;
}

static int memlock_lock_over(const struct t_case *tc)
{
	uint8_t *buf = t_buffer(256 * t_env.page);
	struct t_pins p0, p1;
	int fd0 = t_next_fd();

	(void)tc;
	CHECK(buf);
	CHECK_OK(t_set_memlock(16 * t_env.page));
	CHECK_OK(t_pins_read(&p0));
	CHECK_ERR(mdl_lock_user(t_env.dev, buf, 256 * t_env.page, MDL_LOCK_WRITE), ENOMEM);
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins left behind");
	CHECK_EQ(t_next_fd(), fd0);
	return T_PASS;
}

static int memlock_adds_up(const struct t_case *tc)
{
	uint8_t *buf = t_buffer(20 * t_env.page);
	int a, b;

	(void)tc;
	CHECK(buf);
	CHECK_OK(t_set_memlock(16 * t_env.page));
	a = mdl_lock_user(t_env.dev, buf, 10 * t_env.page, 0);
	CHECK_OK(a);
	CHECK_ERR(mdl_lock_user(t_env.dev, buf + 10 * t_env.page, 10 * t_env.page, 0),
		  ENOMEM);
	CHECK_OK(mdl_close(a));
	b = mdl_lock_user(t_env.dev, buf + 10 * t_env.page, 10 * t_env.page, 0);
	CHECK_OK(b);
	return T_PASS;
}

static int memlock_alloc_over(const struct t_case *tc)
{
	(void)tc;
	CHECK_OK(t_set_memlock(16 * t_env.page));
	CHECK_ERR(mdl_alloc_pages(t_env.dev, 64 * t_env.page, 0, MDL_CACHE_CACHED),
		  ENOMEM);
	CHECK_OK(mdl_alloc_pages(t_env.dev, 4 * t_env.page, 0, MDL_CACHE_CACHED));
	return T_PASS;
}

/* What a child of a memlock case makes, sends to its parent, then exits. */
struct memlock_child {
	int sock;
	size_t pages;
	bool alloc;	/* MDL_IOC_ALLOC_PAGES instead of MDL_IOC_LOCK_USER */
};

/*
 * The child: lock (or allocate) c->pages pages and send the result, an
 * errno value (0 on success), then the MDL fd; exit without closing it.
 */
static int memlock_child_run(void *arg)
{
	const struct memlock_child *c = arg;
	size_t len = c->pages * t_env.page;
	uint8_t *buf = c->alloc ? NULL : t_buffer(len);
	int fd, err;

	if (c->alloc)
		fd = mdl_alloc_pages(t_env.dev, len, 0, MDL_CACHE_CACHED);
	else
		fd = buf ? mdl_lock_user(t_env.dev, buf, len, MDL_LOCK_WRITE) : -ENOMEM;
	err = fd < 0 ? -fd : 0;
	if (t_send(c->sock, &err, sizeof(err)))
		return T_FAIL;
	if (!err && mdl_send_fd(c->sock, fd))
		return T_FAIL;
	return T_PASS;
}

/*
 * A child locks @pages pages (or allocates them), sends the MDL fd and
 * exits; the fd (>= 0) or -errno of the child's command.
 */
static int memlock_from_child(size_t pages, bool alloc)
{
	struct memlock_child c = { .pages = pages, .alloc = alloc };
	int sv[2], err = 0, fd = -EPROTO, ret;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	c.sock = sv[1];
	pid = t_spawn(memlock_child_run, &c);
	if (pid < 0) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	ret = t_recv(sv[0], &err, sizeof(err));
	if (!ret)
		fd = err ? -err : mdl_recv_fd(sv[0]);
	if (t_reap(pid) != T_PASS || ret)
		fd = -EPROTO;
	close(sv[0]);
	close(sv[1]);
	return fd;
}

/*
 * The limit holds for the user, not for a process: pages locked by
 * children that sent their MDL fds over SCM_RIGHTS and exited stay charged
 * until the last fd closes, and are uncharged exactly once (dup'd fds and a
 * part of one lock included).
 */
static int memlock_user_wide(const struct t_case *tc)
{
	uint8_t *buf = t_buffer(t_env.page);
	int a, b, dup_a, part, c;

	(void)tc;
	CHECK(buf);
	CHECK_OK(t_set_memlock(16 * t_env.page));
	a = memlock_from_child(8, false);
	CHECK_OK(a);
	b = memlock_from_child(8, false);
	CHECK_OK(b);
	/* 16 pages held by fds of exited children: nothing more for the user. */
	CHECK_ERR(memlock_from_child(8, false), ENOMEM);
	CHECK_ERR(memlock_from_child(1, true), ENOMEM);
	CHECK_ERR(mdl_lock_user(t_env.dev, buf, t_env.page, 0), ENOMEM);
	CHECK_ERR(mdl_alloc_pages(t_env.dev, t_env.page, 0, MDL_CACHE_CACHED), ENOMEM);
	/* The charge goes with the last reference, not with the first close. */
	dup_a = dup(a);
	CHECK_OK(dup_a < 0 ? -errno : dup_a);
	part = mdl_partial(a, 0, t_env.page, 0);
	CHECK_OK(part);
	CHECK_OK(mdl_close(a));
	CHECK_OK(mdl_close(dup_a));
	CHECK_ERR(memlock_from_child(8, false), ENOMEM);
	CHECK_OK(mdl_close(part));
	c = memlock_from_child(8, true);
	CHECK_OK(c);
	CHECK_OK(mdl_close(b));
	CHECK_OK(mdl_close(c));
	/* Back to exactly nothing charged: 16 pages fit, 17 do not. */
	CHECK_ERR(memlock_from_child(17, false), ENOMEM);
	a = memlock_from_child(16, false);
	CHECK_OK(a);
	CHECK_OK(mdl_close(a));
	return T_PASS;
}

/* CAP_IPC_LOCK is the bypass, as for VFIO, RDMA and io_uring. */
static int memlock_root_bypass(const struct t_case *tc)
{
	uint8_t *buf = t_buffer(64 * t_env.page);

	(void)tc;
	CHECK(buf);
	CHECK_OK(t_set_memlock(4 * t_env.page));
	CHECK_OK(mdl_lock_user(t_env.dev, buf, 64 * t_env.page, MDL_LOCK_WRITE));
	return T_PASS;
}

static const struct t_case cases[] = {
	{ "perm: unprivileged GET_PFNS -> EPERM", perm_get_pfns, NULL, T_DROP },
	{ "perm: unprivileged TRANSLATE -> EPERM", perm_translate, NULL, T_DROP },
	{ "perm: unprivileged MAP_IO_SPACE -> EPERM, no fd", perm_io_space, NULL, T_DROP },
	{ "perm: unprivileged lock, query, mmap, pread, partial, alloc work",
	  perm_allowed, NULL, T_DROP },
	{ "memlock: LOCK_USER over RLIMIT_MEMLOCK -> ENOMEM, nothing pinned",
	  memlock_lock_over, NULL, T_DROP },
	{ "memlock: locks add up; closing one makes room", memlock_adds_up, NULL, T_DROP },
	{ "memlock: ALLOC_PAGES over RLIMIT_MEMLOCK -> ENOMEM", memlock_alloc_over,
	  NULL, T_DROP },
	{ "memlock: the limit is the user's: fds of exited children over SCM_RIGHTS "
	  "stay charged, uncharged once", memlock_user_wide, NULL, T_DROP },
	{ "memlock: CAP_IPC_LOCK locks beyond RLIMIT_MEMLOCK", memlock_root_bypass,
	  NULL, T_ROOT },
};

T_SUITE_ARRAY(suite_perm, cases);
