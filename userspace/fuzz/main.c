// SPDX-License-Identifier: GPL-2.0
/*
 * mdlfuzz: a seeded, reproducible, multi-threaded fuzzer of /dev/mdl.
 *
 *   mdlfuzz [--seconds N] [--seed S] [--threads T] [--ops N] [--verbose]
 *           [--user UID] [--no-stats]
 *
 * It prints its seed first. The same seed with --threads 1 replays the
 * same sequence of operations (--ops N stops after exactly N); with more
 * threads each thread's stream is derived from the seed. At the end it
 * checks what it can see and prints TAP: operations behaved as the uapi
 * header documents, its fds are closed, children exited cleanly, mdl's
 * debugfs statistics and the pin counters of /proc/vmstat are back where
 * they started (as root; --no-stats when other users of mdl run at the
 * same time), and the kernel log (read from /dev/kmsg after every
 * operation, as root) has no report. Exits 1 when any check failed.
 *
 * --user UID: stay root for the checks, fuzz as UID (no groups).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"
#include "harness.h"
#include "util.h"

#define STATS_FILE	"/sys/kernel/debug/mdl/stats"
#define MAX_FDS		1024

struct fz_conf fz = { .threads = 1, .seconds = 10, .dev = -1, .kmsg = -1 };
struct fz_shared *fz_sh;

/* What tests/util.c needs of the selftests' environment. */
struct t_env t_env = { .dev = -1, .vm_refresh_fd = -1, .stats_fd = -1,
			.refresh_req = -1, .refresh_ack = -1 };

void t_diag(const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fz_out("# %s", msg);
}

static struct fz_thread threads[FZ_MAX_THREADS];

struct options {
	bool have_seed;
	bool drop;
	unsigned int uid;
	bool no_stats;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: mdlfuzz [--seconds N] [--seed S] [--threads T] [--ops N] [--verbose]\n"
		"               [--user UID] [--no-stats]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "threads", required_argument, NULL, 't' },
		{ "ops", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "user", required_argument, NULL, 'u' },
		{ "no-stats", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "s:S:t:n:vu:Nh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			fz.seconds = strtod(optarg, NULL);
			break;
		case 'S':
			fz.seed = strtoull(optarg, NULL, 0);
			o->have_seed = true;
			break;
		case 't':
			fz.threads = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			fz.ops = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			fz.verbose = true;
			break;
		case 'u':
			o->drop = true;
			o->uid = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'N':
			o->no_stats = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !fz.threads || fz.threads > FZ_MAX_THREADS || fz.seconds <= 0)
		usage();
	if (!o->have_seed && getrandom(&fz.seed, sizeof(fz.seed), 0) != sizeof(fz.seed))
		fz.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
}

/* --- fds ------------------------------------------------------------------ */

static void fd_set_of(bool *open_fds)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self = d ? dirfd(d) : -1;

	memset(open_fds, 0, MAX_FDS * sizeof(bool));
	while (d && (e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd != self && fd < MAX_FDS)
			open_fds[fd] = true;
	}
	if (d)
		closedir(d);
}

/* Count (and show) the fds open now that were not open before. */
static int fds_leaked(const bool *before)
{
	static bool now[MAX_FDS];
	char path[64], target[128];
	int fd, n = 0;
	ssize_t len;

	fd_set_of(now);
	for (fd = 0; fd < MAX_FDS; fd++) {
		if (!now[fd] || before[fd])
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		len = readlink(path, target, sizeof(target) - 1);
		target[len > 0 ? len : 0] = 0;
		fz_out("# fd %d still open: %s", fd, target);
		n++;
	}
	return n;
}

/* --- the fuzzing process ------------------------------------------------- */

