// SPDX-License-Identifier: GPL-2.0
/*
 * Address translation: MmGetPhysicalAddress, MmGetVirtualForPhysical and
 * MmIsAddressValid.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>

#include "mdl_internal.h"

/* PFN of a resident page of the current process, without faulting. */
static bool mdl_user_pfn(const void *va, PFN_NUMBER *pfn)
{
	struct page *page;

	if (!current->mm || !access_ok((const void __user *)va, 1))
		return false;
	/*
	 * Architectures without GUP-fast (User-Mode Linux) always fail the
	 * fast path: walk the page tables under the mmap lock, still without
	 * faulting anything in.
	 */
	if (!get_user_page_fast_only((unsigned long)va, 0, &page) &&
	    get_user_pages_unlocked((unsigned long)va, 1, &page, FOLL_NOFAULT) != 1)
		return false;
	*pfn = page_to_pfn(page);
	put_page(page);
	return true;
}

static bool mdl_any_pfn(const void *va, PFN_NUMBER *pfn)
{
	return mdl_kernel_pfn(va, pfn) || mdl_user_pfn(va, pfn);
}

/**
 * MmGetPhysicalAddress() - physical address of a resident virtual address
 * @BaseAddress: a kernel address (direct map, vmalloc, module memory) or a
 *               user address of the current process
 *
 * Context: any for kernel addresses; may sleep for user addresses.
 * Return: the physical address, or 0 when the address is not mapped or the
 * user page is not resident (as Windows).
 */
PHYSICAL_ADDRESS MmGetPhysicalAddress(PVOID BaseAddress)
{
	PHYSICAL_ADDRESS pa = { .QuadPart = 0 };
	PFN_NUMBER pfn;

	if (BaseAddress && mdl_any_pfn(BaseAddress, &pfn))
		pa.QuadPart = PFN_PHYS(pfn) + BYTE_OFFSET(BaseAddress);
	return pa;
}
EXPORT_SYMBOL_GPL(MmGetPhysicalAddress);

/**
 * MmGetVirtualForPhysical() - system address of a physical address of RAM
 * @PhysicalAddress: a physical address in the kernel's direct map
 *
 * Context: any; atomic context allowed.
 * Return: the direct-map address, or NULL when the address is not RAM that
 * the kernel maps.
 */
PVOID MmGetVirtualForPhysical(PHYSICAL_ADDRESS PhysicalAddress)
{
	phys_addr_t pa = PhysicalAddress.QuadPart;
	unsigned long pfn = PHYS_PFN(pa);

	if (PhysicalAddress.QuadPart < 0 || !pfn_valid(pfn) ||
	    PageHighMem(pfn_to_page(pfn)))
		return NULL;
	return phys_to_virt(pa);
}
EXPORT_SYMBOL_GPL(MmGetVirtualForPhysical);

/**
 * MmIsAddressValid() - would an access to an address fault right now
 * @VirtualAddress: kernel address, or user address of the current process
 *
 * Context: any for kernel addresses; may sleep for user addresses.
 * Return: TRUE when a read of the address would not fault.
 */
BOOLEAN MmIsAddressValid(PVOID VirtualAddress)
{
	PFN_NUMBER pfn;

	return VirtualAddress && mdl_any_pfn(VirtualAddress, &pfn);
}
EXPORT_SYMBOL_GPL(MmIsAddressValid);
