// SPDX-License-Identifier: GPL-2.0
/*
 * Linux glue of wdm_numa: /dev/wdm_numa, whose DeviceIoControl becomes an
 * IRP for driver.c (see ../include/wdk_glue.h), and the page facts of
 * wdk_node.h: the node of a page frame and the memory type of a kernel
 * address, as the page tables hold it.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/topology.h>
#include <asm/pgtable.h>

#include <wdm.h>
#include "wdk_io.h"
#include "wdk_ioctl.h"
#include "wdk_node.h"
#include "wdk_glue.h"

MODULE_DESCRIPTION("Example: a Windows driver checking the node allocators of mdl.ko on a NUMA machine");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: mdl");

ULONG WdkPfnNode(PFN_NUMBER Pfn)
{
	return pfn_valid(Pfn) ? pfn_to_nid(Pfn) : NUMA_MAX_NODES;
}

ULONG WdkCurrentNode(void)
{
	return numa_node_id();
}

ULONG WdkAddressMemoryType(PVOID Va)
{
#ifdef CONFIG_X86
	unsigned int level;
	unsigned long flags;
	pte_t *pte = lookup_address((unsigned long)Va, &level);

	if (!pte || !pte_present(*pte))
		return NUMA_TYPE_OTHER;
	flags = pte_flags(*pte);
	/* A large page keeps its PAT bit elsewhere. */
	if (level != PG_LEVEL_4K)
		flags = protval_large_2_4k(flags);
	flags &= _PAGE_CACHE_MASK;
	if (flags == cachemode2protval(_PAGE_CACHE_MODE_WB))
		return NUMA_TYPE_WB;
	if (flags == cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS) ||
	    flags == cachemode2protval(_PAGE_CACHE_MODE_UC))
		return NUMA_TYPE_UC;
	if (flags == cachemode2protval(_PAGE_CACHE_MODE_WC))
		return NUMA_TYPE_WC;
	return NUMA_TYPE_OTHER;
#else
	return NUMA_TYPE_WB;	/* one memory type only */
#endif
}
