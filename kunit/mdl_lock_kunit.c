// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_lock": MmProbeAndLockPages / MmTryProbeAndLockPages over
 * user memory (pinned pages) and kernel memory, MmUnlockPages, and
 * MmBuildMdlForNonPagedPool / MmTryBuildMdlForNonPagedPool.
 *
 * PFNs are checked against the kernel's own translation (page_to_pfn,
 * vmalloc_to_pfn, get_user_pages_fast) and, for user memory, against the
 * bytes seen through the page they name. Pins are counted with the
 * nr_foll_pin_acquired / nr_foll_pin_released vmstat counters.
 */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"
#include "mdl_kunit.h"

/* User buffer of the lock tests: 5 pages mapped, MDL over 4 at an offset. */
#define LOCK_MAP_PAGES	5
#define LOCK_OFFSET	0x123
#define LOCK_LEN	(3 * PAGE_SIZE + 0x10)
#define LOCK_PAGES	4

/* Does the page of each PFN hold the user buffer's bytes? */
static void expect_pfns_hold(struct kunit *test, PMDL mdl, u8 seed)
{
	PPFN_NUMBER pfns = MmGetMdlPfnArray(mdl);
	ULONG npages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(mdl),
						      mdl->ByteCount);
	u8 *buf = kunit_kzalloc(test, npages * PAGE_SIZE, GFP_KERNEL);
	ULONG i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < npages; i++)
		memcpy_from_page(buf + i * PAGE_SIZE, pfn_to_page(pfns[i]), 0,
				 PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_check(buf + mdl->ByteOffset,
						mdl->ByteCount, seed));
	kunit_kfree(test, buf);
}

struct lock_user_case {
	const char *name;
	KPROCESSOR_MODE mode;
	LOCK_OPERATION op;
};

static const struct lock_user_case lock_user_cases[] = {
	{ "user_read", UserMode, IoReadAccess },
	{ "user_write", UserMode, IoWriteAccess },
	{ "user_modify", UserMode, IoModifyAccess },
	{ "kernel_mode_read", KernelMode, IoReadAccess },
	{ "kernel_mode_write", KernelMode, IoWriteAccess },
	{ "kernel_mode_modify", KernelMode, IoModifyAccess },
};

KUNIT_ARRAY_PARAM_DESC(lock_user, lock_user_cases, name);

/*
 * Locking user memory pins its pages: the PFN array names the pages the
 * process sees, the flags say locked (and write), and unlock releases
 * exactly the pins taken.
 */
static void probe_and_lock_user_memory(struct kunit *test)
{
	const struct lock_user_case *c = test->param_value;
	unsigned long uaddr = mdl_kunit_user_mem(test, LOCK_MAP_PAGES * PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	unsigned long ubuf = uaddr + LOCK_OFFSET;
	PFN_NUMBER want[LOCK_PAGES];
	struct mdl_kunit_pins pins;
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)ubuf, LOCK_LEN);
	ULONG i;

	mdl_kunit_fill_user(test, ubuf, LOCK_LEN, 11);
	mdl_kunit_pins_read(&pins);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, c->mode, c->op),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	MDL_KUNIT_EXPECT_PINS(test, &pins, LOCK_PAGES, 0);

	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_EQ(test, !!(mdl->MdlFlags & MDL_WRITE_OPERATION),
			c->op != IoReadAccess);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_PTR_EQ(test, mdl->Process, PsGetCurrentProcess());
	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlVirtualAddress(mdl), (PVOID)ubuf);

	mdl_kunit_user_pfns(test, uaddr, LOCK_PAGES, want);
	for (i = 0; i < LOCK_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, MmGetMdlPfnArray(mdl)[i], want[i],
				    "page %u", i);
	expect_pfns_hold(test, mdl, 11);

	MmUnlockPages(mdl);
	MDL_KUNIT_EXPECT_PINS(test, &pins, LOCK_PAGES, LOCK_PAGES);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags &
			   (MDL_PAGES_LOCKED | MDL_WRITE_OPERATION));
}

