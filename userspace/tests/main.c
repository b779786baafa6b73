// SPDX-License-Identifier: GPL-2.0
/*
 * mdl_selftest: every suite's cases on the kernel's kselftest harness
 * (tools/testing/selftests/kselftest_harness.h), TAP on stdout.
 *
 *   mdl_selftest [--user UID] [--filter TEXT] [--seed N] [--list | --count]
 *                [harness options: -l, -r mdl.CASE.run, -v CASE, ...; -h]
 *
 * One fixture, mdl, with a variant per case, registered at start-up from
 * the suites' tables, and one test, run: a case is mdl.CASE.run. The
 * harness runs each case in a process of its own. The fixture's set-up, in
 * that process, drops to the unprivileged user when the run or the case
 * asks for it and opens /dev/mdl; its teardown, in the parent that stays
 * root, checks that the case left no pins, MDL objects, pages or dma-bufs
 * behind.
 *
 * --count prints the number of cases, --list their names; --filter keeps
 * the cases whose name holds TEXT. --user: the unprivileged run. Every
 * case's process drops to UID (and its gid, no supplementary groups)
 * before the case starts; cases that need privileges are skipped with the
 * reason. T_DROP cases run unprivileged in either run. The harness's
 * processes stay root when it is: they read the exact pin counters
 * (vm.stat_refresh) and mdl's debugfs statistics around every case, and a
 * service process refreshes the counters for unprivileged cases on request.
 */
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define TH_LOG_STREAM stdout
#include "kselftest_harness.h"

#include "harness.h"
#include "suites.h"
#include "util.h"

#define CASE_TIMEOUT_S	120
/*
 * The harness's own limit of a case, past every alarm a case arms (race.c's
 * on the debug kernel: 920 s).
 */
#define HARNESS_TIMEOUT_S	1800
#define NOBODY		65534
#define STATS_FILE	"/sys/kernel/debug/mdl/stats"

struct t_env t_env = { .dev = -1, .vm_refresh_fd = -1, .stats_fd = -1,
			.refresh_req = -1, .refresh_ack = -1 };

/* Shared with each case's processes: where t_skip() leaves its reason. */
static char *skip_reason;
static bool drop_all;	/* --user: every case runs unprivileged */
/* The refresh service's pipes: requests written, answers read. */
static int service_req = -1, service_ack = -1;

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
	&suite_handles,
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

/* Drop to the unprivileged user when the run or the case asks for it. */
static int case_credentials(const struct t_case *tc)
{
	int ret;

	if (!(drop_all || (tc->needs & T_DROP)) || geteuid() != 0)
		return 0;
	ret = t_drop_privileges(t_env.unpriv_uid);
	if (ret) {
		t_diag("dropping to uid %u: %s", t_env.unpriv_uid, strerror(-ret));
		return ret;
	}
	t_env.root = false;
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
		return t_env.dev;
	}
	ret = mdl_version(t_env.dev, &t_env.ver);
	if (ret)
		t_diag("MDL_IOC_GET_VERSION: %s", strerror(-ret));
	return ret;
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
 * Counter refreshes for the cases' processes that cannot write
 * vm/stat_refresh themselves, by a process that stays root: a byte on
 * @req asks, a byte on @ack answers after the refresh. It ends with the
 * runner.
 */
