// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_phys": MmGetPhysicalAddress, MmIsAddressValid and
 * MmGetVirtualForPhysical over direct-map, page-allocator, vmalloc, module
 * and user memory, and over addresses that are not mapped.
 */
#include <kunit/test.h>
#include <linux/io.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "mdl_kunit.h"

enum phys_kind {
	PHYS_KMALLOC, PHYS_PAGES, PHYS_VMALLOC, PHYS_MODULE, PHYS_USER,
	PHYS_USER_NOT_RESIDENT, PHYS_USER_UNMAPPED, PHYS_VUNMAPPED, PHYS_NULL,
	PHYS_BOGUS,
};

struct phys_case {
	const char *name;
	enum phys_kind kind;
	bool valid;
};

static const struct phys_case phys_cases[] = {
	{ "kmalloc", PHYS_KMALLOC, true },
	{ "alloc_pages", PHYS_PAGES, true },
	{ "vmalloc", PHYS_VMALLOC, true },
	{ "module_data", PHYS_MODULE, true },
	{ "user_resident", PHYS_USER, true },
	{ "user_not_resident", PHYS_USER_NOT_RESIDENT, false },
	{ "user_unmapped", PHYS_USER_UNMAPPED, false },
	{ "vmalloc_freed", PHYS_VUNMAPPED, false },
	{ "null", PHYS_NULL, false },
	{ "non_canonical", PHYS_BOGUS, false },
};

KUNIT_ARRAY_PARAM_DESC(phys, phys_cases, name);

#define PHYS_OFF	0x234