static void probe(void)
{
	uint64_t s, e;

	fz.page = (size_t)sysconf(_SC_PAGESIZE);
	t_env.page = fz.page;
	fz.cap_admin = geteuid() == 0;
	fz.cap_rawio = geteuid() == 0;
	fz.ram_addr = 1U << 20;
	if (!t_iomem_find("System RAM", &s, &e) && s < e)
		fz.ram_addr = (s + fz.page - 1) & ~(uint64_t)(fz.page - 1);
	/* A few free device pages: overlapping MDLs, mappings to split. */
	fz.io_pages = 4;
	for (; fz.cap_rawio && fz.io_pages; fz.io_pages /= 2)
		if (!t_iomem_free_page(fz.io_pages * fz.page, &fz.io_addr))
			break;
	if (!fz.io_pages)
		fz.io_addr = 0;
}

static void *thread_main(void *arg)
{
	struct fz_thread *t = arg;

	fz_run_thread(t, fz.ops);
	fz_sh->thread_ops[t->id] = t->op_no;
	return NULL;
}

/* Open the device, run the threads, close everything; 0 or 1. */
static int fuzz(void)
{
	static bool before[MAX_FDS];
	pthread_t tids[FZ_MAX_THREADS];
	unsigned int i;
	int ret;

	fd_set_of(before);
	probe();
	fz.dev = mdl_open();
	if (fz.dev < 0) {
		fz_out("# open %s: %s", LIBMDL_DEVICE, strerror(-fz.dev));
		return 1;
	}
	ret = mdl_version(fz.dev, &fz.ver);
	if (ret) {
		fz_out("# MDL_IOC_GET_VERSION: %s", strerror(-ret));
		return 1;
	}
	fz_out("# uid %u, page %zu, features %#llx, free device pages %u",
	       geteuid(), fz.page, (unsigned long long)fz.ver.features,
	       fz.io_addr ? fz.io_pages : 0);
	fz.deadline = fz_now() + fz.seconds;
	for (i = 0; i < fz.threads; i++) {
		ret = fz_thread_init(&threads[i], i, fz.seed);
		if (ret) {
			fz_out("# thread %u: %s", i, strerror(-ret));
			return 1;
		}
	}
	for (i = 0; i < fz.threads; i++)
		if (pthread_create(&tids[i], NULL, thread_main, &threads[i])) {
			fz_out("# pthread_create failed");
			return 1;
		}
	for (i = 0; i < fz.threads; i++)
		pthread_join(tids[i], NULL);
	/* Mappings first: a file may not lose its pages under one. */
	for (i = 0; i < fz.threads; i++)
		fz_thread_unmap(&threads[i]);
	for (i = 0; i < fz.threads; i++)
		fz_thread_fini(&threads[i]);
	fz_pool_close();
	close(fz.dev);
	fz.dev = -1;
	fz_sh->fds_left = fds_leaked(before);
	return 0;
}

static int drop_privileges(unsigned int uid)
{
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		return -errno;
	if (setuid(0) == 0)
		return -EPERM;
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) ? -errno : 0;
}

/* Fuzz in a child that drops to @uid; its exit status, or 1. */
static int fuzz_as(unsigned int uid)
{
	int status, ret;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		ret = drop_privileges(uid);
		if (ret) {
			fz_out("# dropping to uid %u: %s", uid, strerror(-ret));
			_exit(1);
		}
		_exit(fuzz());
	}
	if (pid < 0)
		return 1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fz_out("# the fuzzing process was killed by signal %d", WTERMSIG(status));
	return 1;
}

/* --- checks and report ----------------------------------------------------- */

static unsigned int tap_n, tap_failed;

static void tap(bool ok, const char *skip, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tap_n++;
	if (!ok && !skip)
		tap_failed++;
	fz_out("%s %u - %s%s%s", ok || skip ? "ok" : "not ok", tap_n, msg,
	       skip ? " # SKIP " : "", skip ? skip : "");
}

