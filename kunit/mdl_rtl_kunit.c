// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_rtl": the names Windows memory code uses beside the MDL
 * routines (mdl_rtl.c) and MmTryMapLockedPagesSpecifyCache, the status
 * form of a user mapping; and the Windows-style file mdl_wdmstyle.c run
 * for real.
 *
 * KeGetCurrentIrql is read in the test's thread, under preempt_disable,
 * local_bh_disable, rcu_read_lock, spin_lock, spin_lock_irqsave and
 * local_irq_disable, in a timer (softirq) and in hard-interrupt irq_work.
 */
#include <kunit/test.h>
#include <linux/irq_work.h>
#include <linux/mman.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>

#include "mdl_internal.h"
#include "mdl_kunit.h"
#include "mdl_wdk_kunit.h"
#include "mdl_wdmstyle.h"

/* ------------------------------------------------------------------ */
/* Rtl memory routines                                                */
/* ------------------------------------------------------------------ */

struct rtl_compare_case {
	const char *name;
	SIZE_T length;
	SIZE_T differ_at;	/* index of the first differing byte, or length */
};

static const struct rtl_compare_case rtl_compare_cases[] = {
	{ "equal", 64, 64 },
	{ "first byte differs", 64, 0 },
	{ "middle byte differs", 64, 37 },
	{ "last byte differs", 64, 63 },
	{ "zero length", 0, 0 },
};

static void rtl_compare_desc(const struct rtl_compare_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rtl_compare, rtl_compare_cases, rtl_compare_desc);

/* RtlCompareMemory counts the matching leading bytes; RtlEqualMemory agrees. */
static void rtl_compare_memory(struct kunit *test)
{
	const struct rtl_compare_case *c = test->param_value;
	UCHAR *a = kunit_kzalloc(test, 64, GFP_KERNEL);
	UCHAR *b = kunit_kzalloc(test, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	wdk_fill(a, 64, 3);
	memcpy(b, a, 64);
	if (c->differ_at < c->length)
		b[c->differ_at] ^= 0x80;
	KUNIT_EXPECT_EQ(test, RtlCompareMemory(a, b, c->length), c->differ_at);
	KUNIT_EXPECT_EQ(test, (bool)RtlEqualMemory(a, b, c->length),
			c->differ_at == c->length);
}

/* Copy, overlapping move, fill and zero with the WDK's argument order. */
static void rtl_copy_move_fill_zero(struct kunit *test)
{
	UCHAR *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	UCHAR *src = kunit_kzalloc(test, 128, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, src);
	wdk_fill(src, 128, 9);
	RtlCopyMemory(buf, src, 128);
	KUNIT_EXPECT_TRUE(test, wdk_check(buf, 128, 9));
	KUNIT_EXPECT_TRUE(test, wdk_all_zero(buf + 128, 128));

	RtlMoveMemory(buf + 16, buf, 128);	/* overlapping, forward */
	KUNIT_EXPECT_TRUE(test, wdk_check(buf + 16, 128, 9));
	RtlMoveMemory(buf, buf + 16, 128);	/* overlapping, backward */
	KUNIT_EXPECT_TRUE(test, wdk_check(buf, 128, 9));

	RtlFillMemory(buf + 10, 20, 0xa5);
	for (i = 10; i < 30; i++)
		KUNIT_EXPECT_EQ(test, buf[i], 0xa5);
	KUNIT_EXPECT_NE(test, buf[9], 0xa5);
	KUNIT_EXPECT_NE(test, buf[30], 0xa5);

	RtlZeroMemory(buf, 200);
	KUNIT_EXPECT_TRUE(test, wdk_all_zero(buf, 200));
	KUNIT_EXPECT_TRUE(test, wdk_all_zero(buf + 200, 56));
}

/* The alignment macros round to the power of two given. */
static void rtl_align_macros(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ALIGN_DOWN_BY(0x1234, 0x100), 0x1200UL);
	KUNIT_EXPECT_EQ(test, ALIGN_UP_BY(0x1234, 0x100), 0x1300UL);
	KUNIT_EXPECT_EQ(test, ALIGN_UP_BY(0x1200, 0x100), 0x1200UL);
	KUNIT_EXPECT_EQ(test, ALIGN_UP_BY(1, 16), 16UL);
	KUNIT_EXPECT_EQ(test, ALIGN_DOWN_BY(15, 16), 0UL);
	KUNIT_EXPECT_PTR_EQ(test, ALIGN_UP_POINTER_BY((PVOID)0x1001, 8),
			    (PVOID)0x1008);
	KUNIT_EXPECT_PTR_EQ(test, ALIGN_DOWN_POINTER_BY((PVOID)0x1007, 8),
			    (PVOID)0x1000);
}

