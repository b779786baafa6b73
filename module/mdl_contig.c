// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous and uncached memory: MmAllocateContiguousMemory,
 * MmAllocateContiguousMemorySpecifyCache, MmFreeContiguousMemory,
 * MmFreeContiguousMemorySpecifyCache, MmAllocateNonCachedMemory and
 * MmFreeNonCachedMemory.
 *
 * Contiguous memory is one block of the page allocator (at most
 * 2^MDL_MAX_ORDER pages, 4 MiB on x86-64; alloc_contig_pages is not
 * exported), split into order-0 pages with the unused tail freed at once,
 * from the zone that satisfies HighestAcceptableAddress, and checked
 * against the lowest address and the boundary; blocks that miss are held
 * aside while the next is tried. The caller gets the direct-map address.
 *
 * Cache types on x86: the direct map's attribute of the pages is changed
 * (set_pages_array_uc / _wc, back to write-back before the pages are freed),
 * so the returned address is uncached and no cached alias remains: a
 * second, uncached vmap of pages the direct map maps write-back would be an
 * attribute alias, which x86 PAT forbids. MmAllocateNonCachedMemory does
 * the same for order-0 pages and returns a vmap of them made with
 * pgprot_noncached. User-Mode Linux has no memory types to change.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"

/* Blocks held aside while a block that fits is looked for. */
#define MDL_CONTIG_TRIES	16

/**
 * struct mdl_contig - one contiguous or non-cached allocation
 * @node: entry in the registry (MDL_KIND_CONTIG)
 * @va: the address returned
 * @npages: number of pages
 * @cache: cache type the pages were given
 * @first: first page of a contiguous allocation
 * @pages: pages of a non-cached allocation (vmapped at @va), else NULL
 */
struct mdl_contig {
	struct list_head node;
	void *va;
	u32 npages;
	MEMORY_CACHING_TYPE cache;
	struct page *first;
	struct page **pages;
};

static struct mdl_contig *mdl_contig_take(void *va, bool noncached)
{
	struct mdl_contig *c;

	guard(mutex)(&mdl_reg_lock);
	mdl_reg_for_each(c, MDL_KIND_CONTIG, node) {
		if (c->va == va && !!c->pages == noncached) {
			list_del(&c->node);
			return c;
		}
	}
	return NULL;
}

static bool mdl_cached(MEMORY_CACHING_TYPE cache)
{
	return cache == MmCached || cache == MmHardwareCoherentCached;
}

static bool mdl_contig_has(const struct mdl_contig *c, PFN_NUMBER pfn)
{
	u32 i;

	if (!c->pages)
		return pfn >= page_to_pfn(c->first) &&
		       pfn - page_to_pfn(c->first) < c->npages;
	for (i = 0; i < c->npages; i++)
		if (page_to_pfn(c->pages[i]) == pfn)
			return true;
	return false;
}

/**
 * mdl_contig_cache_of() - the cache type mdl.ko gave a page it allocated
 * @pfn: the page
 * @cache: out: the MEMORY_CACHING_TYPE of its contiguous or non-cached
 *         allocation
 *
 * Context: may sleep.
 * Return: true if @pfn belongs to a live contiguous or non-cached
 * allocation.
 */
bool mdl_contig_cache_of(PFN_NUMBER pfn, MEMORY_CACHING_TYPE *cache)
{
	struct mdl_contig *c;

	if (mdl_reg_empty(MDL_KIND_CONTIG))
		return false;
	guard(mutex)(&mdl_reg_lock);
	mdl_reg_for_each(c, MDL_KIND_CONTIG, node) {
		if (mdl_contig_has(c, pfn)) {
			*cache = c->cache;
			return true;
		}
	}
	return false;
}

/* Give a contiguous run the memory type of @cache, through a page array. */
static int mdl_block_cache(struct page *first, u32 n, MEMORY_CACHING_TYPE cache,
			   bool restore)
{
	struct page **pages;
	u32 i;
	int ret;

	if (mdl_cached(cache))
		return 0;
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		pages[i] = first + i;
	ret = restore ? mdl_pages_set_wb(pages, n) : mdl_pages_set_cache(pages, n, cache);
	kvfree(pages);
	return ret;
}

static void mdl_free_block(struct page *first, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		__free_page(first + i);
}

/* One block of @n pages on @nid, split, with the tail beyond @n freed. */
static struct page *mdl_alloc_block_exact(gfp_t gfp, u32 n, int nid)
{
	unsigned int order = get_order((size_t)n << PAGE_SHIFT);
	struct page *page = alloc_pages_node(nid, gfp, order);

	if (!page)
		return NULL;
	split_page(page, order);
	mdl_free_block(page + n, (1UL << order) - n);
	return page;
}

static bool mdl_block_fits(struct page *page, u32 n, u64 low, u64 high,
			   u64 boundary)
{
	u64 pa = page_to_phys(page), last = pa + ((u64)n << PAGE_SHIFT) - 1;

	if (pa < low || last > high)
		return false;
	return !boundary || div64_u64(pa, boundary) == div64_u64(last, boundary);
}

