// SPDX-License-Identifier: GPL-2.0
/*
 * mdl_selftest: runs every suite's cases, each in its own process, and
 * prints TAP.
 *
 *   mdl_selftest [--user UID] [--filter TEXT] [--seed N]
 *                [--list | --count] [--no-plan] [--first N]
 *
 * --count prints the number of cases; --no-plan and --first let a script
 * run the binary several times under one TAP plan (root, then unprivileged).
 * --user: the unprivileged run. Every case's process drops to UID (and its
 * gid, no supplementary groups) before the case starts; cases that need
 * privileges are skipped with the reason. T_DROP cases run unprivileged in
 * either run. The runner itself stays root when it is: it reads the exact
 * pin counters (vm.stat_refresh) and mdl's debugfs statistics around every
 * case, and refreshes the counters for unprivileged cases on request.
 */
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "suites.h"
#include "tap.h"
#include "util.h"

#define CASE_TIMEOUT_S	120
#define NOBODY		65534
#define STATS_FILE	"/sys/kernel/debug/mdl/stats"

struct t_env t_env = { .dev = -1, .vm_refresh_fd = -1, .stats_fd = -1,
			.refresh_req = -1, .refresh_ack = -1 };

/* Shared with each case's process: where t_skip() leaves its reason. */
static char *skip_reason;

static const struct t_suite *const suites[] = {
	&suite_version,
	&suite_badargs,
	&suite_badops,
	&suite_ranges,
	&suite_foreign,
	&suite_lock_layouts,
	&suite_lock,
	&suite_share,
	&suite_kpages,
	&suite_uncached,
	&suite_partial_parts,
	&suite_partial,
	&suite_chain,
	&suite_rw_io,
	&suite_rw_map,
	&suite_rw,
	&suite_lifetime,
	&suite_fdlimit,
	&suite_perm,
	&suite_memcg,
	&suite_iospace,
	&suite_dmabuf,
	&suite_pagecache,
	&suite_threads,
	&suite_failnth,
	&suite_storm,
	&suite_race,
};

struct options {
	const char *filter;
	bool list;
	bool count;
	bool no_plan;
	unsigned int first;
	bool drop;
	unsigned int uid;
};

int t_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_reason, 256, fmt, ap);
	va_end(ap);
	return T_SKIP;
}

void t_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void t_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

int t_drop_privileges(unsigned int uid)
{
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		return -errno;
	if (setuid(0) == 0)
		return -EPERM;		/* could regain root: not dropped */
	/*
	 * Changing credentials clears the dumpable flag; an ordinary user's
	 * process has it, and pidfd_getfd between its processes needs it.
	 */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return -errno;
	return 0;
}

/* Open /dev/mdl and ask its version, as the case's credentials allow. */
static int open_device(void)
{
	int ret;

	t_env.dev = mdl_open();
	if (t_env.dev < 0) {
		t_diag("open %s: %s%s", LIBMDL_DEVICE, strerror(-t_env.dev),
		       t_env.dev == -ENOENT ? " (mdl.ko not loaded?)" : "");
		return T_FAIL;
	}
	ret = mdl_version(t_env.dev, &t_env.ver);
	if (ret) {
		t_diag("MDL_IOC_GET_VERSION: %s", strerror(-ret));
		return T_FAIL;
	}
	return T_PASS;
}

/* The body of a case's process. */
static bool drop_all;	/* --user: every case runs unprivileged */

static int case_main(const struct t_case *tc)
{
	int ret;

	/* The debug kernel (KASAN, lockdep, kmemleak under TCG) is slower. */
	alarm(getenv("MDL_DEBUG_KERNEL") ? 4 * CASE_TIMEOUT_S : CASE_TIMEOUT_S);
	if ((drop_all || (tc->needs & T_DROP)) && geteuid() == 0) {
		ret = t_drop_privileges(t_env.unpriv_uid);
		if (ret) {
			t_diag("dropping to uid %u: %s", t_env.unpriv_uid,
			       strerror(-ret));
			return T_FAIL;
		}
		t_env.root = false;
	}
	if (!(tc->needs & T_NODEV)) {
		ret = open_device();
		if (ret)
			return ret;
	}
	return tc->run(tc);
}

/*
 * What a case left behind once its process is gone: pins that were not
 * released, MDL objects, pages or dma-bufs still counted (root only).
 */
struct leak_probe {
	struct t_pins pins;
	struct t_stats stats;
	bool have_stats;
};

static void leak_probe_start(struct leak_probe *p)
{
	t_pins_read(&p->pins);
	p->have_stats = !t_stats_read(&p->stats);
}

static int leak_probe_check(const struct leak_probe *p)
{
	struct t_pins now;
	struct t_stats s;

	if (!t_pins_settle(&p->pins, &now)) {
		t_diag("leak: %" PRIu64 " pins acquired, %" PRIu64 " released by this case",
		       now.acquired - p->pins.acquired, now.released - p->pins.released);
		return T_FAIL;
	}
	if (!p->have_stats || t_stats_read(&s))
		return T_PASS;
	if (t_stats_returned(&p->stats, &s) != T_PASS) {
		t_diag("leak: mdl statistics did not return after this case");
		return T_FAIL;
	}
	return T_PASS;
}

/*
 * Counter refreshes for a case's processes that cannot write
 * vm/stat_refresh themselves: a byte on @req asks, a byte on @ack answers
 * after the refresh.
 */
struct refresh_service {
	int req[2];
	int ack[2];
};

static int service_open(struct refresh_service *s)
{
	if (pipe2(s->req, O_CLOEXEC))
		return -errno;
	if (pipe2(s->ack, O_CLOEXEC)) {
		close(s->req[0]);
		close(s->req[1]);
		return -errno;
	}
	return 0;
}

