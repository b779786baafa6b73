// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_user": MmMapLockedPagesSpecifyCache(UserMode) and
 * MmUnmapLockedPages of user mappings, mdl_populate_vma(), and
 * MmGetPhysicalAddress / MmIsAddressValid of user addresses.
 *
 * The test's kthread gets an mm from kunit_vm_mmap(); a second kthread with
 * an mm of its own stands for "another process": it makes a mapping, the
 * test tries to remove it from the wrong mm, then the thread exits with
 * the mapping live, which is the exit path of a real process.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"
#include "mdl_wdk_kunit.h"

#define ANY_HIGH	(~0ULL >> 1)

static PMDL alloc_pages_mdl(struct kunit *test, ULONG npages)
{
	PMDL mdl = MmAllocatePagesForMdl(wdk_pa(0), wdk_pa(ANY_HIGH), wdk_pa(0),
					 (SIZE_T)npages * PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	return mdl;
}

static void free_pages_mdl(PMDL mdl)
{
	MmFreePagesFromMdl(mdl);
	ExFreePool(mdl);
}

static PVOID map_user(PMDL mdl, MEMORY_CACHING_TYPE cache, ULONG priority)
{
	return MmMapLockedPagesSpecifyCache(mdl, UserMode, cache, NULL, FALSE,
					    priority);
}

/* vm_flags of the VMA at @uaddr in the current mm, 0 when none. */
static unsigned long vma_flags_at(unsigned long uaddr)
{
	struct vm_area_struct *vma;
	unsigned long flags = 0;

	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, uaddr);
	if (vma)
		flags = vma->vm_flags;
	mmap_read_unlock(current->mm);
	return flags;
}

/* Wait (up to 2 s) until @page's reference count is at most @count. */
static bool page_count_drops_to(struct page *page, int count)
{
	int i;

	for (i = 0; i < 100 && page_count(page) > count; i++)
		msleep(20);
	return page_count(page) <= count;
}

/* Allocated pages in the process: both sides see the same bytes. */
static void user_map_allocated_pages(struct kunit *test)
{
	PMDL mdl;
	struct page *page;
	PVOID uva, kva;
	int count;

	wdk_user_mem(test, PAGE_SIZE);
	mdl = alloc_pages_mdl(test, 3);
	page = pfn_to_page(MmGetMdlPfnArray(mdl)[2]);
	count = page_count(page);
	uva = map_user(mdl, MmCached, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	KUNIT_EXPECT_LT(test, (unsigned long)uva, (unsigned long)TASK_SIZE);
	KUNIT_EXPECT_EQ(test, page_count(page), count + 1);
	kva = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, kva);

	wdk_fill_user(test, (unsigned long)uva, 3 * PAGE_SIZE, 21);
	KUNIT_EXPECT_TRUE(test, wdk_check(kva, 3 * PAGE_SIZE, 21));
	wdk_fill(kva, 3 * PAGE_SIZE, 22);
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva,
					       3 * PAGE_SIZE, 22));
	KUNIT_EXPECT_FALSE(test, vma_flags_at((unsigned long)uva) & VM_MAYEXEC);

	MmUnmapLockedPages(uva, mdl);
	KUNIT_EXPECT_EQ(test, page_count(page), count);
	KUNIT_EXPECT_EQ(test, vma_flags_at((unsigned long)uva), 0UL);
	free_pages_mdl(mdl);
}

/*
 * Seed 001: ExAllocatePool + IoAllocateMdl + MmBuildMdlForNonPagedPool +
 * MmMapLockedPagesSpecifyCache(UserMode). The user address keeps the
 * buffer's offset in its page.
 */
static void user_map_nonpaged_pool(struct kunit *test)
{
	char *pool = ExAllocatePool(NonPagedPool, 2 * PAGE_SIZE);
	PMDL mdl;
	char *uva;

	KUNIT_ASSERT_NOT_NULL(test, pool);
	wdk_user_mem(test, PAGE_SIZE);
	mdl = IoAllocateMdl(pool + 0x20, PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmBuildMdlForNonPagedPool(mdl);
	KUNIT_ASSERT_TRUE(test, mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
	uva = map_user(mdl, MmCached, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(uva), 0x20U);

	wdk_fill(pool + 0x20, PAGE_SIZE, 31);
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva,
					       PAGE_SIZE, 31));
	wdk_fill_user(test, (unsigned long)uva, PAGE_SIZE, 32);
	KUNIT_EXPECT_TRUE(test, wdk_check(pool + 0x20, PAGE_SIZE, 32));

	MmUnmapLockedPages(uva, mdl);
	IoFreeMdl(mdl);
	ExFreePool(pool);
}