static struct page *mdl_alloc_contig(u32 n, u64 low, u64 high, u64 boundary,
				     int nid)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO | __GFP_NORETRY |
		    mdl_zone_for(high);
	struct page *held[MDL_CONTIG_TRIES], *page = NULL;
	int tries, i;

	if (nid != NUMA_NO_NODE)
		gfp |= __GFP_THISNODE;

	for (tries = 0; tries < MDL_CONTIG_TRIES; tries++) {
		page = mdl_alloc_block_exact(gfp, n, nid);
		if (!page || mdl_block_fits(page, n, low, high, boundary))
			break;
		held[tries] = page;
		page = NULL;
	}
	for (i = 0; i < tries; i++)
		mdl_free_block(held[i], n);
	return page;
}

/**
 * mdl_contig_alloc_node() - MmAllocateContiguousMemorySpecifyCache on a node
 * @NumberOfBytes: as MmAllocateContiguousMemorySpecifyCache
 * @LowestAcceptableAddress: as MmAllocateContiguousMemorySpecifyCache
 * @HighestAcceptableAddress: as MmAllocateContiguousMemorySpecifyCache
 * @BoundaryAddressMultiple: as MmAllocateContiguousMemorySpecifyCache
 * @CacheType: as MmAllocateContiguousMemorySpecifyCache
 * @nid: node tried first (only it, then any node), or NUMA_NO_NODE
 *
 * Context: may sleep.
 * Return: the direct-map address, or NULL.
 */
void *mdl_contig_alloc_node(size_t NumberOfBytes,
			    PHYSICAL_ADDRESS LowestAcceptableAddress,
			    PHYSICAL_ADDRESS HighestAcceptableAddress,
			    PHYSICAL_ADDRESS BoundaryAddressMultiple,
			    MEMORY_CACHING_TYPE CacheType, int nid)
{
	u64 low = LowestAcceptableAddress.QuadPart;
	u64 high = HighestAcceptableAddress.QuadPart;
	u64 boundary = BoundaryAddressMultiple.QuadPart;
	struct mdl_contig *c;
	struct page *page;
	u32 n;

	/* Unsigned, as Windows reads them: Highest -1 means "anywhere". */
	if (!NumberOfBytes || get_order(NumberOfBytes) > MDL_MAX_ORDER || high < low ||
	    (boundary && (!is_power_of_2(boundary) || boundary < NumberOfBytes)) ||
	    CacheType < MmNonCached || CacheType >= MmMaximumCacheType) {
		mdl_refuse("bad size %zu, range, boundary or cache type %d",
			   NumberOfBytes, CacheType);
		return NULL;
	}
	n = BYTES_TO_PAGES(NumberOfBytes);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	page = NULL;
	if (nid != NUMA_NO_NODE)
		page = mdl_alloc_contig(n, low, high, boundary, nid);
	if (!page)
		page = mdl_alloc_contig(n, low, high, boundary, NUMA_NO_NODE);
	if (!page)
		goto err_free;
	if (mdl_block_cache(page, n, CacheType, false))
		goto err_pages;
	c->va = page_address(page);
	c->npages = n;
	c->cache = CacheType;
	c->first = page;
	mdl_reg_add(MDL_KIND_CONTIG, &c->node);
	return c->va;

err_pages:
	mdl_free_block(page, n);
err_free:
	kfree(c);
	return NULL;
}

/**
 * MmAllocateContiguousMemorySpecifyCache() - physically contiguous memory
 * @NumberOfBytes: size
 * @LowestAcceptableAddress: lowest acceptable physical address
 * @HighestAcceptableAddress: highest acceptable physical address
 * @BoundaryAddressMultiple: 0, or a power of two the block must not cross
 * @CacheType: cache type of the returned mapping
 *
 * One block of the page allocator (at most its largest order, 4 MiB on
 * x86-64), zeroed, returned at its direct-map address. Non-cached and
 * write-combined types change the direct map's attribute of the pages (x86
 * PAT allows no cached alias) until they are freed. Addresses are unsigned:
 * HighestAcceptableAddress -1 means any.
 *
 * Context: may sleep.
 * Return: the system address, or NULL.
 */
PVOID MmAllocateContiguousMemorySpecifyCache(SIZE_T NumberOfBytes,
					     PHYSICAL_ADDRESS LowestAcceptableAddress,
					     PHYSICAL_ADDRESS HighestAcceptableAddress,
					     PHYSICAL_ADDRESS BoundaryAddressMultiple,
					     MEMORY_CACHING_TYPE CacheType)
{
	return mdl_contig_alloc_node(NumberOfBytes, LowestAcceptableAddress,
				     HighestAcceptableAddress,
				     BoundaryAddressMultiple, CacheType,
				     NUMA_NO_NODE);
}
EXPORT_SYMBOL_GPL(MmAllocateContiguousMemorySpecifyCache);