/* ------------------------------------------------------------------ */
/* IRQL and previous mode                                             */
/* ------------------------------------------------------------------ */

/* The test's thread may sleep: PASSIVE_LEVEL; a kernel thread: KernelMode. */
static void irql_process_context(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, KeGetCurrentIrql(), PASSIVE_LEVEL);
	KUNIT_EXPECT_EQ(test, WsCurrentIrql(), PASSIVE_LEVEL);
	KUNIT_EXPECT_EQ(test, ExGetPreviousMode(), KernelMode);
	/* Still a kernel thread with an mm of its own. */
	wdk_user_mem(test, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ExGetPreviousMode(), KernelMode);
	KUNIT_EXPECT_LT(test, PASSIVE_LEVEL, APC_LEVEL);
	KUNIT_EXPECT_LT(test, APC_LEVEL, DISPATCH_LEVEL);
	KUNIT_EXPECT_LT(test, DISPATCH_LEVEL, HIGH_LEVEL);
}

static DEFINE_SPINLOCK(irql_test_lock);

/* Atomic contexts of a thread: DISPATCH_LEVEL, or HIGH_LEVEL with IRQs off. */
static void irql_atomic_sections(struct kunit *test)
{
	unsigned long flags;
	KIRQL irql;

	preempt_disable();
	irql = KeGetCurrentIrql();
	preempt_enable();
	KUNIT_EXPECT_EQ(test, irql, DISPATCH_LEVEL);

	local_bh_disable();
	irql = KeGetCurrentIrql();
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, irql, DISPATCH_LEVEL);

	rcu_read_lock();
	irql = KeGetCurrentIrql();
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, irql, DISPATCH_LEVEL);

	spin_lock(&irql_test_lock);
	irql = KeGetCurrentIrql();
	spin_unlock(&irql_test_lock);
	KUNIT_EXPECT_EQ(test, irql, DISPATCH_LEVEL);

	spin_lock_irqsave(&irql_test_lock, flags);
	irql = KeGetCurrentIrql();
	spin_unlock_irqrestore(&irql_test_lock, flags);
	KUNIT_EXPECT_EQ(test, irql, HIGH_LEVEL);

	local_irq_disable();
	irql = WsCurrentIrql();
	local_irq_enable();
	KUNIT_EXPECT_EQ(test, irql, HIGH_LEVEL);

	KUNIT_EXPECT_EQ(test, KeGetCurrentIrql(), PASSIVE_LEVEL);
}

struct irql_probe {
	struct timer_list timer;
	struct irq_work work;
	wait_queue_head_t wq;
	KIRQL irql;
	KPROCESSOR_MODE mode;
	bool hardirq;
	bool softirq;
	bool done;
};

static void irql_record(struct irql_probe *p)
{
	p->irql = KeGetCurrentIrql();
	p->mode = ExGetPreviousMode();
	p->hardirq = in_hardirq();
	p->softirq = in_serving_softirq();
	WRITE_ONCE(p->done, true);
	wake_up(&p->wq);
}

static void irql_timer_fn(struct timer_list *t)
{
	irql_record(container_of(t, struct irql_probe, timer));
}

static void irql_work_fn(struct irq_work *w)
{
	irql_record(container_of(w, struct irql_probe, work));
}

static struct irql_probe *irql_probe_new(struct kunit *test)
{
	struct irql_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	init_waitqueue_head(&p->wq);
	return p;
}

/*
 * Wait for the callback; it ran in the context @hardirq says, at @irql.
 * No assertion: the caller cancels the timer whatever happened.
 */
