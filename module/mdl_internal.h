/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdl.ko internals: the state mdl.ko keeps about an MDL, outside the MDL.
 */
#ifndef _MDL_INTERNAL_H
#define _MDL_INTERNAL_H

#include <linux/atomic.h>
#include <linux/cleanup.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/printk.h>

#include "compat.h"
#include <wdm.h>

/* How the pages of an MDL are held. */
enum mdl_hold {
	MDL_HOLD_NONE = 0,
	MDL_HOLD_PINNED,	/* user pages pinned: unpin_user_pages on release */
	MDL_HOLD_KERNEL,	/* kernel memory described: nothing to release */
	MDL_HOLD_ALLOCATED,	/* pages from MmAllocatePagesForMdl: freed by owner */
	MDL_HOLD_IO,		/* device memory from MmAllocateMdlForIoSpace */
};

struct mdl_ext_entry;

/**
 * struct mdl_ext - what mdl.ko knows about one MDL
 * @entry: the state's entry in the table (struct mdl_ext_entry, mdl_main.c),
 *         or NULL for an MDL of mdl_alloc_private()
 * @mdl: the MDL this state belongs to
 * @rcu: deferred free of a state its caller's MDL had (not owned), or of
 *       an owned MDL from vmalloc
 * @owned: the MDL lives in this allocation (IoAllocateMdl, MmCreateMdl,
 *         MmAllocatePagesForMdl*, MmAllocateMdlForIoSpace); it is freed with
 *         the state
 * @embedded: an owned MDL in memory of its owner (mdl_init_private()), which
 *            frees that memory itself
 * @hold: how the pages counted by @nheld are held
 * @nheld: number of PFN array entries that @hold covers
 * @capacity: PFN entries the MDL has room for (owned MDLs), else 0
 * @sys_va: page-aligned base of the system mapping this MDL made, or NULL
 * @sys_pages: pages covered by @sys_va
 * @sys_reserved: @sys_va is the mapping of a range of
 *                MmAllocateMappingAddress
 * @sys_iomem: @sys_va is an ioremap of device memory (iounmap releases it)
 * @cache: cache type of the pages: the one given to MmAllocatePagesForMdlEx
 *         (MDL_HOLD_ALLOCATED), or the one an I/O-space MDL of /dev/mdl
 *         was made for (MDL_HOLD_IO, set by its maker); else unused
 * @sys_readonly: @sys_va was mapped read-only (MdlMappingNoWrite)
 * @part_writable: the pages of a partial MDL of user pages may be written
 *                 (its source's lock was for writing); set by
 *                 IoBuildPartialMdl()
 * @process: the process of a lock (MDL_HOLD_PINNED, the MDL's Process),
 *           referenced for as long as the lock lasts, or NULL
 * @umaps: the user mappings of the MDL (struct mdl_umap, mdl_user.c), or
 *         NULL before the first; under mdl_user.c's lock
 * @dma_cache: the lock's sg entries GetScatterGatherList built (struct
 *             mdl_dma_cache, mdl_dma.c), or NULL; released with the lock
 *
 * Operations on one MDL are serialised by its caller, as on Windows; the
 * table itself is safe for concurrent use.
 */
struct mdl_ext {
	struct mdl_ext_entry *entry;
	PMDL mdl;
	struct rcu_head rcu;
	bool owned;
	bool embedded;
	enum mdl_hold hold;
	u32 nheld;
	u32 capacity;
	void *sys_va;
	u32 sys_pages;
	bool sys_reserved;
	bool sys_iomem;
	MEMORY_CACHING_TYPE cache;
	bool sys_readonly;
	bool part_writable;
	PEPROCESS process;
	struct list_head *umaps;
	struct mdl_dma_cache *dma_cache;
};

