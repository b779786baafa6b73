// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_alloc": IoAllocateMdl (with IRP chaining), IoFreeMdl,
 * MmSizeOfMdl, MmCreateMdl, MmInitializeMdl, the address macros, the
 * MmGetMdl* accessors and the MDL's WDK layout.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/stddef.h>

#include "mdl_internal.h"
#include "mdl_kunit.h"

/* A user-looking address nothing is mapped at: IoAllocateMdl never touches it. */
#define MDL_KUNIT_FAKE_VA	0x10000000UL

struct mdl_geometry_case {
	const char *name;
	unsigned long offset;	/* from a page boundary */
	ULONG length;
	ULONG pages;		/* pages spanned, by hand */
};

static const struct mdl_geometry_case mdl_geometry_cases[] = {
	{ "one_byte", 0, 1, 1 },
	{ "one_page_aligned", 0, PAGE_SIZE, 1 },
	{ "one_page_at_offset_1", 1, PAGE_SIZE, 2 },
	{ "two_bytes_across_boundary", PAGE_SIZE - 1, 2, 2 },
	{ "three_pages_at_offset_100", 100, 3 * PAGE_SIZE, 4 },
	{ "largest_mdl", 0, MDL_MAX_BYTE_COUNT, MDL_MAX_BYTE_COUNT / PAGE_SIZE },
};

KUNIT_ARRAY_PARAM_DESC(mdl_geometry, mdl_geometry_cases, name);

/* IoAllocateMdl describes the buffer without touching it. */
static void io_allocate_mdl_describes_buffer(struct kunit *test)
{
	const struct mdl_geometry_case *c = test->param_value;
	PVOID va = (PVOID)(MDL_KUNIT_FAKE_VA + c->offset);
	PMDL mdl = mdl_kunit_alloc_mdl(test, va, c->length);

	KUNIT_EXPECT_PTR_EQ(test, mdl->Next, NULL);
	KUNIT_EXPECT_PTR_EQ(test, mdl->StartVa, (PVOID)MDL_KUNIT_FAKE_VA);
	KUNIT_EXPECT_EQ(test, mdl->ByteOffset, (ULONG)c->offset);
	KUNIT_EXPECT_EQ(test, mdl->ByteCount, c->length);
	KUNIT_EXPECT_EQ(test, mdl->MdlFlags & ~MDL_ALLOCATED_FIXED_SIZE, 0);
	KUNIT_EXPECT_PTR_EQ(test, mdl->Process, NULL);
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, NULL);
	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlVirtualAddress(mdl), va);
	KUNIT_EXPECT_EQ(test, (size_t)(u16)mdl->Size,
			(size_t)(u16)(sizeof(MDL) + c->pages * sizeof(PFN_NUMBER)));
	KUNIT_EXPECT_EQ(test, ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, c->length), c->pages);
}

struct mdl_bad_range_case {
	const char *name;
	unsigned long va;
	ULONG length;
};

static const struct mdl_bad_range_case mdl_bad_range_cases[] = {
	{ "zero_length", MDL_KUNIT_FAKE_VA, 0 },
	{ "above_max_byte_count", MDL_KUNIT_FAKE_VA, MDL_MAX_BYTE_COUNT + 1 },
	{ "wraps_address_space", ULONG_MAX - 10, 100 },
};

KUNIT_ARRAY_PARAM_DESC(mdl_bad_range, mdl_bad_range_cases, name);

/* A refused range returns NULL and leaves the IRP alone. */
static void io_allocate_mdl_refuses_bad_range(struct kunit *test)
{
	const struct mdl_bad_range_case *c = test->param_value;
	PMDL head = mdl_kunit_alloc_mdl(test, (PVOID)MDL_KUNIT_FAKE_VA, 10);
	IRP irp = { .MdlAddress = head };

	KUNIT_EXPECT_NULL(test, IoAllocateMdl((PVOID)c->va, c->length, FALSE,
					      FALSE, &irp));
	KUNIT_EXPECT_PTR_EQ(test, irp.MdlAddress, head);
	KUNIT_EXPECT_NULL(test, IoAllocateMdl((PVOID)c->va, c->length, TRUE,
					      FALSE, &irp));
	KUNIT_EXPECT_PTR_EQ(test, irp.MdlAddress, head);
	KUNIT_EXPECT_PTR_EQ(test, head->Next, NULL);
	KUNIT_EXPECT_NULL(test, MmCreateMdl(NULL, (PVOID)c->va, c->length));
}

