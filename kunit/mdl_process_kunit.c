// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_process": PsLookupProcessByProcessId, ObDereferenceObject,
 * MmProbeAndLockProcessPages and MmProbeAndLockSelectedPages (and their Try
 * forms). Pins are counted with the nr_foll_pin_* vmstat counters.
 *
 * A KUnit test runs in a kernel thread, and get_task_mm() gives no mm for
 * kernel threads: locking pages of a process other than the current one
 * succeeds only in the QEMU runs (examples/); here its refusals are tested.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/vmstat.h>

#include "mdl_wdk_kunit.h"

static unsigned long pins_acquired(void)
{
	return global_node_page_state(NR_FOLL_PIN_ACQUIRED);
}

static unsigned long pins_released(void)
{
	return global_node_page_state(NR_FOLL_PIN_RELEASED);
}

/* The current process by its id: a reference to its thread group leader. */
static void process_lookup_self(struct kunit *test)
{
	PEPROCESS process = NULL;
	int usage = refcount_read(&current->group_leader->usage);

	KUNIT_ASSERT_EQ(test, PsLookupProcessByProcessId((HANDLE)(uintptr_t)
							 current->tgid, &process),
			STATUS_SUCCESS);
	KUNIT_EXPECT_PTR_EQ(test, process, PsGetCurrentProcess());
	KUNIT_EXPECT_EQ(test, refcount_read(&current->group_leader->usage), usage + 1);
	ObDereferenceObject(process);
	KUNIT_EXPECT_EQ(test, refcount_read(&current->group_leader->usage), usage);
}

struct lookup_bad_case {
	const char *name;
	uintptr_t pid;
};

static const struct lookup_bad_case lookup_bad_cases[] = {
	{ "zero", 0 },
	{ "negative", (uintptr_t)-5 },
	{ "above_int", 1ULL << 40 },
	{ "unused", 4194303 },	/* PID_MAX_LIMIT - 1, never reached in a test */
};

KUNIT_ARRAY_PARAM_DESC(lookup_bad, lookup_bad_cases, name);

/* Ids that name no process: STATUS_INVALID_CID and a NULL process. */
static void process_lookup_bad(struct kunit *test)
{
	const struct lookup_bad_case *c = test->param_value;
	PEPROCESS process = (PEPROCESS)test;

	KUNIT_EXPECT_EQ(test, PsLookupProcessByProcessId((HANDLE)c->pid, &process),
			STATUS_INVALID_CID);
	KUNIT_EXPECT_NULL(test, process);
}

static void process_lookup_null_out(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PsLookupProcessByProcessId((HANDLE)1, NULL),
			STATUS_INVALID_PARAMETER);
	ObDereferenceObject(NULL);
}

/* MmProbeAndLockProcessPages on the current process: pins, like the plain form. */
static void process_lock_current(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, 3 * PAGE_SIZE);
	PMDL mdl = IoAllocateMdl((PVOID)(ubuf + 9), 2 * PAGE_SIZE, FALSE, FALSE, NULL);
	unsigned long acq = pins_acquired(), rel = pins_released();

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	wdk_fill_user(test, ubuf, 3 * PAGE_SIZE, 7);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockProcessPages(mdl, PsGetCurrentProcess(),
							    UserMode, IoWriteAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, pins_acquired() - acq, 3UL);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_WRITE_OPERATION);
	KUNIT_EXPECT_PTR_EQ(test, mdl->Process, PsGetCurrentProcess());
	KUNIT_EXPECT_EQ(test, (u64)MmGetPhysicalAddress((PVOID)ubuf).QuadPart,
			(u64)PFN_PHYS(MmGetMdlPfnArray(mdl)[0]));
	MmUnlockPages(mdl);
	KUNIT_EXPECT_EQ(test, pins_released() - rel, 3UL);
	IoFreeMdl(mdl);
}

/*
 * A lock references the MDL's Process for as long as it lasts: released by
 * MmUnlockPages, and by IoFreeMdl of an MDL freed while locked.
 */
static void process_lock_references_process(struct kunit *test)
{
	refcount_t *usage = &current->group_leader->usage;
	unsigned long ubuf = wdk_user_mem(test, 2 * PAGE_SIZE);
	PMDL mdl = IoAllocateMdl((PVOID)ubuf, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
	unsigned int before = refcount_read(usage);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockProcessPages(mdl, PsGetCurrentProcess(),
							    UserMode, IoReadAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, refcount_read(usage), before + 1);
	MmUnlockPages(mdl);
	KUNIT_EXPECT_EQ(test, refcount_read(usage), before);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoWriteAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, refcount_read(usage), before + 1);
	IoFreeMdl(mdl);
	KUNIT_EXPECT_EQ(test, refcount_read(usage), before);
}