/* A two-page buffer of @kind; its pages' PFNs (if mapped) in @pfns. */
static u8 *phys_buffer(struct kunit *test, enum phys_kind kind, PFN_NUMBER *pfns)
{
	unsigned long uaddr;
	u8 *buf = NULL;
	int i;

	switch (kind) {
	case PHYS_KMALLOC:
		buf = kunit_kmalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		buf = PTR_ALIGN(buf, PAGE_SIZE);
		break;
	case PHYS_PAGES:
		buf = mdl_kunit_pages(test, 1);
		break;
	case PHYS_VMALLOC:
		buf = mdl_kunit_vmalloc(test, 2 * PAGE_SIZE);
		break;
	case PHYS_MODULE:
		buf = mdl_kunit_module_buf;
		break;
	case PHYS_USER:
		uaddr = mdl_kunit_user_mem(test, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
		mdl_kunit_fill_user(test, uaddr, 2 * PAGE_SIZE, 1);
		mdl_kunit_user_pfns(test, uaddr, 2, pfns);
		return (u8 *)uaddr;
	case PHYS_USER_NOT_RESIDENT:
		return (u8 *)mdl_kunit_user_mem(test, 2 * PAGE_SIZE,
						PROT_READ | PROT_WRITE);
	case PHYS_USER_UNMAPPED:
		uaddr = mdl_kunit_user_mem(test, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
		mdl_kunit_fill_user(test, uaddr, 2 * PAGE_SIZE, 1);
		KUNIT_ASSERT_EQ(test, vm_munmap(uaddr, 2 * PAGE_SIZE), 0);
		return (u8 *)uaddr;
	case PHYS_VUNMAPPED:
		buf = vmalloc(2 * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		vfree(buf);
		return buf;
	case PHYS_NULL:
		return NULL;
	case PHYS_BOGUS:
		return (u8 *)0xdead000000000000UL;
	}
	for (i = 0; i < 2; i++) {
		u8 *page = buf + i * PAGE_SIZE;

		if (is_vmalloc_or_module_addr(page))
			pfns[i] = vmalloc_to_pfn(page);
		else
			pfns[i] = page_to_pfn(virt_to_page(page));
	}
	return buf;
}

/* The physical address of each byte is its page's plus the byte offset. */
static void get_physical_address(struct kunit *test)
{
	const struct phys_case *c = test->param_value;
	PFN_NUMBER pfns[2] = { };
	u8 *buf = phys_buffer(test, c->kind, pfns);
	int i;

	for (i = 0; i < 2; i++) {
		u8 *va = buf ? buf + i * PAGE_SIZE + PHYS_OFF : NULL;
		u64 want = c->valid ? PFN_PHYS(pfns[i]) + PHYS_OFF : 0;

		KUNIT_EXPECT_EQ_MSG(test, (u64)MmGetPhysicalAddress(va).QuadPart,
				    want, "page %d", i);
	}
	if (c->kind == PHYS_KMALLOC || c->kind == PHYS_PAGES)
		KUNIT_EXPECT_EQ(test, (u64)MmGetPhysicalAddress(buf + 5).QuadPart,
				(u64)virt_to_phys(buf + 5));
}

/* MmIsAddressValid says whether the address is mapped right now. */
static void is_address_valid(struct kunit *test)
{
	const struct phys_case *c = test->param_value;
	PFN_NUMBER pfns[2] = { };
	u8 *buf = phys_buffer(test, c->kind, pfns);

	KUNIT_EXPECT_EQ(test, MmIsAddressValid(buf ? buf + PHYS_OFF : NULL),
			(BOOLEAN)c->valid);
	KUNIT_EXPECT_EQ(test, MmIsAddressValid(buf ? buf + 2 * PAGE_SIZE - 1 : NULL),
			(BOOLEAN)c->valid);
}

/* A user page becomes valid when it is touched, invalid when unmapped. */
static void is_address_valid_follows_user_mapping(struct kunit *test)
{
	unsigned long uaddr = mdl_kunit_user_mem(test, PAGE_SIZE,
						 PROT_READ | PROT_WRITE);
	PFN_NUMBER pfn;

	KUNIT_EXPECT_FALSE(test, MmIsAddressValid((PVOID)uaddr));
	KUNIT_EXPECT_EQ(test, MmGetPhysicalAddress((PVOID)uaddr).QuadPart, 0);
	mdl_kunit_fill_user(test, uaddr, 16, 2);
	KUNIT_EXPECT_TRUE(test, MmIsAddressValid((PVOID)uaddr));
	mdl_kunit_user_pfns(test, uaddr, 1, &pfn);
	KUNIT_EXPECT_EQ(test, (u64)MmGetPhysicalAddress((PVOID)(uaddr + 9)).QuadPart,
			(u64)PFN_PHYS(pfn) + 9);
	KUNIT_ASSERT_EQ(test, vm_munmap(uaddr, PAGE_SIZE), 0);
	KUNIT_EXPECT_FALSE(test, MmIsAddressValid((PVOID)uaddr));
	KUNIT_EXPECT_EQ(test, MmGetPhysicalAddress((PVOID)uaddr).QuadPart, 0);
}

struct virt_case {
	const char *name;
	enum phys_kind kind;
};

static const struct virt_case virt_cases[] = {
	{ "kmalloc", PHYS_KMALLOC },
	{ "alloc_pages", PHYS_PAGES },
	{ "vmalloc", PHYS_VMALLOC },
	{ "module_data", PHYS_MODULE },
	{ "user_resident", PHYS_USER },
};

KUNIT_ARRAY_PARAM_DESC(virt, virt_cases, name);

/*
 * MmGetVirtualForPhysical(MmGetPhysicalAddress(va)) is the direct-map
 * address of the same byte: va itself for direct-map memory, an alias with
 * the same contents for vmalloc, module and user memory.
 */
static void virtual_for_physical_round_trip(struct kunit *test)
{
	const struct virt_case *c = test->param_value;
	PFN_NUMBER pfns[2] = { };
	u8 *buf = phys_buffer(test, c->kind, pfns);
	int i;

	for (i = 0; i < 2; i++) {
		u8 *va = buf + i * PAGE_SIZE + PHYS_OFF;
		PHYSICAL_ADDRESS pa = MmGetPhysicalAddress(va);
		u8 *back;

		KUNIT_ASSERT_NE(test, pa.QuadPart, 0);
		back = MmGetVirtualForPhysical(pa);
		KUNIT_ASSERT_NOT_NULL(test, back);
		KUNIT_EXPECT_PTR_EQ(test, back,
				    (u8 *)page_address(pfn_to_page(pfns[i])) + PHYS_OFF);
		if (c->kind == PHYS_KMALLOC || c->kind == PHYS_PAGES) {
			KUNIT_EXPECT_PTR_EQ(test, back, va);
			continue;
		}
		if (c->kind == PHYS_USER) {
			u8 byte;

			KUNIT_ASSERT_EQ(test, 0, get_user(byte, (u8 __user *)va));
			KUNIT_EXPECT_EQ(test, *back, byte);
			continue;
		}
		va[0] = 0x5c + i;
		KUNIT_EXPECT_EQ(test, back[0], 0x5c + i);
	}
}

/* Physical addresses that are not RAM have no virtual address. */
static void virtual_for_physical_bogus(struct kunit *test)
{
	PHYSICAL_ADDRESS pa;

	pa.QuadPart = -PAGE_SIZE;
	KUNIT_EXPECT_NULL(test, MmGetVirtualForPhysical(pa));
	pa.QuadPart = 1LL << 52;
	KUNIT_EXPECT_NULL(test, MmGetVirtualForPhysical(pa));
	pa.QuadPart = (1LL << 52) + 0x123;
	KUNIT_EXPECT_NULL(test, MmGetVirtualForPhysical(pa));
	pa.QuadPart = LLONG_MAX;
	KUNIT_EXPECT_NULL(test, MmGetVirtualForPhysical(pa));
}

/* The LowPart/HighPart halves of the result agree with QuadPart. */
static void physical_address_halves(struct kunit *test)
{
	u8 *buf = mdl_kunit_pages(test, 0);
	PHYSICAL_ADDRESS pa = MmGetPhysicalAddress(buf + 0x10);
	u64 want = virt_to_phys(buf + 0x10);

	KUNIT_EXPECT_EQ(test, pa.LowPart, lower_32_bits(want));
	KUNIT_EXPECT_EQ(test, (u32)pa.HighPart, upper_32_bits(want));
	KUNIT_EXPECT_EQ(test, pa.u.LowPart, lower_32_bits(want));
}

static struct kunit_case mdl_phys_cases[] = {
	KUNIT_CASE_PARAM(get_physical_address, phys_gen_params),
	KUNIT_CASE_PARAM(is_address_valid, phys_gen_params),
	KUNIT_CASE(is_address_valid_follows_user_mapping),
	KUNIT_CASE_PARAM(virtual_for_physical_round_trip, virt_gen_params),
	KUNIT_CASE(virtual_for_physical_bogus),
	KUNIT_CASE(physical_address_halves),
	{}
};

static struct kunit_suite mdl_phys_suite = {
	.name = "mdl_phys",
	.test_cases = mdl_phys_cases,
};

kunit_test_suite(mdl_phys_suite);