/* SecondaryBuffer FALSE makes the MDL the IRP's (only) buffer. */
static void io_allocate_mdl_primary_sets_irp_mdladdress(struct kunit *test)
{
	IRP irp = { };
	PMDL mdl;

	mdl = IoAllocateMdl((PVOID)MDL_KUNIT_FAKE_VA, PAGE_SIZE, FALSE, FALSE, &irp);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_EXPECT_PTR_EQ(test, irp.MdlAddress, mdl);
	KUNIT_EXPECT_PTR_EQ(test, mdl->Next, NULL);
	IoFreeMdl(mdl);
}

/* SecondaryBuffer TRUE appends to the end of the chain, in order. */
static void io_allocate_mdl_secondary_appends_to_chain(struct kunit *test)
{
	IRP irp = { };
	PMDL first, second, third;

	first = IoAllocateMdl((PVOID)MDL_KUNIT_FAKE_VA, 100, FALSE, FALSE, &irp);
	KUNIT_ASSERT_NOT_NULL(test, first);
	second = IoAllocateMdl((PVOID)(MDL_KUNIT_FAKE_VA + PAGE_SIZE), 200, TRUE,
			       FALSE, &irp);
	KUNIT_ASSERT_NOT_NULL(test, second);
	third = IoAllocateMdl((PVOID)(MDL_KUNIT_FAKE_VA + 2 * PAGE_SIZE), 300,
			      TRUE, FALSE, &irp);
	KUNIT_ASSERT_NOT_NULL(test, third);

	KUNIT_EXPECT_PTR_EQ(test, irp.MdlAddress, first);
	KUNIT_EXPECT_PTR_EQ(test, first->Next, second);
	KUNIT_EXPECT_PTR_EQ(test, second->Next, third);
	KUNIT_EXPECT_PTR_EQ(test, third->Next, NULL);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(irp.MdlAddress->Next->Next), 300);

	/* IoFreeMdl frees one MDL: the rest of the chain stays usable. */
	IoFreeMdl(first);
	KUNIT_EXPECT_PTR_EQ(test, second->Next, third);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(second), 200);
	IoFreeMdl(second);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(third), 300);
	IoFreeMdl(third);
}

/* SecondaryBuffer TRUE on an IRP without buffer starts the chain. */
static void io_allocate_mdl_secondary_on_empty_irp(struct kunit *test)
{
	IRP irp = { };
	PMDL mdl;

	mdl = IoAllocateMdl((PVOID)MDL_KUNIT_FAKE_VA, 10, TRUE, FALSE, &irp);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_EXPECT_PTR_EQ(test, irp.MdlAddress, mdl);
	IoFreeMdl(mdl);
}

/* ChargeQuota is ignored; without an IRP nothing is chained. */
static void io_allocate_mdl_charge_quota_ignored(struct kunit *test)
{
	PMDL mdl = IoAllocateMdl((PVOID)MDL_KUNIT_FAKE_VA, 10, TRUE, TRUE, NULL);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), 10);
	KUNIT_EXPECT_PTR_EQ(test, mdl->Next, NULL);
	IoFreeMdl(mdl);
}

/*
 * IoFreeMdl(NULL) does nothing, and an MDL mdl.ko did not allocate is not
 * freed (KASAN would report the double free below if it were).
 */