static void irql_probe_expect(struct kunit *test, struct irql_probe *p,
			      bool hardirq, KIRQL irql)
{
	wait_event_timeout(p->wq, READ_ONCE(p->done), 5 * HZ);
	KUNIT_EXPECT_TRUE_MSG(test, READ_ONCE(p->done), "callback never ran");
	if (!READ_ONCE(p->done))
		return;
	KUNIT_EXPECT_EQ(test, p->hardirq, hardirq);
	KUNIT_EXPECT_EQ(test, p->softirq, !hardirq);
	KUNIT_EXPECT_EQ(test, p->irql, irql);
	KUNIT_EXPECT_EQ(test, p->mode, KernelMode);
}

/* A timer callback (softirq, where DPC work runs): DISPATCH_LEVEL. */
static void irql_softirq(struct kunit *test)
{
	struct irql_probe *p = irql_probe_new(test);

	timer_setup(&p->timer, irql_timer_fn, 0);
	mod_timer(&p->timer, jiffies + 1);
	irql_probe_expect(test, p, false, DISPATCH_LEVEL);
	timer_delete_sync(&p->timer);
}

/* Hard-interrupt irq_work: HIGH_LEVEL. */
static void irql_hardirq(struct kunit *test)
{
	struct irql_probe *p = irql_probe_new(test);

	p->work = IRQ_WORK_INIT_HARD(irql_work_fn);
	irq_work_queue(&p->work);
	irql_probe_expect(test, p, true, HIGH_LEVEL);
	irq_work_sync(&p->work);
}

/* ------------------------------------------------------------------ */
/* UNICODE_STRING and MmGetSystemRoutineAddress                       */
/* ------------------------------------------------------------------ */

static void rtl_init_unicode_string(struct kunit *test)
{
	static const WCHAR abc[] = L"abc";
	UNICODE_STRING us;
	WCHAR *longer;
	int i;

	RtlInitUnicodeString(&us, abc);
	KUNIT_EXPECT_PTR_EQ(test, (const WCHAR *)us.Buffer, &abc[0]);
	KUNIT_EXPECT_EQ(test, us.Length, 6);
	KUNIT_EXPECT_EQ(test, us.MaximumLength, 8);

	RtlInitUnicodeString(&us, L"");
	KUNIT_EXPECT_EQ(test, us.Length, 0);
	KUNIT_EXPECT_EQ(test, us.MaximumLength, 2);

	memset(&us, 0xff, sizeof(us));
	RtlInitUnicodeString(&us, NULL);
	KUNIT_EXPECT_NULL(test, us.Buffer);
	KUNIT_EXPECT_EQ(test, us.Length, 0);
	KUNIT_EXPECT_EQ(test, us.MaximumLength, 0);

	/* 40000 characters: described truncated to what a USHORT holds. */
	longer = kunit_kmalloc_array(test, 40001, sizeof(WCHAR), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, longer);
	for (i = 0; i < 40000; i++)
		longer[i] = 'x';
	longer[40000] = 0;
	RtlInitUnicodeString(&us, longer);
	KUNIT_EXPECT_EQ(test, us.Length, 65532);
	KUNIT_EXPECT_EQ(test, us.MaximumLength, 65534);
}

struct routine_case {
	const WCHAR *name;
	PVOID address;
};

#define MDL_ROUTINE(fn)	{ L"" #fn, (PVOID)fn },

static const struct routine_case routine_cases[] = {
#include "mdl_routines.h"
};

#undef MDL_ROUTINE

/* Every exported WDK routine resolves by name to its own address. */
static void routine_address_known(struct kunit *test)
{
	UNICODE_STRING us;
	size_t i, j;

	KUNIT_EXPECT_GE(test, ARRAY_SIZE(routine_cases), 78);
	for (i = 0; i < ARRAY_SIZE(routine_cases); i++) {
		RtlInitUnicodeString(&us, routine_cases[i].name);
		KUNIT_EXPECT_PTR_EQ_MSG(test, MmGetSystemRoutineAddress(&us),
					routine_cases[i].address,
					"routine %zu of the table", i);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE_MSG(test, routine_cases[i].address,
						routine_cases[j].address,
						"routines %zu and %zu", j, i);
	}
	KUNIT_EXPECT_PTR_EQ(test, WsResolve(L"MmMapLockedPagesSpecifyCache"),
			    (PVOID)MmMapLockedPagesSpecifyCache);
}