/* kmalloc memory shares its page with other objects: never mapped. */
static void user_map_slab_refused(struct kunit *test)
{
	PVOID pool = kmalloc(512, GFP_KERNEL);
	PMDL mdl;

	KUNIT_ASSERT_NOT_NULL(test, pool);
	wdk_user_mem(test, PAGE_SIZE);
	mdl = IoAllocateMdl(pool, 512, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmBuildMdlForNonPagedPool(mdl);
	KUNIT_EXPECT_NULL(test, map_user(mdl, MmCached, NormalPagePriority));
	IoFreeMdl(mdl);
	kfree(pool);
}

struct user_cache_case {
	const char *name;
	MEMORY_CACHING_TYPE cache;
	bool ok;
};

static const struct user_cache_case user_cache_cases[] = {
	{ "cached", MmCached, true },
	{ "non_cached", MmNonCached, true },
	{ "write_combined", MmWriteCombined, true },
	{ "coherent", MmHardwareCoherentCached, true },
	{ "not_mapped", MmNotMapped, false },
	{ "unknown_9", (MEMORY_CACHING_TYPE)9, false },
};

KUNIT_ARRAY_PARAM_DESC(user_cache, user_cache_cases, name);

/* Every cache type maps; MmNotMapped and unknown values are refused. */
static void user_map_cache_types(struct kunit *test)
{
	const struct user_cache_case *c = test->param_value;
	PMDL mdl;
	PVOID uva;

	wdk_user_mem(test, PAGE_SIZE);
	mdl = alloc_pages_mdl(test, 2);
	uva = map_user(mdl, c->cache, NormalPagePriority);
	KUNIT_EXPECT_EQ(test, !!uva, c->ok);
	if (uva) {
		wdk_fill_user(test, (unsigned long)uva, 2 * PAGE_SIZE, 4);
		KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva,
						       2 * PAGE_SIZE, 4));
		MmUnmapLockedPages(uva, mdl);
	}
	free_pages_mdl(mdl);
}

/* MdlMappingNoWrite: readable, not writable, and never made writable. */
static void user_map_no_write(struct kunit *test)
{
	PMDL mdl;
	PVOID uva, kva;
	unsigned long flags;
	u8 byte = 0x5a;

	wdk_user_mem(test, PAGE_SIZE);
	mdl = alloc_pages_mdl(test, 1);
	kva = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, kva);
	wdk_fill(kva, PAGE_SIZE, 8);
	uva = map_user(mdl, MmCached, NormalPagePriority | MdlMappingNoWrite |
		       MdlMappingNoExecute);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	flags = vma_flags_at((unsigned long)uva);
	KUNIT_EXPECT_FALSE(test, flags & (VM_WRITE | VM_MAYWRITE | VM_EXEC | VM_MAYEXEC));
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva, PAGE_SIZE, 8));
	KUNIT_EXPECT_NE(test, copy_to_user((void __user *)uva, &byte, 1), 0UL);
	KUNIT_EXPECT_TRUE(test, wdk_check(kva, PAGE_SIZE, 8));
	MmUnmapLockedPages(uva, mdl);
	free_pages_mdl(mdl);
}

/* A user buffer locked for writing, mapped again: one set of pages. */
static void user_map_locked_user_buffer(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, 3 * PAGE_SIZE);
	PMDL mdl = IoAllocateMdl((PVOID)(ubuf + 0x80), 2 * PAGE_SIZE, FALSE,
				 FALSE, NULL);
	PVOID uva;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	wdk_fill_user(test, ubuf, 3 * PAGE_SIZE, 1);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoWriteAccess),
			STATUS_SUCCESS);
	uva = map_user(mdl, MmCached, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	KUNIT_EXPECT_EQ(test, BYTE_OFFSET(uva), 0x80U);
	KUNIT_EXPECT_TRUE(test, vma_flags_at((unsigned long)uva) & VM_PFNMAP);
	wdk_fill_user(test, (unsigned long)uva, 2 * PAGE_SIZE, 50);
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, ubuf + 0x80, 2 * PAGE_SIZE, 50));
	MmUnmapLockedPages(uva, mdl);
	MmUnlockPages(mdl);
	IoFreeMdl(mdl);
}