static void io_free_mdl_refuses_foreign_mdl(struct kunit *test)
{
	PMDL mdl = kzalloc(MmSizeOfMdl((PVOID)MDL_KUNIT_FAKE_VA, 10), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	IoFreeMdl(NULL);
	MmInitializeMdl(mdl, (PVOID)MDL_KUNIT_FAKE_VA, 10);
	IoFreeMdl(mdl);
	KUNIT_EXPECT_EQ(test, mdl->ByteCount, 10);
	kfree(mdl);
}

/* IoFreeMdl of one MDL does not free the MDLs chained after it. */
static void io_free_mdl_frees_one_not_chain(struct kunit *test)
{
	PMDL head = IoAllocateMdl((PVOID)MDL_KUNIT_FAKE_VA, 10, FALSE, FALSE, NULL);
	PMDL tail = mdl_kunit_alloc_mdl(test, (PVOID)MDL_KUNIT_FAKE_VA, 20);

	KUNIT_ASSERT_NOT_NULL(test, head);
	head->Next = tail;
	IoFreeMdl(head);
	/* tail is freed at exit: a use after free there would show in KASAN. */
	KUNIT_EXPECT_EQ(test, tail->ByteCount, 20);
}

#define MDL_KUNIT_TABLE_MDLS	512

/* Does the table lead @mdl to a state of its own? */
static bool mdl_kunit_has_own_state(PMDL mdl, bool owned)
{
	struct mdl_ext *ext = mdl_ext_find(mdl);

	return ext && ext->mdl == mdl && ext->owned == owned;
}

/*
 * The table leads every live MDL to its own state while the entries of
 * freed MDLs are reused under others (their cache is SLAB_TYPESAFE_BY_RCU),
 * and a caller's MDL has a state only while it holds something.
 */
static void mdl_table_follows_reused_entries(struct kunit *test)
{
	PMDL *m = kunit_kcalloc(test, MDL_KUNIT_TABLE_MDLS, sizeof(*m),
				GFP_KERNEL);
	void *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	PMDL raw = mdl_kunit_raw_mdl(test, 1);
	unsigned int i, round, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < MDL_KUNIT_TABLE_MDLS; i++) {
		m[i] = IoAllocateMdl((PVOID)MDL_KUNIT_FAKE_VA,
				     (i % 8 + 1) * PAGE_SIZE, FALSE, FALSE, NULL);
		KUNIT_ASSERT_NOT_NULL(test, m[i]);
	}
	for (round = 0; round < 4; round++) {
		/* Free every other MDL and allocate one in its place. */
		for (i = round & 1; i < MDL_KUNIT_TABLE_MDLS; i += 2) {
			IoFreeMdl(m[i]);
			m[i] = IoAllocateMdl((PVOID)MDL_KUNIT_FAKE_VA,
					     (round + i % 8 + 1) * PAGE_SIZE,
					     FALSE, FALSE, NULL);
			KUNIT_ASSERT_NOT_NULL(test, m[i]);
		}
		for (i = 0; i < MDL_KUNIT_TABLE_MDLS; i++)
			bad += !mdl_kunit_has_own_state(m[i], true);
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	for (i = 0; i < MDL_KUNIT_TABLE_MDLS; i++)
		IoFreeMdl(m[i]);

	MmInitializeMdl(raw, buf, PAGE_SIZE);
	KUNIT_EXPECT_NULL(test, mdl_ext_find(raw));
	KUNIT_ASSERT_EQ(test, MmTryProbeAndLockPages(raw, KernelMode,
						     IoWriteAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, mdl_kunit_has_own_state(raw, false));
	MmUnlockPages(raw);
	KUNIT_EXPECT_NULL(test, mdl_ext_find(raw));
}

/*
 * An MDL of mdl_alloc_private() (the locks of /dev/mdl) is never in the
 * table: its owner locks, builds parts of and frees it through the state
 * before it, and a large one (vmalloc) is freed the same way.
 */
static void mdl_private_stays_out_of_table(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	PMDL mdl, part, big;
	struct mdl_ext *ext;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	mdl = mdl_alloc_private(buf, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	ext = mdl_owned_ext(mdl);
	KUNIT_EXPECT_PTR_EQ(test, ext->mdl, mdl);
	KUNIT_EXPECT_TRUE(test, ext->owned);
	KUNIT_EXPECT_NULL(test, mdl_ext_find(mdl));
	KUNIT_ASSERT_EQ(test, mdl_lock_owned(mdl, KernelMode, IoWriteAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_EQ(test, ext->nheld, 2);
	KUNIT_EXPECT_NULL(test, mdl_ext_find(mdl));
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(mdl)[1],
			page_to_pfn(virt_to_page(buf + PAGE_SIZE)));

	part = IoAllocateMdl(buf + PAGE_SIZE, PAGE_SIZE, FALSE, FALSE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, part);
	IoBuildPartialMdl(mdl, part, buf + PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, part->MdlFlags & MDL_PARTIAL);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(part)[0],
			MmGetMdlPfnArray(mdl)[1]);
	IoFreeMdl(part);

	mdl_unlock(ext);
	KUNIT_EXPECT_FALSE(test, mdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_EQ(test, ext->hold, MDL_HOLD_NONE);
	mdl_release_all(ext);
	mdl_free_owned(ext);

	big = mdl_alloc_private((PVOID)MDL_KUNIT_FAKE_VA, SZ_64M, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(mdl_owned_ext(big)));
	KUNIT_EXPECT_NULL(test, mdl_ext_find(big));
	KUNIT_EXPECT_EQ(test, mdl_owned_ext(big)->capacity, SZ_64M / PAGE_SIZE);
	mdl_free_owned(mdl_owned_ext(big));
}

/*
 * An MDL of mdl_init_private() lives in its owner's memory: it locks and
 * unlocks as any other, and mdl_free_owned() leaves that memory to the
 * owner (freeing it there would be a double free at the kfree() below).
 */
static void mdl_private_in_owner_memory(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
	size_t size = mdl_private_size(buf + 1, 2 * PAGE_SIZE);
	void *mem = kzalloc(size, GFP_KERNEL);
	struct mdl_ext *ext;
	PMDL mdl;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	KUNIT_EXPECT_EQ(test, size, sizeof(struct mdl_ext) + sizeof(MDL) +
			3 * sizeof(PFN_NUMBER));
	KUNIT_EXPECT_EQ(test, mdl_private_size(buf, 0), 0);
	mdl = mdl_init_private(mem, buf + 1, 2 * PAGE_SIZE);
	ext = mdl_owned_ext(mdl);
	KUNIT_EXPECT_PTR_EQ(test, (void *)ext, mem);
	KUNIT_EXPECT_TRUE(test, ext->embedded);
	KUNIT_EXPECT_EQ(test, ext->capacity, 3);
	KUNIT_EXPECT_NULL(test, mdl_ext_find(mdl));
	KUNIT_ASSERT_EQ(test, mdl_lock_owned(mdl, KernelMode, IoReadAccess),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, MmGetMdlPfnArray(mdl)[2],
			page_to_pfn(virt_to_page(buf + 2 * PAGE_SIZE)));
	mdl_unlock(ext);
	mdl_release_all(ext);
	mdl_free_owned(ext);
	kfree(mem);
}

struct mdl_size_case {
	const char *name;
	unsigned long offset;
	SIZE_T length;
	SIZE_T pages;
};

static const struct mdl_size_case mdl_size_cases[] = {
	{ "zero_length", 0, 0, 0 },
	{ "one_byte", 0, 1, 1 },
	{ "last_byte_of_page", PAGE_SIZE - 1, 1, 1 },
	{ "page_at_offset_1", 1, PAGE_SIZE, 2 },
	{ "ten_pages_at_half_page", PAGE_SIZE / 2, 10 * PAGE_SIZE, 11 },
	{ "sixteen_aligned_pages", 0, 16 * PAGE_SIZE, 16 },
};

KUNIT_ARRAY_PARAM_DESC(mdl_size, mdl_size_cases, name);

/* MmSizeOfMdl = header + one PFN per spanned page. */
static void mm_size_of_mdl_counts_spanned_pages(struct kunit *test)
{
	const struct mdl_size_case *c = test->param_value;
	PVOID va = (PVOID)(MDL_KUNIT_FAKE_VA + 5 * PAGE_SIZE + c->offset);

	KUNIT_EXPECT_EQ(test, MmSizeOfMdl(va, c->length),
			(SIZE_T)48 + c->pages * 8);
}

/* MmCreateMdl(NULL, ...) allocates an MDL that IoFreeMdl frees. */
static void mm_create_mdl_allocates(struct kunit *test)
{
	PVOID va = (PVOID)(MDL_KUNIT_FAKE_VA + 0x123);
	PMDL mdl = MmCreateMdl(NULL, va, 2 * PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, mdl);
	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlBaseVa(mdl), (PVOID)MDL_KUNIT_FAKE_VA);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteOffset(mdl), 0x123);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, (SIZE_T)mdl->Size, MmSizeOfMdl(va, 2 * PAGE_SIZE));
	IoFreeMdl(mdl);
}

/* MmCreateMdl(Mdl, ...) initialises the caller's memory in place. */
static void mm_create_mdl_initializes_caller_memory(struct kunit *test)
{
	PMDL mem = mdl_kunit_raw_mdl(test, 3);
	PVOID va = (PVOID)(MDL_KUNIT_FAKE_VA + PAGE_SIZE - 8);

	memset(mem, 0x5a, sizeof(MDL));
	KUNIT_EXPECT_PTR_EQ(test, MmCreateMdl(mem, va, PAGE_SIZE), mem);
	KUNIT_EXPECT_PTR_EQ(test, mem->Next, NULL);
	KUNIT_EXPECT_EQ(test, mem->MdlFlags, 0);
	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlVirtualAddress(mem), va);
	KUNIT_EXPECT_EQ(test, (SIZE_T)mem->Size, MmSizeOfMdl(va, PAGE_SIZE));
}