/* A write lock pins the pages the process sees: writes through them show. */
static void probe_and_lock_write_reaches_user(struct kunit *test)
{
	unsigned long uaddr = mdl_kunit_user_mem(test, 2 * PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)(uaddr + 8), PAGE_SIZE);
	PPFN_NUMBER pfns = MmGetMdlPfnArray(mdl);
	u8 *tmp = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tmp);
	mdl_kunit_fill_user(test, uaddr, 2 * PAGE_SIZE, 1);
	MmProbeAndLockPages(mdl, UserMode, IoWriteAccess);
	KUNIT_ASSERT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	mdl_kunit_unlock_at_exit(test, mdl);

	/* Fill the buffer through the pinned pages, read it as the user. */
	mdl_kunit_fill(tmp, PAGE_SIZE, 99);
	memcpy_to_page(pfn_to_page(pfns[0]), 8, tmp, PAGE_SIZE - 8);
	memcpy_to_page(pfn_to_page(pfns[1]), 0, tmp + PAGE_SIZE - 8, 8);
	MmUnlockPages(mdl);
	mdl_kunit_expect_user(test, uaddr + 8, PAGE_SIZE, 99);
}

/* Kernel memory locked in KernelMode: PFNs from the kernel's tables, no pins. */
enum lock_kernel_kind { KMALLOC, VMALLOC, MODULE_DATA, PAGE_ALLOC };

struct lock_kernel_case {
	const char *name;
	enum lock_kernel_kind kind;
};

static const struct lock_kernel_case lock_kernel_cases[] = {
	{ "kmalloc", KMALLOC },
	{ "vmalloc", VMALLOC },
	{ "module_data", MODULE_DATA },
	{ "alloc_pages", PAGE_ALLOC },
};

KUNIT_ARRAY_PARAM_DESC(lock_kernel, lock_kernel_cases, name);

/* A kernel buffer of the given kind, at least 3 pages plus 0x40 bytes. */
static u8 *kernel_buffer(struct kunit *test, enum lock_kernel_kind kind)
{
	u8 *buf;

	switch (kind) {
	case KMALLOC:
		buf = kunit_kmalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		return buf;
	case VMALLOC:
		return mdl_kunit_vmalloc(test, 4 * PAGE_SIZE);
	case MODULE_DATA:
		return mdl_kunit_module_buf;
	default:
		return mdl_kunit_pages(test, 2);
	}
}

/* The kernel's own PFN of a kernel address. */
static PFN_NUMBER kernel_pfn(const void *va)
{
	if (is_vmalloc_or_module_addr(va))
		return vmalloc_to_pfn(va);
	return page_to_pfn(virt_to_page(va));
}

static void probe_and_lock_kernel_memory(struct kunit *test)
{
	const struct lock_kernel_case *c = test->param_value;
	u8 *buf = kernel_buffer(test, c->kind);
	u8 *start = buf + 0x40;
	ULONG len = 2 * PAGE_SIZE + 0x100, i;
	ULONG npages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(start, len);
	struct mdl_kunit_pins pins;
	PMDL mdl = mdl_kunit_alloc_mdl(test, start, len);

	mdl_kunit_pins_read(&pins);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, KernelMode, IoModifyAccess),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_WRITE_OPERATION);
	for (i = 0; i < npages; i++)
		KUNIT_EXPECT_EQ_MSG(test, MmGetMdlPfnArray(mdl)[i],
				    kernel_pfn(PAGE_ALIGN(start) + i * PAGE_SIZE),
				    "page %u", i);
	MmUnlockPages(mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	MDL_KUNIT_EXPECT_PINS(test, &pins, 0, 0);
}

struct lock_ro_case {
	const char *name;
	LOCK_OPERATION op;
	bool ok;
};

static const struct lock_ro_case lock_ro_cases[] = {
	{ "read_access_succeeds", IoReadAccess, true },
	{ "write_access_fails", IoWriteAccess, false },
	{ "modify_access_fails", IoModifyAccess, false },
};

KUNIT_ARRAY_PARAM_DESC(lock_ro, lock_ro_cases, name);

