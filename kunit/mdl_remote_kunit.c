// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_remote": MmTryProbeAndLockProcessPages on a process
 * other than the caller's, i.e. pages of another address space.  The
 * other process is PID 1, which has an address space in every run (the
 * init script of the KUnit boot, waiting for insmod to return), and the
 * pages are its argument strings: mapped, and left unchanged while it waits.
 */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "mdl_kunit.h"

KUNIT_DEFINE_ACTION_WRAPPER(remote_deref, ObDereferenceObject, PVOID);

/* PID 1 by its id, released when the test ends; skips without an mm. */
static PEPROCESS remote_init(struct kunit *test, unsigned long *arg_start,
			     unsigned long *arg_end)
{
	PEPROCESS process = NULL;
	struct mm_struct *mm;

	KUNIT_ASSERT_EQ(test, PsLookupProcessByProcessId((HANDLE)1, &process),
			STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, remote_deref, process));
	mm = get_task_mm((struct task_struct *)process);
	if (!mm)
		kunit_skip(test, "PID 1 has no address space here");
	*arg_start = mm->arg_start;
	*arg_end = mm->arg_end;
	mmput(mm);
	if (*arg_end <= *arg_start)
		kunit_skip(test, "PID 1 has no argument strings here");
	return process;
}

/*
 * A read lock of PID 1's page of argument strings: one pin, the PFN of the
 * page that process sees there, the MDL's Process set; unlock unpins.
 */
static void remote_lock_read(struct kunit *test)
{
	unsigned long start, end, va, n;
	struct mdl_kunit_pins before;
	PEPROCESS process;
	u8 *seen, *mine;
	PMDL mdl;

	process = remote_init(test, &start, &end);
	va = start & PAGE_MASK;
	n = min(end, va + PAGE_SIZE) - start;
	seen = kunit_kzalloc(test, n, GFP_KERNEL);
	mine = kunit_kzalloc(test, n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	KUNIT_ASSERT_NOT_NULL(test, mine);
	KUNIT_ASSERT_EQ(test, access_process_vm((struct task_struct *)process, start,
						seen, n, 0), (int)n);

	mdl = mdl_kunit_alloc_mdl(test, (PVOID)start, n);
	mdl_kunit_unlock_at_exit(test, mdl);
	mdl_kunit_pins_read(&before);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockProcessPages(mdl, process, UserMode,
							    IoReadAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_PTR_EQ(test, mdl->Process, process);
	MDL_KUNIT_EXPECT_PINS(test, &before, 1, 0);
	memcpy_from_page(mine, pfn_to_page(MmGetMdlPfnArray(mdl)[0]),
			 offset_in_page(start), n);
	KUNIT_EXPECT_EQ(test, memcmp(seen, mine, n), 0);

	MmUnlockPages(mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	MDL_KUNIT_EXPECT_PINS(test, &before, 1, 1);
}

/*
 * Ranges of PID 1 that cannot be locked: nothing mapped at the first page,
 * or beyond its address space.  STATUS_ACCESS_VIOLATION, no pin left, the
 * MDLs unlocked.
 */
static void remote_lock_refused(struct kunit *test)
{
	struct mdl_kunit_pins before;
	unsigned long start, end;
	PEPROCESS process;
	struct mm_struct *mm;
	unsigned long top;
	PMDL low, high, again;

	process = remote_init(test, &start, &end);
	mm = get_task_mm((struct task_struct *)process);
	KUNIT_ASSERT_NOT_NULL(test, mm);
	top = mm->task_size;
	mmput(mm);

	low = mdl_kunit_alloc_mdl(test, (PVOID)PAGE_SIZE, 2 * PAGE_SIZE);
	high = mdl_kunit_alloc_mdl(test, (PVOID)(top - PAGE_SIZE), 2 * PAGE_SIZE);
	mdl_kunit_unlock_at_exit(test, low);
	mdl_kunit_unlock_at_exit(test, high);
	mdl_kunit_pins_read(&before);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockProcessPages(low, process, UserMode,
							    IoWriteAccess),
			STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockProcessPages(high, process, UserMode,
							    IoReadAccess),
			STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_FALSE(test, low->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_FALSE(test, high->MdlFlags & MDL_PAGES_LOCKED);
	MDL_KUNIT_EXPECT_PINS(test, &before, 0, 0);

	/* Nothing left behind: the next lock of that process works. */
	again = mdl_kunit_alloc_mdl(test, (PVOID)start, 1);
	mdl_kunit_unlock_at_exit(test, again);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockProcessPages(again, process, UserMode,
							    IoReadAccess),
			STATUS_SUCCESS);
	MDL_KUNIT_EXPECT_PINS(test, &before, 1, 0);
	MmUnlockPages(again);
	MDL_KUNIT_EXPECT_PINS(test, &before, 1, 1);
}

static struct kunit_case mdl_remote_cases[] = {
	KUNIT_CASE(remote_lock_read),
	KUNIT_CASE(remote_lock_refused),
	{}
};

static struct kunit_suite mdl_remote_suite = {
	.name = "mdl_remote",
	.test_cases = mdl_remote_cases,
};

kunit_test_suite(mdl_remote_suite);