static void service_close(struct refresh_service *s)
{
	close(s->req[0]);
	close(s->req[1]);
	close(s->ack[0]);
	close(s->ack[1]);
}

/* Answer refresh requests until the case's process @pid exits. */
static void service_run(struct refresh_service *s, pid_t pid)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p[2] = { { s->req[0], POLLIN, 0 }, { pidfd, POLLIN, 0 } };
	char buf[64];
	ssize_t n;

	for (;;) {
		if (poll(p, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 50) < 0 &&
		    errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			n = read(s->req[0], buf, sizeof(buf));
			if (n > 0) {
				t_vm_refresh();
				(void)!write(s->ack[1], buf, (size_t)n);
			}
		}
		if (pidfd >= 0 ? (p[1].revents & POLLIN) != 0 :
		    waitpid(pid, NULL, WNOHANG | WNOWAIT) == pid)
			break;
	}
	if (pidfd >= 0)
		close(pidfd);
}

static int run_case(const struct t_case *tc)
{
	struct refresh_service svc;
	struct leak_probe probe;
	pid_t pid;
	int ret;

	if (service_open(&svc))
		return T_FAIL;
	leak_probe_start(&probe);
	skip_reason[0] = '\0';
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		t_env.refresh_req = svc.req[1];
		t_env.refresh_ack = svc.ack[0];
		ret = case_main(tc);
		fflush(NULL);
		_exit(ret);
	}
	service_run(&svc, pid);
	service_close(&svc);
	ret = t_reap(pid);
	if (ret != T_FAIL && leak_probe_check(&probe) != T_PASS)
		ret = T_FAIL;
	return ret;
}

static bool selected(const struct options *o, const struct t_case *tc)
{
	return !o->filter || strstr(tc->name, o->filter);
}

static unsigned int count_cases(const struct options *o)
{
	unsigned int n = 0;
	struct t_case tc;
	size_t s, i;

	for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++)
		for (i = 0; i < suites[s]->count(); i++) {
			suites[s]->get(i, &tc);
			n += selected(o, &tc);
		}
	return n;
}

static void report(struct tap *t, const struct t_case *tc, int result)
{
	if (result == T_SKIP)
		tap_skip(t, tc->name, skip_reason[0] ? skip_reason : "skipped");
	else
		tap_ok(t, result == T_PASS, tc->name);
}

static void run_one(struct tap *t, const struct options *o,
		    const struct t_case *tc)
{
	if (o->list) {
		printf("%s\n", tc->name);
		return;
	}
	if ((tc->needs & T_ROOT) && !t_env.root) {
		tap_skip(t, tc->name, "needs root (CAP_SYS_ADMIN / CAP_SYS_RAWIO); this is the unprivileged run");
		return;
	}
	report(t, tc, run_case(tc));
}

static void run_all(struct tap *t, const struct options *o)
{
	struct t_case tc;
	size_t s, i;

	for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++)
		for (i = 0; i < suites[s]->count(); i++) {
			suites[s]->get(i, &tc);
			if (selected(o, &tc))
				run_one(t, o, &tc);
		}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mdl_selftest [--user UID] [--filter TEXT] [--seed N]\n"
		   "                    [--list | --count] [--no-plan] [--first N]\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--list") || !strcmp(a, "--count") ||
		    !strcmp(a, "--no-plan")) {
			o->list |= a[2] == 'l';
			o->count |= a[2] == 'c';
			o->no_plan |= a[2] == 'n';
			continue;
		}
		if (!strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		}
		if (!v)
			return -1;
		if (!strcmp(a, "--user")) {
			o->drop = true;
			o->uid = (unsigned int)strtoul(v, NULL, 0);
		} else if (!strcmp(a, "--filter")) {
			o->filter = v;
		} else if (!strcmp(a, "--first")) {
			o->first = (unsigned int)strtoul(v, NULL, 0);
		} else if (!strcmp(a, "--seed")) {
			t_env.seed = (unsigned int)strtoul(v, NULL, 0);
		} else {
			return -1;
		}
		i++;
	}
	return 0;
}

static int setup(const struct options *o)
{
	t_env.page = (size_t)sysconf(_SC_PAGESIZE);
	t_env.unpriv_uid = o->drop ? o->uid : NOBODY;
	if (!t_env.seed)
		t_env.seed = (unsigned int)time(NULL);
	/* Opened as root: debugfs checks permissions at open only. */
	t_env.vm_refresh_fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	t_env.stats_fd = open(STATS_FILE, O_RDONLY | O_CLOEXEC);
	drop_all = o->drop;
	if (drop_all && geteuid() != 0 && geteuid() != o->uid) {
		fprintf(stderr, "mdl_selftest: --user %u needs root or uid %u\n",
			o->uid, o->uid);
		return -1;
	}
	t_env.root = geteuid() == 0 && !drop_all;
	skip_reason = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return skip_reason == MAP_FAILED ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct options o = { .first = 1 };
	struct tap t = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_options(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	if (o.count) {
		printf("%u\n", count_cases(&o));
		return 0;
	}
	if (setup(&o))
		return 1;
	if (!o.list) {
		tap_plan(&t, count_cases(&o), o.first, !o.no_plan);
		tap_diag("mdl selftests: cases run as uid %u (%s), seed %u",
			 drop_all ? t_env.unpriv_uid : (unsigned int)getuid(),
			 t_env.root ? "root" : "unprivileged", t_env.seed);
	}
	run_all(&t, &o);
	return o.list ? 0 : tap_finish(&t);
}
