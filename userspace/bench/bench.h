/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdlbench: shared helpers (timing, statistics, buffers, output).
 *
 * Output, one line each, parsed by scripts/bench.sh:
 *   MDLB,<group>,<variant>,<thp>,<bytes>,<runs>,<median>,<min>,<max>,<unit>
 *   MDLB-INFO,<key>,<value>
 *   MDLB-CHECK,<name>,ok|FAIL,<detail>
 *   MDLB-SKIP,<group>,<variant>,<thp>,<bytes>,<reason>
 * <unit> is ns/page (ns per 4 KiB page) unless stated otherwise.
 */
#ifndef MDLBENCH_H
#define MDLBENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGE 4096UL
#define MIB (1UL << 20)
#define GIB (1UL << 30)
#define HPAGE (2UL << 20)
#define MAX_RUNS 64

struct bench_cfg {
	int runs;		/* timed runs per variant (median of these) */
	double budget_s;	/* no further runs of a case past this time */
	int quick;		/* correctness only: tiny sizes, few runs */
	const char *thp;	/* "always", "never" or "both" */
	const char *groups;	/* comma list of groups, NULL = all */
	size_t sizes[8];	/* scaling sizes */
	int nsizes;
	size_t share_sizes[4];
	int nshare;
	size_t pfn_bytes;	/* group pfn */
	size_t bw_bytes;	/* groups bw, pread */
	size_t mem_sizes[2];	/* group mem */
};

extern struct bench_cfg cfg;
extern int mdl_dev;		/* /dev/mdl, or -1 */
extern int hook_fd;		/* /sys/kernel/debug/mdl_bench, or -1 */
extern uint64_t mdl_features;	/* MDL_FEATURE_* of MDL_IOC_GET_VERSION */
extern uint64_t mdl_max_bytes;
extern uint32_t mdl_max_pfns;
extern int failures;

uint64_t now_ns(void);

/* A series of per-run values (ns per page unless told otherwise). */
struct series {
	double v[MAX_RUNS];
	int n;
};

void series_add(struct series *s, double v);
void report(const char *group, const char *variant, const char *thp,
	    size_t bytes, struct series *s, const char *unit);
void skip(const char *group, const char *variant, const char *thp,
	  size_t bytes, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void info(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A correctness check: failures are loud and make mdlbench exit 1. */
int check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Anonymous buffer of @bytes, 2 MiB aligned; MADV_DONTFORK. */
void *buf_alloc(size_t bytes);
void buf_free(void *p, size_t bytes);
/* Write the pattern word of (@seed, page) at the start of every page. */
void buf_stamp(void *p, size_t bytes, uint64_t seed);
/* Fill every byte with a pattern of (@seed, offset). */
void buf_fill(void *p, size_t bytes, uint64_t seed);
/* Index of the first page whose stamp differs, or -1. */
long buf_check_stamps(const void *p, size_t bytes, uint64_t seed);
static inline uint64_t stamp_of(uint64_t seed, uint64_t page)
{
	return (seed << 40) ^ (page * 0x9e3779b97f4a7c15ULL) ^ 0x5a5a5a5aULL;
}

/* THP: set /sys/kernel/mm/transparent_hugepage/enabled. */
int thp_set(const char *mode);
/* AnonHugePages of this process in kB (smaps_rollup), or -1. */
long thp_anon_kb(void);

int group_on(const char *name);
const char *size_name(size_t bytes);

/* PFNs of @n pages at @addr from /proc/self/pagemap (0 where absent). */
int pagemap_pfns(const void *addr, size_t n, uint64_t *out);
/* All @n PFNs of an MDL fd, in batches of max_pfns_per_call. */
int mdl_all_pfns(int fd, size_t n, uint64_t *out);
struct mdl_bench_args;
/* One iteration of a mdl_bench.ko command. Returns 0 or -errno. */
int hook_run(unsigned long cmd, void *addr, size_t bytes, uint32_t flags,
	     unsigned int iterations, struct mdl_bench_args *a);

/* Groups. */
void bench_lock(const char *thp);	/* pairs 1 and 6 */
void bench_pfn(const char *thp);	/* pair 2 */
void bench_share(const char *thp);	/* pair 3 */
void bench_bw(const char *thp);		/* pairs 4 and 5 */
void bench_mem(const char *thp);	/* pair 7 */
void bench_pool(void);			/* pair 8 */
void bench_dma(const char *thp);	/* pair 9 */
void bench_array(void);			/* PFN array allocators */

#endif /* MDLBENCH_H */