/**
 * MmAllocateContiguousMemory() - physically contiguous, cached memory
 * @NumberOfBytes: size
 * @HighestAcceptableAddress: highest acceptable physical address
 *
 * Context: may sleep.
 * Return: the system address, or NULL.
 */
PVOID MmAllocateContiguousMemory(SIZE_T NumberOfBytes,
				 PHYSICAL_ADDRESS HighestAcceptableAddress)
{
	PHYSICAL_ADDRESS zero = { .QuadPart = 0 };

	return MmAllocateContiguousMemorySpecifyCache(NumberOfBytes, zero,
						      HighestAcceptableAddress,
						      zero, MmCached);
}
EXPORT_SYMBOL_GPL(MmAllocateContiguousMemory);

/**
 * MmFreeContiguousMemory() - free MmAllocateContiguousMemory memory
 * @BaseAddress: the address returned by the allocator
 *
 * Context: may sleep.
 */
void MmFreeContiguousMemory(PVOID BaseAddress)
{
	struct mdl_contig *c = BaseAddress ? mdl_contig_take(BaseAddress, false) : NULL;

	if (!c) {
		mdl_refuse("%p was not allocated by MmAllocateContiguousMemory",
			   BaseAddress);
		return;
	}
	mdl_contig_release(&c->node);
}
EXPORT_SYMBOL_GPL(MmFreeContiguousMemory);

/**
 * MmFreeContiguousMemorySpecifyCache() - free contiguous memory
 * @BaseAddress: the address returned by the allocator
 * @NumberOfBytes: the size given to the allocator
 * @CacheType: the cache type given to the allocator
 *
 * Context: may sleep.
 */
void MmFreeContiguousMemorySpecifyCache(PVOID BaseAddress, SIZE_T NumberOfBytes,
					MEMORY_CACHING_TYPE CacheType)
{
	MmFreeContiguousMemory(BaseAddress);
}
EXPORT_SYMBOL_GPL(MmFreeContiguousMemorySpecifyCache);

/**
 * MmAllocateNonCachedMemory() - uncached, virtually contiguous memory
 * @NumberOfBytes: size
 *
 * Context: may sleep.
 * Return: the system address, or NULL.
 */
PVOID MmAllocateNonCachedMemory(SIZE_T NumberOfBytes)
{
	struct mdl_contig *c;
	ULONG n, got;

	if (!NumberOfBytes || NumberOfBytes > MDL_MAX_BYTE_COUNT)
		return NULL;
	n = BYTES_TO_PAGES(NumberOfBytes);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->pages = kvcalloc(n, sizeof(*c->pages), GFP_KERNEL);
	if (!c->pages)
		goto err_free;
	got = mdl_alloc_pages_bulk(GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO, n,
				   c->pages);
	c->npages = got;
	if (got < n || mdl_pages_set_uc(c->pages, n))
		goto err_pages;
	c->va = vmap(c->pages, n, VM_MAP, pgprot_noncached(PAGE_KERNEL));
	if (!c->va)
		goto err_wb;
	c->cache = MmNonCached;
	mdl_reg_add(MDL_KIND_CONTIG, &c->node);
	return c->va;

err_wb:
	mdl_pages_set_wb(c->pages, n);
err_pages:
	while (got)
		__free_page(c->pages[--got]);
	kvfree(c->pages);
err_free:
	kfree(c);
	return NULL;
}
EXPORT_SYMBOL_GPL(MmAllocateNonCachedMemory);

/**
 * MmFreeNonCachedMemory() - free MmAllocateNonCachedMemory memory
 * @BaseAddress: the address returned by the allocator
 * @NumberOfBytes: the size given to the allocator
 *
 * Context: may sleep.
 */
void MmFreeNonCachedMemory(PVOID BaseAddress, SIZE_T NumberOfBytes)
{
	struct mdl_contig *c = BaseAddress ? mdl_contig_take(BaseAddress, true) : NULL;

	if (!c) {
		mdl_refuse("%p was not allocated by MmAllocateNonCachedMemory",
			   BaseAddress);
		return;
	}
	mdl_contig_release(&c->node);
}
EXPORT_SYMBOL_GPL(MmFreeNonCachedMemory);

/* Free a contiguous or non-cached allocation (taken off the registry). */
void mdl_contig_release(struct list_head *node)
{
	struct mdl_contig *c = list_entry(node, struct mdl_contig, node);
	u32 i;

	if (c->pages) {
		vunmap(c->va);
		mdl_pages_set_wb(c->pages, c->npages);
		for (i = 0; i < c->npages; i++)
			__free_page(c->pages[i]);
		kvfree(c->pages);
	} else {
		mdl_block_cache(c->first, c->npages, c->cache, true);
		mdl_free_block(c->first, c->npages);
	}
	kfree(c);
}
