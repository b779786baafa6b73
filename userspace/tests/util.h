/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the selftests: buffers and patterns, /proc readers,
 * child processes, raw ioctls.
 */
#ifndef MDL_TEST_UTIL_H
#define MDL_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A fresh anonymous buffer of @len bytes (whole pages, populated). */
void *t_buffer(size_t len);
/* Fill @len bytes with a pattern derived from @seed; check it. */
void t_fill(void *p, size_t len, uint32_t seed);
bool t_pattern_ok(const void *p, size_t len, uint32_t seed);
/* The pattern byte @i of @seed (for checks of single bytes). */
uint8_t t_pattern_byte(size_t i, uint32_t seed);
/* A pseudo-random number (per process, from the run's seed). */
uint32_t t_rand(void);

/* The ioctl result as 0 / -errno (the raw call, no library in between). */
int t_ioctl(int fd, unsigned long cmd, void *arg);
/* pread / pwrite results as bytes / -errno. */
long t_pread(int fd, void *buf, size_t len, off_t off);
long t_pwrite(int fd, const void *buf, size_t len, off_t off);
/* mmap of an MDL fd: the mapping or NULL with errno set. */
void *t_mmap(int fd, size_t len, int prot, off_t off);

/* The PFN of the page at @va from /proc/self/pagemap; 0 or -errno. */
int t_pagemap_pfn(const void *va, uint64_t *pfn);
/* A /proc/vmstat counter; 0 or -errno. */
int t_vmstat(const char *key, uint64_t *val);

/* The debugfs statistics of mdl.ko (key value lines). */
#define T_STATS_MAX 32
struct t_stats {
	unsigned int n;
	char key[T_STATS_MAX][48];
	uint64_t val[T_STATS_MAX];
};
int t_stats_read(struct t_stats *s);
/* Value of @key, or -1 when absent. */
int64_t t_stats_get(const struct t_stats *s, const char *key);

/* Gauges (not cumulative counters) of @after equal @before: T_PASS/T_FAIL. */
int t_stats_returned(const struct t_stats *before, const struct t_stats *after);

/* The pin counters of /proc/vmstat. */
struct t_pins {
	uint64_t acquired;
	uint64_t released;
};
int t_pins_read(struct t_pins *p);
/* Fold the per-CPU vmstat counters now (see util.c). */
void t_vm_refresh(void);
/*
 * Wait (up to about 2 s) until as many pins were released as acquired since
 * @before; returns true when they balance.
 */
bool t_pins_settle(const struct t_pins *before, struct t_pins *after);

/* A range of /proc/iomem whose line (without address) is @name. */
int t_iomem_find(const char *name, uint64_t *start, uint64_t *end);
/*
 * A page of a top-level PCI window above 1 MiB that no resource claims;
 * 0 or -ENOENT.
 */
int t_iomem_free_page(uint64_t page, uint64_t *addr);

/* Fork a child running @fn(@arg); its exit status is @fn's result. */
pid_t t_spawn(int (*fn)(void *), void *arg);
/* Wait for a child of t_spawn: its T_* result (T_FAIL when killed). */
int t_reap(pid_t pid);

/* Read/write exactly one small message over a pipe or socket (0 / -errno). */
int t_send(int fd, const void *buf, size_t len);
int t_recv(int fd, void *buf, size_t len);

/* Set RLIMIT_MEMLOCK (soft and hard) to @bytes; 0 or -errno. */
int t_set_memlock(size_t bytes);

/* The lowest free fd number: equal before and after = no fd leaked. */
int t_next_fd(void);

/* True when @fd has FD_CLOEXEC. */
bool t_cloexec(int fd);

#endif /* MDL_TEST_UTIL_H */
