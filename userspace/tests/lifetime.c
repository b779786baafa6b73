// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime: the pages outlive the buffer, the locking process, the fd;
 * an owner killed at any point leaves no pin and no live MDL behind.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define KILL_ROUNDS 40

static int life_unmapped_buffer(const struct t_case *tc)
{
	struct t_lock l;
	uint8_t *copy = malloc(3 * t_env.page);

	(void)tc;
	CHECK(copy);
	CHECK_OK(t_lock_new(&l, 77, 3 * t_env.page, MDL_LOCK_WRITE, 51));
	memcpy(copy, l.buf, l.len);
	CHECK_OK(munmap(l.area, l.area_len) ? -errno : 0);
	return t_check_view(l.fd, copy, l.len);
}

struct sender {
	int sock;
	size_t len;
};

static int lock_send_exit(void *arg)
{
	struct sender *s = arg;
	struct t_lock l;

	CHECK_OK(t_lock_new(&l, 0, s->len, MDL_LOCK_WRITE, 52));
	CHECK_OK(mdl_send_fd(s->sock, l.fd));
	return T_PASS;		/* exits: its buffer and fds go */
}

static int life_owner_exited(const struct t_case *tc)
{
	struct sender s = { .len = 5 * t_env.page };
	uint8_t *want = malloc(s.len);
	int sv[2], fd;

	(void)tc;
	CHECK(want);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ? -errno : 0);
	s.sock = sv[1];
	CHECK_EQ(t_reap(t_spawn(lock_send_exit, &s)), T_PASS);
	fd = mdl_recv_fd(sv[0]);
	CHECK_OK(fd);
	t_fill(want, s.len, 52);
	return t_check_view(fd, want, s.len);
}

/* The owner locks, sends, waits until the receiver mapped it, exits. */
static int lock_send_wait_exit(void *arg)
{
	struct sender *s = arg;
	struct t_lock l;
	char byte;

	CHECK_OK(t_lock_new(&l, 0, s->len, MDL_LOCK_WRITE, 55));
	CHECK_OK(mdl_send_fd(s->sock, l.fd));
	CHECK_OK(t_recv(s->sock, &byte, 1));
	return T_PASS;
}

/*
 * The pages are charged to the owner's RLIMIT_MEMLOCK; the owner exits
 * while another process maps them; that process then exits holding the fd
 * and the mapping. The runner checks afterwards that the pins and the MDL
 * are gone.
 */
static int life_owner_exits_while_mapped(const struct t_case *tc)
{
	struct sender s = { .len = 3 * t_env.page };
	size_t map_len;
	uint8_t *data;
	pid_t owner;
	int sv[2], fd;

	(void)tc;
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ? -errno : 0);
	s.sock = sv[1];
	owner = t_spawn(lock_send_wait_exit, &s);
	fd = mdl_recv_fd(sv[0]);
	CHECK_OK(fd);
	data = t_map_data(fd, PROT_READ, &map_len);
	T_FAIL_IF(!data, "mmap: %s", strerror(errno));
	CHECK_OK(t_send(sv[0], "m", 1));
	CHECK_EQ(t_reap(owner), T_PASS);
	T_FAIL_IF(!t_pattern_ok(data, s.len, 55), "mapping lost the owner's bytes");
	return T_PASS;	/* exit with the fd and mapping: exit releases them */
}

static int life_mapping_outlives_fd(const struct t_case *tc)
{
	struct t_pins p0, p1;
	struct t_lock l;
	size_t map_len;
	uint8_t *data;

	(void)tc;
	CHECK_OK(t_pins_read(&p0));
	CHECK_OK(t_lock_new(&l, 0, 4 * t_env.page, MDL_LOCK_WRITE, 53));
	data = t_map_data(l.fd, PROT_READ | PROT_WRITE, &map_len);
	CHECK(data);
	CHECK_OK(mdl_close(l.fd));
	CHECK_OK(munmap(l.area, l.area_len) ? -errno : 0);
	T_FAIL_IF(!t_pattern_ok(data, 4 * t_env.page, 53), "mapping lost its bytes");
	t_fill(data, t_env.page, 54);
	T_FAIL_IF(t_pins_settle(&p0, &p1), "pins released while still mapped");
	CHECK_OK(munmap(data, map_len) ? -errno : 0);
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins not released after the last munmap");
	return T_PASS;
}

/* The victim: everything an owner does, forever, until SIGKILL. */
static int victim(void *arg)
{
	size_t len = 8 * t_env.page, map_len;
	uint8_t *buf = t_buffer(len), *data;
	int sv[2], fd, part, got, dmabuf;

	(void)arg;
	if (!buf || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return T_FAIL;
	for (;;) {
		fd = mdl_lock_user(t_env.dev, buf, len, MDL_LOCK_WRITE);
		part = mdl_partial(fd, t_env.page, 2 * t_env.page, 0);
		data = t_map_data(part, PROT_READ | PROT_WRITE, &map_len);
		if (data)
			data[0]++;
		mdl_send_fd(sv[0], fd);
		got = mdl_recv_fd(sv[1]);
		dmabuf = mdl_export_dmabuf(got, 0);
		if (data)
			munmap(data - (uintptr_t)data % t_env.page, map_len);
		close(dmabuf);
		close(got);
		close(part);
		close(fd);
		fd = mdl_alloc_pages(t_env.dev, 4 * t_env.page, 0, MDL_CACHE_CACHED);
		data = t_map_data(fd, PROT_READ | PROT_WRITE, &map_len);
		close(fd);
		if (data)
			munmap(data, map_len);
	}
	return T_PASS;
}

static void kill_at_random(void)
{
	struct timespec delay = { 0, (long)(t_rand() % 20000) * 1000 };
	pid_t pid = t_spawn(victim, NULL);

	nanosleep(&delay, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);	/* a SIGKILL death is what we expect */
}

static int life_sigkill(const struct t_case *tc)
{
	struct t_pins p0, p1;
	struct t_stats s0, s1;
	bool stats = !t_stats_read(&s0);
	int i;

	(void)tc;
	CHECK_OK(t_pins_read(&p0));
	for (i = 0; i < KILL_ROUNDS; i++)
		kill_at_random();
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins: %" PRIu64 " acquired, %" PRIu64
		  " released", p1.acquired - p0.acquired, p1.released - p0.released);
	t_diag("%d owners killed; %" PRIu64 " pins taken and released", KILL_ROUNDS,
	       p1.acquired - p0.acquired);
	T_FAIL_IF(p1.acquired == p0.acquired, "no owner got to pin anything");
	if (!stats) {
		t_diag("debugfs stats not readable here: pins checked only");
		return T_PASS;
	}
	CHECK_OK(t_stats_read(&s1));
	return t_stats_returned(&s0, &s1);
}

static const struct t_case cases[] = {
	{ "lifetime: buffer munmapped, MDL still shows its bytes", life_unmapped_buffer, NULL, 0 },
	{ "lifetime: locking process exited, the receiver still maps its bytes",
	  life_owner_exited, NULL, 0 },
	{ "lifetime: owner exits while another process maps its pages (unprivileged)",
	  life_owner_exits_while_mapped, NULL, T_DROP },
	{ "lifetime: a mapping outlives the fd; last munmap releases the pins",
	  life_mapping_outlives_fd, NULL, 0 },
	{ "lifetime: owners SIGKILLed at random points leave pins balanced, stats back",
	  life_sigkill, NULL, 0 },
};

T_SUITE_ARRAY(suite_lifetime, cases);
