/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the mdl KUnit suites (mdl_kunit_main.c).
 *
 * Everything a helper allocates is released by a KUnit deferred action, so
 * a test that stops on a failed assertion still frees what it took.
 * Deferred actions run last-in first-out: an MDL's "unlock" action, added
 * after the MDL's "free" action, runs before it.
 */
#ifndef _MDL_KUNIT_H
#define _MDL_KUNIT_H

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/vmstat.h>

#include <wdm.h>

/* FOLL_PIN counters of /proc/vmstat (exact on UP kernels such as UML). */
struct mdl_kunit_pins {
	unsigned long acquired;
	unsigned long released;
};

static inline void mdl_kunit_pins_read(struct mdl_kunit_pins *p)
{
	p->acquired = global_node_page_state(NR_FOLL_PIN_ACQUIRED);
	p->released = global_node_page_state(NR_FOLL_PIN_RELEASED);
}

/* Expect that @acq pages were pinned and @rel unpinned since @before. */
void mdl_kunit_expect_pins(struct kunit *test, const struct mdl_kunit_pins *before,
			   unsigned long acq, unsigned long rel, int line);
#define MDL_KUNIT_EXPECT_PINS(test, before, acq, rel) \
	mdl_kunit_expect_pins(test, before, acq, rel, __LINE__)

/* MDL from IoAllocateMdl, freed with IoFreeMdl when the test ends. */
PMDL mdl_kunit_alloc_mdl(struct kunit *test, PVOID va, ULONG length);

/* Unlock @mdl at the end of the test if it is still locked. */
void mdl_kunit_unlock_at_exit(struct kunit *test, PMDL mdl);

/* Unmap the system mapping @mdl made, at the end of the test, if any. */
void mdl_kunit_unmap_at_exit(struct kunit *test, PMDL mdl, PVOID va);

/* Caller-allocated (kzalloc) room for an MDL header and @pages PFNs. */
PMDL mdl_kunit_raw_mdl(struct kunit *test, ULONG pages);

/* Anonymous user memory in the test's mm; 0 when none could be mapped. */
unsigned long mdl_kunit_user_mem(struct kunit *test, size_t len,
				 unsigned long prot);

/* vmalloc / page allocator memory, freed when the test ends. */
void *mdl_kunit_vmalloc(struct kunit *test, size_t len);
void *mdl_kunit_pages(struct kunit *test, unsigned int order);

/* The MDL's header and PFN array, copied to compare after a refused call. */
void *mdl_kunit_snapshot(struct kunit *test, PMDL mdl, size_t *len);

/* PFNs of @npages user pages from @uaddr, by get_user_pages_fast(). */
void mdl_kunit_user_pfns(struct kunit *test, unsigned long uaddr,
			 ULONG npages, PFN_NUMBER *pfns);

/* Fill @len bytes with a pattern derived from @seed, and check it. */
void mdl_kunit_fill(void *buf, size_t len, u8 seed);
bool mdl_kunit_check(const void *buf, size_t len, u8 seed);

/* The same through user addresses of the current mm. */
void mdl_kunit_fill_user(struct kunit *test, unsigned long uaddr, size_t len,
			 u8 seed);
void mdl_kunit_expect_user(struct kunit *test, unsigned long uaddr,
			   size_t len, u8 seed);

/* A variable of this module: module memory for the tests. */
extern u8 mdl_kunit_module_buf[3 * PAGE_SIZE];

#endif /* _MDL_KUNIT_H */
