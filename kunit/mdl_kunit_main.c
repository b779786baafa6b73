// SPDX-License-Identifier: GPL-2.0
/*
 * mdl_kunit.ko: KUnit suites for mdl.ko. The suites live in one file each
 * (mdl_alloc_kunit.c, mdl_lock_kunit.c, mdl_map_kunit.c,
 * mdl_partial_kunit.c, mdl_phys_kunit.c); this file holds their helpers.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "mdl_kunit.h"

u8 mdl_kunit_module_buf[3 * PAGE_SIZE] __aligned(PAGE_SIZE);

KUNIT_DEFINE_ACTION_WRAPPER(mdl_kunit_free_mdl, IoFreeMdl, PMDL);
KUNIT_DEFINE_ACTION_WRAPPER(mdl_kunit_vfree, vfree, const void *);

void mdl_kunit_expect_pins(struct kunit *test, const struct mdl_kunit_pins *before,
			   unsigned long acq, unsigned long rel, int line)
{
	struct mdl_kunit_pins now;

	mdl_kunit_pins_read(&now);
	KUNIT_EXPECT_EQ_MSG(test, now.acquired - before->acquired, acq,
			    "pins acquired (checked at line %d)", line);
	KUNIT_EXPECT_EQ_MSG(test, now.released - before->released, rel,
			    "pins released (checked at line %d)", line);
}

PMDL mdl_kunit_alloc_mdl(struct kunit *test, PVOID va, ULONG length)
{
	PMDL mdl = IoAllocateMdl(va, length, FALSE, FALSE, NULL);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, mdl_kunit_free_mdl, mdl));
	return mdl;
}

static void mdl_kunit_unlock_action(void *ctx)
{
	PMDL mdl = ctx;

	if (mdl->MdlFlags & MDL_PAGES_LOCKED)
		MmUnlockPages(mdl);
}

void mdl_kunit_unlock_at_exit(struct kunit *test, PMDL mdl)
{
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, mdl_kunit_unlock_action, mdl));
}

struct mdl_kunit_mapping {
	PMDL mdl;
	PVOID va;
};

static void mdl_kunit_unmap_action(void *ctx)
{
	struct mdl_kunit_mapping *m = ctx;

	if ((m->mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) &&
	    m->mdl->MappedSystemVa == m->va)
		MmUnmapLockedPages(m->va, m->mdl);
}

void mdl_kunit_unmap_at_exit(struct kunit *test, PMDL mdl, PVOID va)
{
	struct mdl_kunit_mapping *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->mdl = mdl;
	m->va = va;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, mdl_kunit_unmap_action, m));
}

PMDL mdl_kunit_raw_mdl(struct kunit *test, ULONG pages)
{
	PMDL mdl = kunit_kzalloc(test, sizeof(MDL) + pages * sizeof(PFN_NUMBER),
				 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	return mdl;
}

unsigned long mdl_kunit_user_mem(struct kunit *test, size_t len,
				 unsigned long prot)
{
	unsigned long uaddr;

	uaddr = kunit_vm_mmap(test, NULL, 0, len, prot,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user mm for the test");
	KUNIT_ASSERT_LT(test, uaddr, (unsigned long)TASK_SIZE);
	return uaddr;
}

void *mdl_kunit_vmalloc(struct kunit *test, size_t len)
{
	void *p = vmalloc(len);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, mdl_kunit_vfree, p));
	return p;
}

struct mdl_kunit_pages {
	unsigned long addr;
	unsigned int order;
};

static void mdl_kunit_free_pages(void *ctx)
{
	struct mdl_kunit_pages *p = ctx;

	free_pages(p->addr, p->order);
}

void *mdl_kunit_pages(struct kunit *test, unsigned int order)
{
	struct mdl_kunit_pages *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->order = order;
	p->addr = __get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
	KUNIT_ASSERT_NE(test, p->addr, 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, mdl_kunit_free_pages, p));
	return (void *)p->addr;
}

void *mdl_kunit_snapshot(struct kunit *test, PMDL mdl, size_t *len)
{
	void *copy;

	*len = sizeof(MDL) + sizeof(PFN_NUMBER) *
	       ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(mdl),
					      mdl->ByteCount);
	if (*len > PAGE_SIZE)
		*len = sizeof(MDL);
	copy = kunit_kmalloc(test, *len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, mdl, *len);
	return copy;
}

void mdl_kunit_user_pfns(struct kunit *test, unsigned long uaddr,
			 ULONG npages, PFN_NUMBER *pfns)
{
	struct page *page;
	ULONG i;

	for (i = 0; i < npages; i++) {
		KUNIT_ASSERT_EQ(test, 1, get_user_pages_fast(uaddr + i * PAGE_SIZE,
							     1, 0, &page));
		pfns[i] = page_to_pfn(page);
		put_page(page);
	}
}

void mdl_kunit_fill(void *buf, size_t len, u8 seed)
{
	u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed + i * 7 + (i >> 8));
}

bool mdl_kunit_check(const void *buf, size_t len, u8 seed)
{
	const u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (u8)(seed + i * 7 + (i >> 8)))
			return false;
	return true;
}

void mdl_kunit_fill_user(struct kunit *test, unsigned long uaddr, size_t len,
			 u8 seed)
{
	void *tmp = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tmp);
	mdl_kunit_fill(tmp, len, seed);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user((void __user *)uaddr, tmp, len));
	kunit_kfree(test, tmp);
}

void mdl_kunit_expect_user(struct kunit *test, unsigned long uaddr,
			   size_t len, u8 seed)
{
	void *tmp = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tmp);
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(tmp, (void __user *)uaddr, len));
	KUNIT_EXPECT_TRUE_MSG(test, mdl_kunit_check(tmp, len, seed),
			      "user memory does not hold pattern %u", seed);
	kunit_kfree(test, tmp);
}

MODULE_DESCRIPTION("KUnit tests for mdl");
/* mdl.ko exports what only the tests call to this namespace alone. */
MDL_IMPORT_KUNIT_NS();
MODULE_LICENSE("GPL");