/* Unknown, Linux, misspelt, prefix and non-ASCII names resolve to NULL. */
static void routine_address_unknown(struct kunit *test)
{
	static const WCHAR counted[] = L"IoAllocateMdlXYZ";
	static const WCHAR *const unknown[] = {
		L"MmDoesNotExist", L"mdl_populate_vma", L"printk", L"kmalloc",
		L"ioallocatemdl", L"IoAllocate", L"IoAllocateMdlX", L"",
		L"IoAllocateMd\xec",
	};
	UNICODE_STRING us;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		RtlInitUnicodeString(&us, unknown[i]);
		KUNIT_EXPECT_NULL_MSG(test, MmGetSystemRoutineAddress(&us),
				      "name %zu", i);
	}
	KUNIT_EXPECT_NULL(test, MmGetSystemRoutineAddress(NULL));
	us.Buffer = NULL;
	us.Length = 8;
	KUNIT_EXPECT_NULL(test, MmGetSystemRoutineAddress(&us));

	/* A counted string needs no terminator. */
	us.Buffer = (PWCH)counted;
	us.Length = 13 * sizeof(WCHAR);
	us.MaximumLength = sizeof(counted);
	KUNIT_EXPECT_PTR_EQ(test, MmGetSystemRoutineAddress(&us),
			    (PVOID)IoAllocateMdl);
	us.Length = 12 * sizeof(WCHAR);
	KUNIT_EXPECT_NULL(test, MmGetSystemRoutineAddress(&us));
}

/* ------------------------------------------------------------------ */
/* IRPs                                                               */
/* ------------------------------------------------------------------ */

/* IoAllocateIrp gives a zeroed IRP; IoAllocateMdl chains MDLs on it. */
static void irp_carries_mdl_chain(struct kunit *test)
{
	PUCHAR buf = kunit_kzalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
	PMDL first, second, third;
	PIRP irp;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_NULL(test, IoAllocateIrp(0, FALSE));
	irp = IoAllocateIrp(1, FALSE);
	KUNIT_ASSERT_NOT_NULL(test, irp);
	KUNIT_EXPECT_EQ(test, irp->Type, 6);
	KUNIT_EXPECT_EQ(test, irp->Size, sizeof(IRP));
	KUNIT_EXPECT_NULL(test, irp->MdlAddress);
	KUNIT_EXPECT_NULL(test, irp->AssociatedIrp.SystemBuffer);
	KUNIT_EXPECT_NULL(test, irp->UserBuffer);
	KUNIT_EXPECT_EQ(test, irp->RequestorMode, KernelMode);
	KUNIT_EXPECT_EQ(test, irp->IoStatus.Status, STATUS_SUCCESS);

	first = IoAllocateMdl(buf, PAGE_SIZE, FALSE, FALSE, irp);
	KUNIT_ASSERT_NOT_NULL(test, first);
	KUNIT_EXPECT_PTR_EQ(test, irp->MdlAddress, first);
	second = IoAllocateMdl(buf + PAGE_SIZE, PAGE_SIZE, TRUE, FALSE, irp);
	KUNIT_ASSERT_NOT_NULL(test, second);
	third = IoAllocateMdl(buf + 2 * PAGE_SIZE, 100, TRUE, FALSE, irp);
	KUNIT_ASSERT_NOT_NULL(test, third);
	KUNIT_EXPECT_PTR_EQ(test, irp->MdlAddress, first);
	KUNIT_EXPECT_PTR_EQ(test, first->Next, second);
	KUNIT_EXPECT_PTR_EQ(test, second->Next, third);
	KUNIT_EXPECT_NULL(test, third->Next);
	KUNIT_EXPECT_EQ(test, WsIrpMdlCount(irp), 3U);
	WsFreeIrp(irp);
}