/* Read-only user memory can be locked for reading only. */
static void probe_and_lock_read_only_user_memory(struct kunit *test)
{
	const struct lock_ro_case *c = test->param_value;
	unsigned long uaddr = mdl_kunit_user_mem(test, 2 * PAGE_SIZE, PROT_READ);
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)uaddr, 2 * PAGE_SIZE);
	struct mdl_kunit_pins pins;
	size_t len;
	void *snap = mdl_kunit_snapshot(test, mdl, &len);
	NTSTATUS status;

	mdl_kunit_pins_read(&pins);
	status = MmTryProbeAndLockPages(mdl, UserMode, c->op);
	mdl_kunit_unlock_at_exit(test, mdl);
	if (c->ok) {
		KUNIT_EXPECT_EQ(test, status, STATUS_SUCCESS);
		KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
		MDL_KUNIT_EXPECT_PINS(test, &pins, 2, 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, status, STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, sizeof(MDL));
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_WRITE_OPERATION));
	MDL_KUNIT_EXPECT_PINS(test, &pins, 0, 0);

	/* The Windows form leaves the MDL unlocked too. */
	MmProbeAndLockPages(mdl, UserMode, c->op);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, sizeof(MDL));
	MDL_KUNIT_EXPECT_PINS(test, &pins, 0, 0);
}

/* A second lock of a locked MDL is refused; the first lock is kept. */
static void probe_and_lock_twice_refused(struct kunit *test)
{
	unsigned long uaddr = mdl_kunit_user_mem(test, 3 * PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)uaddr, 3 * PAGE_SIZE);
	struct mdl_kunit_pins pins;
	size_t len;
	void *snap;

	mdl_kunit_pins_read(&pins);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	snap = mdl_kunit_snapshot(test, mdl, &len);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoWriteAccess),
			STATUS_INVALID_PARAMETER);
	MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, len);
	MDL_KUNIT_EXPECT_PINS(test, &pins, 3, 0);
	MmUnlockPages(mdl);
	MDL_KUNIT_EXPECT_PINS(test, &pins, 3, 3);
}

/* MmUnlockPages of an MDL that is not locked changes nothing. */
static void unlock_of_unlocked_mdl_refused(struct kunit *test)
{
	unsigned long uaddr = mdl_kunit_user_mem(test, PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)uaddr, PAGE_SIZE);
	struct mdl_kunit_pins pins;
	size_t len;
	void *snap = mdl_kunit_snapshot(test, mdl, &len);

	mdl_kunit_pins_read(&pins);
	MmUnlockPages(mdl);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, sizeof(MDL));

	/* Lock, unlock, and unlock again: one release only. */
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoWriteAccess),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	MmUnlockPages(mdl);
	MmUnlockPages(mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	MDL_KUNIT_EXPECT_PINS(test, &pins, 1, 1);

	/* A faked MDL_PAGES_LOCKED on a caller MDL is not unpinned either. */
	mdl = mdl_kunit_raw_mdl(test, 1);
	MmInitializeMdl(mdl, (PVOID)uaddr, PAGE_SIZE);
	mdl->MdlFlags = MDL_PAGES_LOCKED;
	MmUnlockPages(mdl);
	KUNIT_EXPECT_EQ(test, mdl->MdlFlags, MDL_PAGES_LOCKED);
	MDL_KUNIT_EXPECT_PINS(test, &pins, 1, 1);
}

struct lock_bad_len_case {
	const char *name;
	unsigned long start;	/* 0: the test's user buffer */
	ULONG length;
};

static const struct lock_bad_len_case lock_bad_len_cases[] = {
	{ "zero_length", 0, 0 },
	{ "huge_length", 0, MAXULONG },
	{ "wrapping_range", ULONG_MAX - PAGE_SIZE + 1, 2 * PAGE_SIZE },
};

KUNIT_ARRAY_PARAM_DESC(lock_bad_len, lock_bad_len_cases, name);

