// SPDX-License-Identifier: GPL-2.0
/*
 * Pair 3: share N MiB from process A to process B, timed from A holding
 * written data until B has touched (and checked) every page:
 *   mdl      A locks its anonymous buffer (MDL_IOC_LOCK_USER), sends the MDL
 *            fd over SCM_RIGHTS, B mmaps it (MAP_SHARED) and reads every page;
 *   memfd    A's data is in a memfd, sent over SCM_RIGHTS, B mmaps it with
 *            MAP_SHARED | MAP_POPULATE and reads every page;
 *   udmabuf  A's data is in a sealed memfd, A makes a udmabuf of it
 *            (UDMABUF_CREATE), sends the dma-buf fd, B mmaps and reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/udmabuf.h>
#include <libmdl.h>

#include "bench.h"

struct share_msg {
	uint32_t populate;
	uint32_t quit;
	uint64_t bytes;
	uint64_t seed;
};

static int send_msg(int sock, const struct share_msg *m, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)m, sizeof(*m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, 0) == (ssize_t)sizeof(*m) ? 0 : -errno;
}

static int recv_msg(int sock, struct share_msg *m, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { m, sizeof(*m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;

	*fd = -1;
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof(*m))
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

/* Process B: map what arrives, touch and check every page, answer. */
static void process_b(int sock)
{
	struct share_msg m;
	int64_t res, t[3];
	size_t i, n;
	char *p;
	int fd;

	while (!recv_msg(sock, &m, &fd) && !m.quit) {
		res = -2;
		p = MAP_FAILED;
		t[0] = (int64_t)now_ns();
		if (fd >= 0)
			p = mmap(NULL, m.bytes, PROT_READ, MAP_SHARED |
				 (m.populate ? MAP_POPULATE : 0), fd, 0);
		t[1] = (int64_t)now_ns();
		if (p != MAP_FAILED) {
			res = -1;
			n = m.bytes / PAGE;
			for (i = 0; i < n; i++)
				if (*(volatile uint64_t *)(p + i * PAGE) !=
				    stamp_of(m.seed, i)) {
					res = (int64_t)i;
					break;
				}
		}
		t[2] = (int64_t)now_ns();
		if (write(sock, &res, sizeof(res)) != sizeof(res))
			_exit(1);
		/* Where B's time went: mmap, then touching every page. */
		t[2] -= t[1];
		t[1] -= t[0];
		if (write(sock, &t[1], 2 * sizeof(t[1])) != 2 * sizeof(t[1]))
			_exit(1);
		/* Teardown is not part of the timed share. */
		if (p != MAP_FAILED)
			munmap(p, m.bytes);
		if (fd >= 0)
			close(fd);
		res = 0;
		if (write(sock, &res, sizeof(res)) != sizeof(res))
			_exit(1);
	}
	_exit(0);
}

enum { SH_MDL, SH_MEMFD, SH_UDMABUF, NSH };
static const char *const shname[NSH] = { "mdl", "memfd", "udmabuf" };

struct share_src {
	char *anon;		/* SH_MDL: A's anonymous buffer */
	int memfd;		/* SH_MEMFD */
	char *memfd_map;	/* A's view of it */
	int sealed;		/* SH_UDMABUF: sealed memfd */
	char *sealed_map;
	int udmabuf_dev;
};

/* A memfd of @bytes, mapped into A at *@map. */
static int memfd_with(size_t bytes, int seal, char **map)
{
	int fd = memfd_create("mdlbench", MFD_CLOEXEC |
			      (seal ? MFD_ALLOW_SEALING : 0));

	if (fd < 0 || ftruncate(fd, (off_t)bytes))
		die("memfd: %s", strerror(errno));
	*map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*map == MAP_FAILED)
		die("mmap memfd: %s", strerror(errno));
	if (seal && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK))
		die("F_SEAL_SHRINK: %s", strerror(errno));
	return fd;
}

/*
 * One timed share. Returns ns, or 0 after a reported failure; @split gets
 * A's part before sending, B's mmap and B's touching of every page.
 */
