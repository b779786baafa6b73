// SPDX-License-Identifier: GPL-2.0
/*
 * Handle locks (MDL_LOCK_HANDLE, MDL_IOC_UNLOCK, MDL_IOC_HANDLE_FD): a
 * handle's fd has the lock's facts, bytes and PFNs; handles use no fd and
 * pass RLIMIT_NOFILE but not RLIMIT_MEMLOCK; they are numbered lowest
 * free, belong to one open file of /dev/mdl (shared by fork), go with its
 * last close, and are released exactly once when threads race for one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define RACE_ROUNDS 3000

/* Pins taken since @before and not released yet. */
static int64_t pins_held(const struct t_pins *before)
{
	struct t_pins now;

	t_vm_refresh();
	if (t_pins_read(&now))
		return -1;
	return (int64_t)((now.acquired - before->acquired) -
			 (now.released - before->released));
}

static int h_fd_of_handle(const struct t_case *tc)
{
	uint32_t flags = (uint32_t)(uintptr_t)tc->arg;
	size_t off = 100, len = 3 * t_env.page;
	uint8_t *area = t_buffer(4 * t_env.page);
	struct t_lock l;
	struct t_facts f;
	struct t_pins p0, p1;
	size_t i;
	int h, fd;

	CHECK(area);
	t_fill(area, 4 * t_env.page, 81);
	CHECK_OK(t_pins_read(&p0));
	h = mdl_lock_handle(t_env.dev, area + off, len, flags);
	CHECK_OK(h);
	fd = mdl_handle_fd(t_env.dev, (uint32_t)h, MDL_FD_CLOEXEC);
	CHECK_OK(fd);
	CHECK(t_cloexec(fd));
	l = (struct t_lock){ .area = area, .area_len = 4 * t_env.page,
			     .buf = area + off, .len = len, .fd = fd };
	t_lock_facts(&l, flags, &f);
	CHECK_STEP(t_check_facts(fd, &f));
	CHECK_STEP(t_check_view(fd, l.buf, len));
	if (t_env.root)
		CHECK_STEP(t_check_pfns_pagemap(fd, area, 4));
	/* The fd holds the pages past the handle's end, and past the buffer's. */
	CHECK_OK(mdl_unlock_handle(t_env.dev, (uint32_t)h));
	CHECK_ERR(mdl_unlock_handle(t_env.dev, (uint32_t)h), ENOENT);
	CHECK_ERR(mdl_handle_fd(t_env.dev, (uint32_t)h, 0), ENOENT);
	T_FAIL_IF(pins_held(&p0) <= 0, "the fd of an unlocked handle holds no pin");
	CHECK_OK(munmap(area, 4 * t_env.page) ? -errno : 0);
	l.buf = malloc(len);
	CHECK(l.buf);
	for (i = 0; i < len; i++)
		l.buf[i] = t_pattern_byte(off + i, 81);
	CHECK_STEP(t_check_view(fd, l.buf, len));
	free(l.buf);
	CHECK_OK(close(fd) ? -errno : 0);
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins left after the handle's fd closed");
	return T_PASS;
}

#define MANY 64