/* Zero, huge and wrapping lengths are refused before anything is pinned. */
static void probe_and_lock_bad_length_refused(struct kunit *test)
{
	const struct lock_bad_len_case *c = test->param_value;
	unsigned long uaddr = mdl_kunit_user_mem(test, PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	PMDL mdl = mdl_kunit_raw_mdl(test, 2);
	struct mdl_kunit_pins pins;
	u8 snap[sizeof(MDL)];

	MmInitializeMdl(mdl, (PVOID)(c->start ? c->start : uaddr), PAGE_SIZE);
	mdl->ByteCount = c->length;
	mdl->Size = S16_MAX;
	memcpy(snap, mdl, sizeof(MDL));
	mdl_kunit_pins_read(&pins);
	KUNIT_EXPECT_NE(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	KUNIT_EXPECT_NE(test, MmTryProbeAndLockPages(mdl, KernelMode, IoReadAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, sizeof(MDL));
	MDL_KUNIT_EXPECT_PINS(test, &pins, 0, 0);
}

/* An MDL whose Size has no room for the PFNs of its range is refused. */
static void probe_and_lock_mdl_too_small_refused(struct kunit *test)
{
	unsigned long uaddr = mdl_kunit_user_mem(test, 3 * PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	PMDL mdl = mdl_kunit_raw_mdl(test, 3);
	struct mdl_kunit_pins pins;
	u8 snap[sizeof(MDL)];

	MmInitializeMdl(mdl, (PVOID)uaddr, PAGE_SIZE);
	mdl->ByteCount = 3 * PAGE_SIZE;	/* Size still counts one PFN */
	memcpy(snap, mdl, sizeof(MDL));
	mdl_kunit_pins_read(&pins);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_INVALID_PARAMETER);
	mdl_kunit_unlock_at_exit(test, mdl);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, sizeof(MDL));
	MDL_KUNIT_EXPECT_PINS(test, &pins, 0, 0);

	/* With the right Size the same caller MDL locks. */
	mdl->Size = MmSizeOfMdl((PVOID)uaddr, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_SUCCESS);
	MmUnlockPages(mdl);
	MDL_KUNIT_EXPECT_PINS(test, &pins, 3, 3);
}

struct lock_hole_case {
	const char *name;
	unsigned int hole;	/* page of the 4 unmapped */
};

static const struct lock_hole_case lock_hole_cases[] = {
	{ "first_page_unmapped", 0 },
	{ "third_page_unmapped", 2 },
	{ "last_page_unmapped", 3 },
};

KUNIT_ARRAY_PARAM_DESC(lock_hole, lock_hole_cases, name);

/*
 * A range with an unmapped page fails with STATUS_ACCESS_VIOLATION: the
 * pages pinned before the hole are released again, the MDL is unchanged.
 */
static void probe_and_lock_unmapped_page_fails(struct kunit *test)
{
	const struct lock_hole_case *c = test->param_value;
	unsigned long uaddr = mdl_kunit_user_mem(test, 4 * PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)uaddr, 4 * PAGE_SIZE);
	struct mdl_kunit_pins pins, after;
	u8 snap[sizeof(MDL)];

	mdl_kunit_fill_user(test, uaddr, 4 * PAGE_SIZE, 3);
	KUNIT_ASSERT_EQ(test, vm_munmap(uaddr + c->hole * PAGE_SIZE, PAGE_SIZE), 0);
	memcpy(snap, mdl, sizeof(MDL));
	mdl_kunit_pins_read(&pins);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_ACCESS_VIOLATION);
	mdl_kunit_unlock_at_exit(test, mdl);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, sizeof(MDL));
	mdl_kunit_pins_read(&after);
	KUNIT_EXPECT_EQ(test, after.acquired - pins.acquired,
			after.released - pins.released);
	KUNIT_EXPECT_EQ(test, after.acquired - pins.acquired, (unsigned long)c->hole);
}

/* UserMode refuses a kernel address (the buffer must be the process's). */
static void probe_and_lock_user_mode_kernel_address_fails(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	PMDL mdl;
	struct mdl_kunit_pins pins;
	u8 snap[sizeof(MDL)];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* The test needs an mm, as a process would have. */
	mdl_kunit_user_mem(test, PAGE_SIZE, PROT_READ);
	mdl = mdl_kunit_alloc_mdl(test, buf, 64);
	memcpy(snap, mdl, sizeof(MDL));
	mdl_kunit_pins_read(&pins);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_ACCESS_VIOLATION);
	mdl_kunit_unlock_at_exit(test, mdl);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, sizeof(MDL));
	MDL_KUNIT_EXPECT_PINS(test, &pins, 0, 0);
}

