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
#include <linux/io.h>
#ifdef CONFIG_X86
#include <asm/processor.h>
#endif
#ifdef CONFIG_X86_PAT
#include <asm/memtype.h>
#endif

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

/*
 * pin_user_pages_remote() lost its vmas argument in 6.5. The caller holds
 * mmap_read_lock(mm); locked == NULL keeps it held throughout.
 */
static inline long mdl_pin_user_pages_remote(struct mm_struct *mm,
					     unsigned long start,
					     unsigned long nr_pages,
					     unsigned int gup_flags,
					     struct page **pages)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages, NULL);
#else
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, NULL);
#endif
}

/*
 * Fill the NULL slots of @pages with order-0 pages through the page
 * allocator's bulk path, preferring node @nid (NUMA_NO_NODE: the local
 * node). The bulk calls were renamed in 6.14, and may fill fewer slots than
 * asked (newer kernels fall back to a single page when the fast path is
 * unavailable): they are called again while they make progress.
 */
static inline unsigned long mdl_alloc_pages_bulk_node(gfp_t gfp, int nid,
						      unsigned long nr,
						      struct page **pages)
{
	unsigned long got = 0, before;

	do {
		before = got;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
		got = alloc_pages_bulk_node(gfp, nid, nr, pages);
#else
		got = alloc_pages_bulk_array_node(gfp, nid, nr, pages);
#endif
	} while (got < nr && got > before);
	return got;
}

static inline unsigned long mdl_alloc_pages_bulk(gfp_t gfp, unsigned long nr,
						 struct page **pages)
{
	return mdl_alloc_pages_bulk_node(gfp, NUMA_NO_NODE, nr, pages);
}

/*
 * PFNs of @n struct pages, into @pfns (which may be @pages itself, entry
 * for entry). In the linear memory maps (vmemmap, flat) a PFN is the
 * page's index from the map's base: the base is read once, where
 * page_to_pfn() would load it again for every page (a store to @pfns may
 * alias it, as far as the compiler knows).
 */
static inline void mdl_pages_to_pfns(struct page *const *pages,
				     unsigned long *pfns, unsigned long n)
{
	unsigned long i;
#if defined(CONFIG_SPARSEMEM_VMEMMAP) || defined(CONFIG_FLATMEM)
	const struct page *base = pfn_to_page(0);

	for (i = 0; i < n; i++)
		pfns[i] = pages[i] - base;
#else
	for (i = 0; i < n; i++)
		pfns[i] = page_to_pfn(pages[i]);
#endif
}

/*
 * Kernel page protections. User-Mode Linux has no PAGE_KERNEL_RO (the
 * generic fallback is PAGE_KERNEL, writable): build it from its bits.
 */
#ifdef CONFIG_UML
#define MDL_PAGE_KERNEL_RO	__pgprot(_PAGE_PRESENT | _PAGE_ACCESSED)
#else
#define MDL_PAGE_KERNEL_RO	PAGE_KERNEL_RO
#endif

/*
 * Kernel page tables are never written by mdl.ko: every system mapping it
 * makes is a whole vmap(), vmap_pfn() or ioremap made and removed by the
 * kernel. None of the supported kernels (6.1, 6.12, 7.2) exports to every
 * module a way to change the entries of an existing vmalloc-space range
 * (get_vm_area(), vmap_pages_range(), ioremap_page_range(),
 * vm_area_map_pages(), vunmap_range(), set_memory_ro() and init_mm are
 * exported by none; the README lists what each kernel exports). So a
 * mapping keeps the address and protection it was made with: a reserved
 * range of MmAllocateMappingAddress stays reserved and the MDL is mapped
 * elsewhere, and MmProtectMdlSystemAddress refuses a change of protection
 * with STATUS_NOT_SUPPORTED, on every kernel.
 */

/*
 * Cache attribute of pages that the kernel maps through its direct map.
 * x86 (PAT): the direct map itself is changed (set_pages_array_uc/wc/wb),
 * so that no cached alias of an uncached page exists. User-Mode Linux has
 * no memory types to set: the calls succeed and change nothing.
 */
#ifdef CONFIG_X86
#include <asm/set_memory.h>
static inline int mdl_pages_set_uc(struct page **pages, int n)
{
	return set_pages_array_uc(pages, n);
}

static inline int mdl_pages_set_wc(struct page **pages, int n)
{
	return set_pages_array_wc(pages, n);
}

