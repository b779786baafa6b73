// SPDX-License-Identifier: GPL-2.0
/*
 * User-space mappings of MDLs: MmMapLockedPagesSpecifyCache(UserMode).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>

#include "mdl_internal.h"

PVOID mdl_map_user(PMDL mdl, MEMORY_CACHING_TYPE cache, PVOID requested,
		   ULONG priority)
{
	mdl_refuse("UserMode mappings are not available yet");
	return NULL;
}

void mdl_unmap_user(struct mdl_ext *ext, PVOID base)
{
	mdl_refuse("MDL %p has no mapping at %p", ext->mdl, base);
}

void mdl_user_release_all(struct mdl_ext *ext)
{
}

int mdl_populate_vma(struct vm_area_struct *vma, PMDL mdl, ULONG first_page,
		     ULONG npages)
{
	return -EOPNOTSUPP;
}
