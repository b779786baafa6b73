/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftests' cases: suites hand them out from their tables, and
 * mdl_selftest (main.c) runs each as a variant of the kselftest harness's
 * fixture, in a process of its own (a crash, a leaked fd or a changed
 * credential never reaches the next case).
 *
 * A case returns T_PASS, T_FAIL or T_SKIP (after t_skip("why")). Failed
 * checks print "# file:line: what" and return T_FAIL; nothing needs to be
 * cleaned up on that path: the case's process exits.
 */
#ifndef MDL_HARNESS_H
#define MDL_HARNESS_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libmdl.h"

enum t_result { T_PASS = 0, T_FAIL = 1, T_SKIP = 2 };

/* Needs of a case. */
#define T_ROOT		(1U << 0)	/* CAP_SYS_ADMIN/CAP_SYS_RAWIO: skipped otherwise */
#define T_DROP		(1U << 1)	/* runs as the unprivileged user, dropping root */
#define T_NODEV		(1U << 2)	/* does not open /dev/mdl itself */

#define T_NAME_MAX	120

struct t_case {
	char name[T_NAME_MAX];
	int (*run)(const struct t_case *tc);
	const void *arg;	/* a row of the suite's table, if any */
	unsigned int needs;
};

/* A suite hands out its cases by index: static arrays or generated tables. */
struct t_suite {
	const char *name;
	size_t (*count)(void);
	void (*get)(size_t i, struct t_case *tc);
};

/* A suite over a static array of struct t_case. */
#define T_SUITE_ARRAY(ident, arr)					\
	static size_t ident##_count(void)				\
	{								\
		return sizeof(arr) / sizeof((arr)[0]);			\
	}								\
	static void ident##_get(size_t i, struct t_case *tc)		\
	{								\
		*tc = (arr)[i];						\
	}								\
	const struct t_suite ident = { #ident, ident##_count, ident##_get }

/* What a case's process knows: set up by the fixture before the case runs. */
struct t_env {
	int dev;			/* /dev/mdl, opened for this case */
	struct mdl_version ver;		/* its GET_VERSION answer */
	size_t page;			/* sysconf(_SC_PAGESIZE) */
	bool root;			/* euid 0 when the case started */
	unsigned int unpriv_uid;	/* the uid T_DROP cases run as */
	unsigned int seed;		/* random seed of this run */
	int vm_refresh_fd;		/* /proc/sys/vm/stat_refresh, opened as root */
	int stats_fd;			/* mdl's debugfs stats, opened as root */
	int refresh_req, refresh_ack;	/* the counter refresh service */
};

extern struct t_env t_env;

/* Mark the running case skipped, with @fmt as the reason. */
int t_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A "# " diagnostic line from inside a case. */
void t_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void t_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Drop to the unprivileged user (setgroups, setgid, setuid); 0 or -errno. */
int t_drop_privileges(unsigned int uid);

#define T_FAIL_IF(cond, ...)						\
	do {								\
		if (cond) {						\
			t_fail_at(__FILE__, __LINE__, __VA_ARGS__);	\
			return T_FAIL;					\
		}							\
	} while (0)

#define CHECK(cond) T_FAIL_IF(!(cond), "%s", #cond)

#define CHECK_EQ(a, b)							\
	do {								\
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);	\
		T_FAIL_IF(a_ != b_, "%s == %s: 0x%" PRIx64 " != 0x%" PRIx64, \
			  #a, #b, a_, b_);				\
	} while (0)

/* @expr (a -errno style result) must be >= 0. */
#define CHECK_OK(expr)							\
	do {								\
		long r_ = (long)(expr);					\
		T_FAIL_IF(r_ < 0, "%s: %s", #expr, strerror((int)-r_));	\
	} while (0)

/* @expr (a -errno style result) must be exactly -@err. */
#define CHECK_ERR(expr, err)						\
	do {								\
		long r_ = (long)(expr);					\
		T_FAIL_IF(r_ != -(err), "%s: got %s, want %s", #expr,	\
			  r_ >= 0 ? "success" : strerror((int)-r_),	\
			  strerror(err));				\
	} while (0)

/* Run a sub-check that returns T_PASS/T_FAIL/T_SKIP, propagating failures. */
#define CHECK_STEP(expr)						\
	do {								\
		int s_ = (expr);					\
		if (s_ != T_PASS)					\
			return s_;					\
	} while (0)

#endif /* MDL_HARNESS_H */