static uint64_t share_once(int k, int sock, struct share_src *s, size_t bytes,
			   uint64_t seed, const char *thp, uint64_t split[3])
{
	struct udmabuf_create uc = { 0 };
	struct share_msg m = { .bytes = bytes, .seed = seed };
	int64_t res = -3, done, bt[2];
	uint64_t t0, t1, ta;
	char name[64];
	int fd = -1;

	t0 = now_ns();
	switch (k) {
	case SH_MDL:
		fd = mdl_lock_user(mdl_dev, s->anon, bytes, MDL_LOCK_WRITE);
		if (fd < 0)
			die("MDL_IOC_LOCK_USER: %s", strerror(-fd));
		break;
	case SH_MEMFD:
		fd = s->memfd;
		m.populate = 1;
		break;
	case SH_UDMABUF:
		uc.memfd = (uint32_t)s->sealed;
		uc.flags = UDMABUF_FLAGS_CLOEXEC;
		uc.size = bytes;
		fd = ioctl(s->udmabuf_dev, UDMABUF_CREATE, &uc);
		if (fd < 0)
			die("UDMABUF_CREATE of %zu bytes: %s", bytes,
			    strerror(errno));
		break;
	}
	ta = now_ns();
	if (send_msg(sock, &m, fd))
		die("sendmsg: %s", strerror(errno));
	if (read(sock, &res, sizeof(res)) != sizeof(res))
		die("process B died");
	t1 = now_ns();
	if (read(sock, bt, sizeof(bt)) != sizeof(bt))
		die("process B died");
	split[0] += ta - t0;
	split[1] += (uint64_t)bt[0];
	split[2] += (uint64_t)bt[1];
	if (k != SH_MEMFD)
		close(fd);
	if (read(sock, &done, sizeof(done)) != sizeof(done))
		die("process B died");
	snprintf(name, sizeof(name), "share.%s.%s.%s", shname[k],
		 size_name(bytes), thp);
	if (res != -1) {
		check(0, name, "B saw wrong data (page %lld; -2: mmap failed)",
		      (long long)res);
		return 0;
	}
	return t1 - t0;
}

void bench_share(const char *thp)
{
	static const char *const phase[3] = { "a_create", "b_mmap", "b_touch" };
	struct series sr[NSH], sp[NSH][3];
	uint64_t split[3];
	char vn[48];
	double np;
	int j;
	struct share_src s = { 0 };
	struct share_msg quit = { .quit = 1 };
	int sv[2], i, k, r, on[NSH];
	uint64_t ns, total, seed = 10;
	unsigned int it, iters;
	pid_t pid;
	size_t bytes;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		close(sv[0]);
		process_b(sv[1]);
	}
	close(sv[1]);
	s.udmabuf_dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	for (i = 0; i < cfg.nshare; i++) {
		bytes = cfg.share_sizes[i];
		memset(sr, 0, sizeof(sr));
		memset(sp, 0, sizeof(sp));
		on[SH_MDL] = mdl_dev >= 0;
		on[SH_MEMFD] = 1;
		on[SH_UDMABUF] = s.udmabuf_dev >= 0 && bytes <= 64 * MIB;
		if (!on[SH_MDL])
			skip("share", "mdl", thp, bytes, "no /dev/mdl");
		if (!on[SH_UDMABUF])
			skip("share", "udmabuf", thp, bytes, "%s",
			     s.udmabuf_dev < 0 ? "no /dev/udmabuf (CONFIG_UDMABUF off)" :
			     "over udmabuf's 64 MiB default size_limit_mb");
		s.anon = buf_alloc(bytes);
		s.memfd = memfd_with(bytes, 0, &s.memfd_map);
		s.sealed = on[SH_UDMABUF] ? memfd_with(bytes, 1, &s.sealed_map) : -1;
		iters = cfg.quick ? 1 : (unsigned int)((128 * MIB) / bytes);
		if (!iters)
			iters = 1;
		for (r = -1; r < cfg.runs; r++)
			for (k = 0; k < NSH; k++) {
				if (!on[k])
					continue;
				total = 0;
				memset(split, 0, sizeof(split));
				for (it = 0; it < (r < 0 ? 1 : iters) && on[k]; it++) {
					/* Fresh data for every share: B must see it. */
					seed++;
					buf_stamp(k == SH_MDL ? s.anon : k == SH_MEMFD ?
						  s.memfd_map : s.sealed_map, bytes, seed);
					ns = share_once(k, sv[0], &s, bytes, seed, thp,
							split);
					if (!ns)
						on[k] = 0;
					total += ns;
				}
				if (!on[k])
					continue;
				if (r >= 0) {
					np = (double)(bytes / PAGE * it);
					series_add(&sr[k], (double)total / np);
					for (j = 0; j < 3; j++)
						series_add(&sp[k][j],
							   (double)split[j] / np);
				} else
					check(1, "share", "%s %s: B saw A's data",
					      shname[k], size_name(bytes));
			}
		for (k = 0; k < NSH; k++) {
			report("share", shname[k], thp, bytes, &sr[k], "ns/page");
			for (j = 0; j < 3; j++) {
				snprintf(vn, sizeof(vn), "%s.%s", shname[k],
					 phase[j]);
				report("split", vn, thp, bytes, &sp[k][j],
				       "ns/page");
			}
		}
		buf_free(s.anon, bytes);
		munmap(s.memfd_map, bytes);
		close(s.memfd);
		if (s.sealed >= 0) {
			munmap(s.sealed_map, bytes);
			close(s.sealed);
		}
	}
	send_msg(sv[0], &quit, -1);
	close(sv[0]);
	waitpid(pid, NULL, 0);
	if (s.udmabuf_dev >= 0)
		close(s.udmabuf_dev);
}