/* Pages locked for reading are mapped read-only or not at all. */
static void user_map_read_lock_is_read_only(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, PAGE_SIZE);
	PMDL mdl = IoAllocateMdl((PVOID)ubuf, PAGE_SIZE, FALSE, FALSE, NULL);
	PVOID uva;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	wdk_fill_user(test, ubuf, PAGE_SIZE, 60);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_NULL(test, map_user(mdl, MmCached, NormalPagePriority));
	uva = map_user(mdl, MmCached, NormalPagePriority | MdlMappingNoWrite);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva, PAGE_SIZE, 60));
	KUNIT_EXPECT_FALSE(test, vma_flags_at((unsigned long)uva) & VM_MAYWRITE);
	MmUnmapLockedPages(uva, mdl);
	MmUnlockPages(mdl);
	IoFreeMdl(mdl);
}

/* Unlocked MDLs, bad priorities and bad modes are refused. */
static void user_map_refused(struct kunit *test)
{
	PVOID pool = ExAllocatePool(NonPagedPool, PAGE_SIZE);
	PMDL mdl;

	KUNIT_ASSERT_NOT_NULL(test, pool);
	wdk_user_mem(test, PAGE_SIZE);
	mdl = IoAllocateMdl(pool, PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_EXPECT_NULL(test, map_user(mdl, MmCached, NormalPagePriority));
	MmBuildMdlForNonPagedPool(mdl);
	KUNIT_EXPECT_NULL(test, map_user(mdl, MmCached, 7));
	KUNIT_EXPECT_NULL(test, MmMapLockedPagesSpecifyCache(mdl, 5, MmCached, NULL,
							     FALSE, NormalPagePriority));
	IoFreeMdl(mdl);
	ExFreePool(pool);
}

/* RequestedAddress is a hint that is taken when the range is free. */
static void user_map_requested_address(struct kunit *test)
{
	unsigned long hole = wdk_user_mem(test, 4 * PAGE_SIZE);
	PMDL mdl = alloc_pages_mdl(test, 2);
	PVOID uva;

	vm_munmap(hole, 4 * PAGE_SIZE);
	uva = MmMapLockedPagesSpecifyCache(mdl, UserMode, MmCached, (PVOID)hole,
					   FALSE, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	KUNIT_EXPECT_EQ(test, (unsigned long)uva, hole);
	MmUnmapLockedPages(uva, mdl);
	free_pages_mdl(mdl);
}

/* Unmapping at a wrong address or twice is refused and harmless. */
static void user_unmap_refused(struct kunit *test)
{
	PMDL mdl;
	char *uva;

	wdk_user_mem(test, PAGE_SIZE);
	mdl = alloc_pages_mdl(test, 2);
	uva = map_user(mdl, MmCached, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	wdk_fill_user(test, (unsigned long)uva, 2 * PAGE_SIZE, 70);
	MmUnmapLockedPages(uva + PAGE_SIZE, mdl);
	MmUnmapLockedPages(NULL, mdl);
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva,
					       2 * PAGE_SIZE, 70));
	MmUnmapLockedPages(uva, mdl);
	KUNIT_EXPECT_EQ(test, vma_flags_at((unsigned long)uva), 0UL);
	MmUnmapLockedPages(uva, mdl);
	free_pages_mdl(mdl);
}

/* The mapping is one VMA: no split, no move; munmap by the process works. */
static void user_mapping_not_split(struct kunit *test)
{
	PMDL mdl;
	char *uva;

	wdk_user_mem(test, PAGE_SIZE);
	mdl = alloc_pages_mdl(test, 2);
	uva = map_user(mdl, MmCached, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	KUNIT_EXPECT_NE(test, vm_munmap((unsigned long)uva + PAGE_SIZE, PAGE_SIZE), 0);
	KUNIT_EXPECT_NE(test, vma_flags_at((unsigned long)uva + PAGE_SIZE), 0UL);
	KUNIT_EXPECT_TRUE(test, vma_flags_at((unsigned long)uva) & VM_DONTCOPY);
	/* The process unmaps it itself: the MDL forgets the mapping. */
	KUNIT_EXPECT_EQ(test, vm_munmap((unsigned long)uva, 2 * PAGE_SIZE), 0);
	MmUnmapLockedPages(uva, mdl);
	free_pages_mdl(mdl);
}

/* The mapping keeps its pages alive after the MDL and its pages are freed. */
static void user_mapping_outlives_mdl(struct kunit *test)
{
	PMDL mdl;
	struct page *page;
	PVOID uva, kva;

	wdk_user_mem(test, PAGE_SIZE);
	mdl = alloc_pages_mdl(test, 1);
	kva = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, kva);
	wdk_fill(kva, PAGE_SIZE, 90);
	page = pfn_to_page(MmGetMdlPfnArray(mdl)[0]);
	get_page(page);
	uva = map_user(mdl, MmCached, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	free_pages_mdl(mdl);
	KUNIT_EXPECT_EQ(test, page_count(page), 2);
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva, PAGE_SIZE, 90));
	KUNIT_EXPECT_EQ(test, vm_munmap((unsigned long)uva, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, page_count(page), 1);
	put_page(page);
}

struct other_process {
	struct kunit *test;
	PMDL mdl;
	ULONG priority;
	PVOID uva;
	struct completion mapped;
	struct completion go;
};

static int other_process_fn(void *data)
{
	struct other_process *o = data;

	if (kunit_vm_mmap(o->test, NULL, 0, PAGE_SIZE, PROT_READ,
			  MAP_ANONYMOUS | MAP_PRIVATE, 0))
		o->uva = map_user(o->mdl, MmCached, o->priority);
	complete(&o->mapped);
	wait_for_completion(&o->go);
	return 0;	/* exits with the mapping live */
}

enum other_kind { OTHER_ALLOCATED, OTHER_LOCKED_USER };

struct user_other_case {
	const char *name;
	enum other_kind kind;
};

static const struct user_other_case user_other_cases[] = {
	{ "allocated_pages", OTHER_ALLOCATED },
	{ "locked_user_pages", OTHER_LOCKED_USER },
};

KUNIT_ARRAY_PARAM_DESC(user_other, user_other_cases, name);

/*
 * A mapping made by another process is not removed from this one, and the
 * other process exiting with it releases every page reference.
 */
static void user_other_process_and_exit(struct kunit *test)
{
	const struct user_other_case *c = test->param_value;
	struct other_process o = { .test = test, .priority = NormalPagePriority };
	unsigned long ubuf = wdk_user_mem(test, PAGE_SIZE);
	struct task_struct *task;
	struct page *page;
	int count, mapped;

	if (c->kind == OTHER_ALLOCATED) {
		o.mdl = alloc_pages_mdl(test, 1);
	} else {
		o.mdl = IoAllocateMdl((PVOID)ubuf, PAGE_SIZE, FALSE, FALSE, NULL);
		KUNIT_ASSERT_NOT_NULL(test, o.mdl);
		wdk_fill_user(test, ubuf, PAGE_SIZE, 3);
		KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(o.mdl, UserMode,
							     IoWriteAccess),
				STATUS_SUCCESS);
	}
	page = pfn_to_page(MmGetMdlPfnArray(o.mdl)[0]);
	count = page_count(page);
	init_completion(&o.mapped);
	init_completion(&o.go);
	task = kthread_create(other_process_fn, &o, "mdl-kunit-other");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	get_task_struct(task);
	wake_up_process(task);
	wait_for_completion(&o.mapped);
	KUNIT_EXPECT_NOT_NULL(test, o.uva);
	mapped = page_count(page);
	KUNIT_EXPECT_GT(test, mapped, count);

	MmUnmapLockedPages(o.uva, o.mdl);	/* wrong process: refused */
	KUNIT_EXPECT_EQ(test, page_count(page), mapped);

	complete(&o.go);
	kthread_stop(task);
	put_task_struct(task);
	/* The mapping's reference goes (a transient LRU one may go too). */
	KUNIT_EXPECT_TRUE_MSG(test, page_count_drops_to(page, mapped - 1),
			      "page count %d, mapped %d", page_count(page), mapped);
	if (c->kind == OTHER_ALLOCATED) {
		free_pages_mdl(o.mdl);
	} else {
		MmUnlockPages(o.mdl);
		IoFreeMdl(o.mdl);
	}
}