/* A failed lock takes no reference. */
static void process_failed_lock_no_reference(struct kunit *test)
{
	refcount_t *usage = &current->group_leader->usage;
	void *kbuf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	PMDL mdl = IoAllocateMdl(kbuf, PAGE_SIZE, FALSE, FALSE, NULL);
	unsigned int before = refcount_read(usage);

	/* A kernel address locked as UserMode: refused by the pin. */
	KUNIT_ASSERT_NOT_NULL(test, kbuf);
	wdk_user_mem(test, PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_EXPECT_NE(test, MmTryProbeAndLockProcessPages(mdl, PsGetCurrentProcess(),
							    UserMode, IoReadAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_EQ(test, refcount_read(usage), before);
	IoFreeMdl(mdl);
}

static int idle_thread_fn(void *data)
{
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 100);
	return 0;
}

/* A process without an address space, or none at all: refused, unlocked. */
static void process_lock_refused(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, PAGE_SIZE);
	PMDL mdl = IoAllocateMdl((PVOID)ubuf, PAGE_SIZE, FALSE, FALSE, NULL);
	unsigned long acq = pins_acquired();
	struct task_struct *kthread;

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	kthread = kthread_run(idle_thread_fn, NULL, "mdl-kunit-nomm");
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread));
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockProcessPages(mdl, (PEPROCESS)kthread,
							    UserMode, IoReadAccess),
			STATUS_INVALID_PARAMETER);
	kthread_stop(kthread);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockProcessPages(mdl, NULL, UserMode,
							    IoReadAccess),
			STATUS_INVALID_PARAMETER);
	MmProbeAndLockProcessPages(mdl, NULL, UserMode, IoReadAccess);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_EQ(test, pins_acquired(), acq);
	IoFreeMdl(mdl);
}

/* The Windows form on the current process locks; a second lock is refused. */
static void process_lock_windows_form(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, PAGE_SIZE);
	PMDL mdl = IoAllocateMdl((PVOID)ubuf, PAGE_SIZE, FALSE, FALSE, NULL);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmProbeAndLockProcessPages(mdl, PsGetCurrentProcess(), UserMode, IoReadAccess);
	KUNIT_ASSERT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockProcessPages(mdl, PsGetCurrentProcess(),
							    UserMode, IoReadAccess),
			STATUS_INVALID_PARAMETER);
	MmUnlockPages(mdl);
	IoFreeMdl(mdl);
}

/* Segments in any order: the PFN array follows the segment array. */
static void selected_pages_lock(struct kunit *test)
{
	static const int order[] = { 4, 1, 2, 5 };
	unsigned long ubuf = wdk_user_mem(test, 6 * PAGE_SIZE);
	FILE_SEGMENT_ELEMENT seg[4];
	unsigned long acq, rel;
	PMDL mdl;
	int i;

	wdk_fill_user(test, ubuf, 6 * PAGE_SIZE, 40);
	for (i = 0; i < 4; i++)
		seg[i].Buffer = (PVOID)(ubuf + order[i] * PAGE_SIZE);
	/* The MDL's range only sizes it: 4 pages. */
	mdl = IoAllocateMdl((PVOID)ubuf, 4 * PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	acq = pins_acquired();
	rel = pins_released();
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockSelectedPages(mdl, seg, UserMode,
							     IoWriteAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, pins_acquired() - acq, 4UL);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, (u64)PFN_PHYS(MmGetMdlPfnArray(mdl)[i]),
				    (u64)MmGetPhysicalAddress(seg[i].Buffer).QuadPart,
				    "segment %d", i);
	MmUnlockPages(mdl);
	KUNIT_EXPECT_EQ(test, pins_released() - rel, 4UL);
	IoFreeMdl(mdl);
}

enum seg_bad { SEG_UNALIGNED, SEG_KERNEL, SEG_UNMAPPED, SEG_NULL_ARRAY };

struct selected_bad_case {
	const char *name;
	enum seg_bad bad;
	NTSTATUS status;
};