/* A refused MmCreateMdl leaves the caller's memory alone. */
static void mm_create_mdl_refusal_leaves_memory(struct kunit *test)
{
	PMDL mem = mdl_kunit_raw_mdl(test, 1);
	u8 before[sizeof(MDL)];

	memset(mem, 0xa5, sizeof(MDL));
	memcpy(before, mem, sizeof(MDL));
	KUNIT_EXPECT_NULL(test, MmCreateMdl(mem, (PVOID)MDL_KUNIT_FAKE_VA, 0));
	KUNIT_EXPECT_NULL(test, MmCreateMdl(mem, (PVOID)(ULONG_MAX - 1), 10));
	KUNIT_EXPECT_MEMEQ(test, mem, before, sizeof(MDL));
}

/* MmInitializeMdl sets the geometry and keeps Process and MappedSystemVa. */
static void mm_initialize_mdl_keeps_process_and_mapping(struct kunit *test)
{
	PMDL mdl = mdl_kunit_raw_mdl(test, 4);
	PVOID va = (PVOID)(MDL_KUNIT_FAKE_VA + 3 * PAGE_SIZE + 0x321);
	PVOID process = (PVOID)0x1234000UL, mapped = (PVOID)0x5678000UL;

	mdl->Next = (PMDL)0xdeadbeefUL;
	mdl->MdlFlags = MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA;
	mdl->Process = process;
	mdl->MappedSystemVa = mapped;
	MmInitializeMdl(mdl, va, 2 * PAGE_SIZE);

	KUNIT_EXPECT_PTR_EQ(test, mdl->Next, NULL);
	KUNIT_EXPECT_EQ(test, mdl->MdlFlags, 0);
	KUNIT_EXPECT_PTR_EQ(test, (PVOID)mdl->Process, process);
	KUNIT_EXPECT_PTR_EQ(test, mdl->MappedSystemVa, mapped);
	KUNIT_EXPECT_PTR_EQ(test, mdl->StartVa,
			    (PVOID)(MDL_KUNIT_FAKE_VA + 3 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, mdl->ByteOffset, 0x321);
	KUNIT_EXPECT_EQ(test, mdl->ByteCount, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mdl->Size, (CSHORT)(48 + 3 * 8));
}

struct mdl_macro_case {
	const char *name;
	unsigned long va;
	unsigned long size;
	unsigned long byte_offset;
	unsigned long page_align;
	unsigned long round_to_pages;
	unsigned long bytes_to_pages;
	unsigned long span_pages;
};

#define P PAGE_SIZE
static const struct mdl_macro_case mdl_macro_cases[] = {
	{ "aligned_zero", 4 * P, 0, 0, 4 * P, 0, 0, 0 },
	{ "aligned_one_byte", 4 * P, 1, 0, 4 * P, P, 1, 1 },
	{ "last_byte_of_page", 4 * P + P - 1, 1, P - 1, 4 * P, P, 1, 1 },
	{ "straddles_boundary", 4 * P + P - 1, 2, P - 1, 4 * P, P, 1, 2 },
	{ "exact_page_at_offset", 7 * P + 16, P, 16, 7 * P, P, 1, 2 },
	{ "page_plus_one", 9 * P, P + 1, 0, 9 * P, 2 * P, 2, 2 },
	{ "many_pages_misaligned", 2 * P + 100, 5 * P + 50, 100, 2 * P,
	  6 * P, 6, 6 },
};

#undef P

KUNIT_ARRAY_PARAM_DESC(mdl_macro, mdl_macro_cases, name);

/* BYTE_OFFSET, PAGE_ALIGN (rounds down), ROUND_TO_PAGES, BYTES_TO_PAGES, spans. */
static void mdl_address_macros(struct kunit *test)
{
	const struct mdl_macro_case *c = test->param_value;
	PVOID va = (PVOID)c->va;

	KUNIT_EXPECT_EQ(test, (unsigned long)BYTE_OFFSET(va), c->byte_offset);
	KUNIT_EXPECT_EQ(test, (unsigned long)PAGE_ALIGN(va), c->page_align);
	KUNIT_EXPECT_EQ(test, (unsigned long)ROUND_TO_PAGES(c->size), c->round_to_pages);
	KUNIT_EXPECT_EQ(test, (unsigned long)BYTES_TO_PAGES(c->size), c->bytes_to_pages);
	KUNIT_EXPECT_EQ(test, (unsigned long)ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, c->size),
			c->span_pages);
	KUNIT_EXPECT_EQ(test, (unsigned long)COMPUTE_PAGES_SPANNED(va, c->size),
			c->span_pages);
}

