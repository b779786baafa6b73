/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the suites of the wider WDK surface (user mappings, other
 * processes, page allocation, pool, I/O space, contiguous memory,
 * protection, reserved ranges). Static inline so that each suite's file
 * stands alone.
 */
#ifndef _MDL_WDK_KUNIT_H
#define _MDL_WDK_KUNIT_H

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include <wdm.h>

/*
 * Free pages now: the buddy lists plus the per-CPU lists (pages freed one
 * by one wait there), after lazily freed vmap areas are purged.
 */
static inline long wdk_free_pages(void)
{
	long n;
	int nid, z, cpu;

	vm_unmap_aliases();
	n = global_zone_page_state(NR_FREE_PAGES);
	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];

			if (!populated_zone(zone))
				continue;
			for_each_online_cpu(cpu)
				n += per_cpu_ptr(zone->per_cpu_pageset, cpu)->count;
		}
	}
	return n;
}

/*
 * Pages a loop may hold without leaking: slab pages of freed objects that
 * KASAN keeps in its quarantine, page-table and cache pages. A leaked round
 * of the page-allocating loops costs at least a page.
 */
#define WDK_LEAK_MARGIN		64L

/* Compare the free page count with @before, allowing for @rounds rounds. */
static inline void wdk_expect_no_leak(struct kunit *test, long before,
				      const char *what, int rounds)
{
	long after = wdk_free_pages();
	long margin = WDK_LEAK_MARGIN + rounds / 2;

	kunit_info(test, "%s: free pages %ld -> %ld (margin %ld)\n", what,
		   before, after, margin);
	KUNIT_EXPECT_GE_MSG(test, after, before - margin, "%s leaked pages", what);
}

#define WDK_EXPECT_NO_LEAK(test, before, what) \
	wdk_expect_no_leak(test, before, what, 0)

/*
 * Leak check of a loop: @round (one allocate-and-free round) runs @n times
 * to let the per-CPU page lists and caches settle, then @n times more; the
 * free page count around the second run must come back within the margin.
 */
static inline void wdk_leak_loop(struct kunit *test, int n, const char *what,
				 void (*round)(struct kunit *test, const void *ctx),
				 const void *ctx)
{
	long before;
	int i;

	for (i = 0; i < n && test->status != KUNIT_FAILURE; i++)
		round(test, ctx);
	before = wdk_free_pages();
	for (i = 0; i < n && test->status != KUNIT_FAILURE; i++)
		round(test, ctx);
	wdk_expect_no_leak(test, before, what, n);
}

/* Anonymous read-write memory in the test's mm (created on first use). */
static inline unsigned long wdk_user_mem(struct kunit *test, size_t len)
{
	unsigned long uaddr = kunit_vm_mmap(test, NULL, 0, len,
					    PROT_READ | PROT_WRITE,
					    MAP_ANONYMOUS | MAP_PRIVATE, 0);

	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user mm for the test");
	return uaddr;
}

static inline void wdk_fill(void *buf, size_t len, u8 seed)
{
	u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed + i * 7 + (i >> 12));
}

static inline bool wdk_check(const void *buf, size_t len, u8 seed)
{
	const u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (u8)(seed + i * 7 + (i >> 12)))
			return false;
	return true;
}

static inline bool wdk_all_zero(const void *buf, size_t len)
{
	return !memchr_inv(buf, 0, len);
}

/* Write a pattern at a user address of the current mm. */
static inline void wdk_fill_user(struct kunit *test, unsigned long uaddr,
				 size_t len, u8 seed)
{
	void *tmp = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tmp);
	wdk_fill(tmp, len, seed);
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)uaddr, tmp, len), 0);
	kunit_kfree(test, tmp);
}

/* Does the user address hold the pattern? */
static inline bool wdk_user_holds(struct kunit *test, unsigned long uaddr,
				  size_t len, u8 seed)
{
	void *tmp = kunit_kmalloc(test, len, GFP_KERNEL);
	bool ok;

	KUNIT_ASSERT_NOT_NULL(test, tmp);
	ok = !copy_from_user(tmp, (void __user *)uaddr, len) &&
	     wdk_check(tmp, len, seed);
	kunit_kfree(test, tmp);
	return ok;
}

static inline LARGE_INTEGER wdk_pa(u64 v)
{
	LARGE_INTEGER li = { .QuadPart = (LONGLONG)v };

	return li;
}

#define WDK_TAG		0x4b4c444dU	/* 'MDLK' */

#endif /* _MDL_WDK_KUNIT_H */