static const struct selected_bad_case selected_bad_cases[] = {
	{ "unaligned", SEG_UNALIGNED, STATUS_ACCESS_VIOLATION },
	{ "kernel_address", SEG_KERNEL, STATUS_ACCESS_VIOLATION },
	{ "unmapped", SEG_UNMAPPED, STATUS_ACCESS_VIOLATION },
	{ "null_array", SEG_NULL_ARRAY, STATUS_INVALID_PARAMETER },
};

KUNIT_ARRAY_PARAM_DESC(selected_bad, selected_bad_cases, name);

/* A bad segment fails the whole lock and leaves no pin behind. */
static void selected_pages_refused(struct kunit *test)
{
	const struct selected_bad_case *c = test->param_value;
	unsigned long ubuf = wdk_user_mem(test, 4 * PAGE_SIZE);
	FILE_SEGMENT_ELEMENT seg[3], *segs;
	unsigned long acq, rel;
	PMDL mdl;

	wdk_fill_user(test, ubuf, 3 * PAGE_SIZE, 1);
	seg[0].Buffer = (PVOID)ubuf;
	seg[1].Buffer = (PVOID)(ubuf + PAGE_SIZE);
	seg[2].Buffer = (PVOID)(ubuf + 2 * PAGE_SIZE);
	if (c->bad == SEG_UNALIGNED)
		seg[2].Buffer = (PVOID)(ubuf + 2 * PAGE_SIZE + 8);
	else if (c->bad == SEG_KERNEL)
		seg[2].Buffer = PAGE_ALIGN(test);
	else if (c->bad == SEG_UNMAPPED)
		vm_munmap(ubuf + 2 * PAGE_SIZE, PAGE_SIZE);
	mdl = IoAllocateMdl((PVOID)ubuf, 3 * PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	acq = pins_acquired();
	rel = pins_released();
	segs = c->bad == SEG_NULL_ARRAY ? NULL : seg;
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockSelectedPages(mdl, segs, UserMode,
							     IoReadAccess),
			c->status);
	MmProbeAndLockSelectedPages(mdl, segs, UserMode, IoReadAccess);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_EQ(test, pins_acquired() - acq, pins_released() - rel);
	IoFreeMdl(mdl);
}

/* The Windows form locks; MmAdvanceMdl then unlocks page by page. */
static void selected_pages_windows_form(struct kunit *test)
{
	unsigned long ubuf = wdk_user_mem(test, 2 * PAGE_SIZE);
	FILE_SEGMENT_ELEMENT seg[2] = {
		{ .Buffer = (PVOID)(ubuf + PAGE_SIZE) }, { .Buffer = (PVOID)ubuf },
	};
	PMDL mdl = IoAllocateMdl((PVOID)ubuf, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
	unsigned long rel = pins_released();

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	wdk_fill_user(test, ubuf, 2 * PAGE_SIZE, 1);
	MmProbeAndLockSelectedPages(mdl, seg, UserMode, IoReadAccess);
	KUNIT_ASSERT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_EQ(test, MmAdvanceMdl(mdl, PAGE_SIZE), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, pins_released() - rel, 1UL);
	KUNIT_EXPECT_EQ(test, (u64)PFN_PHYS(MmGetMdlPfnArray(mdl)[0]),
			(u64)MmGetPhysicalAddress((PVOID)ubuf).QuadPart);
	MmUnlockPages(mdl);
	KUNIT_EXPECT_EQ(test, pins_released() - rel, 2UL);
	IoFreeMdl(mdl);
}

static struct kunit_case mdl_process_cases[] = {
	KUNIT_CASE(process_lookup_self),
	KUNIT_CASE_PARAM(process_lookup_bad, lookup_bad_gen_params),
	KUNIT_CASE(process_lookup_null_out),
	KUNIT_CASE(process_lock_current),
	KUNIT_CASE(process_lock_references_process),
	KUNIT_CASE(process_failed_lock_no_reference),
	KUNIT_CASE(process_lock_refused),
	KUNIT_CASE(process_lock_windows_form),
	KUNIT_CASE(selected_pages_lock),
	KUNIT_CASE_PARAM(selected_pages_refused, selected_bad_gen_params),
	KUNIT_CASE(selected_pages_windows_form),
	{}
};

static struct kunit_suite mdl_process_suite = {
	.name = "mdl_process",
	.test_cases = mdl_process_cases,
};

kunit_test_suite(mdl_process_suite);