static void service_run(int req, int ack)
{
	char buf[64];
	ssize_t n;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	for (;;) {
		n = read(req, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		t_vm_refresh();
		(void)!write(ack, buf, (size_t)n);
	}
}

static int service_start(void)
{
	int req[2], ack[2];
	pid_t pid;

	if (pipe2(req, O_CLOEXEC))
		return -errno;
	if (pipe2(ack, O_CLOEXEC)) {
		close(req[0]);
		close(req[1]);
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(req[1]);
		close(ack[0]);
		service_run(req[0], ack[1]);
		_exit(0);
	}
	close(req[0]);
	close(ack[1]);
	if (pid < 0) {
		close(req[1]);
		close(ack[0]);
		return -errno;
	}
	service_req = req[1];
	service_ack = ack[0];
	return 0;
}

FIXTURE(mdl) {
	struct leak_probe probe;
};

FIXTURE_VARIANT(mdl) {
	struct t_case tc;
};

FIXTURE_SETUP(mdl)
{
	const struct t_case *tc = &variant->tc;

	if ((tc->needs & T_ROOT) && !t_env.root)
		SKIP(return, "needs root (CAP_SYS_ADMIN / CAP_SYS_RAWIO); %s",
		     "this is the unprivileged run");
	skip_reason[0] = '\0';
	leak_probe_start(&self->probe);
	/* The debug kernel (KASAN, lockdep, kmemleak under TCG) is slower. */
	alarm(getenv("MDL_DEBUG_KERNEL") ? 4 * CASE_TIMEOUT_S : CASE_TIMEOUT_S);
	t_env.refresh_req = service_req;
	t_env.refresh_ack = service_ack;
	ASSERT_EQ(0, case_credentials(tc));
	if (!(tc->needs & T_NODEV))
		ASSERT_EQ(0, open_device());
}

FIXTURE_TEARDOWN_PARENT(mdl)
{
	EXPECT_EQ(T_PASS, leak_probe_check(&self->probe));
}

TEST_F_TIMEOUT(mdl, run, HARNESS_TIMEOUT_S)
{
	int result = variant->tc.run(&variant->tc);

	fflush(NULL);
	if (result == T_SKIP)
		SKIP(return, "%s", skip_reason[0] ? skip_reason : "skipped");
	EXPECT_EQ(T_PASS, result);
}

static size_t count_all(void)
{
	size_t n = 0, s;

	for (s = 0; s < ARRAY_SIZE(suites); s++)
		n += suites[s]->count();
	return n;
}

/* A case as a variant of the fixture. */
struct case_variant {
	FIXTURE_VARIANT(mdl) data;
	struct __fixture_variant_metadata meta;
	char name[T_NAME_MAX];
};

/* A variant's name: the case's, without what would end a TAP line's name. */
static void variant_name(char *name, const char *case_name)
{
	size_t i;

	for (i = 0; case_name[i]; i++) {
		name[i] = case_name[i];
		if (name[i] == '#' || (unsigned char)name[i] < ' ')
			name[i] = '_';
	}
	name[i] = '\0';
}

/* One variant of the fixture per case of every suite, in the suites' order. */
static void __attribute__((constructor(KSELFTEST_PRIO_TEST + 1)))
register_cases(void)
{
	size_t n = count_all(), s, i, k = 0, j;
	struct case_variant *cv = calloc(n, sizeof(*cv));

	if (!cv)
		ksft_exit_fail_msg("no memory for the variants of %zu cases\n", n);
	for (s = 0; s < ARRAY_SIZE(suites); s++) {
		for (i = 0; i < suites[s]->count(); i++, k++) {
			suites[s]->get(i, &cv[k].data.tc);
			variant_name(cv[k].name, cv[k].data.tc.name);
			for (j = 0; j < k; j++)
				if (!strcmp(cv[j].name, cv[k].name))
					ksft_exit_fail_msg("two cases named \"%s\"\n", cv[k].name);
			cv[k].meta.name = cv[k].name;
			cv[k].meta.data = &cv[k].data;
			__register_fixture_variant(&_mdl_fixture_object, &cv[k].meta);
		}
	}
}

static const struct t_case *variant_case(const struct __fixture_variant_metadata *v)
{
	return &((const FIXTURE_VARIANT(mdl) *)v->data)->tc;
}

static bool selected(const struct options *o, const struct t_case *tc)
{
	return !o->filter || strstr(tc->name, o->filter);
}

/* Keep the variants of the cases --filter selects; how many they are. */
static size_t select_cases(const struct options *o)
{
	struct __fixture_variant_metadata *v = _mdl_fixture_object.variant, *next;
	size_t n = 0;

	_mdl_fixture_object.variant = NULL;
	for (; v; v = next) {
		next = v->next;
		if (!selected(o, variant_case(v)))
			continue;
		__register_fixture_variant(&_mdl_fixture_object, v);
		n++;
	}
	return n;
}

static void print_usage(FILE *f)
{
	fprintf(f, "usage: mdl_selftest [--user UID] [--filter TEXT] [--seed N]\n"
		   "                    [--list | --count]\n"
		   "                    [harness options: -l, -r mdl.CASE.run, -v CASE, ...; -h]\n");
}

/* Take mdl_selftest's options out of @argv; the harness's stay. */
static int parse_options(int *argc, char **argv, struct options *o)
{
	int i, n = 1;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i], *v = i + 1 < *argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--list") || !strcmp(a, "--count")) {
			o->list |= a[2] == 'l';
			o->count |= a[2] == 'c';
			continue;
		}
		if (!strcmp(a, "--help")) {
			print_usage(stdout);
			exit(0);
		}
		if (strncmp(a, "--", 2)) {
			argv[n++] = argv[i];
			continue;
		}
		if (!v)
			return -1;
		if (!strcmp(a, "--user")) {
			o->drop = true;
			o->uid = (unsigned int)strtoul(v, NULL, 0);
		} else if (!strcmp(a, "--filter")) {
			o->filter = v;
		} else if (!strcmp(a, "--seed")) {
			t_env.seed = (unsigned int)strtoul(v, NULL, 0);
		} else {
			return -1;
		}
		i++;
	}
	argv[n] = NULL;
	*argc = n;
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
	if (skip_reason == MAP_FAILED)
		return -1;
	return service_start();
}

int main(int argc, char **argv)
{
	struct __fixture_variant_metadata *v;
	struct options o = { 0 };
	size_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_options(&argc, argv, &o)) {
		print_usage(stderr);
		return 2;
	}
	n = select_cases(&o);
	if (o.count || o.list) {
		if (o.count)
			printf("%zu\n", n);
		for (v = _mdl_fixture_object.variant; o.list && v; v = v->next)
			printf("%s\n", variant_case(v)->name);
		return 0;
	}
	if (setup(&o))
		return 1;
	printf("# mdl selftests: cases run as uid %u (%s), seed %u\n",
	       drop_all ? t_env.unpriv_uid : (unsigned int)getuid(),
	       t_env.root ? "root" : "unprivileged", t_env.seed);
	if (!n) {
		ksft_print_header();
		ksft_set_plan(0);
		ksft_finished();
	}
	return test_harness_run(argc, argv);
}
