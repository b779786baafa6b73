// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the selftests (see util.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

#define STATS_PATH "/sys/kernel/debug/mdl/stats"

void *t_buffer(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

uint8_t t_pattern_byte(size_t i, uint32_t seed)
{
	uint32_t x = (uint32_t)i * 2654435761U ^ seed * 40503U;

	return (uint8_t)(x >> 13 ^ x >> 24 ^ i);
}

void t_fill(void *p, size_t len, uint32_t seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = t_pattern_byte(i, seed);
}

bool t_pattern_ok(const void *p, size_t len, uint32_t seed)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++) {
		if (b[i] != t_pattern_byte(i, seed)) {
			t_diag("pattern %u differs at byte %zu: 0x%02x != 0x%02x",
			       seed, i, b[i], t_pattern_byte(i, seed));
			return false;
		}
	}
	return true;
}

uint32_t t_rand(void)
{
	static uint32_t state;

	if (!state)
		state = t_env.seed * 2654435761U + (uint32_t)getpid() + 1;
	state ^= state << 13;
	state ^= state >> 17;
	state ^= state << 5;
	return state;
}

int t_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

long t_pread(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	return n < 0 ? -errno : (long)n;
}

long t_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n = pwrite(fd, buf, len, off);

	return n < 0 ? -errno : (long)n;
}

void *t_mmap(int fd, size_t len, int prot, off_t off)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

int t_pagemap_pfn(const void *va, uint64_t *pfn)
{
	uint64_t entry;
	off_t off = (off_t)((uintptr_t)va / t_env.page * sizeof(entry));
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, &entry, sizeof(entry), off);
	close(fd);
	if (n != sizeof(entry))
		return n < 0 ? -errno : -EIO;
	if (!(entry >> 63 & 1))
		return -ENOENT;		/* not present */
	*pfn = entry & ((1ULL << 55) - 1);
	return 0;
}

/* Find "KEY VALUE" in a file of such lines. */
static int key_value(const char *path, const char *key, uint64_t *val)
{
	char k[64];
	unsigned long long v;
	FILE *f = fopen(path, "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fscanf(f, "%63s %llu", k, &v) == 2) {
		if (!strcmp(k, key)) {
			*val = v;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

int t_vmstat(const char *key, uint64_t *val)
{
	return key_value("/proc/vmstat", key, val);
}

int t_stats_read(struct t_stats *s)
{
	char line[160];
	unsigned long long v;
	FILE *f;

	/* The runner opened the file as root: read it again from the start. */
	if (t_env.stats_fd >= 0)
		f = fdopen(dup(t_env.stats_fd), "r");
	else
		f = fopen(STATS_PATH, "re");
	if (!f)
		return -errno;
	if (t_env.stats_fd >= 0 && fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	s->n = 0;
	while (s->n < T_STATS_MAX && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%47s %llu", s->key[s->n], &v) != 2)
			continue;
		s->val[s->n++] = v;
	}
	fclose(f);
	return s->n ? 0 : -ENODATA;
}

int64_t t_stats_get(const struct t_stats *s, const char *key)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->key[i], key))
			return (int64_t)s->val[i];
	return -1;
}

/*
 * /proc/vmstat folds per-CPU counter deltas only about once a second;
 * writing vm/stat_refresh (root) folds them now. An unprivileged case asks
 * the selftests' refresh service to do it. Without either the counters may
 * lag behind.
 */
void t_vm_refresh(void)
{
	char b = 1;

	if (t_env.vm_refresh_fd >= 0 && pwrite(t_env.vm_refresh_fd, "1", 1, 0) == 1)
		return;
	if (t_env.refresh_req >= 0 && write(t_env.refresh_req, &b, 1) == 1)
		(void)!read(t_env.refresh_ack, &b, 1);
}

int t_pins_read(struct t_pins *p)
{
	int ret;

	t_vm_refresh();
	ret = t_vmstat("nr_foll_pin_acquired", &p->acquired);

	return ret ? ret : t_vmstat("nr_foll_pin_released", &p->released);
}

bool t_pins_settle(const struct t_pins *before, struct t_pins *after)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 200; i++) {
		if (t_pins_read(after))
			return false;
		if (after->acquired - before->acquired ==
		    after->released - before->released)
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}

/* One line of /proc/iomem. */
struct iomem_line {
	uint64_t start, end;
	unsigned int depth;
	char name[64];
};

static int iomem_parse(const char *text, struct iomem_line *l)
{
	unsigned long long s, e;
	const char *p = text;
	int n = 0;

	while (*p == ' ')
		p++;
	l->depth = (unsigned int)(p - text) / 2;
	if (sscanf(p, "%llx-%llx : %63[^\n]%n", &s, &e, l->name, &n) < 3)
		return -EINVAL;
	l->start = s;
	l->end = e;
	return 0;
}

