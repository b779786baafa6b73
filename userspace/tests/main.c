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
 * --user drops to UID (and its gid, no supplementary groups) before the
 * first case: the unprivileged run. Cases that need privileges are then
 * skipped with the reason; T_DROP cases run unprivileged in either run.
 */
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "suites.h"
#include "tap.h"
#include "util.h"

#define CASE_TIMEOUT_S	120
#define NOBODY		65534

struct t_env t_env = { .dev = -1 };

/* Shared with each case's process: where t_skip() leaves its reason. */
static char *skip_reason;

static const struct t_suite *const suites[] = {
	&suite_version,
	&suite_badargs,
	&suite_ranges,
	&suite_foreign,
	&suite_lock_layouts,
	&suite_lock,
	&suite_share,
	&suite_kpages,
	&suite_partial_parts,
	&suite_partial,
	&suite_rw_io,
	&suite_rw_map,
	&suite_rw,
	&suite_lifetime,
	&suite_perm,
	&suite_iospace,
	&suite_dmabuf,
	&suite_threads,
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
static int case_main(const struct t_case *tc)
{
	int ret;

	alarm(CASE_TIMEOUT_S);
	if ((tc->needs & T_DROP) && geteuid() == 0) {
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

static int run_case(const struct t_case *tc)
{
	pid_t pid;

	skip_reason[0] = '\0';
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int ret = case_main(tc);

		fflush(NULL);
		_exit(ret);
	}
	return t_reap(pid);
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
	int ret;

	t_env.page = (size_t)sysconf(_SC_PAGESIZE);
	t_env.unpriv_uid = o->drop ? o->uid : NOBODY;
	if (!t_env.seed)
		t_env.seed = (unsigned int)time(NULL);
	if (o->drop) {
		ret = t_drop_privileges(o->uid);
		if (ret) {
			fprintf(stderr, "mdl_selftest: dropping to uid %u: %s\n",
				o->uid, strerror(-ret));
			return -1;
		}
	}
	t_env.root = geteuid() == 0;
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
		tap_diag("mdl selftests as uid %u (%s), seed %u", (unsigned int)getuid(),
			 t_env.root ? "root" : "unprivileged", t_env.seed);
	}
	run_all(&t, &o);
	return o.list ? 0 : tap_finish(&t);
}