static void report_counts(double secs)
{
	uint64_t runs, ok, total = 0;
	unsigned int i, th;

	for (i = 0; i < fz_nops; i++) {
		runs = ok = 0;
		for (th = 0; th < FZ_MAX_THREADS; th++) {
			runs += fz_sh->count[th][i].runs;
			ok += fz_sh->count[th][i].ok;
		}
		total += runs;
		fz_out("# ops %-10s %8llu (%llu succeeded)", fz_ops[i].name,
		       (unsigned long long)runs, (unsigned long long)ok);
	}
	fz_out("# total %llu operations in %.1f s: %.0f per minute; %llu children; "
	       "%llu unexpected errno or faults",
	       (unsigned long long)total, secs, secs > 0 ? total * 60.0 / secs : 0.0,
	       (unsigned long long)fz_sh->children,
	       (unsigned long long)fz_sh->unexpected);
	for (th = 0; th < fz.threads; th++)
		fz_out("# thread %u ran %llu operations (replay: --seed %llu --threads %u --ops %llu)",
		       th, (unsigned long long)fz_sh->thread_ops[th],
		       (unsigned long long)fz.seed, fz.threads,
		       (unsigned long long)fz_sh->thread_ops[th]);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct t_stats s0, s1;
	struct t_pins p0, p1;
	bool have_stats = false, have_pins = false, root = geteuid() == 0;
	double start;
	int rc;

	parse(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	fz_out("# mdlfuzz: seed %llu threads %u seconds %g ops %llu", (unsigned long long)fz.seed,
	       fz.threads, fz.seconds, (unsigned long long)fz.ops);
	fz_sh = mmap(NULL, sizeof(*fz_sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	if (fz_sh == MAP_FAILED)
		return 1;
	if (o.drop && !root) {
		fz_out("# --user needs root");
		return 2;
	}
	fz.kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fz.kmsg >= 0)
		lseek(fz.kmsg, 0, SEEK_END);
	if (root) {
		t_env.vm_refresh_fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
		t_env.stats_fd = open(STATS_FILE, O_RDONLY | O_CLOEXEC);
	}
	have_stats = !o.no_stats && !t_stats_read(&s0);
	have_pins = t_env.vm_refresh_fd >= 0 && !t_pins_read(&p0);
	fz_out("1..6");
	start = fz_now();
	rc = o.drop ? fuzz_as(o.uid) : fuzz();
	fz_kmsg_poll(NULL);

	tap(!rc && !fz_sh->failures, NULL,
	    "operations behave as uapi/linux/mdl.h documents (%llu failures)",
	    (unsigned long long)fz_sh->failures);
	tap(!rc && !fz_sh->fds_left, NULL, "every fd the fuzzer opened is closed (%d left)",
	    fz_sh->fds_left);
	tap(!fz_sh->children_bad, NULL, "forked children exited cleanly (%llu of %llu did not)",
	    (unsigned long long)fz_sh->children_bad, (unsigned long long)fz_sh->children);
	if (have_stats)
		tap(!t_stats_read(&s1) && t_stats_returned(&s0, &s1) == T_PASS, NULL,
		    "mdl's debugfs statistics are back to their starting values");
	else
		tap(true, o.no_stats ? "--no-stats" : "cannot read " STATS_FILE " (not root?)",
		    "mdl's debugfs statistics are back to their starting values");
	if (have_pins) {
		bool ok = t_pins_settle(&p0, &p1);

		tap(ok, NULL, "pins balanced: %llu acquired, %llu released",
		    (unsigned long long)(p1.acquired - p0.acquired),
		    (unsigned long long)(p1.released - p0.released));
	} else {
		tap(true, "not root: /proc/sys/vm/stat_refresh not writable",
		    "pins balanced");
	}
	tap(fz.kmsg >= 0 && !fz_sh->kernel_reports, fz.kmsg < 0 ? "/dev/kmsg not readable" : NULL,
	    "kernel log clean (%llu reports)", (unsigned long long)fz_sh->kernel_reports);
	report_counts(fz_now() - start);
	fz_out("mdlfuzz: %u passed, %u failed (seed %llu)", tap_n - tap_failed, tap_failed,
	       (unsigned long long)fz.seed);
	return tap_failed ? 1 : 0;
}