/* The MmGetMdl* accessors read the fields of an MDL. */
static void mdl_accessors_read_fields(struct kunit *test)
{
	PMDL mdl = mdl_kunit_raw_mdl(test, 2);

	mdl->StartVa = (PVOID)(MDL_KUNIT_FAKE_VA + 6 * PAGE_SIZE);
	mdl->ByteOffset = 0x77;
	mdl->ByteCount = 0x1999;
	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlBaseVa(mdl),
			    (PVOID)(MDL_KUNIT_FAKE_VA + 6 * PAGE_SIZE));
	KUNIT_EXPECT_PTR_EQ(test, MmGetMdlVirtualAddress(mdl),
			    (PVOID)(MDL_KUNIT_FAKE_VA + 6 * PAGE_SIZE + 0x77));
	KUNIT_EXPECT_EQ(test, MmGetMdlByteOffset(mdl), 0x77);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(mdl), 0x1999);
	KUNIT_EXPECT_PTR_EQ(test, (void *)MmGetMdlPfnArray(mdl),
			    (void *)((u8 *)mdl + 48));
}

/* The MDL header has the WDK x64 layout, seen through real pointers. */
static void mdl_layout_matches_wdk(struct kunit *test)
{
	PMDL mdl = mdl_kunit_raw_mdl(test, 1);
	u8 *base = (u8 *)mdl;

	KUNIT_EXPECT_EQ(test, sizeof(*mdl), 48);
	KUNIT_EXPECT_EQ(test, (u8 *)&mdl->Next - base, 0x00);
	KUNIT_EXPECT_EQ(test, (u8 *)&mdl->Size - base, 0x08);
	KUNIT_EXPECT_EQ(test, (u8 *)&mdl->MdlFlags - base, 0x0a);
	KUNIT_EXPECT_EQ(test, (u8 *)&mdl->Process - base, 0x10);
	KUNIT_EXPECT_EQ(test, (u8 *)&mdl->MappedSystemVa - base, 0x18);
	KUNIT_EXPECT_EQ(test, (u8 *)&mdl->StartVa - base, 0x20);
	KUNIT_EXPECT_EQ(test, (u8 *)&mdl->ByteCount - base, 0x28);
	KUNIT_EXPECT_EQ(test, (u8 *)&mdl->ByteOffset - base, 0x2c);
	KUNIT_EXPECT_EQ(test, sizeof(mdl->Size), 2);
	KUNIT_EXPECT_EQ(test, sizeof(mdl->ByteCount), 4);
	KUNIT_EXPECT_EQ(test, sizeof(PFN_NUMBER), 8);
}

