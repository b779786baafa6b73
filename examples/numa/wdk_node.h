/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdk_node.h - what the wdm_numa test driver asks the Linux glue (glue.c):
 * facts about a page that a Windows driver has no routine for, read from
 * the kernel's own tables so that the driver can check the memory it was
 * given.
 */
#ifndef _WDK_NODE_H
#define _WDK_NODE_H

#include <wdm.h>

/* The memory node of a page frame (pfn_to_nid). */
ULONG WdkPfnNode(PFN_NUMBER Pfn);

/* The node of the CPU the caller runs on (numa_node_id). */
ULONG WdkCurrentNode(void);

/* The memory type (NUMA_TYPE_*) of the kernel page-table entry of @Va. */
ULONG WdkAddressMemoryType(PVOID Va);

#endif /* _WDK_NODE_H */
