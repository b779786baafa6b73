// SPDX-License-Identifier: GPL-2.0
/*
 * Sharing an MDL's pages between processes: by fork, by SCM_RIGHTS to an
 * unrelated process, by pidfd_getfd. Writes must be seen both ways, and
 * both sides must name the same physical pages.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define LEN_PAGES 3
#define SEED_OWNER 11	/* what the locking process wrote first */
#define SEED_PEER 12	/* what the peer writes into the first half */
#define SEED_REPLY 13	/* what the owner writes into the second half */

enum how { BY_FORK, BY_SCM_RIGHTS, BY_PIDFD };

struct peer {
	enum how how;
	int sock;		/* the peer's end */
	int mdl;		/* BY_FORK: the inherited MDL fd */
	size_t len;
	bool send_pfns;		/* send GET_PFNS results back (root) */
};

static int peer_get_fd(struct peer *p)
{
	return p->how == BY_FORK ? p->mdl : mdl_recv_fd(p->sock);
}

/* The other process: check, write the first half, check the reply. */
static int peer_main(void *arg)
{
	struct peer *p = arg;
	size_t half = p->len / 2, map_len;
	uint64_t pfns[LEN_PAGES + 1] = { 0 };
	uint8_t *data;
	int fd = peer_get_fd(p);

	CHECK_OK(fd);
	data = t_map_data(fd, PROT_READ | PROT_WRITE, &map_len);
	T_FAIL_IF(!data, "peer mmap: %s", strerror(errno));
	T_FAIL_IF(!t_pattern_ok(data, p->len, SEED_OWNER), "peer sees other bytes");
	t_fill(data, half, SEED_PEER);
	if (p->send_pfns)
		CHECK_OK(t_pfns(fd, 0, map_len / t_env.page, pfns));
	CHECK_OK(t_send(p->sock, pfns, sizeof(pfns)));
	CHECK_OK(t_recv(p->sock, pfns, 1));
	T_FAIL_IF(!t_pattern_ok(data + half, p->len - half, SEED_REPLY),
		  "peer does not see the owner's second write");
	return T_PASS;
}

/* The owner: see the peer's write, answer with one of its own. */
static int owner_side(int sock, pid_t child, const struct t_lock *l, bool pfns)
{
	size_t half = l->len / 2;
	uint64_t theirs[LEN_PAGES + 1], ours[LEN_PAGES + 1] = { 0 };

	CHECK_OK(t_recv(sock, theirs, sizeof(theirs)));
	T_FAIL_IF(!t_pattern_ok(l->buf, half, SEED_PEER),
		  "owner's buffer does not show the peer's write");
	if (pfns) {
		CHECK_OK(t_pfns(l->fd, 0, LEN_PAGES, ours));
		T_FAIL_IF(memcmp(ours, theirs, sizeof(ours)),
			  "peer's PFNs differ from the owner's");
	}
	t_fill(l->buf + half, l->len - half, SEED_REPLY);
	CHECK_OK(t_send(sock, "2", 1));
	return t_reap(child);
}

static int share(enum how how)
{
	struct peer p = { .how = how, .len = LEN_PAGES * t_env.page,
			  .send_pfns = t_env.root };
	struct t_lock l;
	int sv[2];
	pid_t child = -1;

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ? -errno : 0);
	p.sock = sv[1];
	if (how == BY_SCM_RIGHTS)	/* a process that never had the fd */
		child = t_spawn(peer_main, &p);
	CHECK_OK(t_lock_new(&l, 0, p.len, MDL_LOCK_WRITE, SEED_OWNER));
	p.mdl = l.fd;
	if (how == BY_FORK)
		child = t_spawn(peer_main, &p);
	CHECK(child > 0);
	if (how == BY_SCM_RIGHTS)
		CHECK_OK(mdl_send_fd(sv[0], l.fd));
	return owner_side(sv[0], child, &l, p.send_pfns);
}

static int share_fork(const struct t_case *tc)
{
	(void)tc;
	return share(BY_FORK);
}

static int share_scm(const struct t_case *tc)
{
	(void)tc;
	return share(BY_SCM_RIGHTS);
}

/* The owner locks and waits; the other process takes the fd by pidfd. */
static int pidfd_owner(void *arg)
{
	struct peer *p = arg;
	struct t_lock l;
	int fd_no;

	CHECK_OK(t_lock_new(&l, 0, p->len, MDL_LOCK_WRITE, SEED_OWNER));
	fd_no = l.fd;
	CHECK_OK(t_send(p->sock, &fd_no, sizeof(fd_no)));
	CHECK_OK(t_recv(p->sock, &fd_no, 1));	/* until the taker is done */
	return T_PASS;
}

static int share_pidfd(const struct t_case *tc)
{
	struct peer p = { .how = BY_PIDFD, .len = LEN_PAGES * t_env.page };
	int sv[2], pidfd, fd_no, fd;
	size_t map_len;
	uint8_t *data;
	pid_t child;

	(void)tc;
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ? -errno : 0);
	p.sock = sv[1];
	child = t_spawn(pidfd_owner, &p);
	CHECK_OK(t_recv(sv[0], &fd_no, sizeof(fd_no)));
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (pidfd < 0 && errno == ENOSYS)
		return t_skip("no pidfd_open");
	CHECK(pidfd >= 0);
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, fd_no, 0);
	if (fd < 0) {
		int err = errno;

		/* Let the owner go before the leak check runs. */
		t_send(sv[0], "x", 1);
		t_reap(child);
		if (err == EPERM)
			return t_skip("pidfd_getfd refused (ptrace policy)");
		T_FAIL_IF(true, "pidfd_getfd: %s", strerror(err));
	}
	data = t_map_data(fd, PROT_READ, &map_len);
	T_FAIL_IF(!data, "mmap: %s", strerror(errno));
	T_FAIL_IF(!t_pattern_ok(data, p.len, SEED_OWNER), "taker sees other bytes");
	CHECK_OK(t_send(sv[0], "x", 1));
	return t_reap(child);
}

static const struct t_case cases[] = {
	{ "share: fork, the child maps the inherited fd, writes seen both ways",
	  share_fork, NULL, 0 },
	{ "share: SCM_RIGHTS to a process that never had it, writes seen both ways (+ same PFNs as root)",
	  share_scm, NULL, 0 },
	{ "share: pidfd_getfd from the locking process, data seen", share_pidfd, NULL, 0 },
};

T_SUITE_ARRAY(suite_share, cases);