struct lock_bad_arg_case {
	const char *name;
	bool null_mdl;
	KPROCESSOR_MODE mode;
	LOCK_OPERATION op;
};

static const struct lock_bad_arg_case lock_bad_arg_cases[] = {
	{ "null_mdl", true, UserMode, IoReadAccess },
	{ "unknown_access_mode", false, 2, IoReadAccess },
	{ "unknown_operation", false, UserMode, (LOCK_OPERATION)3 },
};

KUNIT_ARRAY_PARAM_DESC(lock_bad_arg, lock_bad_arg_cases, name);

static void probe_and_lock_bad_argument_refused(struct kunit *test)
{
	const struct lock_bad_arg_case *c = test->param_value;
	unsigned long uaddr = mdl_kunit_user_mem(test, PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)uaddr, PAGE_SIZE);
	struct mdl_kunit_pins pins;
	u8 snap[sizeof(MDL)];

	memcpy(snap, mdl, sizeof(MDL));
	mdl_kunit_pins_read(&pins);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockPages(c->null_mdl ? NULL : mdl,
						     c->mode, c->op),
			STATUS_INVALID_PARAMETER);
	mdl_kunit_unlock_at_exit(test, mdl);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, sizeof(MDL));
	MDL_KUNIT_EXPECT_PINS(test, &pins, 0, 0);
}

/* Pins balance over many lock/unlock rounds of a large buffer. */
/*
 * Unlock unpins by runs of consecutive PFNs: every run ends where the next
 * PFN does not continue it, inside and across the blocks of eight compared
 * at once, and at the end of the array.
 */
static void unlock_pfn_runs_end_where_pfns_break(struct kunit *test)
{
	static const u32 breaks[] = { 1, 7, 8, 9, 16, 17, 40, 63 };
	PFN_NUMBER pfns[64];
	u32 b, i, n, ends;

	for (n = 1; n <= ARRAY_SIZE(pfns); n++) {
		for (i = 0; i < n; i++)
			pfns[i] = 1000 + i;
		KUNIT_EXPECT_EQ(test, mdl_pfn_run_end(pfns, 0, n), n);
		KUNIT_EXPECT_EQ(test, mdl_pfn_run_end(pfns, n - 1, n), n);
	}
	for (b = 0; b < ARRAY_SIZE(breaks); b++) {
		for (i = 0; i < ARRAY_SIZE(pfns); i++)
			pfns[i] = 5000 + i + (i >= breaks[b] ? 100 : 0);
		KUNIT_EXPECT_EQ(test, mdl_pfn_run_end(pfns, 0, 64), breaks[b]);
		KUNIT_EXPECT_EQ(test, mdl_pfn_run_end(pfns, breaks[b], 64), 64);
		/* A repeated PFN breaks it too. */
		pfns[breaks[b]] = 5000 + breaks[b] - 1;
		KUNIT_EXPECT_EQ(test, mdl_pfn_run_end(pfns, 0, 64), breaks[b]);
	}
	/* Descending PFNs: every entry is a run of its own. */
	for (i = 0; i < ARRAY_SIZE(pfns); i++)
		pfns[i] = 9000 - i;
	for (i = 0, ends = 0; i < 64; i = mdl_pfn_run_end(pfns, i, 64))
		ends++;
	KUNIT_EXPECT_EQ(test, ends, 64);
}

static void probe_and_lock_pins_balance(struct kunit *test)
{
	const ULONG npages = 64;
	unsigned long uaddr = mdl_kunit_user_mem(test, (npages + 1) * PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)(uaddr + 1), npages * PAGE_SIZE);
	struct mdl_kunit_pins pins;
	int round;

	mdl_kunit_pins_read(&pins);
	for (round = 0; round < 8; round++) {
		LOCK_OPERATION op = round & 1 ? IoWriteAccess : IoReadAccess;

		KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, op),
				STATUS_SUCCESS);
		MmUnlockPages(mdl);
	}
	MDL_KUNIT_EXPECT_PINS(test, &pins, 8 * (npages + 1), 8 * (npages + 1));
}