/* The flag values are the WDK's. */
static void mdl_flag_values_match_wdk(struct kunit *test)
{
	static const struct { int flag, wdk; } flags[] = {
		{ MDL_MAPPED_TO_SYSTEM_VA, 0x0001 },
		{ MDL_PAGES_LOCKED, 0x0002 },
		{ MDL_SOURCE_IS_NONPAGED_POOL, 0x0004 },
		{ MDL_ALLOCATED_FIXED_SIZE, 0x0008 },
		{ MDL_PARTIAL, 0x0010 },
		{ MDL_PARTIAL_HAS_BEEN_MAPPED, 0x0020 },
		{ MDL_IO_PAGE_READ, 0x0040 },
		{ MDL_WRITE_OPERATION, 0x0080 },
		{ MDL_PARENT_MAPPED_SYSTEM_VA, 0x0100 },
		{ MDL_FREE_EXTRA_PTES, 0x0200 },
		{ MDL_DESCRIBES_AWE, 0x0400 },
		{ MDL_IO_SPACE, 0x0800 },
		{ MDL_NETWORK_HEADER, 0x1000 },
		{ MDL_MAPPING_CAN_FAIL, 0x2000 },
		{ MDL_ALLOCATED_MUST_SUCCEED, 0x4000 },
		{ MDL_INTERNAL, 0x8000 },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++)
		KUNIT_EXPECT_EQ_MSG(test, flags[i].flag, flags[i].wdk, "flag %d", i);
	KUNIT_EXPECT_EQ(test, MDL_MAX_BYTE_COUNT, 0x100000000ULL - PAGE_SIZE);
}