/* The Windows-style builder resolves IoAllocateMdl by name and chains parts. */
static void irp_built_windows_style(struct kunit *test)
{
	PUCHAR buf = kunit_kzalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
	PIRP irp;
	PMDL mdl;
	ULONG i = 0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_NULL(test, WsBuildIrp(buf, 4 * PAGE_SIZE, 0));
	irp = WsBuildIrp(buf, 4 * PAGE_SIZE, 4);
	KUNIT_ASSERT_NOT_NULL(test, irp);
	for (mdl = irp->MdlAddress; mdl; mdl = mdl->Next, i++) {
		KUNIT_EXPECT_PTR_EQ(test, MmGetMdlVirtualAddress(mdl),
				    (PVOID)(buf + i * PAGE_SIZE));
		KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), PAGE_SIZE);
	}
	KUNIT_EXPECT_EQ(test, i, 4U);
	WsFreeIrp(irp);
}

/* IoFreeIrp refuses what IoAllocateIrp did not return, and a second free. */
static void irp_free_refuses_foreign(struct kunit *test)
{
	IRP on_stack = { 0 };
	PIRP irp = IoAllocateIrp(2, TRUE);

	KUNIT_ASSERT_NOT_NULL(test, irp);
	IoFreeIrp(&on_stack);
	IoFreeIrp(NULL);
	IoFreeIrp(irp);
	IoFreeIrp(irp);		/* refused: no double free (KASAN would see it) */
}

/* ------------------------------------------------------------------ */
/* ProbeForRead / ProbeForWrite                                       */
/* ------------------------------------------------------------------ */

static void probe_good_ranges(struct kunit *test)
{
	unsigned long uaddr = wdk_user_mem(test, 4 * PAGE_SIZE);
	PVOID u = (PVOID)uaddr;

	KUNIT_EXPECT_EQ(test, TryProbeForRead(u, 4 * PAGE_SIZE, 1), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, TryProbeForRead(u + 8, 100, 8), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, TryProbeForRead(u + 16, 16, 16), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, TryProbeForWrite(u, 4 * PAGE_SIZE, 4), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, TryProbeForWrite(u + PAGE_SIZE + 2, 10, 2),
			STATUS_SUCCESS);
	/* Length 0 checks nothing, as on Windows. */
	KUNIT_EXPECT_EQ(test, TryProbeForRead(test, 0, 3), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, TryProbeForWrite(NULL, 0, 1), STATUS_SUCCESS);
	/* The Windows forms return on good ranges. */
	ProbeForRead(u, PAGE_SIZE, 4);
	ProbeForWrite(u, PAGE_SIZE, 4);
}

/* ProbeForWrite faults pages in for writing without changing a byte. */
static void probe_write_keeps_data(struct kunit *test)
{
	unsigned long uaddr = wdk_user_mem(test, 3 * PAGE_SIZE);

	wdk_fill_user(test, uaddr, 3 * PAGE_SIZE, 77);
	KUNIT_EXPECT_EQ(test, TryProbeForWrite((PVOID)uaddr, 3 * PAGE_SIZE, 1),
			STATUS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, uaddr, 3 * PAGE_SIZE, 77));
}

static void probe_bad_ranges(struct kunit *test)
{
	unsigned long uaddr = wdk_user_mem(test, 2 * PAGE_SIZE);
	unsigned long ro = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ,
					 MAP_ANONYMOUS | MAP_PRIVATE, 0);
	unsigned long gone = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
					   PROT_READ | PROT_WRITE,
					   MAP_ANONYMOUS | MAP_PRIVATE, 0);
	PVOID kbuf = kunit_kzalloc(test, 64, GFP_KERNEL);
	PVOID u = (PVOID)uaddr;

	KUNIT_ASSERT_NE(test, ro, 0);
	KUNIT_ASSERT_NE(test, gone, 0);
	KUNIT_ASSERT_NOT_NULL(test, kbuf);
	KUNIT_ASSERT_EQ(test, vm_munmap(gone, PAGE_SIZE), 0);

	KUNIT_EXPECT_EQ(test, TryProbeForRead(u + 1, 8, 4),
			STATUS_DATATYPE_MISALIGNMENT);
	KUNIT_EXPECT_EQ(test, TryProbeForWrite(u + 2, 8, 8),
			STATUS_DATATYPE_MISALIGNMENT);
	KUNIT_EXPECT_EQ(test, TryProbeForRead(u, 8, 3), STATUS_DATATYPE_MISALIGNMENT);
	KUNIT_EXPECT_EQ(test, TryProbeForRead(u, 8, 0), STATUS_DATATYPE_MISALIGNMENT);
	KUNIT_EXPECT_EQ(test, TryProbeForRead(u, 8, 32), STATUS_DATATYPE_MISALIGNMENT);
	KUNIT_EXPECT_EQ(test, TryProbeForRead(kbuf, 64, 1), STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, TryProbeForWrite(kbuf, 64, 1), STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, TryProbeForRead(u, ~0UL - uaddr + 2, 1),
			STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, TryProbeForRead((PVOID)(TASK_SIZE - PAGE_SIZE),
					      2 * PAGE_SIZE, 1),
			STATUS_ACCESS_VIOLATION);
	/* Writable memory must be mapped writable: read-only and unmapped fail. */
	KUNIT_EXPECT_EQ(test, TryProbeForWrite((PVOID)ro, PAGE_SIZE, 1),
			STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, TryProbeForWrite((PVOID)gone, 16, 1),
			STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_EQ(test, TryProbeForWrite(u + PAGE_SIZE, 2 * PAGE_SIZE, 1),
			STATUS_ACCESS_VIOLATION);
	/* ProbeForRead checks the range only, as on Windows. */
	KUNIT_EXPECT_EQ(test, TryProbeForRead((PVOID)ro, PAGE_SIZE, 1),
			STATUS_SUCCESS);
	/* The Windows forms log and return. */
	ProbeForRead(kbuf, 64, 1);
	ProbeForWrite((PVOID)ro, PAGE_SIZE, 1);
}