/*
 * IoFreeMdl of an MDL still locked and mapped (a caller error) releases the
 * pins and the mapping instead of leaking them.
 */
static void free_locked_mapped_mdl_releases_all(struct kunit *test)
{
	unsigned long uaddr = mdl_kunit_user_mem(test, 2 * PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	struct mdl_kunit_pins pins;
	PMDL mdl;
	u8 *va;

	mdl_kunit_fill_user(test, uaddr, 2 * PAGE_SIZE, 9);
	mdl = IoAllocateMdl((PVOID)(uaddr + 1), PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	mdl_kunit_pins_read(&pins);
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoWriteAccess),
			STATUS_SUCCESS);
	va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
	KUNIT_EXPECT_NOT_NULL(test, va);
	MDL_KUNIT_EXPECT_PINS(test, &pins, 2, 0);
	IoFreeMdl(mdl);
	MDL_KUNIT_EXPECT_PINS(test, &pins, 2, 2);
	if (va) {
		KUNIT_EXPECT_NULL(test, vmalloc_to_page(PAGE_ALIGN(va)));
		KUNIT_EXPECT_NULL(test, vmalloc_to_page(PAGE_ALIGN(va) + PAGE_SIZE));
	}
}

/* Non-paged memory of each kind: PFNs, flags and MappedSystemVa. */
static void build_mdl_for_nonpaged_pool(struct kunit *test)
{
	const struct lock_kernel_case *c = test->param_value;
	u8 *buf = kernel_buffer(test, c->kind);
	u8 *start = buf + 0x80;
	ULONG len = 3 * PAGE_SIZE - 0x100, i;
	ULONG npages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(start, len);
	struct mdl_kunit_pins pins;
	PMDL mdl = mdl_kunit_alloc_mdl(test, start, len);

	mdl_kunit_pins_read(&pins);
	MmBuildMdlForNonPagedPool(mdl);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags &
			   (MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA));
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, (PVOID)start);
	KUNIT_EXPECT_PTR_EQ(test, MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority),
			    (PVOID)start);
	for (i = 0; i < npages; i++)
		KUNIT_EXPECT_EQ_MSG(test, MmGetMdlPfnArray(mdl)[i],
				    kernel_pfn(PAGE_ALIGN(start) + i * PAGE_SIZE),
				    "page %u", i);
	MDL_KUNIT_EXPECT_PINS(test, &pins, 0, 0);

	/* Such an MDL is never locked afterwards. */
	KUNIT_EXPECT_EQ(test, MmTryProbeAndLockPages(mdl, KernelMode, IoReadAccess),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	/* Nor built twice. */
	KUNIT_EXPECT_EQ(test, MmTryBuildMdlForNonPagedPool(mdl),
			STATUS_INVALID_PARAMETER);
}

/* The Try form returns STATUS_SUCCESS and fills the same PFNs. */
static void try_build_mdl_for_nonpaged_pool_succeeds(struct kunit *test)
{
	u8 *buf = mdl_kunit_vmalloc(test, 2 * PAGE_SIZE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, buf, 2 * PAGE_SIZE);

	KUNIT_ASSERT_EQ(test, MmTryBuildMdlForNonPagedPool(mdl), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(mdl)[0], vmalloc_to_pfn(buf));
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(mdl)[1],
			vmalloc_to_pfn(buf + PAGE_SIZE));
	KUNIT_EXPECT_PTR_EQ(test, mdl->Process, NULL);
}

enum build_bad_kind { STACK_BUFFER, USER_ADDRESS, UNMAPPED_VMALLOC };

struct build_bad_case {
	const char *name;
	enum build_bad_kind kind;
};