/* Call @fn for each line of /proc/iomem until it returns non-zero. */
static int iomem_each(int (*fn)(const struct iomem_line *, void *), void *arg)
{
	char text[160];
	struct iomem_line l;
	FILE *f = fopen("/proc/iomem", "re");
	int ret = 0;

	if (!f)
		return -errno;
	while (!ret && fgets(text, sizeof(text), f))
		if (!iomem_parse(text, &l))
			ret = fn(&l, arg);
	fclose(f);
	return ret;
}

struct iomem_find {
	const char *name;
	uint64_t start, end;
};

static int iomem_match(const struct iomem_line *l, void *arg)
{
	struct iomem_find *f = arg;

	if (strcmp(l->name, f->name) || l->end <= l->start)
		return 0;
	f->start = l->start;
	f->end = l->end;
	return 1;
}

int t_iomem_find(const char *name, uint64_t *start, uint64_t *end)
{
	struct iomem_find f = { .name = name };
	int ret = iomem_each(iomem_match, &f);

	if (ret < 0)
		return ret;
	if (!ret)
		return -ENOENT;
	*start = f.start;
	*end = f.end;
	return 0;
}

/*
 * The free-page search: inside a top-level "PCI Bus" window, a page no
 * child claims. Children come sorted after their window, so the first
 * candidate is the window's start, moved past each child it overlaps.
 */
struct iomem_gap {
	uint64_t page;
	bool in_window;
	uint64_t window_end;
	uint64_t candidate;
	bool found;
};

static int iomem_gap_step(const struct iomem_line *l, void *arg)
{
	struct iomem_gap *g = arg;

	if (l->depth == 0) {
		if (g->in_window && g->candidate + g->page - 1 <= g->window_end) {
			g->found = true;
			return 1;
		}
		/* Not the legacy ISA hole below 1 MiB: the kernel has struct
		 * pages there and does not count it as device memory. */
		g->in_window = !strncmp(l->name, "PCI Bus", 7) &&
			       l->start >= (1U << 20) &&
			       l->end - l->start + 1 >= 16 * g->page;
		g->candidate = (l->start + g->page - 1) & ~(g->page - 1);
		g->window_end = l->end;
		return 0;
	}
	if (g->in_window && l->start < g->candidate + g->page &&
	    l->end >= g->candidate)
		g->candidate = (l->end + g->page) & ~(g->page - 1);
	return 0;
}

int t_iomem_free_page(uint64_t page, uint64_t *addr)
{
	struct iomem_gap g = { .page = page };
	int ret = iomem_each(iomem_gap_step, &g);

	if (ret < 0)
		return ret;
	if (!g.found && g.in_window && g.candidate + page - 1 <= g.window_end)
		g.found = true;
	if (!g.found || !g.candidate)
		return -ENOENT;
	*addr = g.candidate;
	return 0;
}

pid_t t_spawn(int (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int ret = fn(arg);

		fflush(NULL);
		_exit(ret);
	}
	return pid;
}

int t_reap(pid_t pid)
{
	int status;

	if (pid < 0)
		return T_FAIL;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return T_FAIL;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	t_diag("child %d killed by signal %d", (int)pid, WTERMSIG(status));
	return T_FAIL;
}

int t_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int t_recv(int fd, void *buf, size_t len)
{
	ssize_t n;

	do {
		n = read(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EPIPE;
}

bool t_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	return flags >= 0 && (flags & FD_CLOEXEC);
}

/* Cumulative counters (they only grow); every other key is a gauge. */
static bool cumulative(const char *key)
{
	return strstr(key, "total") || strstr(key, "created") ||
	       strstr(key, "failed") || strstr(key, "refused");
}

int t_stats_returned(const struct t_stats *before, const struct t_stats *after)
{
	struct t_stats now = *after;
	unsigned int i, tries;
	bool same = false;

	for (tries = 0; tries < 200 && !same; tries++) {
		same = true;
		for (i = 0; i < now.n; i++) {
			if (cumulative(now.key[i]))
				continue;
			if (t_stats_get(before, now.key[i]) != (int64_t)now.val[i])
				same = false;
		}
		if (!same) {
			usleep(10000);
			if (t_stats_read(&now))
				return T_FAIL;
		}
	}
	for (i = 0; i < now.n && !same; i++)
		if (!cumulative(now.key[i]) &&
		    t_stats_get(before, now.key[i]) != (int64_t)now.val[i])
			t_diag("stat %s: %" PRId64 " before, %" PRIu64 " after",
			       now.key[i], t_stats_get(before, now.key[i]),
			       now.val[i]);
	return same ? T_PASS : T_FAIL;
}

int t_set_memlock(size_t bytes)
{
	struct rlimit r = { bytes, bytes };

	return setrlimit(RLIMIT_MEMLOCK, &r) ? -errno : 0;
}

int t_next_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}