static struct kunit_case mdl_alloc_cases[] = {
	KUNIT_CASE_PARAM(io_allocate_mdl_describes_buffer, mdl_geometry_gen_params),
	KUNIT_CASE_PARAM(io_allocate_mdl_refuses_bad_range, mdl_bad_range_gen_params),
	KUNIT_CASE(io_allocate_mdl_primary_sets_irp_mdladdress),
	KUNIT_CASE(io_allocate_mdl_secondary_appends_to_chain),
	KUNIT_CASE(io_allocate_mdl_secondary_on_empty_irp),
	KUNIT_CASE(io_allocate_mdl_charge_quota_ignored),
	KUNIT_CASE(io_free_mdl_refuses_foreign_mdl),
	KUNIT_CASE(io_free_mdl_frees_one_not_chain),
	KUNIT_CASE(mdl_table_follows_reused_entries),
	KUNIT_CASE(mdl_private_stays_out_of_table),
	KUNIT_CASE(mdl_private_in_owner_memory),
	KUNIT_CASE_PARAM(mm_size_of_mdl_counts_spanned_pages, mdl_size_gen_params),
	KUNIT_CASE(mm_create_mdl_allocates),
	KUNIT_CASE(mm_create_mdl_initializes_caller_memory),
	KUNIT_CASE(mm_create_mdl_refusal_leaves_memory),
	KUNIT_CASE(mm_initialize_mdl_keeps_process_and_mapping),
	KUNIT_CASE_PARAM(mdl_address_macros, mdl_macro_gen_params),
	KUNIT_CASE(mdl_accessors_read_fields),
	KUNIT_CASE(mdl_layout_matches_wdk),
	KUNIT_CASE(mdl_flag_values_match_wdk),
	{}
};

static struct kunit_suite mdl_alloc_suite = {
	.name = "mdl_alloc",
	.test_cases = mdl_alloc_cases,
};

kunit_test_suite(mdl_alloc_suite);
