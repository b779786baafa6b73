/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MDL-level helpers of the selftests: a locked buffer with a known
 * pattern, and the checks most cases share (facts, PFNs, views).
 */
#ifndef MDL_TEST_MDLUTIL_H
#define MDL_TEST_MDLUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* A user buffer of whole pages and an MDL over part of it. */
struct t_lock {
	uint8_t *area;		/* the pages holding the buffer */
	size_t area_len;
	uint8_t *buf;		/* area + offset: the MDL's first byte */
	size_t len;		/* the MDL's byte count */
	int fd;			/* the MDL */
};

/*
 * Map pages for @off + @len bytes, fill them with pattern @seed, lock
 * @len bytes at @off with @flags. 0 or -errno (then nothing is locked).
 */
int t_lock_new(struct t_lock *l, size_t off, size_t len, uint32_t flags,
	       uint32_t seed);

/* The facts an MDL must report. */
struct t_facts {
	uint64_t start_va;	/* checked unless kernel memory (0) */
	uint32_t byte_offset;
	uint64_t byte_count;
	uint32_t access;
	uint32_t kind;
	uint32_t cache_type;
};
int t_check_facts(int fd, const struct t_facts *want);
/* The facts of a locked buffer. */
void t_lock_facts(const struct t_lock *l, uint32_t flags, struct t_facts *f);

/* Read @n PFNs from page @first in batches of max_pfns_per_call. */
int t_pfns(int fd, uint64_t first, uint64_t n, uint64_t *out);
/* GET_PFNS equals /proc/self/pagemap for @pages pages mapped at @va. */
int t_check_pfns_pagemap(int fd, const void *va, uint64_t pages);
/* The MDL's bytes equal @want (@len bytes) through mmap and pread. */
int t_check_view(int fd, const void *want, size_t len);
/* Map the whole MDL (@prot); the buffer's first byte or NULL. */
uint8_t *t_map_data(int fd, int prot, size_t *map_len);

#endif /* MDL_TEST_MDLUTIL_H */