/* ------------------------------------------------------------------ */
/* MmTryMapLockedPagesSpecifyCache                                    */
/* ------------------------------------------------------------------ */

/* The status form with the arguments in the order of the Windows form. */
static NTSTATUS try_map(PMDL mdl, KPROCESSOR_MODE mode, MEMORY_CACHING_TYPE cache,
			PVOID requested, ULONG priority, PVOID *va)
{
	return MmTryMapLockedPagesSpecifyCache(mdl, mode, cache, requested,
					       priority, va);
}

/* A locked user buffer mapped a second time into the process, with a status. */
static void try_map_user_success(struct kunit *test)
{
	unsigned long uaddr = wdk_user_mem(test, 2 * PAGE_SIZE);
	struct mdl_kunit_pins before;
	WS_CAPTURE cap;
	PVOID uva = NULL;

	mdl_kunit_pins_read(&before);
	wdk_fill_user(test, uaddr, 2 * PAGE_SIZE, 41);
	KUNIT_ASSERT_EQ(test, WsCaptureUserBuffer((PVOID)(uaddr + 0x30),
						  PAGE_SIZE, &cap), STATUS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, cap.Mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	KUNIT_EXPECT_EQ(test, WsMapCaptureToUser(&cap, UserMode), STATUS_SUCCESS);
	uva = cap.UserVa;
	KUNIT_ASSERT_NOT_NULL(test, uva);
	KUNIT_EXPECT_NE(test, (unsigned long)uva, uaddr + 0x30);
	KUNIT_EXPECT_EQ(test, (unsigned long)uva & (PAGE_SIZE - 1), 0x30UL);
	KUNIT_EXPECT_LT(test, (unsigned long)uva, (unsigned long)TASK_SIZE);
	/* Both user addresses and the system address see the same bytes. */
	wdk_fill(cap.SystemVa, PAGE_SIZE, 42);
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, (unsigned long)uva,
					       PAGE_SIZE, 42));
	KUNIT_EXPECT_TRUE(test, wdk_user_holds(test, uaddr + 0x30, PAGE_SIZE, 42));
	/* The system mapping exists already: a second is refused. */
	KUNIT_EXPECT_EQ(test, WsMapCaptureToUser(&cap, KernelMode),
			STATUS_INVALID_PARAMETER_1);
	WsReleaseCapture(&cap);
	MDL_KUNIT_EXPECT_PINS(test, &before, 2, 2);
}