static int h_past_nofile(const struct t_case *tc)
{
	uint8_t *buf = t_buffer(MANY * t_env.page);
	struct rlimit old, lim;
	struct t_pins p0, p1;
	int fd0 = t_next_fd(), h[MANY];
	size_t i;

	(void)tc;
	CHECK(buf);
	CHECK_OK(t_pins_read(&p0));
	CHECK(!getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = (rlim_t)fd0;
	CHECK(!setrlimit(RLIMIT_NOFILE, &lim));
	for (i = 0; i < MANY; i++)
		h[i] = mdl_lock_handle(t_env.dev, buf + i * t_env.page, t_env.page,
				       MDL_LOCK_WRITE);
	/* No fd to spare: a handle's fd cannot be made now. */
	CHECK_ERR(mdl_handle_fd(t_env.dev, 0, 0), EMFILE);
	CHECK(!setrlimit(RLIMIT_NOFILE, &old));
	for (i = 0; i < MANY; i++)
		CHECK_EQ(h[i], i);
	CHECK_EQ(t_next_fd(), fd0);
	T_FAIL_IF(pins_held(&p0) < MANY, "%d handle locks hold fewer pins", MANY);
	for (i = MANY; i-- > 0;)
		CHECK_OK(mdl_unlock_handle(t_env.dev, (uint32_t)h[i]));
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins left after every handle unlocked");
	return T_PASS;
}

static int h_numbering(const struct t_case *tc)
{
	uint8_t *buf = t_buffer(3 * t_env.page);
	int i;

	(void)tc;
	CHECK(buf);
	CHECK_ERR(mdl_unlock_handle(t_env.dev, 0), ENOENT);
	for (i = 0; i < 3; i++)
		CHECK_EQ(mdl_lock_handle(t_env.dev, buf + i * t_env.page, t_env.page, 0), i);
	CHECK_OK(mdl_unlock_handle(t_env.dev, 1));
	CHECK_ERR(mdl_unlock_handle(t_env.dev, 1), ENOENT);
	CHECK_ERR(mdl_handle_fd(t_env.dev, 1, 0), ENOENT);
	CHECK_EQ(mdl_lock_handle(t_env.dev, buf, 3 * t_env.page, 0), 1);
	CHECK_ERR(mdl_unlock_handle(t_env.dev, 7), ENOENT);
	CHECK_ERR(mdl_unlock_handle(t_env.dev, 0x80000000U), ENOENT);
	CHECK_ERR(mdl_unlock_handle(t_env.dev, 0xffffffffU), ENOENT);
	CHECK_ERR(mdl_handle_fd(t_env.dev, 0xffffffffU, 0), ENOENT);
	/* The library refuses its own flag from the caller; a handle has no fd. */
	CHECK_ERR(mdl_lock_handle(t_env.dev, buf, t_env.page, MDL_LOCK_HANDLE), EINVAL);
	CHECK_ERR(mdl_lock_handle(t_env.dev, buf, t_env.page, MDL_FD_CLOEXEC), EINVAL);
	for (i = 0; i < 3; i++)
		CHECK_OK(mdl_unlock_handle(t_env.dev, (uint32_t)i));
	return T_PASS;
}

static int h_per_open_file(const struct t_case *tc)
{
	size_t len = 8 * t_env.page;
	uint8_t *buf = t_buffer(8 * len);
	struct t_pins p0, p1;
	int dev2, h, fd, i;

	(void)tc;
	CHECK(buf);
	t_fill(buf, 8 * len, 82);
	CHECK_OK(t_pins_read(&p0));
	dev2 = mdl_open();
	CHECK_OK(dev2);
	for (i = 0; i < 8; i++)
		CHECK_EQ(mdl_lock_handle(dev2, buf + i * len, len, MDL_LOCK_WRITE), i);
	/* The case's own open file has none of them. */
	CHECK_ERR(mdl_unlock_handle(t_env.dev, 3), ENOENT);
	CHECK_ERR(mdl_handle_fd(t_env.dev, 3, 0), ENOENT);
	h = 3;
	fd = mdl_handle_fd(dev2, (uint32_t)h, 0);
	CHECK_OK(fd);
	CHECK_OK(mdl_close(dev2));
	/* Closing the file released seven locks; the fd keeps the eighth. */
	T_FAIL_IF(pins_held(&p0) <= 0, "the fd of a handle of a closed file holds no pin");
	CHECK_STEP(t_check_view(fd, buf + h * len, len));
	CHECK_OK(close(fd) ? -errno : 0);
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins left after the file with handles closed");
	return T_PASS;
}

static int unlock_child(void *arg)
{
	CHECK_OK(mdl_unlock_handle(t_env.dev, *(uint32_t *)arg));
	return T_PASS;
}

static int h_fork_shares(const struct t_case *tc)
{
	uint8_t *buf = t_buffer(4 * t_env.page);
	struct t_pins p0, p1;
	uint32_t h;
	int ret;

	(void)tc;
	CHECK(buf);
	CHECK_OK(t_pins_read(&p0));
	ret = mdl_lock_handle(t_env.dev, buf, 4 * t_env.page, MDL_LOCK_WRITE);
	CHECK_OK(ret);
	h = (uint32_t)ret;
	CHECK_EQ(t_reap(t_spawn(unlock_child, &h)), T_PASS);
	CHECK_ERR(mdl_unlock_handle(t_env.dev, h), ENOENT);
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins left after the child unlocked");
	return T_PASS;
}

static int h_memlock(const struct t_case *tc)
{
	uint8_t *buf = t_buffer(256 * t_env.page);
	size_t ten = 10 * t_env.page;
	struct t_pins p0, p1;
	int a;

	(void)tc;
	CHECK(buf);
	CHECK_OK(t_set_memlock(16 * t_env.page));
	CHECK_OK(t_pins_read(&p0));
	CHECK_ERR(mdl_lock_handle(t_env.dev, buf, 256 * t_env.page, MDL_LOCK_WRITE), ENOMEM);
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins left by a refused handle lock");
	a = mdl_lock_handle(t_env.dev, buf, ten, 0);
	CHECK_OK(a);
	/* Handles and fds share the one limit. */
	CHECK_ERR(mdl_lock_handle(t_env.dev, buf + ten, ten, 0), ENOMEM);
	CHECK_ERR(mdl_lock_user(t_env.dev, buf + ten, ten, 0), ENOMEM);
	CHECK_OK(mdl_unlock_handle(t_env.dev, (uint32_t)a));
	CHECK_OK(mdl_lock_handle(t_env.dev, buf + ten, ten, 0));
	return T_PASS;
}

struct race {
	uint8_t *buf;
	volatile int stop;
	long locked, unlocked_a, unlocked_b, fds;
	int err;
};

/* Thread B: make fds of handle 0 and unlock it, as fast as it can. */
static void *race_b(void *arg)
{
	struct race *r = arg;
	int fd, ret;

	while (!r->stop) {
		fd = mdl_handle_fd(t_env.dev, 0, MDL_FD_CLOEXEC);
		if (fd >= 0) {
			r->fds++;
			close(fd);
		} else if (fd != -ENOENT) {
			r->err = fd;
		}
		ret = mdl_unlock_handle(t_env.dev, 0);
		if (!ret)
			r->unlocked_b++;
		else if (ret != -ENOENT)
			r->err = ret;
	}
	return NULL;
}

static int h_race(const struct t_case *tc)
{
	struct race r = { .buf = t_buffer(2 * t_env.page) };
	struct t_pins p0, p1;
	pthread_t th;
	int i, h, ret;

	(void)tc;
	CHECK(r.buf);
	CHECK_OK(t_pins_read(&p0));
	CHECK(!pthread_create(&th, NULL, race_b, &r));
	for (i = 0; i < RACE_ROUNDS && !r.err; i++) {
		h = mdl_lock_handle(t_env.dev, r.buf, 2 * t_env.page, MDL_LOCK_WRITE);
		if (h < 0) {
			r.err = h;
			break;
		}
		r.locked++;
		ret = mdl_unlock_handle(t_env.dev, (uint32_t)h);
		if (!ret)
			r.unlocked_a++;
		else if (ret != -ENOENT)
			r.err = ret;
	}
	r.stop = 1;
	pthread_join(th, NULL);
	t_diag("%ld locks, unlocked %ld by the locker, %ld by the racer; %ld fds made",
	       r.locked, r.unlocked_a, r.unlocked_b, r.fds);
	T_FAIL_IF(r.err, "a command failed with %s", strerror(-r.err));
	CHECK_EQ(r.unlocked_a + r.unlocked_b, r.locked);
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins left after the race");
	return T_PASS;
}

static const struct t_case cases[] = {
	{ "handles: a writable handle's fd has its facts, bytes and PFNs; "
	  "the fd holds the pages past UNLOCK and munmap", h_fd_of_handle,
	  (void *)(uintptr_t)MDL_LOCK_WRITE, 0 },
	{ "handles: a read-only handle's fd likewise", h_fd_of_handle, (void *)0, 0 },
	{ "handles: 64 handle locks with no fd free (RLIMIT_NOFILE): no fd used, "
	  "handles 0 to 63", h_past_nofile, NULL, 0 },
	{ "handles: numbered lowest free; unknown, stale and huge handles -> ENOENT",
	  h_numbering, NULL, 0 },
	{ "handles: another open file does not see them; its last close releases "
	  "them, a handle's fd keeps its own", h_per_open_file, NULL, 0 },
	{ "handles: fork shares the table: a child unlocks its parent's handle",
	  h_fork_shares, NULL, 0 },
	{ "handles: charged to RLIMIT_MEMLOCK with fd locks; UNLOCK makes room",
	  h_memlock, NULL, T_DROP },
	{ "handles: UNLOCK and HANDLE_FD racing from two threads release each "
	  "lock exactly once", h_race, NULL, 0 },
};

T_SUITE_ARRAY(suite_handles, cases);