static inline int mdl_pages_set_wb(struct page **pages, int n)
{
	return set_pages_array_wb(pages, n);
}
#else
static inline int mdl_pages_set_uc(struct page **pages, int n)
{
	return 0;
}

static inline int mdl_pages_set_wc(struct page **pages, int n)
{
	return 0;
}

static inline int mdl_pages_set_wb(struct page **pages, int n)
{
	return 0;
}
#endif

/*
 * Has a RAM page a memory type other than write-back (x86 PAT: uncached,
 * uncached-minus or write-combined, set with set_memory_* or
 * set_pages_array_*)? pat_pfn_immune_to_uc_mtrr() reads the type PAT
 * recorded for the page; from 6.18 it is exported to KVM only, and mdl.ko
 * then knows the types of the pages it allocated itself only
 * (MDL_HAVE_PAT_LOOKUP 0). Without PAT every page is write-back.
 */
#if defined(CONFIG_X86_PAT) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 18, 0)
#define MDL_HAVE_PAT_LOOKUP	1
static inline bool mdl_pfn_uncached(unsigned long pfn)
{
	return pat_enabled() && pat_pfn_immune_to_uc_mtrr(pfn);
}
#else
#define MDL_HAVE_PAT_LOOKUP	0
static inline bool mdl_pfn_uncached(unsigned long pfn)
{
	return false;
}
#endif

/* Largest order the page allocator hands out (inclusive since 6.4). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define MDL_MAX_ORDER	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define MDL_MAX_ORDER	MAX_ORDER
#else
#define MDL_MAX_ORDER	(MAX_ORDER - 1)
#endif

/*
 * MODULE_IMPORT_NS() takes a bare name before 6.13 and a string literal
 * from 6.13 on; both expand to this.
 */
#define MDL_IMPORT_NS_DMA_BUF()	MODULE_INFO(import_ns, "DMA_BUF")

/*
 * Highest physical address the CPU can reach: a PFN above it would make a
 * page table entry with reserved bits set.
 */
static inline u64 mdl_phys_addr_max(void)
{
#ifdef CONFIG_X86
	return (1ULL << boot_cpu_data.x86_phys_bits) - 1;
#else
	return (u64)PHYS_ADDR_MAX;
#endif
}

/*
 * Uncached and write-combined device mappings. User-Mode Linux has no device
 * memory: its ioremap() finds nothing (and 7.2's warns about every range).
 */
static inline void __iomem *mdl_ioremap_uc(phys_addr_t pa, size_t size)
{
#ifdef CONFIG_UML
	return NULL;
#else
	return ioremap(pa, size);
#endif
}

static inline void __iomem *mdl_ioremap_wc(phys_addr_t pa, size_t size)
{
#ifdef CONFIG_UML
	return NULL;
#else
	return ioremap_wc(pa, size);
#endif
}

/* ioremap_cache() exists where the architecture offers it (not UML). */
static inline void __iomem *mdl_ioremap_cache(phys_addr_t pa, size_t size)
{
#ifdef CONFIG_X86
	return ioremap_cache(pa, size);
#else
	return NULL;
#endif
}

/* memremap() needs CONFIG_HAS_IOMEM (User-Mode Linux may lack it). */
static inline void *mdl_memremap_wb(phys_addr_t pa, size_t size)
{
#ifdef CONFIG_HAS_IOMEM
	return memremap(pa, size, MEMREMAP_WB);
#else
	return NULL;
#endif
}

static inline void mdl_memunmap(void *va)
{
#ifdef CONFIG_HAS_IOMEM
	memunmap(va);
#endif
}

/*
 * The namespace EXPORT_SYMBOL_IF_KUNIT() exports to (kunit/visibility.h):
 * an identifier before 6.13, a string literal from 6.13.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define MDL_IMPORT_KUNIT_NS()	MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define MDL_IMPORT_KUNIT_NS()	MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

/*
 * user_struct->locked_vm, the per-user RLIMIT_MEMLOCK counter that
 * mdl_obj_charge() uses, exists only in kernels with one of its users
 * (every kernel mdl.ko supports has CONFIG_NET or CONFIG_IO_URING).
 */
#if !defined(CONFIG_NET) && !defined(CONFIG_IO_URING) && \
	!defined(CONFIG_VFIO_PCI_ZDEV_KVM) && !IS_ENABLED(CONFIG_IOMMUFD) && \
	!defined(CONFIG_SECRETMEM)
#error "mdl.ko needs user_struct.locked_vm (CONFIG_NET or CONFIG_IO_URING)"
#endif

#endif /* _MDL_COMPAT_H */