/* Each bad argument has its own status; nothing is mapped or changed. */
static void try_map_bad_arguments(struct kunit *test)
{
	unsigned long uaddr = wdk_user_mem(test, PAGE_SIZE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)uaddr, PAGE_SIZE);
	const ULONG prio = NormalPagePriority;
	PVOID va = (PVOID)1;
	size_t len;
	void *snap;

	KUNIT_EXPECT_EQ(test, try_map(NULL, UserMode, MmCached, NULL, prio, &va),
			STATUS_INVALID_PARAMETER_1);
	KUNIT_EXPECT_NULL(test, va);
	/* Not locked. */
	KUNIT_EXPECT_EQ(test, try_map(mdl, UserMode, MmCached, NULL, prio, &va),
			STATUS_INVALID_PARAMETER_1);
	KUNIT_EXPECT_EQ(test, try_map(mdl, KernelMode, MmCached, NULL, prio, &va),
			STATUS_INVALID_PARAMETER_1);

	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoWriteAccess),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	snap = mdl_kunit_snapshot(test, mdl, &len);
	KUNIT_EXPECT_EQ(test, try_map(mdl, 7, MmCached, NULL, prio, &va),
			STATUS_INVALID_PARAMETER_2);
	KUNIT_EXPECT_EQ(test, try_map(mdl, UserMode, 42, NULL, prio, &va),
			STATUS_INVALID_PARAMETER_3);
	KUNIT_EXPECT_EQ(test, try_map(mdl, KernelMode, MmNotMapped, NULL, prio, &va),
			STATUS_INVALID_PARAMETER_3);
	KUNIT_EXPECT_EQ(test, try_map(mdl, KernelMode, MmCached, (PVOID)uaddr, prio, &va),
			STATUS_INVALID_PARAMETER_4);
	KUNIT_EXPECT_EQ(test, try_map(mdl, UserMode, MmCached, NULL, 5, &va),
			STATUS_INVALID_PARAMETER_5);
	/* Guard PTEs are a kernel-mapping flag. */
	KUNIT_EXPECT_EQ(test, try_map(mdl, UserMode, MmCached, NULL,
				      prio | MdlMappingWithGuardPtes, &va),
			STATUS_INVALID_PARAMETER_5);
	KUNIT_EXPECT_EQ(test, try_map(mdl, UserMode, MmCached, NULL, prio, NULL),
			STATUS_INVALID_PARAMETER_6);
	KUNIT_EXPECT_NULL(test, va);
	KUNIT_EXPECT_EQ(test, memcmp(snap, mdl, len), 0);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
}

/* Pages locked for reading are never mapped writable into a process. */
static void try_map_user_read_only_pages(struct kunit *test)
{
	unsigned long uaddr = wdk_user_mem(test, PAGE_SIZE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, (PVOID)uaddr, PAGE_SIZE);
	const ULONG prio = NormalPagePriority;
	PVOID va = NULL;

	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, UserMode, IoReadAccess),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	KUNIT_EXPECT_EQ(test, try_map(mdl, UserMode, MmCached, NULL, prio, &va),
			STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_NULL(test, va);
	KUNIT_ASSERT_EQ(test, try_map(mdl, UserMode, MmCached, NULL,
				      prio | MdlMappingNoWrite, &va),
			STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, va);
	MmUnmapLockedPages(va, mdl);
}

/* Slab memory is never mapped into a process: STATUS_NOT_SUPPORTED. */
static void try_map_user_slab_refused(struct kunit *test)
{
	char *slab = kunit_kzalloc(test, 256, GFP_KERNEL);
	const ULONG prio = NormalPagePriority;
	PMDL mdl;
	PVOID va = (PVOID)1;

	KUNIT_ASSERT_NOT_NULL(test, slab);
	wdk_user_mem(test, PAGE_SIZE);
	mdl = mdl_kunit_alloc_mdl(test, slab, 256);
	KUNIT_ASSERT_EQ(test, MmTryBuildMdlForNonPagedPool(mdl), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, try_map(mdl, UserMode, MmCached, NULL, prio, &va),
			STATUS_NOT_SUPPORTED);
	KUNIT_EXPECT_NULL(test, va);
	/* The Windows form returns NULL for the same call. */
	va = MmMapLockedPagesSpecifyCache(mdl, UserMode, MmCached, NULL, FALSE, prio);
	KUNIT_EXPECT_NULL(test, va);
}

