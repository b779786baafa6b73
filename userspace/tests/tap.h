/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP (Test Anything Protocol) printer, kselftest style:
 *   1..N
 *   ok 1 - name
 *   not ok 2 - name
 *   ok 3 - name # SKIP reason
 *   # diagnostics
 * Only the runner prints results; one process, one plan.
 */
#ifndef MDL_TAP_H
#define MDL_TAP_H

#include <stdarg.h>
#include <stdio.h>

struct tap {
	unsigned int planned;	/* results this process will print */
	unsigned int number;	/* the last number printed */
	unsigned int passed;
	unsigned int failed;
	unsigned int skipped;
};

/*
 * Expect @n results numbered from @first; print the plan unless the caller
 * prints one for several processes (print_plan false).
 */
static inline void tap_plan(struct tap *t, unsigned int n, unsigned int first,
			    int print_plan)
{
	t->planned = n;
	t->number = first - 1;
	if (print_plan)
		printf("TAP version 13\n1..%u\n", n);
	fflush(stdout);
}

static inline void tap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline void tap_ok(struct tap *t, int ok, const char *name)
{
	t->number++;
	if (ok)
		t->passed++;
	else
		t->failed++;
	printf("%sok %u - %s\n", ok ? "" : "not ", t->number, name);
	fflush(stdout);
}

static inline void tap_skip(struct tap *t, const char *name, const char *why)
{
	t->number++;
	t->skipped++;
	printf("ok %u - %s # SKIP %s\n", t->number, name, why);
	fflush(stdout);
}

/* The closing line; returns the process exit status (0: all passed). */
static inline int tap_finish(const struct tap *t)
{
	unsigned int done = t->passed + t->failed + t->skipped;

	tap_diag("%u passed, %u failed, %u skipped of %u", t->passed,
		 t->failed, t->skipped, t->planned);
	return t->failed || done != t->planned;
}

#endif /* MDL_TAP_H */