static void user_map_round(struct kunit *test, const void *ctx)
{
	PMDL mdl = (PMDL)ctx;
	struct page *page = pfn_to_page(MmGetMdlPfnArray(mdl)[7]);
	int count = page_count(page);
	PVOID uva = map_user(mdl, MmCached, NormalPagePriority);

	KUNIT_ASSERT_NOT_NULL(test, uva);
	MmUnmapLockedPages(uva, mdl);
	KUNIT_EXPECT_EQ(test, page_count(page), count);
	KUNIT_EXPECT_EQ(test, vma_flags_at((unsigned long)uva), 0UL);
}

/* Map and unmap 200 times: no page, VMA or file left behind. */
static void user_map_no_leak(struct kunit *test)
{
	PMDL mdl;

	wdk_user_mem(test, PAGE_SIZE);
	mdl = alloc_pages_mdl(test, 8);
	wdk_leak_loop(test, 200, "user map + unmap", user_map_round, mdl);
	free_pages_mdl(mdl);
}

/* mdl_populate_vma() refuses what it cannot map. */
static void user_populate_vma_refused(struct kunit *test)
{
	PMDL mdl = alloc_pages_mdl(test, 1);

	KUNIT_EXPECT_EQ(test, mdl_populate_vma(NULL, 0, mdl, 0, 1, true), -EINVAL);
	free_pages_mdl(mdl);
}