/* A kernel mapping with guard PTEs, released by MmUnmapLockedPages. */
static void try_map_kernel_guard_ptes(struct kunit *test)
{
	PUCHAR buf = mdl_kunit_vmalloc(test, 2 * PAGE_SIZE);
	PMDL mdl = mdl_kunit_alloc_mdl(test, buf + 5, PAGE_SIZE);
	const ULONG prio = HighPagePriority | MdlMappingWithGuardPtes;
	PUCHAR va = NULL;

	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(mdl, KernelMode, IoWriteAccess),
			STATUS_SUCCESS);
	mdl_kunit_unlock_at_exit(test, mdl);
	wdk_fill(buf + 5, PAGE_SIZE, 8);
	KUNIT_ASSERT_EQ(test, try_map(mdl, KernelMode, MmCached, NULL, prio, (PVOID *)&va),
			STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_PTR_EQ(test, (PVOID)va, mdl->MappedSystemVa);
	KUNIT_EXPECT_PTR_EQ(test, MmGetSystemAddressForMdl(mdl), (PVOID)va);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, PAGE_SIZE, 8));
	KUNIT_EXPECT_TRUE(test, (mdl->MdlFlags & MDL_MAPPING_FLAGS) ==
			  (MDL_MAPPED_TO_SYSTEM_VA | MDL_PAGES_LOCKED));
	MmUnmapLockedPages(va, mdl);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
	/* The old macro maps when nothing is mapped yet. */
	va = MmGetSystemAddressForMdl(mdl);
	KUNIT_ASSERT_NOT_NULL(test, va);
	KUNIT_EXPECT_TRUE(test, wdk_check(va, PAGE_SIZE, 8));
	mdl_kunit_unmap_at_exit(test, mdl, va);
}

/* The Windows-style Rtl checks all hold. */
static void wdmstyle_memory(struct kunit *test)
{
	PUCHAR scratch = kunit_kzalloc(test, 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, scratch);
	KUNIT_EXPECT_EQ(test, WsMemoryChecks(scratch, 64), 5UL);
	KUNIT_EXPECT_EQ(test, WsMemoryChecks(scratch, 8), 0UL);
}

/* The Windows-style capture refuses a kernel buffer before touching it. */
static void wdmstyle_capture_refuses_kernel(struct kunit *test)
{
	PVOID kbuf = kunit_kzalloc(test, 64, GFP_KERNEL);
	WS_CAPTURE cap;

	KUNIT_ASSERT_NOT_NULL(test, kbuf);
	KUNIT_EXPECT_EQ(test, WsCaptureUserBuffer(kbuf, 64, &cap),
			STATUS_ACCESS_VIOLATION);
	KUNIT_EXPECT_NULL(test, cap.Mdl);
}

static struct kunit_case mdl_rtl_cases[] = {
	KUNIT_CASE_PARAM(rtl_compare_memory, rtl_compare_gen_params),
	KUNIT_CASE(rtl_copy_move_fill_zero),
	KUNIT_CASE(rtl_align_macros),
	KUNIT_CASE(irql_process_context),
	KUNIT_CASE(irql_atomic_sections),
	KUNIT_CASE(irql_softirq),
	KUNIT_CASE(irql_hardirq),
	KUNIT_CASE(rtl_init_unicode_string),
	KUNIT_CASE(routine_address_known),
	KUNIT_CASE(routine_address_unknown),
	KUNIT_CASE(irp_carries_mdl_chain),
	KUNIT_CASE(irp_built_windows_style),
	KUNIT_CASE(irp_free_refuses_foreign),
	KUNIT_CASE(probe_good_ranges),
	KUNIT_CASE(probe_write_keeps_data),
	KUNIT_CASE(probe_bad_ranges),
	KUNIT_CASE(try_map_user_success),
	KUNIT_CASE(try_map_bad_arguments),
	KUNIT_CASE(try_map_user_read_only_pages),
	KUNIT_CASE(try_map_user_slab_refused),
	KUNIT_CASE(try_map_kernel_guard_ptes),
	KUNIT_CASE(wdmstyle_memory),
	KUNIT_CASE(wdmstyle_capture_refuses_kernel),
	{}
};

static struct kunit_suite mdl_rtl_suite = {
	.name = "mdl_rtl",
	.test_cases = mdl_rtl_cases,
};

kunit_test_suite(mdl_rtl_suite);