/* Log a refused call once per call site, without a backtrace. */
#define mdl_refuse(fmt, ...) \
	pr_warn_once("%s: " fmt "\n", __func__, ##__VA_ARGS__)

/* mdl_main.c: the table of MDL states. */
struct mdl_ext *mdl_ext_find(PMDL mdl);
struct mdl_ext *mdl_ext_get(PMDL mdl);
bool mdl_ext_callers(void);
void mdl_ext_release_if_idle(struct mdl_ext *ext);
PMDL mdl_alloc_owned(void *va, size_t length, gfp_t gfp);
PMDL mdl_alloc_private(void *va, size_t length, gfp_t gfp);
size_t mdl_private_size(const void *va, size_t length);
PMDL mdl_init_private(void *mem, void *va, size_t length);
void mdl_free_owned(struct mdl_ext *ext);

/* The state of an MDL of mdl_alloc_owned() or _private(): just before it. */
static inline struct mdl_ext *mdl_owned_ext(PMDL mdl)
{
	return (struct mdl_ext *)mdl - 1;
}

/*
 * mdl_main.c: the registry of what mdl.ko owns. MDLs are in a hash table
 * keyed by address; the other kinds each have a list, all under
 * mdl_reg_lock. The order of the kinds is the order in which unload
 * releases what callers left of each.
 */
enum mdl_kind {
	MDL_KIND_SECURE,	/* MmSecureVirtualMemory: unlocks and frees MDLs */
	MDL_KIND_IRP,		/* IoAllocateIrp (their MDLs are not touched) */
	MDL_KIND_MDL,		/* the MDL table: unmaps, unpins, frees */
	MDL_KIND_RESV,		/* MmAllocateMappingAddress, once its MDLs are gone */
	MDL_KIND_IOMAP,		/* MmMapIoSpace(Ex) */
	MDL_KIND_CONTIG,	/* MmAllocateContiguousMemory*, MmAllocateNonCachedMemory */
	MDL_KIND_IOTYPE,	/* memory types of device pages, once their holders are gone */
	MDL_KIND_COUNT
};

extern struct mutex mdl_reg_lock;
struct list_head *mdl_reg_list(enum mdl_kind kind);
void mdl_reg_add(enum mdl_kind kind, struct list_head *node);
bool mdl_reg_empty(enum mdl_kind kind);

/* Each object of @kind (not MDL_KIND_MDL); caller holds mdl_reg_lock. */
#define mdl_reg_for_each(pos, kind, member) \
	list_for_each_entry(pos, mdl_reg_list(kind), member)

/* Release one object of a kind left at unload (without mdl_reg_lock). */
void mdl_secure_release(struct list_head *node);
void mdl_irp_release(struct list_head *node);
void mdl_resv_release(struct list_head *node);
void mdl_iomap_release(struct list_head *node);
void mdl_contig_release(struct list_head *node);
void mdl_iotype_release(struct list_head *node);

/* Number of PFN entries an MDL describes. */
static inline u32 mdl_page_count(PMDL mdl)
{
	return ADDRESS_AND_SIZE_TO_SPAN_PAGES(mdl->StartVa + mdl->ByteOffset,
					      mdl->ByteCount);
}

/* Validate a buffer range: non-zero, not above the MDL limit, no wrap. */
bool mdl_range_ok(const void *va, size_t length);

/* Can @mdl hold @pages PFN entries? */
bool mdl_has_room(PMDL mdl, struct mdl_ext *ext, u32 pages);

/* mdl_alloc.c */
void mdl_release_all(struct mdl_ext *ext);

/* mdl_lock.c */
NTSTATUS mdl_errno_to_status(int err);
void mdl_release_hold(struct mdl_ext *ext);
/* mdl_dma.c: the sg entries of a lock, built by GetScatterGatherList. */
void mdl_dma_cache_drop(struct mdl_ext *ext);
bool mdl_kernel_pfn(const void *va, PFN_NUMBER *pfn);
bool mdl_is_kernel_address(const void *va);
NTSTATUS mdl_lock_check(PMDL mdl, KPROCESSOR_MODE mode, LOCK_OPERATION op,
			struct mdl_ext **extp);
NTSTATUS mdl_lock_owned(PMDL mdl, KPROCESSOR_MODE mode, LOCK_OPERATION op);
void mdl_unlock(struct mdl_ext *ext);
void mdl_lock_done(struct mdl_ext *ext, enum mdl_hold hold, u32 npages,
		   LOCK_OPERATION op, PEPROCESS process);
u32 mdl_pfn_run_end(const PFN_NUMBER *pfns, u32 i, u32 n);
void mdl_unpin_user_pages(PMDL mdl, u32 npages, bool dirty);

/* mdl_pages.c: pages of MmAllocatePagesForMdl* (MDL_HOLD_ALLOCATED). */
PMDL mdl_allocate_pages(PHYSICAL_ADDRESS LowAddress, PHYSICAL_ADDRESS HighAddress,
			PHYSICAL_ADDRESS SkipBytes, size_t TotalBytes,
			MEMORY_CACHING_TYPE CacheType, u32 Flags, gfp_t extra);
PMDL mdl_allocate_pages_node(PHYSICAL_ADDRESS LowAddress,
			     PHYSICAL_ADDRESS HighAddress,
			     PHYSICAL_ADDRESS SkipBytes, size_t TotalBytes,
			     MEMORY_CACHING_TYPE CacheType, u32 Flags, int node,
			     gfp_t extra);
void mdl_free_allocated(struct mdl_ext *ext, bool zero);
gfp_t mdl_zone_for(u64 high);
int mdl_pages_set_cache(struct page **pages, u32 n, MEMORY_CACHING_TYPE cache);

/* mdl_contig.c: contiguous memory, preferably from node @nid. */
void *mdl_contig_alloc_node(size_t NumberOfBytes,
			    PHYSICAL_ADDRESS LowestAcceptableAddress,
			    PHYSICAL_ADDRESS HighestAcceptableAddress,
			    PHYSICAL_ADDRESS BoundaryAddressMultiple,
			    MEMORY_CACHING_TYPE CacheType, int nid);

/* mdl_io.c: MDLs of device memory (MmAllocateMdlForIoSpace). */
int mdl_range_is_ram(phys_addr_t pa, size_t size);
bool mdl_iomap_active(phys_addr_t pa, u64 size);
NTSTATUS mdl_alloc_mdl_for_io(PMM_PHYSICAL_ADDRESS_LIST PhysicalAddressList,
			      size_t NumberOfEntries, PMDL *NewMdl, gfp_t gfp);

/* mdl_reserve.c: unmap an MDL mapped for its reserved range (mdl_unmap_system). */
void mdl_reserve_unmap(struct mdl_ext *ext);

/* mdl_contig.c */
bool mdl_contig_cache_of(PFN_NUMBER pfn, MEMORY_CACHING_TYPE *cache);

/* mdl_io.c */
void *mdl_ioremap(phys_addr_t pa, size_t size, MEMORY_CACHING_TYPE cache);
int mdl_io_type_hold(const void *owner, const PFN_NUMBER *pfns, u32 count,
		     MEMORY_CACHING_TYPE cache, gfp_t gfp);
int mdl_io_type_hold_range(const void *owner, phys_addr_t pa, u64 size,
			   MEMORY_CACHING_TYPE cache, gfp_t gfp);
void mdl_io_type_drop(const void *owner);

/* mdl_pool.c: the pool arena. */
void mdl_pool_init(void);
void mdl_pool_exit(void);
long mdl_pool_bytes(void);

/* mdl_map.c */
int mdl_cache_prot(MEMORY_CACHING_TYPE cache, pgprot_t *prot);
NTSTATUS mdl_map_type(PMDL mdl, struct mdl_ext *ext, MEMORY_CACHING_TYPE *cache,
		      pgprot_t *prot);
MEMORY_CACHING_TYPE mdl_map_cache(PMDL mdl, struct mdl_ext *ext,
				  MEMORY_CACHING_TYPE asked);
bool mdl_priority_ok(u32 priority);
bool mdl_is_mappable(PMDL mdl, struct mdl_ext *ext);
bool mdl_pages_writable(PMDL mdl, const struct mdl_ext *ext);
MEMORY_CACHING_TYPE mdl_cache_class(MEMORY_CACHING_TYPE cache);
NTSTATUS mdl_map_pages(PMDL mdl, u32 npages, MEMORY_CACHING_TYPE cache,
		       u32 priority, pgprot_t prot, bool *iomem, void **mapped);
void mdl_unmap_pages(void *va, bool iomem);
void mdl_unmap_system(struct mdl_ext *ext);

/* mdl_user.c: user-space mappings. */
struct vm_area_struct;
NTSTATUS mdl_map_user(PMDL mdl, MEMORY_CACHING_TYPE cache, PVOID requested,
		      ULONG priority, PVOID *mapped);
void mdl_unmap_user(struct mdl_ext *ext, PVOID base);
void mdl_user_release_all(struct mdl_ext *ext);
int mdl_populate_vma(struct vm_area_struct *vma, unsigned long addr, PMDL mdl,
		     ULONG first_page, ULONG npages, bool writable);

/* mdl_stats.c: counters of /sys/kernel/debug/mdl/stats. */
enum mdl_stat {
	MDL_STAT_OBJECTS,
	MDL_STAT_PINNED_PAGES,
	MDL_STAT_MAPPED_PAGES,
	MDL_STAT_ALLOCATED_PAGES,
	MDL_STAT_IO_PAGES,
	MDL_STAT_DMABUFS,
	MDL_STAT_ARRAY_PAGES,
	MDL_STAT_COUNT,
};

extern atomic64_t mdl_stats[MDL_STAT_COUNT];

/**
 * mdl_stat_add() - change a counter of /sys/kernel/debug/mdl/stats
 * @stat: the counter
 * @delta: amount to add (negative to subtract)
 *
 * Context: any.
 */
static inline void mdl_stat_add(enum mdl_stat stat, s64 delta)
{
	atomic64_add(delta, &mdl_stats[stat]);
}

void mdl_stats_init(void);
void mdl_stats_exit(void);

/*
 * mdl_dev.c: /dev/mdl, the layer above, which the module's init and exit
 * create and remove.
 */
int mdl_dev_init(void);
void mdl_dev_exit(void);

#endif /* _MDL_INTERNAL_H */