static const struct build_bad_case build_bad_cases[] = {
	{ "stack_buffer", STACK_BUFFER },
	{ "user_address", USER_ADDRESS },
	{ "vunmapped_address", UNMAPPED_VMALLOC },
};

KUNIT_ARRAY_PARAM_DESC(build_bad, build_bad_cases, name);

/* Stack, user and unmapped addresses are refused, the MDL unchanged. */
static void build_mdl_for_nonpaged_pool_refused(struct kunit *test)
{
	const struct build_bad_case *c = test->param_value;
	u8 stack_buf[64] = { 1 };
	PVOID va;
	PMDL mdl;
	u8 snap[sizeof(MDL)];

	switch (c->kind) {
	case STACK_BUFFER:
		va = stack_buf;
		break;
	case USER_ADDRESS:
		va = (PVOID)mdl_kunit_user_mem(test, PAGE_SIZE, PROT_READ | PROT_WRITE);
		KUNIT_ASSERT_EQ(test, 0, clear_user((void __user *)va, 64));
		break;
	default:
		va = vmalloc(PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, va);
		vfree(va);
		break;
	}
	mdl = mdl_kunit_alloc_mdl(test, va, 64);
	memcpy(snap, mdl, sizeof(MDL));
	KUNIT_EXPECT_EQ(test, MmTryBuildMdlForNonPagedPool(mdl),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, sizeof(MDL));
	MmBuildMdlForNonPagedPool(mdl);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, sizeof(MDL));
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
	KUNIT_EXPECT_NULL(test, MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority));
}

/* A locked MDL cannot also be built from non-paged pool. */
static void build_mdl_for_nonpaged_pool_of_locked_mdl_refused(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, 128, GFP_KERNEL);
	PMDL mdl;
	size_t len;
	void *snap;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	mdl = mdl_kunit_alloc_mdl(test, buf, 128);
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, KernelMode, IoReadAccess),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	snap = mdl_kunit_snapshot(test, mdl, &len);
	KUNIT_EXPECT_EQ(test, MmTryBuildMdlForNonPagedPool(mdl),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_MEMEQ(test, mdl, snap, len);
	KUNIT_EXPECT_NULL(test, mdl->MappedSystemVa);
}

static struct kunit_case mdl_lock_cases[] = {
	KUNIT_CASE_PARAM(probe_and_lock_user_memory, lock_user_gen_params),
	KUNIT_CASE(probe_and_lock_write_reaches_user),
	KUNIT_CASE_PARAM(probe_and_lock_kernel_memory, lock_kernel_gen_params),
	KUNIT_CASE_PARAM(probe_and_lock_read_only_user_memory, lock_ro_gen_params),
	KUNIT_CASE(probe_and_lock_twice_refused),
	KUNIT_CASE(unlock_of_unlocked_mdl_refused),
	KUNIT_CASE_PARAM(probe_and_lock_bad_length_refused, lock_bad_len_gen_params),
	KUNIT_CASE(probe_and_lock_mdl_too_small_refused),
	KUNIT_CASE_PARAM(probe_and_lock_unmapped_page_fails, lock_hole_gen_params),
	KUNIT_CASE(probe_and_lock_user_mode_kernel_address_fails),
	KUNIT_CASE_PARAM(probe_and_lock_bad_argument_refused, lock_bad_arg_gen_params),
	KUNIT_CASE(probe_and_lock_pins_balance),
	KUNIT_CASE(unlock_pfn_runs_end_where_pfns_break),
	KUNIT_CASE(free_locked_mapped_mdl_releases_all),
	KUNIT_CASE_PARAM(build_mdl_for_nonpaged_pool, lock_kernel_gen_params),
	KUNIT_CASE(try_build_mdl_for_nonpaged_pool_succeeds),
	KUNIT_CASE_PARAM(build_mdl_for_nonpaged_pool_refused, build_bad_gen_params),
	KUNIT_CASE(build_mdl_for_nonpaged_pool_of_locked_mdl_refused),
	{}
};

static struct kunit_suite mdl_lock_suite = {
	.name = "mdl_lock",
	.test_cases = mdl_lock_cases,
};

kunit_test_suite(mdl_lock_suite);
