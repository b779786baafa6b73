/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels mdl.ko supports (6.1 to 6.12 and later)
 * and between architectures. Every version or architecture test of the
 * project lives in this file.
 */
#ifndef _MDL_COMPAT_H
#define _MDL_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

/*
 * Kernel addresses backed by page tables rather than the direct map:
 * vmalloc and module memory. is_vmalloc_or_module_addr() is not exported
 * by 6.1, so the module range is tested directly where the architecture
 * has one (UML allocates modules from vmalloc space).
 */
static inline bool mdl_is_vmalloc_or_module(const void *addr)
{
	if (is_vmalloc_addr(addr))
		return true;
#ifdef MODULES_VADDR
	return (unsigned long)addr >= MODULES_VADDR &&
	       (unsigned long)addr < MODULES_END;
#else
	return false;
#endif
}

/*
 * vmap_pfn() maps PFNs without struct pages (I/O space). Kernels built
 * without CONFIG_VMAP_PFN (User-Mode Linux) cannot map I/O space.
 */
static inline void *mdl_vmap_io(unsigned long *pfns, unsigned int count,
				pgprot_t prot)
{
#ifdef CONFIG_VMAP_PFN
	return vmap_pfn(pfns, count, prot);
#else
	return NULL;
#endif
}

/* vma->vm_flags became read-only in 6.3: vm_flags_set / vm_flags_clear. */
static inline void mdl_vm_flags_mod(struct vm_area_struct *vma,
				    vm_flags_t set, vm_flags_t clear)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

#endif /* _MDL_COMPAT_H */