/* A user page is resident: its physical address; not resident: zero. */
static void user_physical_address(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, 2 * PAGE_SIZE);
	PMDL mdl = IoAllocateMdl((PVOID)ubuf, PAGE_SIZE, FALSE, FALSE, NULL);
	PHYSICAL_ADDRESS pa;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	pa = MmGetPhysicalAddress((PVOID)(ubuf + 0x10));
	KUNIT_EXPECT_EQ(test, pa.QuadPart, 0LL);
	KUNIT_EXPECT_FALSE(test, MmIsAddressValid((PVOID)ubuf));

	wdk_fill_user(test, ubuf, PAGE_SIZE, 2);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_SUCCESS);
	pa = MmGetPhysicalAddress((PVOID)(ubuf + 0x10));
	KUNIT_EXPECT_EQ(test, (u64)pa.QuadPart,
			(u64)PFN_PHYS(MmGetMdlPfnArray(mdl)[0]) + 0x10);
	KUNIT_EXPECT_TRUE(test, MmIsAddressValid((PVOID)ubuf));
	/* The second page was never touched. */
	KUNIT_EXPECT_EQ(test, MmGetPhysicalAddress((PVOID)(ubuf + PAGE_SIZE)).QuadPart,
			0LL);
	MmUnlockPages(mdl);
	IoFreeMdl(mdl);
}

/* The physical address of a mapped page is the page the MDL names. */
static void user_physical_address_of_mapping(struct kunit *test)
{
	PMDL mdl;
	PVOID uva;

	wdk_user_mem(test, PAGE_SIZE);
	mdl = alloc_pages_mdl(test, 2);
	uva = map_user(mdl, MmCached, NormalPagePriority);
	KUNIT_ASSERT_NOT_NULL(test, uva);
	KUNIT_EXPECT_EQ(test, (u64)MmGetPhysicalAddress(uva + PAGE_SIZE + 5).QuadPart,
			(u64)PFN_PHYS(MmGetMdlPfnArray(mdl)[1]) + 5);
	MmUnmapLockedPages(uva, mdl);
	free_pages_mdl(mdl);
}

static struct kunit_case mdl_user_cases[] = {
	KUNIT_CASE(user_map_allocated_pages),
	KUNIT_CASE(user_map_nonpaged_pool),
	KUNIT_CASE(user_map_slab_refused),
	KUNIT_CASE_PARAM(user_map_cache_types, user_cache_gen_params),
	KUNIT_CASE(user_map_no_write),
	KUNIT_CASE(user_map_locked_user_buffer),
	KUNIT_CASE(user_map_read_lock_is_read_only),
	KUNIT_CASE(user_map_refused),
	KUNIT_CASE(user_map_requested_address),
	KUNIT_CASE(user_unmap_refused),
	KUNIT_CASE(user_mapping_not_split),
	KUNIT_CASE(user_mapping_outlives_mdl),
	KUNIT_CASE_PARAM(user_other_process_and_exit, user_other_gen_params),
	KUNIT_CASE(user_map_no_leak),
	KUNIT_CASE(user_populate_vma_refused),
	KUNIT_CASE(user_physical_address),
	KUNIT_CASE(user_physical_address_of_mapping),
	{}
};

static struct kunit_suite mdl_user_suite = {
	.name = "mdl_user",
	.test_cases = mdl_user_cases,
};

kunit_test_suite(mdl_user_suite);
